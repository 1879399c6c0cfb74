/* Host-side timer for tests/bench/net.sh: runs a command N times and splits each run at the
 * first byte it writes on stdout. With `nestbox run ... -- echo x`, "start" is fork to the
 * workload's output (setup, veth included) and "exit" is that output to nestbox's exit
 * (teardown, the host end's deletion included). Prints medians and 90th percentiles in us:
 *   start_median start_p90 exit_median exit_p90
 * Usage: net_bench_time N CMD [ARG...]; exits 1 when a run fails. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 1000

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static long long pct(long long *v, int n, int p)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[(n - 1) * p / 100];
}

int main(int argc, char **argv)
{
	static long long start[MAX_RUNS], stop[MAX_RUNS];
	int n = argc > 2 ? atoi(argv[1]) : 0;

	if (n < 1 || n > MAX_RUNS) {
		fprintf(stderr, "usage: net_bench_time N(1..%d) CMD [ARG...]\n", MAX_RUNS);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		int fds[2], ws;
		char c;
		long long t0, t1;
		pid_t pid;

		if (pipe(fds))
			return 1;
		t0 = now_us();
		pid = fork();
		if (pid == 0) {
			dup2(fds[1], 1);
			close(fds[0]);
			close(fds[1]);
			execv(argv[2], &argv[2]);
			_exit(127);
		}
		close(fds[1]);
		if (pid < 0 || read(fds[0], &c, 1) != 1) {
			fprintf(stderr, "net_bench_time: run %d wrote nothing\n", i);
			return 1;
		}
		t1 = now_us();
		if (waitpid(pid, &ws, 0) != pid || !WIFEXITED(ws) || WEXITSTATUS(ws)) {
			fprintf(stderr, "net_bench_time: run %d failed\n", i);
			return 1;
		}
		start[i] = t1 - t0;
		stop[i] = now_us() - t1;
		close(fds[0]);
	}
	printf("%lld %lld ", pct(start, n, 50), pct(start, n, 90));
	printf("%lld %lld\n", pct(stop, n, 50), pct(stop, n, 90));
	return 0;
}
