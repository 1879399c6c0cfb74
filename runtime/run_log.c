/* `nestbox run -d` (include/run_log.h): a run whose host side is a monitor process, as conmon
 * and containerd-shim are for podman and docker.
 *
 *   nestbox run -d                  the monitor (forked): a session of its own, stdin /dev/null
 *   waits for one byte        ...   run_create with fds 1 and 2 the write end of a pipe, which
 *                                   the container inherits; run_start; ROOT/NAME/log opened
 *   prints the name, exit 0   <--   'R' (a failure is said on the caller's stderr instead, the
 *                                   container side's words copied from the pipe; its status)
 *                                   the pipe into the log until PID 1 exits (SIGCHLD through a
 *                                   signalfd; other signals go on to PID 1); the rest drained,
 *                                   the group removed, ROOT/NAME/exit written; exit
 *
 * Only a parent learns a process's exit status (wait(2)), so the monitor is the container's
 * parent. It is also its host side as a foreground run's is: it holds the name lock until it
 * is done (`rm` and `logs -f` wait for that), the container's PID 1 dies with it
 * (PR_SET_PDEATHSIG) and the guard then removes the group and the state (guard.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container_side.h"
#include "init.h"
#include "run.h"
#include "run_log.h"

struct run_log {
	const struct nb_state *s; /* NULL: fd is the caller's stderr, no bound */
	int fd;
	long bytes;
};

static int open_log(struct run_log *l)
{
	l->bytes = 0;
	l->fd = state_open_file(l->s, RUN_LOG_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND);
	return l->fd;
}

/* n bytes onto the log; one that would pass RUN_LOG_MAX goes to a fresh one, the full one
 * becoming log.1 (the one before is dropped). */
static void put(struct run_log *l, const char *buf, size_t n)
{
	char from[PATH_MAX], to[PATH_MAX + 2];

	if (l->s && l->bytes + (long)n > RUN_LOG_MAX) {
		snprintf(from, sizeof(from), "%s/" RUN_LOG_FILE, l->s->dir);
		snprintf(to, sizeof(to), "%s.1", from);
		rename(from, to);
		close(l->fd);
		open_log(l);
	}
	if (write(l->fd, buf, n) > 0)
		l->bytes += (long)n;
}

/* What the (non-blocking) pipe holds now onto l: 0 at its end (no writer left), else 1. A
 * file's bytes from where it is to its end (run_log_copy). */
static int pump(int out, struct run_log *l)
{
	static char buf[1 << 14]; /* at most the pipe's 64 KiB at once */
	ssize_t n;

	while ((n = read(out, buf, sizeof(buf))) > 0)
		put(l, buf, (size_t)n);
	return n != 0;
}

/* Until the container's PID 1 exits: its output into the log; its exit status. */
static int follow(struct nb_run *r, int out, int sfd, struct run_log *l)
{
	struct pollfd p[2] = { { sfd, POLLIN, 0 }, { out, POLLIN, 0 } };
	struct signalfd_siginfo si;
	int ws = 0;

	for (;;) {
		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents && !pump(out, l))
			p[1].fd = -1; /* poll(2) skips a negative fd */
		if (!p[0].revents || read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo != SIGCHLD)
			kill(r->pid, (int)si.ssi_signo); /* as a foreground run forwards them */
		else if (waitpid(r->pid, &ws, WNOHANG) == r->pid)
			break;
	}
	pump(out, l); /* the last words, still in the pipe */
	r->pid = 0;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

/* Undone as a foreground run is, but the state stays for logs and ps until rm (or --rm). */
static void finish(struct nb_run *r, struct run_log *l, int status)
{
	int fd;

	dup2(l->fd, STDERR_FILENO); /* cgroup_finish's "out of memory" line goes in the log */
	r->keep_state = true;
	status = run_destroy(r, status);
	fd = state_open_file(&r->state, RUN_LOG_EXIT, O_WRONLY | O_CREAT | O_TRUNC);
	if (fd >= 0)
		dprintf(fd, "%d\n", status);
	if (r->c->auto_remove)
		state_remove(&r->state);
}

/* Created and started, the log open and the signals on sfd: 0, -errno with err, or the exit
 * status of a container side that failed. */
static int start(struct nb_run *r, struct run_log *l, int *sfd, struct nb_error *err)
{
	sigset_t all;
	char path[PATH_MAX + 8], byte = 0;

	/* The root built (a foreground run's host side does not wait for it, this one must), or
	 * the container side died after saying why into the pipe. */
	while (read(r->sync_fd, &byte, 1) < 0 && errno == EINTR)
		;
	if (byte != SYNC_READY)
		return NB_EXIT_SETUP;
	l->s = &r->state;
	if (open_log(l) < 0)
		return nb_fail_errno(err, "log", r->state.dir);
	/* a name taken over from a run -d that ended: its older log goes (its exit file is
	 * written again at the end) */
	snprintf(path, sizeof(path), "%s/" RUN_LOG_FILE ".1", r->state.dir);
	unlink(path);
	init_signal_set(&all);
	*sfd = signalfd(-1, &all, SFD_CLOEXEC);
	if (*sfd < 0)
		return nb_fail_errno(err, "signalfd", NULL);
	return run_start(r, err);
}

/* In the monitor: its status when setup failed (said on the caller's stderr), else 0 once the
 * container has ended. report: the byte's pipe; caller_err: the caller's stderr. */
static int monitor(const struct nb_container *c, const char *root, int report, int out,
		   int caller_err, int null)
{
	struct nb_error err = { 0 };
	struct run_log l = { NULL, -1, 0 };
	struct nb_run r;
	int sfd = -1;
	/* docker's --cidfile, as container_run has it */
	int cid = c->cidfile ? open(c->cidfile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -2;
	int rc = cid == -1 ? nb_fail_errno(&err, "--cidfile", c->cidfile)
			   : run_create(&r, c, root, false, &err);
	bool made = cid != -1 && rc >= 0;

	if (!rc)
		rc = start(&r, &l, &sfd, &err);
	if (rc) {
		int status = made ? run_destroy(&r, rc > 0 ? rc : NB_EXIT_SETUP) : NB_EXIT_SETUP;

		dup2(caller_err, STDERR_FILENO);
		run_log_copy(out, STDERR_FILENO);
		if (rc < 0)
			nb_error_print(&err);
		if (cid >= 0)
			unlink(c->cidfile);
		return rc > 0 ? status : NB_EXIT_SETUP;
	}
	if (cid >= 0)
		dprintf(cid, "%s", c->name);
	if (write(report, "R", 1) != 1)
		kill(r.pid, SIGKILL); /* the caller is gone: nobody knows the name */
	/* Nothing of the caller's is held any longer: its pipes reach their end. */
	dup2(null, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	close(caller_err);
	close(report);
	finish(&r, &l, follow(&r, out, sfd, &l));
	return 0;
}

int run_detached(const struct nb_container *c, const char *state_root, struct nb_error *err)
{
	int report[2], out[2], ws = 0;
	char byte;
	pid_t pid;

	if (c->tty) /* docker's -dt is for a later attach, which nestbox has not */
		return nb_fail(err, EINVAL, "run -d", "-t",
			       "a detached run has no terminal to relay to (drop -t)");
	if (pipe2(report, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return nb_fail_errno(err, "run -d", "pipe");
	pid = fork();
	if (pid < 0)
		return nb_fail_errno(err, "run -d", "fork");
	if (pid == 0) {
		int caller_err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		/* Out of the caller's session: its terminal's ^C and hangup are not the monitor's. */
		setsid();
		dup2(null, STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		dup2(out[1], STDERR_FILENO);
		close(out[1]);
		close(report[0]);
		fcntl(out[0], F_SETFL, O_NONBLOCK);
		_exit(monitor(c, state_root, report[1], out[0], caller_err, null));
	}
	close(report[1]);
	close(out[0]);
	close(out[1]);
	if (read(report[0], &byte, 1) == 1) {
		printf("%s\n", c->name);
		return 0;
	}
	waitpid(pid, &ws, 0);
	return WIFEXITED(ws) && WEXITSTATUS(ws) ? WEXITSTATUS(ws) : NB_EXIT_SETUP;
}

void run_log_copy(int from, int to)
{
	pump(from, &(struct run_log){ NULL, to, 0 });
}

int run_log_exit_code(const struct nb_state *s)
{
	char buf[16] = "";
	int fd = state_open_file(s, RUN_LOG_EXIT, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	return n > 0 ? atoi(buf) : -1;
}
