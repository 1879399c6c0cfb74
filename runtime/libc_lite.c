/* Smaller stand-ins for musl functions whose full versions nestbox does not need. The musl
 * build links them under the libc names (the callers are unchanged); the unit build tests them
 * by their nb_ names (tests/unit_libc_lite.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "init.h"
#include "libc_lite.h"

/* musl's strstr is the two-way search (1.3 KB) for long needles in long texts; nestbox looks
 * for a few bytes in a line, a path or a small file, where the plain loop does as well. */
char *nb_strstr(const char *text, const char *needle)
{
	size_t len = strlen(needle);

	for (; *text; text++)
		if (!strncmp(text, needle, len))
			return (char *)text;
	return len ? NULL : (char *)text;
}

#ifndef NB_UNIT_TEST
char *strstr(const char *text, const char *needle) __attribute__((alias("nb_strstr")));
#endif

/* musl's fork runs the pthread_atfork handlers and, once a thread was made, takes every lock
 * around _Fork (the thread list, malloc's, stdio's; pthread rwlocks and timed waits are linked
 * for it). nestbox never makes a thread nor registers a handler, so its fork is _Fork, which
 * still blocks the signals and resets the child's thread state. A change that links
 * pthread_create must drop this alias. */
pid_t nb_fork(void)
{
	return _Fork();
}

#ifndef NB_UNIT_TEST
pid_t fork(void) __attribute__((alias("nb_fork")));
#endif

/* musl's clock_gettime first looks the call up in the vDSO (__vdsosym, about 1 KB with it);
 * nestbox reads the clock a few times a run and once a log line in boot mode, where a system
 * call (well under a microsecond) costs nothing that shows. 32-bit architectures: musl's
 * time_t is 64 bits there, which clock_gettime64 fills, as musl's own code does. */
int nb_clock_gettime(clockid_t clock, struct timespec *ts)
{
#ifdef SYS_clock_gettime64
	return (int)syscall(SYS_clock_gettime64, clock, ts);
#else
	return (int)syscall(SYS_clock_gettime, clock, ts);
#endif
}

/* musl's time calls its internal __clock_gettime, which would link the vDSO lookup again. */
time_t nb_time(time_t *t)
{
	struct timespec ts = { 0, 0 };

	nb_clock_gettime(CLOCK_REALTIME, &ts);
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}

#ifndef NB_UNIT_TEST
int clock_gettime(clockid_t clock, struct timespec *ts) __attribute__((alias("nb_clock_gettime")));
time_t time(time_t *t) __attribute__((alias("nb_time")));
#endif

/* musl's execvp is a second PATH search beside the init's (init/cli.c), 570 bytes on aarch64:
 * this one is the init's search behind musl's front (the first PATH of the environment, or
 * musl's default; an empty name ENOENT, a name longer than NAME_MAX ENAMETOOLONG, as musl's
 * __execvpe says before it searches). */
int nb_execvp(const char *file, char *const argv[])
{
	const char *path = getenv("PATH");

	errno = ENOENT;
	if (!*file)
		return -1;
	if (!strchr(file, '/') && strlen(file) > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	init_exec_search(file, argv, path ? path : "/usr/local/bin:/bin:/usr/bin");
	return -1;
}

#ifndef NB_UNIT_TEST
int execvp(const char *file, char *const argv[]) __attribute__((alias("nb_execvp")));
#endif

/* musl's fcntl (416 bytes on aarch64) emulates what old kernels lack: F_DUPFD_CLOEXEC before
 * 2.6.24 (and sets FD_CLOEXEC again after it works), F_GETOWN through F_GETOWN_EX; nestbox asks
 * for F_GETFD, F_SETFL and F_DUPFD_CLOEXEC, and musl's fdopendir for F_SETFD, which every
 * kernel it runs on has. Kept: the O_LARGEFILE musl adds to F_SETFL. */
int nb_fcntl(int fd, int cmd, ...)
{
	unsigned long arg;
	va_list ap;

	va_start(ap, cmd);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	if (cmd == F_SETFL)
		arg |= O_LARGEFILE;
#ifdef SYS_fcntl64 /* 32-bit: musl's fcntl is this one */
	return (int)syscall(SYS_fcntl64, fd, cmd, arg);
#else
	return (int)syscall(SYS_fcntl, fd, cmd, arg);
#endif
}

#ifndef NB_UNIT_TEST
int fcntl(int fd, int cmd, ...) __attribute__((alias("nb_fcntl")));
#endif

/* musl's open follows every O_CLOEXEC open with fcntl(F_SETFD, FD_CLOEXEC), for kernels before
 * 2.6.23 that ignored the flag: one more system call for each of the ~60 files a create + start
 * + delete opens (issue 22). Every kernel nestbox runs on (clone3, openat2) honours O_CLOEXEC.
 * openat(AT_FDCWD) is open on every architecture (aarch64 has no SYS_open); O_LARGEFILE as musl. */
int nb_open(const char *path, int flags, ...)
{
	unsigned mode = 0;
	va_list ap;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_start(ap, flags);
		mode = va_arg(ap, unsigned);
		va_end(ap);
	}
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags | O_LARGEFILE, mode);
}

#ifndef NB_UNIT_TEST
int open(const char *path, int flags, ...) __attribute__((alias("nb_open")));
#endif

/* musl's strtok is strtok_r's code again with its own static pointer (180 bytes on aarch64);
 * this is strtok_r with one. */
char *nb_strtok(char *s, const char *sep)
{
	static char *next;

	return strtok_r(s, sep, &next);
}

#ifndef NB_UNIT_TEST
char *strtok(char *s, const char *sep) __attribute__((alias("nb_strtok")));
#endif

/* atoi as C11 7.22.1.2 defines it, (int)strtol(s, NULL, 10) (strto.c's), where musl's is a
 * second decimal parser (196 bytes on aarch64). They differ only where atoi's behaviour is
 * undefined: a value outside int (nestbox reads pids and short numbers it checked). */
int nb_atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

#ifndef NB_UNIT_TEST
int atoi(const char *s) __attribute__((alias("nb_atoi")));
#endif
