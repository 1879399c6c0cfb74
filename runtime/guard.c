/* The cleanup guard (guard.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup_impl.h"
#include "guard.h"

#define GUARD_WATCH 'W' /* followed by a struct cg_dir about to be made */
#define GUARD_ARM   'A' /* followed by the bytes of struct cg_state */
#define GUARD_DONE  'D'

/* Directories announced before their mkdir: at most one per hierarchy. */
static struct cg_dir watched[CG_MAX_DIRS];
static int n_watched;
static struct cg_state armed; /* read here first: a partial read must not reach cg */

static int guard_fd = -1; /* nestbox's write end */

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

static void __attribute__((noreturn)) guard_main(int fd)
{
	char what;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	/* Nobody waits on the caller's pipes for the guard, and it needs no other fd. */
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	if (fd > 3)
		syscall(SYS_close_range, 3U, (unsigned)fd - 1, 0U);
	syscall(SYS_close_range, (unsigned)fd + 1, ~0U, 0U);
	prctl(PR_SET_NAME, "nestbox-guard");
	cg.version = 0;
	/* A message cut short by nestbox's death does not count: a watch is sent before its
	 * mkdir, and an arm after every directory was watched. */
	while (!read_all(fd, &what, 1)) {
		if (what == GUARD_DONE)
			_exit(0);
		if (what == GUARD_ARM && !read_all(fd, &armed, sizeof(armed)))
			cg = armed;
		else if (what == GUARD_WATCH && n_watched < CG_MAX_DIRS &&
			 !read_all(fd, &watched[n_watched], sizeof(watched[0])))
			n_watched++;
		else
			break;
	}
	/* EOF: nestbox and the container's PID 1 are gone (the fd is not CLOEXEC-closed in the
	 * clone: PID 1 holds it too, so the group is empty or emptying when this runs). */
	if (cg.version) {
		cg.clone_fd = -1;
		cgroup_remove();
		_exit(0);
	}
	/* Died while making the group (nothing was cloned into it yet): an empty directory at
	 * most, and its shared parent. One rmdir each, no killing: a directory that is not empty is
	 * another container's of the same name. */
	for (int i = 0; i < n_watched; i++)
		unmake_watched(&watched[i]);
	_exit(0);
}

int guard_start(void)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int rc = -errno;

		close(p[0]);
		close(p[1]);
		return rc;
	}
	if (pid == 0) {
		close(p[1]);
		guard_main(p[0]);
	}
	close(p[0]);
	guard_fd = p[1];
	return 0;
}

void guard_arm(void)
{
	char what = GUARD_ARM;

	if (guard_fd >= 0 && cg.version &&
	    (write_all(guard_fd, &what, 1) || write_all(guard_fd, &cg, sizeof(cg))))
		guard_end();
}

void guard_watch(const struct cg_dir *d)
{
	char what = GUARD_WATCH;

	if (guard_fd >= 0 && (write_all(guard_fd, &what, 1) || write_all(guard_fd, d, sizeof(*d))))
		guard_end();
}

void guard_end(void)
{
	char what = GUARD_DONE;

	if (guard_fd < 0)
		return;
	write_all(guard_fd, &what, 1);
	close(guard_fd);
	guard_fd = -1;
}
