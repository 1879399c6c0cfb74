/* interleave N CMD [ARG...] [';' CMD [ARG...]]...: time the commands in rounds, each command
 * once per round, N rounds, and print one line per command: its median and p90 wall time in ms.
 * hyperfine runs all of one command before the next, so a busy spell of the machine falls on
 * whichever command runs then; in rounds it falls on all alike, and the differences between
 * the commands (what profile.sh's ablation reads) hold. One warm-up round. stdin, stdout and
 * stderr go to /dev/null. Exits 1 when a run fails. */
#include <stdio.h>
#include <stdlib.h>

#include "rounds.h"

#define MAX_CMDS 32
#define MAX_RUNS 1000

int main(int argc, char **argv)
{
	static long long t[MAX_CMDS][MAX_RUNS];
	char **cmd[MAX_CMDS];
	int n = argc > 2 ? atoi(argv[1]) : 0, ncmd;

	if (n < 1 || n > MAX_RUNS) {
		fprintf(stderr, "usage: interleave N CMD [ARG...] [';' CMD [ARG...]]...\n");
		return 2;
	}
	ncmd = split_commands(2, argc, argv, cmd, MAX_CMDS);
	for (int r = -1; r < n; r++) {
		for (int c = 0; c < ncmd; c++) {
			long long ns, cpu;

			if (run_quiet(cmd[c], &ns, &cpu)) {
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
