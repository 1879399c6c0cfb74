/* OCI hooks (include/oci_hooks.h): the state JSON, one hook run with a timeout, the kinds'
 * failure rules, and the copy of config.json that start and delete read them back from. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "oci_config.h"
#include "oci_hooks.h"
#include "scratch_root.h"
#include "state.h"

#define STATE_JSON_MAX 8192	       /* a PATH_MAX bundle, escaped: fits a pipe's one page */
#define HOOKS_COPY     OCI_CONFIG_NAME /* in the state directory */

const char *const hooks_kind_names[NB_HOOK_KINDS] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

/* runtime.md "State": what the container is at each kind's point. The create-time hooks run
 * after the environment is made ("created: after step 2 in the lifecycle"): created, as crun
 * says and runtime-tools' prestart and hooks_stdin tests want (runc says creating). */
static const unsigned char kind_status[NB_HOOK_KINDS] = {
	NB_STATUS_CREATED, NB_STATUS_CREATED, NB_STATUS_CREATED,
	NB_STATUS_CREATED, NB_STATUS_RUNNING, NB_STATUS_STOPPED,
};

char *hooks_json_string(char *p, const char *end, const char *s)
{
	*p++ = '"';
	for (; *s && p + 8 < end; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20)
			p += snprintf(p, 7, "\\u%04x", ch);
		else if (ch == '"' || ch == '\\')
			*p++ = '\\';
		if (ch >= 0x20)
			*p++ = (char)ch;
	}
	*p++ = '"';
	*p = '\0';
	return p;
}

void hooks_state_json(char *buf, size_t size, const char *id, const char *status, pid_t pid,
		      const char *bundle, const char *annotations)
{
	const char *end = buf + size - 32; /* room for the fixed parts after each string */
	char *p = buf + snprintf(buf, 32, "{\"ociVersion\":\"" NB_OCI_VERSION "\",\"id\":");

	p = hooks_json_string(p, end, id);
	p += snprintf(p, 64, ",\"status\":\"%s\",\"pid\":%d,\"bundle\":", status, (int)pid);
	p = hooks_json_string(p, end, bundle);
	snprintf(p, (size_t)(end + 32 - p), ",\"annotations\":%s}",
		 annotations ? annotations : "{}");
}

/* The hook's process: stdin the state, a group of its own (a timeout kills all of it), the
 * caller's blocked signals unblocked (execve(2) keeps the mask). */
static void exec_hook(const struct nb_hook *h, enum nb_hook_kind kind, int in, const char *bundle)
{
	char *const none[] = { NULL }, *const argv0[] = { (char *)h->path, NULL };
	sigset_t all;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	setpgid(0, 0);
	if (in != STDIN_FILENO && (dup2(in, STDIN_FILENO) < 0 || close(in)))
		_exit(127);
	/* createContainer: the container's namespaces, the host's files (its path resolves in
	 * the runtime namespace, config.md); the root being built is at NEWROOT. */
	if (kind == NB_HOOK_CREATE_CONTAINER && chroot(OLDROOT))
		_exit(127);
	if (kind != NB_HOOK_START_CONTAINER && chdir(bundle))
		_exit(127);
	execve(h->path, h->args ? h->args : argv0, h->env ? h->env : none);
	_exit(127);
}

/* Wait for pid for at most timeout seconds (0: no limit), with a pidfd: no signal taken from
 * the caller's loop (a SIGCHLD that host_side waits for). Before Linux 5.3 (no pidfd_open) the
 * wait has no limit. */
static int wait_hook(pid_t pid, int timeout, int *wstatus)
{
	struct pollfd p = { (int)syscall(SYS_pidfd_open, pid, 0), POLLIN, 0 };
	int ready = 1;

	while (p.fd >= 0 && (ready = poll(&p, 1, timeout ? timeout * 1000 : -1)) < 0 &&
	       errno == EINTR)
		;
	if (p.fd >= 0)
		close(p.fd);
	if (!ready) { /* its group: a shell's children go with it */
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, wstatus, 0) < 0 && errno == EINTR)
		;
	return ready ? 0 : -ETIMEDOUT;
}

static int run_one(const struct nb_container *c, enum nb_hook_kind kind, const struct nb_hook *h,
		   const char *state, struct nb_error *err)
{
	char what[40], why[40];
	ssize_t len = (ssize_t)strlen(state);
	int fds[2], wstatus = 0, late;
	pid_t pid = -1;

	snprintf(what, sizeof(what), "%s hook", hooks_kind_names[kind]);
	/* The whole state is in the pipe before the fork: no write to a hook that is gone; one
	 * that does not fit (a pipe cut to one page, pipe(7)) fails rather than blocks. Not
	 * close-on-exec: the read end may be fd 0 already (nestbox's stdin closed). */
	if (!pipe2(fds, O_NONBLOCK)) {
		if (write(fds[1], state, (size_t)len) == len)
			pid = fork();
		close(fds[1]);
		if (pid == 0)
			exec_hook(h, kind, fds[0], c->hooks.bundle);
		close(fds[0]);
	}
	if (pid < 0)
		return nb_fail_errno(err, what, h->path);
	late = wait_hook(pid, h->timeout, &wstatus);
	if (!late && !wstatus)
		return 0;
	/* as `nestbox run` says a status: the code, or 128+N for signal N */
	snprintf(why, sizeof(why), late ? "timed out after %d s" : "exit status %d",
		 late		      ? h->timeout
		 : WIFEXITED(wstatus) ? WEXITSTATUS(wstatus)
				      : 128 + WTERMSIG(wstatus));
	return nb_fail(err, ECANCELED, what, h->path, why);
}

int hooks_run(const struct nb_container *c, enum nb_hook_kind kind, pid_t pid, struct nb_error *err)
{
	/* config.md: poststart and poststop failures are warnings, the rest goes on */
	bool warn = kind >= NB_HOOK_POSTSTART;
	static char state[STATE_JSON_MAX];
	struct nb_error own;

	if (!err)
		err = &own;
	if (!c->hooks.n[kind])
		return 0;
	hooks_state_json(state, sizeof(state), c->name, state_status_name(kind_status[kind]), pid,
			 c->hooks.bundle, c->hooks.annotations);
	for (int i = 0; i < c->hooks.n[kind]; i++) {
		int rc = run_one(c, kind, &c->hooks.list[kind][i], state, err);

		if (rc && !warn)
			return rc;
		if (rc)
			dprintf(STDERR_FILENO, "nestbox: warning: %s\n", err->msg);
	}
	return 0;
}

int hooks_save(const struct nb_container *c, const struct nb_state *s, struct nb_error *err)
{
	char *text;
	size_t len;
	int fd, rc;

	if (!c->hooks.n[NB_HOOK_POSTSTART] && !c->hooks.n[NB_HOOK_POSTSTOP])
		return 0;
	rc = oci_config_read(c->hooks.bundle, &text, &len, err);
	if (rc)
		return rc;
	fd = state_open_file(s, HOOKS_COPY, O_WRONLY | O_CREAT | O_TRUNC);
	rc = fd >= 0 && write(fd, text, len) == (ssize_t)len ? 0
							     : nb_fail_errno(err, "state", s->dir);
	if (fd >= 0)
		close(fd);
	free(text);
	return rc;
}

void hooks_load(const struct nb_state *s, const char *id, const char *bundle,
		struct nb_container *c)
{
	struct nb_error err;
	char *text;
	size_t len;
	int rc = oci_config_read(s->dir, &text, &len, &err);

	if (!rc)
		rc = oci_config_parse(text, len, bundle, id, c, &err); /* c points into text */
	if (rc && rc != -ENOENT) /* no copy: no hooks to run later */
		dprintf(STDERR_FILENO, "nestbox: warning: %s\n", err.msg);
	if (rc) /* none of a half-read file */
		memset(c, 0, sizeof(*c));
}
