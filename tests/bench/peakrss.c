/* peakrss N CMD [ARG...]: run CMD N times (stdin from /dev/null, stdout and stderr to /dev/null)
 * and print the median peak RSS in KiB of CMD's own process and of the largest process of its
 * tree, and wait4's ru_maxrss: "top tree rusage". Exits 1 when a run fails.
 *
 * Why not only ru_maxrss (what /usr/bin/time -f %M prints): since Linux 6.2 the mm's RSS
 * counters are per-CPU, and the high-water mark that getrusage reports is taken from their
 * approximate read (percpu_counter_read_positive), which lags by up to a batch of 32 pages per
 * counter and CPU: a small static program reads 0 KiB. /proc/PID/status VmHWM sums the counters
 * (get_mm_counter_sum), so each process of CMD's tree is ptraced (fork, vfork and clone
 * followed) and its VmHWM read at PTRACE_EVENT_EXIT, while its memory is still there. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_RUNS 1000
#define TRACE_FLAGS                                                                            \
	(PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXIT | \
	 PTRACE_O_EXITKILL)

static long vm_hwm_kib(pid_t pid)
{
	char path[64], buf[4096], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strstr(buf, "\nVmHWM:");
	return p ? atol(p + strlen("\nVmHWM:")) : 0; /* no VmHWM: a kernel thread or no mm */
}

static void child(char **argv)
{
	int null = open("/dev/null", O_RDWR);

	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0)
		raise(SIGSTOP); /* let the parent set its options before exec */
	execvp(argv[0], argv);
	_exit(127);
}

/* One traced run: 0 and the three figures, or -1. */
static int run(char **argv, long *top, long *tree, long *rusage)
{
	int st, status = -1;
	struct rusage ru;
	pid_t pid = fork(), w;

	if (pid < 0)
		return -1;
	if (pid == 0)
		child(argv);
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st) ||
	    ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)TRACE_FLAGS) ||
	    ptrace(PTRACE_CONT, pid, NULL, NULL))
		return -1;
	*top = *tree = 0;
	while ((w = wait4(-1, &st, __WALL, &ru)) > 0 || errno == EINTR) {
		long sig = 0;

		if (w < 0)
			continue;
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (w == pid) {
				status = st;
				*rusage = ru.ru_maxrss;
			}
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		if (st >> 16 == PTRACE_EVENT_EXIT) {
			long kib = vm_hwm_kib(w);

			if (kib > *tree)
				*tree = kib;
			if (w == pid)
				*top = kib;
		} else if (st >> 16 == 0 && WSTOPSIG(st) != SIGSTOP && WSTOPSIG(st) != SIGTRAP) {
			sig = WSTOPSIG(st); /* a real signal: deliver it */
		}
		ptrace(PTRACE_CONT, w, NULL, (void *)sig);
	}
	return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static long median(long *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_long);
	return v[(n - 1) / 2];
}

int main(int argc, char **argv)
{
	static long top[MAX_RUNS], tree[MAX_RUNS], rusage[MAX_RUNS];
	int n = argc > 2 ? atoi(argv[1]) : 0;

	if (n < 1 || n > MAX_RUNS) {
		fprintf(stderr, "usage: peakrss N(1..%d) CMD [ARG...]\n", MAX_RUNS);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		if (run(&argv[2], &top[i], &tree[i], &rusage[i])) {
			fprintf(stderr, "peakrss: %s failed (run %d)\n", argv[2], i);
			return 1;
		}
	}
	printf("%ld %ld %ld\n", median(top, n), median(tree, n), median(rusage, n));
	return 0;
}
