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

/* runtime.md "State": what the container is at each kind's point. */
static const char *const kind_status[NB_HOOK_KINDS] = {
	"creating", "creating", "creating", "created", "running", "stopped",
};

/* s as a JSON string (RFC 8259 section 7: quote, backslash and controls escaped). */
static size_t put_string(char *buf, size_t size, size_t at, const char *s)
{
	at += (size_t)snprintf(buf + at, at < size ? size - at : 0, "\"");
	for (; *s; s++)
		at += (size_t)snprintf(buf + at, at < size ? size - at : 0,
				       *s == '"' || *s == '\\'	  ? "\\%c"
				       : (unsigned char)*s < 0x20 ? "\\u%04x"
								  : "%c",
				       *s);
	return at + (size_t)snprintf(buf + at, at < size ? size - at : 0, "\"");
}

void hooks_state_json(char *buf, size_t size, const char *id, const char *status, pid_t pid,
		      const char *bundle)
{
	size_t at = (size_t)snprintf(buf, size, "{\"ociVersion\":\"" NB_OCI_VERSION "\",\"id\":");

	at = put_string(buf, size, at, id);
	at += (size_t)snprintf(buf + at, at < size ? size - at : 0,
			       ",\"status\":\"%s\",\"pid\":%d,\"bundle\":", status, (int)pid);
	at = put_string(buf, size, at, bundle);
	snprintf(buf + at, at < size ? size - at : 0, ",\"annotations\":{}}");
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
	if (dup2(in, STDIN_FILENO) < 0 || (in == STDIN_FILENO && fcntl(in, F_SETFD, 0)))
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
	char what[40], why[48];
	size_t len = strlen(state);
	int fds[2], wstatus = 0, rc;
	pid_t pid;

	snprintf(what, sizeof(what), "%s hook", hooks_kind_names[kind]);
	/* The whole state is in the pipe before the fork: no write to a hook that is gone. */
	if (pipe2(fds, O_CLOEXEC))
		return nb_fail_errno(err, what, h->path);
	rc = write(fds[1], state, len) == (ssize_t)len ? 0 : nb_fail_errno(err, what, h->path);
	close(fds[1]);
	pid = rc ? -1 : fork();
	if (pid == 0)
		exec_hook(h, kind, fds[0], c->hooks.bundle);
	close(fds[0]);
	if (rc || pid < 0)
		return rc ? rc : nb_fail_errno(err, what, h->path);
	if (wait_hook(pid, h->timeout, &wstatus)) {
		snprintf(why, sizeof(why), "killed after its timeout of %d s", h->timeout);
		return nb_fail(err, ETIMEDOUT, what, h->path, why);
	}
	if (WIFEXITED(wstatus) && !WEXITSTATUS(wstatus))
		return 0;
	snprintf(why, sizeof(why), WIFEXITED(wstatus) ? "exited with %d" : "killed by signal %d",
		 WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : WTERMSIG(wstatus));
	return nb_fail(err, ECANCELED, what, h->path, why);
}

int hooks_run(const struct nb_container *c, enum nb_hook_kind kind, pid_t pid, struct nb_error *err)
{
	/* config.md: poststart and poststop failures are warnings, the rest goes on */
	bool warn = kind >= NB_HOOK_POSTSTART;
	char state[STATE_JSON_MAX];
	struct nb_error own;

	if (!err)
		err = &own;
	if (!c->hooks.n[kind])
		return 0;
	hooks_state_json(state, sizeof(state), c->name, kind_status[kind], pid, c->hooks.bundle);
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

int hooks_load(const struct nb_state *s, const char *id, const char *bundle, struct nb_container *c,
	       struct nb_error *err)
{
	char path[PATH_MAX];
	char *text;
	size_t len;
	int rc;

	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "%s/" HOOKS_COPY, s->dir);
	if (access(path, F_OK)) /* no copy: no hooks to run later */
		return 0;
	rc = oci_config_read(s->dir, &text, &len, err);
	if (!rc)
		rc = oci_config_parse(text, len, bundle, id, c, err);
	if (rc) /* none of a half-read file */
		memset(c, 0, sizeof(*c));
	return rc; /* text stays: c points into it */
}
