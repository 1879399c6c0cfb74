/* interleave N CMD [ARG...] [';' CMD [ARG...]]...: time the commands in rounds, each command
 * once per round, N rounds, and print one line per command: its median and p90 wall time in ms.
 * hyperfine runs all of one command before the next, so a busy spell of the machine falls on
 * whichever command runs then; in rounds it falls on all alike, and the differences between
 * the commands (what profile.sh's ablation reads) hold. One warm-up round. stdin, stdout and
 * stderr go to /dev/null. Exits 1 when a run fails. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 32
#define MAX_RUNS 1000

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

/* One run of argv: its wall time in ns, or -1 if it did not exit 0. */
static long long run(char **argv)
{
	long long t0 = now_ns();
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
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	return now_ns() - t0;
}

int main(int argc, char **argv)
{
	static long long t[MAX_CMDS][MAX_RUNS];
	char **cmd[MAX_CMDS];
	int n = argc > 2 ? atoi(argv[1]) : 0, ncmd = 0;

	if (n < 1 || n > MAX_RUNS) {
		fprintf(stderr, "usage: interleave N CMD [ARG...] [';' CMD [ARG...]]...\n");
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
		for (int c = 0; c < ncmd; c++) {
			long long ns = run(cmd[c]);

			if (ns < 0) {
				fprintf(stderr, "interleave: %s failed (round %d)\n", cmd[c][0], r);
				return 1;
			}
			if (r >= 0)
				t[c][r] = ns;
		}
	}
	for (int c = 0; c < ncmd; c++) {
		qsort(t[c], (size_t)n, sizeof(t[c][0]), cmp_ll);
		printf("%.3f %.3f\n", t[c][(n - 1) / 2] / 1e6, t[c][(n - 1) * 9 / 10] / 1e6);
	}
	return 0;
}
