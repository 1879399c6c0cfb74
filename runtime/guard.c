/* The cleanup guard (guard.h).
 *
 * Two channels from nestbox to the guard: the lifeline, which the guard blocks on (a 'D' byte:
 * nestbox finished and cleaned up; EOF: it died), and the state channel, which the guard reads
 * only after a death. They are socket pairs, not pipes, so that nestbox writes with
 * MSG_NOSIGNAL: a guard that died first (the OOM killer's pick in a tight memory cgroup) made a
 * write to its pipe raise SIGPIPE, pending in nestbox's blocked mask, which killed nestbox
 * (141, without its error message) as soon as the mask was restored. Until then the records stay in the socket, not in the guard's memory: the guard
 * shares nestbox's memory cgroup, and a guard with buffers of its own was the memory cgroup
 * OOM killer's first choice (tests/test_limits.c out_of_memory), dying with the group it was to
 * remove. By the time it reads, nestbox and the container are gone and their memory with them.
 *
 * The state channel carries text lines: "watch DIR" before each directory cgroup.c makes, then,
 * once the group is complete, the group's saved state (cgroup_state_save) ending in "end". A
 * complete state decides (cgroup_remove: this run's own directories only); without one the
 * guard removes the watched directories, one rmdir each, deepest first, killing nothing. The
 * writer never blocks (O_NONBLOCK): a record the socket cannot take is dropped and counted, and a
 * cut record does not parse, so the guard falls back to the watched lines. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guard.h"
#include "write_all.h"

#define GUARD_DONE  'D'	       /* lifeline: nestbox removed everything itself */
#define WATCH	    "watch "   /* state channel: a directory about to be made */
#define STATE_MAGIC "nestbox-" /* state channel: the first line of a saved state */
#define READ_MAX    (1 << 18)  /* more than the socket holds */

/* Everything nestbox sent on the state channel before it died, NUL-terminated; NULL if none. */
static char *read_channel(int fd)
{
	char *buf = malloc(READ_MAX + 1);
	size_t got = 0;

	if (!buf)
		return NULL;
	while (got < READ_MAX) {
		ssize_t n = read(fd, buf + got, READ_MAX - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return buf;
}

/* Directories announced before their mkdir and never armed: nothing was cloned into them.
 * Deepest (latest) first, one rmdir each and no killing: a directory that is not empty is in
 * use by another run, and an announced one was absent when announced, so it is not a user's. */
static void unmake_watched(char **watched, int n)
{
	while (n-- > 0)
		rmdir(watched[n]);
}

/* nestbox died: read what it made and remove it. */
static void clean_up(int fd)
{
	char *text = read_channel(fd), **watched;
	struct nb_cgroup *cg = malloc(sizeof(*cg));
	int n_watched = 0;
	bool armed = false;

	watched = text ? malloc(sizeof(*watched) * (strlen(text) / strlen(WATCH) + 1)) : NULL;
	if (!text || !cg || !watched)
		goto out;
	for (char *p = text, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
		struct nb_error err;
		size_t used;

		if (!strncmp(p, WATCH, strlen(WATCH))) {
			*nl = '\0';
			watched[n_watched++] = p + strlen(WATCH);
		} else if (!strncmp(p, STATE_MAGIC, strlen(STATE_MAGIC)) &&
			   !cgroup_state_parse(cg, p, &used, &err)) {
			armed = true;
			nl = p + used - 1;
		}
	}
	if (armed)
		cgroup_remove(cg);
	else
		unmake_watched(watched, n_watched);
out:
	free(watched);
	free(cg);
	free(text);
}

/* Close every fd but the (up to three, ascending) ones kept. */
static void close_all_but(const int *keep, int n)
{
	unsigned from = 3;

	for (int i = 0; i < n; i++) {
		if (keep[i] < (int)from)
			continue;
		if ((unsigned)keep[i] > from) /* a range with first > last: EINVAL */
			syscall(SYS_close_range, from, (unsigned)keep[i] - 1, 0U);
		from = (unsigned)keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0U);
}

static void sort3(int *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			int t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static void __attribute__((noreturn))
guard_main(int life, int state, int keep_fd, guard_death_fn *after_death, void *arg)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int keep[3] = { life, state, keep_fd };
	char what = 0;

	/* Nobody waits on the caller's pipes for the guard, and it needs no other fd. */
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	sort3(keep, 3);
	close_all_but(keep, 3);
	prctl(PR_SET_NAME, "nestbox-guard");
	/* EOF on the lifeline: nestbox and the container's PID 1 are gone (the fd is not closed in
	 * the clone: PID 1 holds it too, so the group is empty or emptying when this runs). */
	while (read(life, &what, 1) < 0 && errno == EINTR)
		;
	if (what != GUARD_DONE) {
		clean_up(state);
		if (after_death) /* still holding keep_fd: the name is ours to clear */
			after_death(arg);
	}
	_exit(0); /* keep_fd (the name lock) is released only now */
}

/* cgroup.c's watch hook: a record per directory before its mkdir. */
static void guard_watch(void *arg, const char *dir)
{
	struct nb_guard *g = arg;
	char line[PATH_MAX + 16];
	int len = snprintf(line, sizeof(line), WATCH "%s\n", dir);

	if (g->state_fd < 0 || strchr(dir, '\n') || len >= (int)sizeof(line) ||
	    nb_write_all(g->state_fd, line, (size_t)len))
		g->overflowed++;
}

int guard_start(struct nb_guard *g, struct nb_cgroup *cg, int keep_fd, guard_death_fn *after_death,
		void *arg)
{
	int life[2], state[2], rc;
	pid_t pid;

	g->pid = -1;
	g->life_fd = g->state_fd = -1;
	g->overflowed = 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, life))
		return -errno;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, state)) {
		rc = -errno;
		close(life[0]);
		close(life[1]);
		return rc;
	}
	pid = fork();
	if (pid == 0) {
		close(life[1]);
		close(state[1]);
		guard_main(life[0], state[0], keep_fd, after_death, arg);
	}
	rc = -errno;
	close(life[0]);
	close(state[0]);
	if (pid < 0) {
		close(life[1]);
		close(state[1]);
		return rc;
	}
	/* The guard reads only after a death: a write the socket cannot take must not block. */
	fcntl(state[1], F_SETFL, O_NONBLOCK);
	g->pid = pid;
	g->life_fd = life[1];
	g->state_fd = state[1];
	cg->watch = guard_watch;
	cg->watch_arg = g;
	return 0;
}

void guard_arm(struct nb_guard *g, const struct nb_cgroup *cg)
{
	/* Always, a group or none: armed with nothing, the guard leaves the watched alone. */
	if (g->state_fd >= 0 && cgroup_state_save(cg, g->state_fd))
		g->overflowed++;
}

void guard_end(struct nb_guard *g)
{
	const char what = GUARD_DONE;

	if (g->life_fd >= 0) {
		nb_write_all(g->life_fd, &what, 1);
		close(g->life_fd);
		close(g->state_fd);
		g->life_fd = g->state_fd = -1;
	}
	/* The guard exits on the byte at once: reap it, so that nothing of the run outlives it. */
	while (g->pid > 0 && waitpid(g->pid, NULL, 0) < 0 && errno == EINTR)
		;
	g->pid = -1;
}
