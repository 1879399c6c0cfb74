/* cpurounds N CMD [ARG...] [';' CMD [ARG...]]...: the commands in N rounds, each once per round
 * (the order rotated by one each round, so that no command always follows the same one), after
 * one warm-up round; one line per command:
 *
 *     CPU_MEDIAN CPU_MEAN WALL_MEDIAN DCPU_MEDIAN DWALL_MEDIAN    (ms)
 *
 * CPU: user + system time of the command and of every process it waited for (wait4's rusage,
 * which the kernel sums over reaped descendants from their exact run time), the figure that
 * other work on the machine disturbs least. DCPU, DWALL: the median over the rounds of this
 * command's time minus the first command's time in the same round, a paired difference that
 * a busy spell of the machine shifts for both alike (tests/bench/harden.sh reads it). stdin,
 * stdout and stderr go to /dev/null. Exits 1 when a run fails. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 16
#define MAX_RUNS 4000

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static long long tv_ns(struct timeval tv)
{
	return tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
}

/* One run of argv: its wall and CPU time in ns; -1 if it did not exit 0. */
static int run(char **argv, long long *wall, long long *cpu)
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

/* The median of v[0..n), which it sorts. */
static long long median(long long *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_ll);
	return v[(n - 1) / 2];
}

int main(int argc, char **argv)
{
	static long long wall[MAX_CMDS][MAX_RUNS], cpu[MAX_CMDS][MAX_RUNS], d[MAX_RUNS];
	long long dcpu[MAX_CMDS], dwall[MAX_CMDS];
	char **cmd[MAX_CMDS];
	int n = argc > 2 ? atoi(argv[1]) : 0, ncmd = 0;

	if (n < 1 || n > MAX_RUNS) {
		fprintf(stderr, "usage: cpurounds N CMD [ARG...] [';' CMD [ARG...]]...\n");
		return 2;
	}
	cmd[ncmd++] = &argv[2];
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], ";") != 0)
			continue;
		argv[i] = NULL; /* ends the command before it */
		if (i + 1 < argc && ncmd < MAX_CMDS)
			cmd[ncmd++] = &argv[i + 1];
	}
	for (int r = -1; r < n; r++) {
		for (int k = 0; k < ncmd; k++) {
			int c = (k + (r < 0 ? 0 : r)) % ncmd;
			long long w, u;

			if (run(cmd[c], &w, &u)) {
				fprintf(stderr, "cpurounds: %s failed (round %d)\n", cmd[c][0], r);
				return 1;
			}
			if (r >= 0) {
				wall[c][r] = w;
				cpu[c][r] = u;
			}
		}
	}
	/* the paired differences first: the medians sort each command's times */
	for (int c = 0; c < ncmd; c++) {
		for (int r = 0; r < n; r++)
			d[r] = cpu[c][r] - cpu[0][r];
		dcpu[c] = median(d, n);
		for (int r = 0; r < n; r++)
			d[r] = wall[c][r] - wall[0][r];
		dwall[c] = median(d, n);
	}
	for (int c = 0; c < ncmd; c++) {
		long long sum = 0;

		for (int r = 0; r < n; r++)
			sum += cpu[c][r];
		printf("%.3f %.3f %.3f %.3f %.3f\n", median(cpu[c], n) / 1e6, sum / 1e6 / n,
		       median(wall[c], n) / 1e6, dcpu[c] / 1e6, dwall[c] / 1e6);
	}
	return 0;
}
