/* cgroup_hog MIB | cgroup_hog --spin SECONDS | cgroup_hog --fork N | cgroup_hog --affinity
 *   MIB:        allocate and touch MIB MiB (page by page), then print "ok MIB" and exit 0.
 *   --spin S:   busy-loop for S seconds of wall time, print the CPU time it got ("cpu MS").
 *   --fork N:   start N children that sleep, print how many forks succeeded ("forked K").
 *   --affinity: print the CPUs sched_getaffinity allows ("cpus 0,1"). */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096

static int hog(long mib)
{
	size_t len = (size_t)mib << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 2;
	for (size_t i = 0; i < len; i += PAGE)
		p[i] = 1;
	printf("ok %ld\n", mib);
	return 0;
}

static double now(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int spin(double seconds)
{
	double end = now(CLOCK_MONOTONIC) + seconds;
	volatile unsigned long n = 0;

	while (now(CLOCK_MONOTONIC) < end)
		n++;
	printf("cpu %ld\n", (long)(now(CLOCK_PROCESS_CPUTIME_ID) * 1000));
	return 0;
}

static int forks(int n)
{
	int ok = 0;

	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			sleep(5);
			_exit(0);
		}
		if (pid < 0)
			break;
		ok++;
	}
	printf("forked %d\n", ok);
	fflush(stdout);
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}

static int affinity(void)
{
	cpu_set_t set;
	const char *sep = "";

	if (sched_getaffinity(0, sizeof(set), &set))
		return 2;
	printf("cpus ");
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set)) {
			printf("%s%d", sep, i);
			sep = ",";
		}
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "--affinity"))
		return affinity();
	if (argc == 3 && !strcmp(argv[1], "--spin"))
		return spin(atof(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "--fork"))
		return forks(atoi(argv[2]));
	if (argc == 2)
		return hog(atol(argv[1]));
	fprintf(stderr, "usage: cgroup_hog MIB | --spin S | --fork N | --affinity\n");
	return 2;
}
