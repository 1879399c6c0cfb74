/* What the bench tools that run command lists share (interleave.c, cpurounds.c, cpuwall.c):
 * the list split at ';', one quiet run of a command timed by wall and CPU clock, and the sort
 * for medians. Inline: a tool that needs only some of them is not warned about the rest. */
#ifndef NB_BENCH_ROUNDS_H
#define NB_BENCH_ROUNDS_H

#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static inline long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static inline long long tv_ns(struct timeval tv)
{
	return tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
}

/* One run of argv, stdin/stdout/stderr on /dev/null: its wall time and the CPU time of it and
 * every process it waited for (wait4's rusage), in ns; -1 if it did not exit 0. */
static inline int run_quiet(char **argv, long long *wall, long long *cpu)
{
	long long t0 = now_ns();
	struct rusage ru;
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	*wall = now_ns() - t0;
	*cpu = tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime);
	return 0;
}

/* argv[first..] as commands separated by ';' (each NULL-ended in place); returns how many. */
static inline int split_commands(int first, int argc, char **argv, char ***cmd, int max)
{
	int ncmd = 0;

	cmd[ncmd++] = &argv[first];
	for (int i = first; i < argc; i++) {
		if (strcmp(argv[i], ";") != 0)
			continue;
		argv[i] = NULL; /* ends the command before it */
		if (i + 1 < argc && ncmd < max)
			cmd[ncmd++] = &argv[i + 1];
	}
	return ncmd;
}

#endif
