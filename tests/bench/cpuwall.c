/* cpuwall CMD [ARG...] [';' CMD [ARG...]]...: run the commands one after the other (stopping at
 * the first that fails), then wait for every process they left behind, and print
 * "WALL_US CPU_US STATUS": wall time from the first fork to the last process reaped, and the
 * user + system CPU time of all of them. A subreaper (PR_SET_CHILD_SUBREAPER), so that a
 * container which its `create` left running (reparented when create exits) is reaped here and
 * its CPU time counted too: the bench compares runtimes by what the whole lifecycle costs the
 * machine, not only by the wall time that other work on the machine disturbs. stdin, stdout
 * and stderr of the commands are /dev/null. STATUS: 0, or the number of the command that
 * failed (1-based). */
#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>

#include "rounds.h"

#define MAX_CMDS 32

int main(int argc, char **argv)
{
	char **cmd[MAX_CMDS];
	struct rusage ru;
	long long t0, wall, cpu;
	int failed = 0, ncmd;

	if (argc < 2) {
		fprintf(stderr, "usage: cpuwall CMD [ARG...] [';' CMD [ARG...]]...\n");
		return 2;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	t0 = now_ns();
	ncmd = split_commands(1, argc, argv, cmd, MAX_CMDS);
	for (int k = 0; k < ncmd && !failed; k++)
		if (run_quiet(cmd[k], &wall, &cpu))
			failed = k + 1;
	while (wait(NULL) > 0 || errno == EINTR) /* what the commands left: a created container */
		;
	t0 = now_ns() - t0;
	getrusage(RUSAGE_CHILDREN, &ru);
	printf("%lld %lld %d\n", t0 / 1000, (tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime)) / 1000,
	       failed);
	return failed ? 1 : 0;
}
