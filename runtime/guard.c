/* The cleanup guard (guard.h).
 *
 * Two pipes from nestbox to the guard: the lifeline, which the guard blocks on (a 'D' byte:
 * nestbox finished and cleaned up; EOF: it died), and the state pipe, which the guard reads only
 * after a death. Until then the records stay in the pipe, not in the guard's memory: the guard
 * shares nestbox's memory cgroup, and a guard with buffers of its own was the memory cgroup
 * OOM killer's first choice (tests/test_limits.c out_of_memory), dying with the group it was to
 * remove. By the time it reads, nestbox and the container are gone and their memory with them. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup_impl.h"
#include "guard.h"

#define GUARD_DONE 'D' /* lifeline: nestbox removed everything itself */

/* State records: 'W' a directory about to be made; 'R' a directory of the group, then 'A' (arm)
 * once every 'R' is sent. Incomplete records and uncommitted 'R's do not count. */
struct guard_rec {
	char kind;
	uint8_t version, shared_parent;
	uint16_t path_len, base_len, made_from;
};

static int life_fd = -1, state_fd = -1; /* nestbox's write ends */

static int read_all(int fd, void *buf, size_t len)
{
	for (size_t got = 0; got < len;) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	for (size_t put = 0; put < len;) {
		ssize_t n = write(fd, (const char *)buf + put, len - put);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		put += (size_t)n;
	}
	return 0;
}

/* A directory announced before its mkdir and never armed: nothing was cloned into it. One rmdir
 * each and no killing: a directory that is not empty is another container's of the same name. */
static void unmake_watched(struct cg_dir *d)
{
	char *p = d->path;

	if (rmdir(p))
		return;
	for (char *s; d->shared_parent && (s = strrchr(p, '/')) && (size_t)(s - p) > d->base_len;) {
		*s = '\0';
		if (rmdir(p))
			return;
	}
}

static int read_rec(int fd, struct guard_rec *r, struct cg_dir *d)
{
	if (read_all(fd, r, sizeof(*r)))
		return -1;
	if (r->kind == 'A')
		return 0;
	if (r->path_len >= sizeof(d->path) || read_all(fd, d->path, r->path_len))
		return -1;
	d->path[r->path_len] = '\0';
	d->base_len = r->base_len;
	d->made_from = r->made_from;
	d->shared_parent = r->shared_parent;
	return 0;
}

/* nestbox died: read what it made and remove it. cg is this process's copy (forked before
 * cgroup_setup): free to overwrite. */
static void clean_up(int fd)
{
	static struct cg_dir watched[CG_MAX_DIRS], d;
	struct guard_rec r;
	int n_watched = 0, n_pending = 0;

	memset(&cg, 0, sizeof(cg));
	cg.clone_fd = -1;
	while (!read_rec(fd, &r, &d)) {
		if (r.kind == 'W' && n_watched < CG_MAX_DIRS)
			watched[n_watched++] = d;
		else if (r.kind == 'R' && n_pending < CG_MAX_DIRS)
			cg.dirs[n_pending++] = d;
		else if (r.kind == 'A') {
			cg.version = r.version;
			cg.n_dirs = n_pending;
		}
	}
	if (cg.version) {
		cgroup_remove();
		return;
	}
	for (int i = 0; i < n_watched; i++)
		unmake_watched(&watched[i]);
}

/* Close every fd but the three given (sorted here; -1 for none). */
static void close_all_but(int a, int b, int c)
{
	int keep[3] = { a, b, c }, lo = 3;

	for (int i = 0; i < 3; i++)
		for (int j = i + 1; j < 3; j++)
			if (keep[j] < keep[i]) {
				int t = keep[i];

				keep[i] = keep[j];
				keep[j] = t;
			}
	for (int i = 0; i < 3; i++) {
		if (keep[i] < lo)
			continue;
		if (keep[i] > lo) /* a range with first > last: EINVAL */
			syscall(SYS_close_range, (unsigned)lo, (unsigned)keep[i] - 1, 0U);
		lo = keep[i] + 1;
	}
	syscall(SYS_close_range, (unsigned)lo, ~0U, 0U);
}

/* keep: the run's name lock (state.h), held until the group is gone, so that the next run of
 * the same name cannot make its group where this one is still removing ours. */
static void __attribute__((noreturn)) guard_main(int life, int state, int keep)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	char what = 0;

	/* Nobody waits on the caller's pipes for the guard, and it needs no other fd. */
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	close_all_but(life, state, keep);
	prctl(PR_SET_NAME, "nestbox-guard");
	/* EOF on the lifeline: nestbox and the container's PID 1 are gone (the fd is not closed in
	 * the clone: PID 1 holds it too, so the group is empty or emptying when this runs). */
	while (read(life, &what, 1) < 0 && errno == EINTR)
		;
	if (what != GUARD_DONE)
		clean_up(state);
	_exit(0);
}

int guard_start(int keep_fd)
{
	int life[2], state[2];
	pid_t pid;

	if (pipe2(life, O_CLOEXEC))
		return -errno;
	if (pipe2(state, O_CLOEXEC)) {
		int rc = -errno;

		close(life[0]);
		close(life[1]);
		return rc;
	}
	pid = fork();
	if (pid == 0) {
		close(life[1]);
		close(state[1]);
		guard_main(life[0], state[0], keep_fd);
	}
	close(life[0]);
	close(state[0]);
	if (pid < 0) {
		int rc = -errno;

		close(life[1]);
		close(state[1]);
		return rc;
	}
	life_fd = life[1];
	state_fd = state[1];
	return 0;
}

static void send_rec(char kind, const struct cg_dir *d, int version)
{
	struct guard_rec r = { kind, (uint8_t)version, 0, 0, 0, 0 };
	size_t len = d ? strlen(d->path) : 0;

	if (state_fd < 0)
		return;
	if (d) {
		r.shared_parent = d->shared_parent;
		r.path_len = (uint16_t)len;
		r.base_len = (uint16_t)d->base_len;
		r.made_from = (uint16_t)d->made_from;
	}
	/* The state pipe is only read after a death: keep within its buffer (64 KiB; a record is
	 * about a hundred bytes, a group at most CG_MAX_DIRS directories, each sent twice). */
	if (write_all(state_fd, &r, sizeof(r)) || (len && write_all(state_fd, d->path, len)))
		guard_end();
}

void guard_watch(const struct cg_dir *d)
{
	send_rec('W', d, 0);
}

void guard_arm(void)
{
	if (!cg.version)
		return;
	for (int i = 0; i < cg.n_dirs; i++)
		send_rec('R', &cg.dirs[i], 0);
	send_rec('A', NULL, cg.version);
}

void guard_end(void)
{
	const char what = GUARD_DONE;

	if (life_fd < 0)
		return;
	write_all(life_fd, &what, 1);
	close(life_fd);
	close(state_fd);
	life_fd = state_fd = -1;
}
