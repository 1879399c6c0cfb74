/* initbench: an init (nestbox-init, tini, dumb-init, catatonit) as PID 1 of a fresh pid
 * namespace, measured from outside with this same program as its workload.
 *
 *   initbench orphans N INIT [ARG...]  us from releasing N orphans to the init having reaped
 *                                      the last one (the workload polls kill(pid, 0): a zombie
 *                                      still answers, a reaped process is ESRCH), and the
 *                                      init's own CPU time in us
 *   initbench orphans N -              the same with no init: the workload is PID 1 and reaps
 *                                      them itself in a blocking wait loop (the floor)
 *   initbench signal N INIT [ARG...]   median and p90 us from kill(SIGUSR1) of the init to the
 *                                      workload's sigwaitinfo returning, N signals one at a time
 *   initbench idle S INIT [ARG...]     the init's context switches (voluntary + not) over S
 *                                      seconds while the workload sleeps: its idle wakeups
 *
 * INIT [ARG...] is the init and its options up to its "--"; the workload is appended.
 * The workload talks through its stdin (commands) and stdout (results), which every init passes
 * on. CLOCK_MONOTONIC is shared across pid namespaces. Results go to stdout, one line. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ORPHANS 30000
#define MAX_SIGNALS 100000
#define POLL_NS	    20000 /* between kill(pid, 0) probes: leave the CPU to the init */

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "initbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int read_full(int fd, void *buf, size_t n)
{
	char *p = buf;

	while (n) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* --- the workload, inside the namespace ------------------------------------------------------ */

/* A middle process forks n children blocked on a pipe and exits: they become the init's
 * orphans. Closing the pipe's last write end releases them all at once. */
static int work_orphans(int n, int self_reap)
{
	pid_t *pids = mmap(NULL, sizeof(pid_t) * (size_t)n, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int rel[2], st;
	long long t0, t1;
	pid_t middle;

	if (pids == MAP_FAILED || pipe(rel))
		die("setup");
	middle = fork();
	if (middle < 0)
		die("fork");
	if (middle == 0) {
		for (int i = 0; i < n; i++) {
			pid_t p = fork();
			char c;

			if (p < 0)
				die("fork orphan");
			if (p == 0) {
				close(rel[1]);
				while (read(rel[0], &c, 1) < 0 && errno == EINTR)
					;
				_exit(0);
			}
			pids[i] = p;
		}
		_exit(0);
	}
	if (waitpid(middle, &st, 0) != middle || !WIFEXITED(st) || WEXITSTATUS(st))
		die("middle");
	close(rel[0]);
	t0 = now_ns();
	close(rel[1]);
	if (self_reap) {
		for (int i = 0; i < n; i++)
			if (wait(NULL) < 0)
				die("wait");
	} else {
		struct timespec ts = { 0, POLL_NS };

		for (int i = 0; i < n; i++)
			while (kill(pids[i], 0) == 0)
				nanosleep(&ts, NULL);
	}
	t1 = now_ns();
	printf("%lld\n", (t1 - t0) / 1000);
	return 0;
}

static int work_signal(int n)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (write(1, "r", 1) != 1)
		return 1;
	for (int i = 0; i < n; i++) {
		long long t;

		while (sigwaitinfo(&set, NULL) < 0)
			if (errno != EINTR)
				die("sigwaitinfo");
		t = now_ns();
		if (write(1, &t, sizeof(t)) != sizeof(t))
			return 1;
	}
	return 0;
}

static int work_idle(void)
{
	char c;

	if (write(1, "r", 1) != 1)
		return 1;
	while (read(0, &c, 1) < 0 && errno == EINTR)
		; /* until the harness closes our stdin */
	return 0;
}

/* --- the harness, outside ---------------------------------------------------------------------- */

struct init_run {
	pid_t pid;   /* the init, as the host sees it */
	int to_wl;   /* the workload's stdin */
	int from_wl; /* the workload's stdout */
};

/* Clone into a new pid namespace and exec INIT [ARG...] SELF MODE N. */
static void start(struct init_run *r, char **init, const char *mode, const char *n)
{
	int in[2], out[2], argc = 0;
	char *argv[64];

	for (; init[argc] && argc < 58; argc++)
		argv[argc] = init[argc];
	if (argc == 1 && strcmp(argv[0], "-") == 0)
		argc = 0; /* no init: the workload is PID 1 */
	argv[argc++] = "/proc/self/exe";
	argv[argc++] = (char *)mode;
	argv[argc++] = (char *)n;
	argv[argc] = NULL;
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		die("pipe");
	if (unshare(CLONE_NEWPID))
		die("unshare(CLONE_NEWPID)");
	r->pid = fork(); /* the first child is PID 1 of the new namespace */
	if (r->pid < 0)
		die("fork");
	if (r->pid == 0) {
		char self[4096];
		ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (len < 0)
			_exit(126);
		self[len] = '\0';
		argv[argc - 3] = self;
		dup2(in[0], 0);
		dup2(out[1], 1);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execvp(argv[0], argv);
		fprintf(stderr, "initbench: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	r->to_wl = in[1];
	r->from_wl = out[0];
}

static int finish(struct init_run *r)
{
	int st;

	close(r->to_wl);
	close(r->from_wl);
	if (waitpid(r->pid, &st, 0) != r->pid)
		die("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "initbench: init ended with status 0x%x\n", st);
		return 1;
	}
	return 0;
}

/* CPU time a task has run, in us: the first field of /proc/PID/schedstat (ns). */
static long long cpu_us(pid_t pid)
{
	char path[64], buf[128] = "";
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		die(path);
	close(fd);
	return atoll(buf) / 1000;
}

/* Prints "us_to_reap_all init_cpu_us": the init's own CPU time, start to last reap, is read
 * while it still waits for the workload (NA without an init: PID 1 made the orphans). */
static int bench_orphans(char **init, const char *n)
{
	int has_init = strcmp(init[0], "-") != 0;
	struct init_run r;
	char line[64] = "";
	ssize_t len;

	start(&r, init, has_init ? "w-orphans" : "w-orphans-self", n);
	len = read(r.from_wl, line, sizeof(line) - 1);
	if (len <= 0)
		return finish(&r) ? 1 : (fprintf(stderr, "initbench: no result\n"), 1);
	line[strcspn(line, "\n")] = '\0';
	if (has_init)
		printf("%s %lld\n", line, cpu_us(r.pid));
	else
		printf("%s NA\n", line);
	return finish(&r);
}

static int bench_signal(char **init, const char *nstr, int n)
{
	static long long lat[MAX_SIGNALS];
	struct init_run r;
	char c;

	start(&r, init, "w-signal", nstr);
	if (read_full(r.from_wl, &c, 1))
		die("workload not ready");
	for (int i = 0; i < n; i++) {
		long long t0 = now_ns(), t1;

		if (kill(r.pid, SIGUSR1))
			die("kill");
		if (read_full(r.from_wl, &t1, sizeof(t1)))
			die("workload stopped answering");
		lat[i] = t1 - t0;
	}
	qsort(lat, (size_t)n, sizeof(lat[0]), cmp_ll);
	printf("%.1f %.1f\n", lat[(n - 1) / 2] / 1000.0, lat[(n - 1) * 9 / 10] / 1000.0);
	return finish(&r);
}

static long ctxt_switches(pid_t pid)
{
	char path[64], buf[4096], *p;
	long v = 0, nv = 0;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die(path);
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		die(path);
	buf[len] = '\0';
	p = strstr(buf, "voluntary_ctxt_switches:");
	if (p)
		v = atol(p + strlen("voluntary_ctxt_switches:"));
	p = strstr(buf, "nonvoluntary_ctxt_switches:");
	if (p)
		nv = atol(p + strlen("nonvoluntary_ctxt_switches:"));
	return v + nv;
}

static int bench_idle(char **init, int seconds)
{
	struct timespec settle = { 1, 0 }, window = { seconds, 0 };
	struct init_run r;
	long before;
	char c;

	start(&r, init, "w-idle", "0");
	if (read_full(r.from_wl, &c, 1))
		die("workload not ready");
	nanosleep(&settle, NULL);
	before = ctxt_switches(r.pid);
	nanosleep(&window, NULL);
	printf("%ld\n", ctxt_switches(r.pid) - before);
	return finish(&r);
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 0;

	if (argc == 3 && strcmp(argv[1], "w-orphans") == 0)
		return work_orphans(n, 0);
	if (argc == 3 && strcmp(argv[1], "w-orphans-self") == 0)
		return work_orphans(n, 1);
	if (argc == 3 && strcmp(argv[1], "w-signal") == 0)
		return work_signal(n);
	if (argc == 3 && strcmp(argv[1], "w-idle") == 0)
		return work_idle();
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 3 && strcmp(argv[1], "orphans") == 0 && n > 0 && n <= MAX_ORPHANS)
		return bench_orphans(&argv[3], argv[2]);
	if (argc > 3 && strcmp(argv[1], "signal") == 0 && n > 0 && n <= MAX_SIGNALS)
		return bench_signal(&argv[3], argv[2], n);
	if (argc > 3 && strcmp(argv[1], "idle") == 0 && n > 0)
		return bench_idle(&argv[3], n);
	fprintf(stderr, "usage: initbench orphans|signal|idle N INIT [ARG...]\n");
	return 2;
}
