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
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static long long tv_us(struct timeval tv)
{
	return tv.tv_sec * 1000000LL + tv.tv_usec;
}

static int run(char **argv)
{
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
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	long long t0;
	int failed = 0, n = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: cpuwall CMD [ARG...] [';' CMD [ARG...]]...\n");
		return 2;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	t0 = now_us();
	for (int i = 1; i < argc && !failed;) {
		int j = i;

		while (j < argc && strcmp(argv[j], ";"))
			j++;
		argv[j] = NULL;
		n++;
		if (run(argv + i))
			failed = n;
		i = j + 1;
	}
	while (wait(NULL) > 0 || errno == EINTR) /* what the commands left: a created container */
		;
	t0 = now_us() - t0;
	getrusage(RUSAGE_CHILDREN, &ru);
	printf("%lld %lld %d\n", t0, tv_us(ru.ru_utime) + tv_us(ru.ru_stime), failed);
	return failed ? 1 : 0;
}
