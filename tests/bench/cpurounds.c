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
#include <stdio.h>
#include <stdlib.h>

#include "rounds.h"

#define MAX_CMDS 16
#define MAX_RUNS 4000

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
	int n = argc > 2 ? atoi(argv[1]) : 0, ncmd;

	if (n < 1 || n > MAX_RUNS) {
		fprintf(stderr, "usage: cpurounds N CMD [ARG...] [';' CMD [ARG...]]...\n");
		return 2;
	}
	ncmd = split_commands(2, argc, argv, cmd, MAX_CMDS);
	for (int r = -1; r < n; r++) {
		for (int k = 0; k < ncmd; k++) {
			int c = (k + (r < 0 ? 0 : r)) % ncmd;
			long long w, u;

			if (run_quiet(cmd[c], &w, &u)) {
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
