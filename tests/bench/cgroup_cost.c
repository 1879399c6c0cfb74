/* cgroup_cost [RUNS]: what nestbox's cgroup code costs a run, measured around the very
 * functions container_run calls (the runtime's cgroup files are compiled in): setup (detect,
 * make, configure), clone + join (a child put into the group: CLONE_INTO_CGROUP on v2,
 * cgroup.procs on v1), finish (OOM check, removal after the child is gone). Prints medians in
 * microseconds, for the default group and for one with limits. Root. */
#include "../../runtime/cgroup.c"
#include "../../runtime/cgroup_layout.c"
#include "../../runtime/cgroup_options.c"
#include "../../runtime/cgroup_v1.c"
#include "../../runtime/cgroup_v2.c"
#include "../../runtime/error.c"
#include "../../runtime/lines.c"
#include "../../runtime/ns.c"
#include "../../runtime/scan.c"

#include <sys/wait.h>

/* nested.c's message for an undelegated tree; the wording does not matter here. */
int nested_fail_cgroup(struct nb_error *err, int code, const char *path)
{
	return nb_fail(err, code, "cgroup", path, strerror(code));
}

#define MAX_RUNS 10000

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static long long median_us(long long *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[n / 2] / 1000;
}

/* The clone alone, no group: what clone+join would cost without cgroups. */
static long long plain_clone_ns(void)
{
	long long t0 = now_ns();
	pid_t pid = ns_clone(0, -1);

	if (pid == 0)
		_exit(0);
	t0 = now_ns() - t0;
	waitpid(pid, NULL, 0);
	return t0;
}

/* One run; fills the three phase times. Returns 0, or -1 with a message. */
static struct nb_cgroup cg;

static int one_run(const struct nb_container *c, long long t[3])
{
	struct nb_error err = { 0 };
	long long t0 = now_ns();
	int go[2];
	pid_t pid;

	cgroup_init(&cg);
	if (cgroup_setup(&cg, c, &err)) {
		nb_error_print(&err);
		return -1;
	}
	if (pipe(go))
		return -1;
	t[0] = now_ns() - t0;
	t0 = now_ns();
	pid = cgroup_clone(&cg, 0, true);
	if (pid == 0) { /* as container_side: the join first, then say so */
		_exit(cgroup_join_self(&cg, &err) || write(go[1], "j", 1) != 1);
	}
	if (pid < 0 || cgroup_join(&cg, pid, &err)) {
		nb_error_print(&err);
		return -1;
	}
	if (cg.child_joins && read(go[0], &(char){ 0 }, 1) != 1)
		return -1;
	t[1] = now_ns() - t0;
	close(go[0]);
	close(go[1]);
	waitpid(pid, NULL, 0);
	/* between real runs the kernel's rcu_sync of the threadgroup lock goes idle again: a
	 * cgroup.procs write then waits a grace period, which back-to-back runs would hide */
	usleep(50000);
	t0 = now_ns();
	cgroup_finish(&cg, c, 0);
	t[2] = now_ns() - t0;
	return 0;
}

static int measure(const char *label, struct nb_container *c, int runs)
{
	static long long phase[3][MAX_RUNS], total[MAX_RUNS], fork_only[MAX_RUNS];

	for (int i = 0; i < runs; i++) {
		long long t[3];

		snprintf(c->name, sizeof(c->name), "cgcost-%d-%d", (int)getpid(), i);
		if (one_run(c, t))
			return 1;
		for (int p = 0; p < 3; p++)
			phase[p][i] = t[p];
		fork_only[i] = plain_clone_ns();
		total[i] = t[0] + t[1] + t[2] - fork_only[i];
	}
	printf("%-8s layout v%d, %d group dir(s): setup %lld us, clone+join %lld us (a plain "
	       "clone: %lld us), finish %lld us; the group adds %lld us (medians of %d)\n",
	       label, cg.version, cg.n_dirs, median_us(phase[0], runs), median_us(phase[1], runs),
	       median_us(fork_only, runs), median_us(phase[2], runs), median_us(total, runs), runs);
	return 0;
}

int main(int argc, char **argv)
{
	static struct nb_container c;
	int runs = argc > 1 ? atoi(argv[1]) : 200;

	if (runs < 1 || runs > MAX_RUNS)
		runs = 200;
	c.namespaces = 0;
	c.cgroup.wanted = true; /* --cgroup default: the group without limits */
	if (measure("default", &c, runs))
		return 1;
	c.cgroup.memory = 64 << 20;
	c.cgroup.pids = 100;
	c.cgroup.cpu_quota = NB_CGROUP_CPU_PERIOD;
	return measure("limits", &c, runs);
}
