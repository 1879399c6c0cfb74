/* `nestbox run -d` (include/run_log.h): a run whose host side is a monitor process, as conmon
 * and containerd-shim are for podman and docker.
 *
 *   nestbox run -d                  the monitor (forked): a session of its own, stdin /dev/null
 *   waits for one byte        ...   run_create with fds 1 and 2 the write end of a pipe, which
 *                                   the container inherits; the root built; the log opened;
 *                                   run_start
 *   prints the name, exit 0   <--   'R' (a failure is said on the caller's stderr instead, the
 *                                   container side's words copied from the pipe; its status)
 *                                   the pipe into the log up to its end (no process of the
 *                                   container left), PID 1 waited for, run_destroy keeping the
 *                                   state, ROOT/NAME/exit written; exit
 *
 * Only a parent learns a process's exit status (wait(2)), so the monitor is the container's
 * parent. It is also its host side as a foreground run's is: it holds the name lock until it
 * is done (`rm` and `logs -f` wait for that), the container's PID 1 dies with it
 * (PR_SET_PDEATHSIG) and the guard then removes the group and the state (guard.h). A process
 * that outlives PID 1 holding the pipe (only possible without a pid namespace of its own)
 * delays the exit status until it is gone too. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container_side.h"
#include "run.h"
#include "run_log.h"

struct run_log {
	int fd;
	long bytes;
	char path[PATH_MAX + 8], older[PATH_MAX + 10]; /* "" when fd is not a log (no bound) */
};

static int open_log(struct run_log *l)
{
	l->bytes = 0;
	l->fd =
	    open(l->path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	return l->fd;
}

/* n bytes onto the log; ones that would pass RUN_LOG_MAX go to a fresh one, the full one
 * becoming log.1 (the one before is dropped). */
static void put(struct run_log *l, const char *buf, size_t n)
{
	if (l->path[0] && l->bytes + (long)n > RUN_LOG_MAX) {
		rename(l->path, l->older);
		close(l->fd);
		open_log(l);
	}
	if (write(l->fd, buf, n) > 0)
		l->bytes += (long)n;
}

/* from onto l until its end: a pipe's once no writer is left, a file's. */
static void pump(int from, struct run_log *l)
{
	static char buf[1 << 14];
	ssize_t n;

	while ((n = read(from, buf, sizeof(buf))) > 0)
		put(l, buf, (size_t)n);
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
		state_remove_entry(&r->state);
}

/* The root built (a foreground run's host side does not wait for that, this one must), the log
 * open, the workload started: 0, -errno with err, or the status of a container side that
 * failed (it said why into the pipe). */
static int start(struct nb_run *r, struct run_log *l, struct nb_error *err)
{
	char byte = 0;

	if (read(r->sync_fd, &byte, 1) != 1 || byte != SYNC_READY)
		return NB_EXIT_SETUP;
	snprintf(l->path, sizeof(l->path), "%s/" RUN_LOG_FILE, r->state.dir);
	snprintf(l->older, sizeof(l->older), "%s.1", l->path);
	unlink(l->older); /* a name taken over from a run -d that ended: its older log goes */
	return open_log(l) < 0 ? nb_fail_errno(err, "log", l->path) : run_start(r, err);
}

/* The monitor, in the child: its status when setup failed (said on the caller's stderr), else 0
 * once the container has ended. All signals stay blocked (run_create): a TERM for the container
 * goes to its PID 1 (nestbox stop), not here. */
static int monitor(const struct nb_container *c, const char *root, const int report[2],
		   const int out[2])
{
	static struct run_log l;
	struct nb_error err = { 0 };
	struct nb_run r;
	int caller_err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), ws = 0;
	/* docker's --cidfile, as container_run has it */
	int cid = c->cidfile ? open(c->cidfile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -2;
	int rc = cid == -1 ? nb_fail_errno(&err, "--cidfile", c->cidfile) : 0;
	bool made = false;

	/* Out of the caller's session: its terminal's ^C and hangup are not the monitor's. */
	setsid();
	dup2(null, STDIN_FILENO);
	dup2(out[1], STDOUT_FILENO);
	dup2(out[1], STDERR_FILENO);
	close(out[1]);
	close(report[0]);
	if (!rc) {
		rc = run_create(&r, c, root, false, &err);
		made = rc >= 0;
	}
	if (!rc)
		rc = start(&r, &l, &err);
	if (rc) {
		int status = made ? run_destroy(&r, rc > 0 ? rc : NB_EXIT_SETUP) : NB_EXIT_SETUP;

		/* The pipe's writers all gone: what the container side said is in it. */
		dup2(caller_err, STDOUT_FILENO);
		dup2(caller_err, STDERR_FILENO);
		run_log_copy(out[0], STDERR_FILENO);
		if (rc < 0)
			nb_error_print(&err);
		if (cid >= 0)
			unlink(c->cidfile);
		return status;
	}
	if (cid >= 0)
		dprintf(cid, "%s", c->name);
	(void)!write(report[1], "R", 1); /* a caller gone by now: ps still lists the container */
	/* Nothing of the caller's is held any longer: its pipes reach their end. */
	dup2(null, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	close(caller_err);
	/* nor its directory: a mount the caller ran in stays free to unmount (paths are absolute) */
	(void)!chdir("/");
	/* The pipe ends once every process of the container is gone (PID 1, the reaper, holds it
	 * to the last), then PID 1 is waited for. */
	pump(out[0], &l);
	waitpid(r.pid, &ws, 0);
	r.pid = 0;
	finish(&r, &l, WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws));
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
	if (pipe2(report, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || (pid = fork()) < 0)
		return nb_fail_errno(err, "run -d", NULL);
	if (pid == 0)
		_exit(monitor(c, state_root, report, out));
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
	static struct run_log l; /* no path: no bound */

	l.fd = to;
	pump(from, &l);
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
