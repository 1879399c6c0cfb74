/* cgroups: limits on whatever layout the machine has (v1 and hybrid natively, v2 in the QEMU
 * VMs), OOM reporting, --stats, the container's view, and no group left behind: after a run,
 * after SIGTERM, after a SIGKILLed nestbox (the next run of the name removes it), after bad
 * input. Each container gets a name of its own; teardown looks for that name anywhere under
 * /sys/fs/cgroup, fails the test if it is there, and removes it. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#include "kselftest_harness.h"
#include "lib.h"

#define CG_FS "/sys/fs/cgroup"

/* 2: /sys/fs/cgroup is cgroup2; 1: v1 hierarchies (pure v1 or hybrid); 0: none. */
static int layout(void)
{
	struct statfs st;
	char buf[4096];

	if (statfs(CG_FS, &st))
		return 0;
	if (st.f_type == CGROUP2_SUPER_MAGIC)
		return 2;
	if (nbt_read_file("/proc/self/mountinfo", buf, sizeof(buf)) > 0 &&
	    strstr(buf, " - cgroup cgroup "))
		return 1;
	return 0;
}

/* Is controller ctrl usable: a v1 hierarchy of it, or listed in our v2 cgroup's controllers. */
static bool have_controller(const char *ctrl)
{
	char path[256], buf[512];

	if (layout() == 1) {
		snprintf(path, sizeof(path), CG_FS "/%s/cgroup.procs", ctrl);
		if (!access(path, F_OK))
			return true;
		/* co-mounted hierarchies, e.g. cpu,cpuacct */
		return nbt_read_file("/proc/self/cgroup", buf, sizeof(buf)) > 0 &&
		       strstr(buf, ctrl);
	}
	if (layout() == 2 && nbt_read_file(CG_FS "/cgroup.controllers", buf, sizeof(buf)) > 0)
		return strstr(buf, ctrl) != NULL;
	return false;
}

/* Controller-specific file names for checks from inside the container. */
static const char *file_for(const char *what)
{
	bool v2 = layout() == 2;

	if (!strcmp(what, "memory.max"))
		return v2 ? CG_FS "/memory.max" : CG_FS "/memory/memory.limit_in_bytes";
	if (!strcmp(what, "swap"))
		return v2 ? CG_FS "/memory.swap.max" : CG_FS "/memory/memory.memsw.limit_in_bytes";
	if (!strcmp(what, "io"))
		return v2 ? CG_FS "/io.max" : CG_FS "/blkio/blkio.throttle.read_bps_device";
	return NULL;
}

static const char *found_group;
static int find_name(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	static char hit[4096];

	(void)st;
	if (type == FTW_D && !strcmp(path + ftw->base, found_group + 1) &&
	    path[ftw->base - 1] == '/') {
		snprintf(hit, sizeof(hit), "%s", path);
		found_group = hit;
		return 1;
	}
	return 0;
}

/* A directory named name anywhere under /sys/fs/cgroup (into hit), or NULL. */
static const char *group_left(const char *name, char *hit, size_t size)
{
	char key[128];

	snprintf(key, sizeof(key), "/%s", name);
	found_group = key;
	if (nftw(CG_FS, find_name, 32, FTW_PHYS) == 1) {
		snprintf(hit, size, "%s", found_group);
		return hit;
	}
	return NULL;
}

/* Remove every group of that name (killing what is in it): teardown after a failure. */
static void remove_groups(const char *name)
{
	char hit[4096], procs[8192];

	for (int tries = 0; tries < 50 && group_left(name, hit, sizeof(hit)); tries++) {
		char file[4200];

		snprintf(file, sizeof(file), "%s/cgroup.procs", hit);
		if (nbt_read_file(file, procs, sizeof(procs)) > 0)
			for (char *p = procs; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "")
				kill(atoi(p), SIGKILL);
		if (rmdir(hit))
			usleep(20000);
	}
}

static bool group_exists(const char *name)
{
	char hit[4096];

	return group_left(name, hit, sizeof(hit)) != NULL;
}

static int default_parent(char *out, size_t size);

static char helpers_bind[4200];

/* nestbox run --name NAME [ARGS...] -- CMD...: args up to "--" are options. */
static int run_in(struct nbt_result *r, const char *name, const char *const *args)
{
	const char *argv[64];
	int n = 0;

	snprintf(helpers_bind, sizeof(helpers_bind), "%s:/nbt:ro", nbt_helpers());
	argv[n++] = "run";
	argv[n++] = "--rootfs";
	argv[n++] = nbt_rootfs();
	argv[n++] = "--bind";
	argv[n++] = helpers_bind;
	argv[n++] = "--name";
	argv[n++] = name;
	for (int i = 0; args[i] && n < 63; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	return nbt_runv(r, argv);
}
#define RUN(r, ...) run_in(r, self->name, (const char *const[]){ __VA_ARGS__, NULL })

FIXTURE(cgroup)
{
	char name[64];
	char *tmp; /* a test's scratch directory, removed in teardown on every way out */
};

FIXTURE_SETUP(cgroup)
{
	static int serial;

	snprintf(self->name, sizeof(self->name), "nbt-cg-%d-%d", (int)getpid(), serial++);
	self->tmp = NULL;
	if (geteuid())
		SKIP(return, "cgroups need root");
	if (!layout())
		SKIP(return, "no cgroup hierarchy is mounted at " CG_FS);
}

FIXTURE_TEARDOWN(cgroup)
{
	bool left = group_exists(self->name);

	remove_groups(self->name);
	nbt_rm_rf(self->tmp);
	EXPECT_FALSE(left) TH_LOG("cgroup %s left behind", self->name);
}

#define NEED(ctrl)                                                                           \
	do {                                                                                 \
		if (!have_controller(ctrl))                                                  \
			SKIP(return, "no usable %s controller on this kernel/layout", ctrl); \
	} while (0)

TEST_F(cgroup, memory_hog_over_limit_is_oom_killed_and_reported)
{
	static struct nbt_result r;

	NEED("memory");
	RUN(&r, "--memory", "32m", "--", "/nbt/cgroup_hog", "64");
	EXPECT_EQ(137, r.status) TH_LOG("stderr: %s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "nestbox: out of memory: limit 32 MiB")) TH_LOG("%s", r.err);
	EXPECT_EQ(NULL, strstr(r.out, "ok 64"));
}

TEST_F(cgroup, memory_hog_under_limit_passes)
{
	static struct nbt_result r;

	NEED("memory");
	RUN(&r, "--memory", "32m", "--", "/nbt/cgroup_hog", "16");
	EXPECT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "ok 16"));
	EXPECT_EQ(NULL, strstr(r.err, "out of memory")) TH_LOG("%s", r.err);
}

/* The cgroup's CPU time (--stats) of a run of the workload that does nothing: the start-up and
 * exit of nestbox-init and the workload in the group, in seconds; -1 if not known. */
static double cgroup_cpu_of_an_idle_run(struct __test_metadata *_metadata, const char *name)
{
	static struct nbt_result r;
	const char *s;

	run_in(&r, name,
	       (const char *const[]){ "--stats", "--", "/nbt/cgroup_hog", "--spin", "0", NULL });
	EXPECT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	s = strstr(r.err, ", cpu ");
	return s && strncmp(s + 6, "n/a", 3) ? atof(s + 6) : -1;
}

/* 2 s of wall time at 0.2 CPUs: 0.4 s of CPU, +-30%, by the workload's own clock and by the
 * cgroup's (--stats). The cgroup's also counts the run's start-up and exit in the group, which
 * the quota throttles as well: natively a few ms, in a 1-vCPU TCG guest (aarch64) ~0.6 s (it
 * read 0.985 s there). So its bounds are the workload's plus that start-up, measured in the same
 * machine by an idle run just before, with twice its time as the start-up's variation. */
TEST_F(cgroup, cpus_quota_limits_cpu_time)
{
	static struct nbt_result r;
	const char *s;
	long ms;
	double cg_s, idle_s;

	NEED("cpu");
	idle_s = cgroup_cpu_of_an_idle_run(_metadata, self->name);
	RUN(&r, "--cpus", "0.2", "--stats", "--", "/nbt/cgroup_hog", "--spin", "2");
	ASSERT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	s = strstr(r.out, "cpu ");
	ASSERT_NE(NULL, s) TH_LOG("stdout: %s", r.out);
	ms = atol(s + 4);
	EXPECT_GE(ms, 280) TH_LOG("workload got %ld ms of CPU", ms);
	EXPECT_LE(ms, 520) TH_LOG("workload got %ld ms of CPU", ms);
	s = strstr(r.err, ", cpu ");
	ASSERT_NE(NULL, s) TH_LOG("stderr: %s", r.err);
	if (!strncmp(s + 6, "n/a", 3) || idle_s < 0)
		return;
	cg_s = atof(s + 6);
	EXPECT_GE(cg_s, 0.28) TH_LOG("%s", r.err);
	EXPECT_LE(cg_s, 0.52 + 2 * idle_s) TH_LOG("%s (an idle run: %.3f s)", r.err, idle_s);
}

/* --no-init: the workload and its 9 children are the 10 processes; the 11th fork fails. */
TEST_F(cgroup, pids_limit_stops_the_eleventh_process)
{
	static struct nbt_result r;

	NEED("pids");
	RUN(&r, "--pids", "10", "--no-init", "--", "/nbt/cgroup_hog", "--fork", "12");
	EXPECT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "forked 9\n")) TH_LOG("stdout: %s", r.out);
}

TEST_F(cgroup, cpuset_sets_the_affinity)
{
	static struct nbt_result r;

	NEED("cpuset");
	RUN(&r, "--cpuset", "0", "--", "/nbt/cgroup_hog", "--affinity");
	EXPECT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	EXPECT_STREQ("cpus 0\n", r.out);
}

TEST_F(cgroup, stats_are_printed_at_exit)
{
	static struct nbt_result r;

	RUN(&r, "--stats", "--", "/nbt/cgroup_hog", "8");
	EXPECT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "nestbox: stats: memory peak ")) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, ", cpu ")) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, ", pids peak ")) TH_LOG("%s", r.err);
	if (have_controller("memory"))
		EXPECT_NE(NULL, strstr(r.err, "memory peak 8.") ?: strstr(r.err, "memory peak 9."))
	TH_LOG("%s", r.err);
}

/* The cgroup namespace: the container's group is the root of every hierarchy it sees, the
 * limits are visible there, and the view is read-only. */
TEST_F(cgroup, container_sees_its_group_as_root_read_only)
{
	static struct nbt_result r;
	char script[512];

	NEED("memory");
	snprintf(script, sizeof(script),
		 "cat /proc/self/cgroup; cat %s; touch " CG_FS "/x 2>/dev/null && echo WRITABLE; "
		 "grep -c ' " CG_FS "' /proc/mounts",
		 file_for("memory.max"));
	RUN(&r, "--memory", "32m", "--", "sh", "-c", script);
	ASSERT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	for (char *l = r.out; *l && strchr(l, ':'); l = strchr(l, '\n') + 1) {
		char *nl = strchr(l, '\n');

		ASSERT_NE(NULL, nl);
		EXPECT_EQ(0, strncmp(nl - 2, ":/", 2))
		TH_LOG("not the root: %.*s", (int)(nl - l), l);
	}
	EXPECT_NE(NULL, strstr(r.out, "33554432\n")) TH_LOG("stdout: %s", r.out);
	EXPECT_EQ(NULL, strstr(r.out, "WRITABLE"));
}

TEST_F(cgroup, memory_swap_limit)
{
	static struct nbt_result r;
	char script[256];

	NEED("memory");
	snprintf(script, sizeof(script), "cat %s", file_for("swap"));
	RUN(&r, "--memory", "32m", "--memory-swap", "64m", "--", "sh", "-c", script);
	if (r.status == 125 && strstr(r.err, "swap accounting"))
		SKIP(return, "swap accounting is not enabled in this kernel");
	ASSERT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	/* v1 counts memory + swap, v2 swap alone */
	EXPECT_NE(NULL, strstr(r.out, layout() == 2 ? "33554432" : "67108864")) TH_LOG("%s", r.out);
}

/* First block device of /proc/partitions as "MAJ:MIN". */
static int block_device(char *out, size_t size)
{
	char buf[4096];
	unsigned major, minor;
	char *line;

	if (nbt_read_file("/proc/partitions", buf, sizeof(buf)) <= 0)
		return -1;
	for (line = strchr(buf, '\n'); line; line = strchr(line + 1, '\n'))
		if (sscanf(line + 1, "%u %u", &major, &minor) == 2) {
			snprintf(out, size, "%u:%u", major, minor);
			return 0;
		}
	return -1;
}

TEST_F(cgroup, io_max_read_bps)
{
	static struct nbt_result r;
	char dev[32], arg[64], script[256], want[64];

	NEED(layout() == 2 ? "io" : "blkio");
	if (block_device(dev, sizeof(dev)))
		SKIP(return, "no block device in /proc/partitions");
	snprintf(arg, sizeof(arg), "%s:rbps=1m", dev);
	snprintf(script, sizeof(script), "cat %s", file_for("io"));
	RUN(&r, "--io-max", arg, "--", "sh", "-c", script);
	ASSERT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	snprintf(want, sizeof(want), layout() == 2 ? "%s rbps=1048576" : "%s 1048576", dev);
	EXPECT_NE(NULL, strstr(r.out, want)) TH_LOG("want %s in: %s", want, r.out);
}

/* root: a state directory of the test's own (NULL: the default), so that two runs of one name
 * are not kept apart by the name lock but only by what the cgroup code checks. */
static pid_t spawn_sleeper_in(const char *root, const char *name, const char *log)
{
	const char *argv[] = { "--root",   root,  "run", "--rootfs", nbt_rootfs(), "--name", name,
			       "--memory", "64m", "--",	 "sleep",    "60",	   NULL };

	return nbt_spawn(root ? argv : argv + 2, log);
}

static pid_t spawn_sleeper(const char *name, const char *log)
{
	return spawn_sleeper_in(NULL, name, log);
}

static bool wait_for_group(const char *name, bool present)
{
	for (int i = 0; i < 500; i++) {
		if (group_exists(name) == present)
			return true;
		usleep(10000);
	}
	return false;
}

static int reap(pid_t pid)
{
	int ws;

	if (waitpid(pid, &ws, 0) != pid)
		return -1;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

/* The processes whose command line is that of process pid (its cleanup guard has the same). */
static int same_command_line(pid_t pid)
{
	char path[64], cmd[4096];
	int n;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	n = nbt_read_file(path, cmd, sizeof(cmd));
	for (int i = 0; i < n; i++)
		if (!cmd[i])
			cmd[i] = ' ';
	return n > 0 ? nbt_count_procs(cmd) : -1;
}

/* Issue 21: without a resource option a run makes no group and forks no cleanup guard (it
 * has nothing outside its namespaces to clean up); --cgroup default brings both back. */
TEST_F(cgroup, group_and_guard_only_when_asked_for)
{
	static const char *const opts[][3] = { { "--", NULL }, { "--cgroup", "default", "--" } };

	for (int i = 0; i < 2; i++) {
		char script[128];
		const char *argv[16];
		int n = 0, procs = -1;
		pid_t pid;

		snprintf(script, sizeof(script), "sleep 30; : %s", self->name);
		argv[n++] = "run";
		argv[n++] = "--rootfs";
		argv[n++] = nbt_rootfs();
		argv[n++] = "--name";
		argv[n++] = self->name;
		for (int k = 0; k < 3 && opts[i][k]; k++)
			argv[n++] = opts[i][k];
		argv[n++] = "sh";
		argv[n++] = "-c";
		argv[n++] = script;
		argv[n] = NULL;
		pid = nbt_spawn(argv, "/dev/null");
		ASSERT_GT(pid, 0);
		snprintf(script, sizeof(script), "sh -c sleep 30; : %s", self->name);
		EXPECT_EQ(1, nbt_wait_procs(script, 1, 5000));
		EXPECT_EQ(i == 1,
			  i == 1 ? wait_for_group(self->name, true) : group_exists(self->name));
		for (int w = 0; w < 50 && (procs = same_command_line(pid)) != 1 + i; w++)
			usleep(10000); /* the guard is forked before the group is made */
		EXPECT_EQ(1 + i, procs) TH_LOG("nestbox and %d guard(s) expected", i);
		kill(pid, SIGTERM);
		EXPECT_EQ(128 + SIGTERM, reap(pid));
		EXPECT_FALSE(group_exists(self->name));
	}
}

TEST_F(cgroup, group_removed_after_sigterm_and_sigint)
{
	const int sigs[] = { SIGTERM, SIGINT };

	for (int i = 0; i < 2; i++) {
		pid_t pid = spawn_sleeper(self->name, "/dev/null");

		ASSERT_TRUE(wait_for_group(self->name, true));
		usleep(100000); /* let the workload start */
		kill(pid, sigs[i]);
		EXPECT_EQ(128 + sigs[i], reap(pid));
		/* nestbox has exited: the group must be gone already, no waiting */
		EXPECT_FALSE(group_exists(self->name)) TH_LOG("after signal %d", sigs[i]);
	}
}

TEST_F(cgroup, stale_group_of_sigkilled_nestbox_is_removed_by_next_run)
{
	static struct nbt_result r;
	pid_t pid = spawn_sleeper(self->name, "/dev/null");
	char parent[4096], stale[4200];

	ASSERT_TRUE(wait_for_group(self->name, true));
	usleep(100000);
	kill(pid, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, reap(pid));
	usleep(200000); /* the container dies with its host side (PDEATHSIG) */
	/* Whatever cleaned up after the killed nestbox (nothing, or a cleanup process), the next
	 * run must cope with an empty group of its name: make sure there is one. */
	ASSERT_EQ(0, default_parent(parent, sizeof(parent)));
	snprintf(stale, sizeof(stale), "%s/%s", parent, self->name);
	if (!group_exists(self->name)) {
		TH_LOG("the killed run's group is gone already; making a stale one");
		mkdir(parent, 0755);
		ASSERT_EQ(0, mkdir(stale, 0755));
	}
	RUN(&r, "--memory", "64m", "--pids", "9", "--", "true");
	EXPECT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	EXPECT_FALSE(group_exists(self->name));
}

/* The cleanup guard of nestbox pid parent, or -1. */
static pid_t guard_of(pid_t parent)
{
	for (int tries = 0; tries < 200; tries++) {
		DIR *d = opendir("/proc");
		struct dirent *e;
		pid_t found = -1;

		while (d && (e = readdir(d)) && found < 0) {
			char path[300], stat[512], *paren;
			int ppid;

			snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
			if (e->d_name[0] >= '1' && e->d_name[0] <= '9' &&
			    nbt_read_file(path, stat, sizeof(stat)) > 0 &&
			    strstr(stat, "(nestbox-guard)") && (paren = strrchr(stat, ')')) &&
			    sscanf(paren + 1, " %*c %d", &ppid) == 1 && ppid == parent)
				found = atoi(e->d_name);
		}
		if (d)
			closedir(d);
		if (found > 0)
			return found;
		usleep(10000);
	}
	return -1;
}

/* Issue 27.3: the guard of a SIGKILLed run cleans up late (here: stopped until then), after a
 * new run of the same name has made the group again. It must not kill or remove the new
 * run's group: the group it made is gone, this one is another (its inode says so). */
TEST_F(cgroup, late_guard_leaves_a_newer_group_of_the_same_name_alone)
{
	pid_t first = spawn_sleeper(self->name, "/dev/null"), guard, second;
	static struct nbt_result r;
	char root[64];

	ASSERT_TRUE(wait_for_group(self->name, true));
	guard = guard_of(first);
	ASSERT_GT(guard, 0);
	ASSERT_EQ(0, kill(guard, SIGSTOP));
	kill(first, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, reap(first));
	usleep(300000); /* the container dies with its host side (PDEATHSIG) */
	/* The stopped guard still holds the name: a second run is refused (the name lock). */
	RUN(&r, "--memory", "64m", "--", "true");
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "in use")) TH_LOG("%s", r.err);
	/* Under another state root the lock does not keep them apart: the cgroup code must. */
	snprintf(root, sizeof(root), "/tmp/nbt-cg-root-%d", (int)getpid());
	second = spawn_sleeper_in(root, self->name, "/dev/null");
	usleep(500000); /* the stale group is made afresh, the workload runs in it */
	ASSERT_TRUE(wait_for_group(self->name, true));
	kill(guard, SIGCONT);
	for (int i = 0; i < 200 && !kill(guard, 0); i++)
		usleep(10000);
	usleep(300000); /* what the guard would have done (it kills after ~250 ms of EBUSY) */
	EXPECT_TRUE(group_exists(self->name)) TH_LOG("the guard removed the new run's group");
	EXPECT_EQ(0, kill(second, 0));
	kill(second, SIGTERM);
	EXPECT_EQ(128 + SIGTERM, reap(second)) TH_LOG("the guard killed the new run's workload");
	rmdir(root);
}

TEST_F(cgroup, name_in_use_is_refused_and_left_alone)
{
	static struct nbt_result r;
	pid_t pid = spawn_sleeper(self->name, "/dev/null");

	ASSERT_TRUE(wait_for_group(self->name, true));
	usleep(200000);
	RUN(&r, "--memory", "64m", "--", "true");
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "in use")) TH_LOG("%s", r.err);
	EXPECT_TRUE(group_exists(self->name)); /* the running container's group is untouched */
	kill(pid, SIGTERM);
	EXPECT_EQ(128 + SIGTERM, reap(pid));
}

/* <own group>/nestbox in the pids hierarchy (v1) or the one tree (v2), from /proc/self/cgroup. */
static int default_parent(char *out, size_t size)
{
	char buf[4096], *line;
	const char *want = layout() == 2 ? "0::" : ":pids:";

	if (nbt_read_file("/proc/self/cgroup", buf, sizeof(buf)) <= 0 ||
	    !(line = strstr(buf, want)))
		return -1;
	line += strlen(want);
	line[strcspn(line, "\n")] = '\0';
	snprintf(out, size, CG_FS "%s%s/nestbox", layout() == 2 ? "" : "/pids",
		 strcmp(line, "/") ? line : "");
	return 0;
}

/* A default-named group (nestbox-<pid>) of a nestbox that no longer exists is swept by the next
 * run of any name: no run will ever have that name again. */
TEST_F(cgroup, stale_default_named_group_is_swept)
{
	static struct nbt_result r;
	char parent[4096], stale[4200];

	NEED("pids");
	ASSERT_EQ(0, default_parent(parent, sizeof(parent)));
	snprintf(stale, sizeof(stale), "%s/nestbox-2147483646", parent); /* above pid_max */
	mkdir(parent, 0755);
	ASSERT_EQ(0, mkdir(stale, 0755)) TH_LOG("%s: %s", stale, strerror(errno));
	RUN(&r, "--pids", "5", "--", "true");
	EXPECT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	EXPECT_NE(0, access(stale, F_OK)) TH_LOG("%s is still there", stale);
	rmdir(stale);
	rmdir(parent);
}

/* Hide the cgroup fs in a mount namespace of this test process only, then run nestbox. */
static int private_mounts(void)
{
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -1;
	return 0;
}

static int remount_read_only(const char *path)
{
	return mount(NULL, path, NULL,
		     MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

static void cgroup_fs_read_only(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, private_mounts());
	if (layout() == 2) {
		ASSERT_EQ(0, remount_read_only(CG_FS));
		return;
	}
	const char *h[] = { "memory", "cpu", "cpuacct", "cpuset", "pids", "blkio" };

	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
		char path[64];

		snprintf(path, sizeof(path), CG_FS "/%s", h[i]);
		if (!access(path, F_OK))
			remount_read_only(path);
	}
}

TEST_F(cgroup, unwritable_cgroup_fs_with_limits_is_bad_input)
{
	static struct nbt_result r;

	cgroup_fs_read_only(_metadata);
	RUN(&r, "--memory", "32m", "--", "true");
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "Read-only file system")) TH_LOG("%s", r.err);
}

/* Without a cgroup option nestbox runs without a group where it cannot make one. */
TEST_F(cgroup, unwritable_cgroup_fs_without_limits_still_runs)
{
	static struct nbt_result r;

	cgroup_fs_read_only(_metadata);
	RUN(&r, "--", "true");
	EXPECT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
}

/* A user namespace cannot mount sysfs, so /sys is the host's, bound, with the host's cgroup
 * fs mounted in it; without a group of its own (here: read-only cgroup fs) the container's
 * cgroup namespace is rooted where that mount is, and mounting the view there again is EBUSY. */
TEST_F(cgroup, user_namespace_without_a_group_keeps_the_view)
{
	static struct nbt_result r;

	cgroup_fs_read_only(_metadata);
	RUN(&r, "--ns", "mnt,pid,uts,ipc,cgroup,user", "--", "sh", "-c",
	    "cat /proc/self/cgroup; touch " CG_FS "/x 2>/dev/null && echo WRITABLE; echo done");
	EXPECT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "done")) TH_LOG("%s", r.out);
	EXPECT_EQ(NULL, strstr(r.out, "WRITABLE"));
}

/* Without a group of its own the container's cgroup namespace is rooted at nestbox's own groups.
 * Where the host's mounts of the view are rooted there too, they are that view as they stand:
 * bound read-only in one copy (issue 21: ~0.1 ms less than a fresh mount per hierarchy), with
 * what the host keeps beside them on its tmpfs (systemd's cpu -> cpu,cpuacct links). Here: a
 * private tmpfs with a marker file, and cgroup2 under it at the root nestbox is in. */
TEST_F(cgroup, view_rooted_at_own_groups_is_the_hosts_mounts_read_only)
{
	static struct nbt_result r;
	char own[4096];

	ASSERT_LT(0, nbt_read_file("/proc/self/cgroup", own, sizeof(own)));
	if (strncmp(own, "0::/\n", 5) && !strstr(own, "\n0::/\n"))
		SKIP(return, "this test's cgroup2 group is not the root");
	ASSERT_EQ(0, private_mounts());
	ASSERT_EQ(0, umount2(CG_FS, MNT_DETACH)); /* the host's view, with its submounts */
	ASSERT_EQ(0, mount("cgroup", CG_FS, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755"));
	ASSERT_EQ(0, mkdir(CG_FS "/unified", 0755));
	ASSERT_EQ(0, close(open(CG_FS "/nbt-marker", O_WRONLY | O_CREAT | O_CLOEXEC, 0644)));
	if (mount("cgroup2", CG_FS "/unified", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		SKIP(return, "no cgroup2 here: %s", strerror(errno));
	RUN(&r, "--", "sh", "-c",
	    "ls " CG_FS "; cat " CG_FS
	    "/unified/cgroup.procs >/dev/null && echo PROCS; touch " CG_FS
	    "/x 2>/dev/null && echo WRITABLE; touch " CG_FS
	    "/unified/x 2>/dev/null && echo WRITABLE; true");
	EXPECT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "nbt-marker\n")) TH_LOG("stdout: %s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "PROCS\n")) TH_LOG("stdout: %s", r.out);
	EXPECT_EQ(NULL, strstr(r.out, "WRITABLE")) TH_LOG("stdout: %s", r.out);
}

/* The same copy, one hierarchy rooted apart from nestbox's own group (here cgroup2, bound from a
 * group below the root nestbox is in): that one is moved aside and mounted afresh, so the
 * container sees its namespace's root there (with the group in it), not the bound group. */
TEST_F(cgroup, view_mount_rooted_apart_is_mounted_afresh)
{
	static struct nbt_result r;
	const char *v2 = layout() == 2 ? CG_FS : CG_FS "/unified";
	char own[4096], group[256], dir[4200];
	int v2_fd;

	ASSERT_LT(0, nbt_read_file("/proc/self/cgroup", own, sizeof(own)));
	if (strncmp(own, "0::/\n", 5) && !strstr(own, "\n0::/\n"))
		SKIP(return, "this test's cgroup2 group is not the root");
	v2_fd = open(v2, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (v2_fd < 0 || mkdirat(v2_fd, self->name, 0755))
		SKIP(return, "no writable cgroup2 at %s", v2);
	snprintf(group, sizeof(group), "%s/%s", v2, self->name);
	self->tmp = nbt_tempdir("cgapart");
	snprintf(dir, sizeof(dir), "%s/unified", self->tmp);
	/* the tmpfs made first, as a host's is: mountinfo lists mounts as they were made */
	EXPECT_EQ(0, private_mounts());
	EXPECT_EQ(
	    0, mount("cgroup", self->tmp, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755"));
	EXPECT_EQ(0, mkdir(dir, 0755));
	EXPECT_EQ(0, mount(group, dir, NULL, MS_BIND, NULL));
	snprintf(dir, sizeof(dir), "%s/nbt-marker", self->tmp);
	EXPECT_EQ(0, close(open(dir, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)));
	EXPECT_EQ(0, umount2(CG_FS, MNT_DETACH));
	EXPECT_EQ(0, mount(self->tmp, CG_FS, NULL, MS_MOVE, NULL));
	RUN(&r, "--", "sh", "-c", "ls " CG_FS " " CG_FS "/unified");
	EXPECT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "nbt-marker\n")) TH_LOG("stdout: %s", r.out);
	EXPECT_NE(NULL, strstr(r.out, self->name)) TH_LOG("stdout: %s", r.out);
	EXPECT_EQ(0, unlinkat(v2_fd, self->name, AT_REMOVEDIR));
	close(v2_fd);
}

/* cgroup2 mounted over the host's view (boot mode's PID 1 does that on a hybrid host): the
 * mounts it covers stay in mountinfo. A recursive copy of /sys/fs/cgroup takes only the top
 * one, so a covered view rooted apart could not be found in it to be moved aside ("mount
 * cgroup view: /sys/fs/cgroup/memory: ENOENT" on this host): such a view is mounted afresh,
 * each mount as it stands. */
TEST_F(cgroup, view_under_a_stacked_mount_still_starts)
{
	static struct nbt_result r;

	ASSERT_EQ(0, private_mounts());
	if (mount("cgroup2", CG_FS, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		SKIP(return, "no cgroup2 to mount here: %s", strerror(errno));
	RUN(&r, "--", "sh", "-c", "cat " CG_FS "/cgroup.procs >/dev/null && echo PROCS");
	EXPECT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "PROCS\n")) TH_LOG("stdout: %s", r.out);
}

TEST_F(cgroup, missing_controller_is_named)
{
	static struct nbt_result r;

	if (layout() != 1)
		SKIP(return, "only a v1 hierarchy can be hidden from one process (unmounted in a "
			     "private mount namespace); v2 controllers belong to the one tree");
	NEED("pids");
	ASSERT_EQ(0, private_mounts());
	ASSERT_EQ(0, umount2(CG_FS "/pids", MNT_DETACH));
	RUN(&r, "--pids", "10", "--", "true");
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "pids: controller not available")) TH_LOG("%s", r.err);
}

/* The default group is <own>/nestbox/<name>; --cgroup puts it elsewhere, and is removed too. */
TEST_F(cgroup, cgroup_path_option)
{
	static struct nbt_result r;
	char path[256], script[256];

	NEED("pids");
	snprintf(path, sizeof(path), "/%s-parent/%s", self->name, self->name);
	snprintf(script, sizeof(script), "cat %s",
		 layout() == 2 ? CG_FS "/pids.max" : CG_FS "/pids/pids.max");
	RUN(&r, "--cgroup", path, "--pids", "7", "--", "sh", "-c", script);
	EXPECT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	EXPECT_STREQ("7\n", r.out);
	snprintf(path, sizeof(path), "%s-parent", self->name);
	EXPECT_FALSE(group_exists(path));
}

/* --cgroup PATH naming a group that exists (issues 19.8, 27.3): nestbox refuses it, having
 * made, written, killed and removed nothing; the group and the process in it are as before. */
TEST_F(cgroup, cgroup_path_naming_an_existing_group_is_refused_and_kept)
{
	static struct nbt_result r;
	char path[256], dir[4200], procs[4300], pids_max[4300], buf[256];
	pid_t sleeper;

	NEED("pids");
	snprintf(path, sizeof(path), "/%s-theirs", self->name);
	snprintf(dir, sizeof(dir), CG_FS "%s%s", layout() == 2 ? "" : "/pids", path);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	snprintf(pids_max, sizeof(pids_max), "%s/pids.max", dir);
	ASSERT_EQ(0, mkdir(dir, 0755)) TH_LOG("%s: %s", dir, strerror(errno));
	/* empty: before the fix it was taken as a stale group, removed and made afresh */
	RUN(&r, "--cgroup", path, "--pids", "7", "--", "true");
	EXPECT_EQ(125, r.status) TH_LOG("stderr: %s", r.err);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "exists already")) TH_LOG("%s", r.err);
	EXPECT_EQ(0, access(dir, F_OK)) TH_LOG("%s was removed", dir);
	/* in use by a process of its own: not killed, not limited */
	sleeper = fork();
	if (sleeper == 0) {
		char me[16];

		snprintf(me, sizeof(me), "%d", (int)getpid());
		if (nbt_write_file(procs, me))
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_GT(sleeper, 0);
	for (int i = 0; i < 100 && nbt_read_file(procs, buf, sizeof(buf)) <= 0; i++)
		usleep(10000);
	RUN(&r, "--cgroup", path, "--pids", "7", "--", "true");
	EXPECT_EQ(125, r.status) TH_LOG("stderr: %s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "exists already")) TH_LOG("%s", r.err);
	EXPECT_EQ(0, kill(sleeper, 0)) TH_LOG("the group's own process was killed");
	ASSERT_LT(0, nbt_read_file(pids_max, buf, sizeof(buf)));
	EXPECT_STREQ("max\n", buf);
	kill(sleeper, SIGKILL);
	waitpid(sleeper, NULL, 0);
	for (int i = 0; i < 100 && rmdir(dir) && errno == EBUSY; i++)
		usleep(10000);
}

/* Processes whose parent is this test process (a subreaper), after nestbox was reaped: what
 * the run left behind, alive or a zombie, is re-parented here. The first goes to first. */
static int children_left(char *first, size_t size)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	first[0] = '\0';
	while (d && (e = readdir(d))) {
		char path[300], stat[512], *paren;
		int ppid;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if (nbt_read_file(path, stat, sizeof(stat)) <= 0 || !(paren = strrchr(stat, ')')) ||
		    sscanf(paren + 1, " %*c %d", &ppid) != 1 || ppid != getpid())
			continue;
		if (!n++)
			snprintf(first, size, "%.200s", stat);
	}
	if (d)
		closedir(d);
	return n;
}

/* Issue 20.2: nothing of a run outlives it. A long-running workload stopped with SIGTERM; when
 * nestbox has returned, no process it started (the cleanup guard above all) is left. */
static void nothing_outlives_a_termed_run(struct __test_metadata *_metadata, const char *name,
					  const char *const *extra)
{
	const char *argv[24] = {
		"run", "--rootfs", nbt_rootfs(), "--name", name, "--memory", "64m"
	};
	char first[256];
	int n = 7, left;
	pid_t pid;

	for (int i = 0; extra[i]; i++)
		argv[n++] = extra[i];
	argv[n++] = "--";
	argv[n++] = "sleep";
	argv[n++] = "60";
	argv[n] = NULL;
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	pid = nbt_spawn(argv, "/dev/null");
	ASSERT_TRUE(wait_for_group(name, true));
	usleep(200000); /* the workload runs */
	kill(pid, SIGTERM);
	EXPECT_EQ(128 + SIGTERM, reap(pid));
	left = children_left(first, sizeof(first));
	EXPECT_EQ(0, left) TH_LOG("left behind: %s", first);
	for (int i = 0; i < 100 && children_left(first, sizeof(first)); i++) {
		kill(atoi(first), SIGKILL);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		usleep(10000);
	}
}

TEST_F(cgroup, no_process_outlives_a_termed_run)
{
	nothing_outlives_a_termed_run(_metadata, self->name, (const char *const[]){ NULL });
}

TEST_F(cgroup, no_process_outlives_a_termed_run_with_veth)
{
	char name[16];

	/* the host end nb-<name> lives in a network namespace of this test's own */
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	snprintf(name, sizeof(name), "nbtg%d", (int)getpid() % 100000);
	snprintf(self->name, sizeof(self->name), "%s", name); /* teardown's group check */
	nothing_outlives_a_termed_run(_metadata, name,
				      (const char *const[]){ "--net", "veth", "--ip",
							     "10.78.0.2/24", "--host-ip",
							     "10.78.0.1/24", NULL });
}

/* v2's no-internal-process rule, the nested case: nestbox alone in a group T that has no
 * controllers enabled for its children moves itself into the leaf T/nestbox.leaf, enables them
 * in T and runs; with another process in T it says which rule stops it. */
static int run_from_group(const char *group, const char *log, const char *const *args)
{
	const char *argv[32] = { nbt_nestbox() };
	int n = 1, ws;
	pid_t pid;

	for (int i = 0; args[i] && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	pid = fork();
	if (pid == 0) {
		char self_pid[16];
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		snprintf(self_pid, sizeof(self_pid), "%d", (int)getpid());
		if (group) {
			char procs[4200];

			snprintf(procs, sizeof(procs), "%s/cgroup.procs", group);
			if (nbt_write_file(procs, self_pid))
				_exit(124);
		}
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], (char *const *)argv);
		_exit(124);
	}
	if (pid < 0 || waitpid(pid, &ws, 0) != pid)
		return -1;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

TEST_F(cgroup, v2_nestbox_alone_in_its_group_moves_into_a_leaf)
{
	char own[4096], group[4200], leaf[4300], log[4400], buf[4096];
	const char *args[] = { "run",	   "--rootfs",	      nbt_rootfs(), "--name",
			       self->name, "--pids",	      "7",	    "--",
			       "cat",	   CG_FS "/pids.max", NULL };
	char *tmp = self->tmp = nbt_tempdir("cgleaf");

	if (layout() != 2)
		SKIP(return, "cgroup v2 only (this host: v1 or hybrid)");
	NEED("pids");
	ASSERT_NE(NULL, tmp);
	ASSERT_EQ(0, default_parent(own, sizeof(own)));
	own[strlen(own) - strlen("/nestbox")] = '\0';
	snprintf(group, sizeof(group), "%s/%s-T", own, self->name);
	snprintf(leaf, sizeof(leaf), "%s/nestbox.leaf", group);
	snprintf(log, sizeof(log), "%s/log", tmp);
	if (nbt_write_file(strcat(strcpy(buf, own), "/cgroup.subtree_control"), "+pids"))
		SKIP(return, "cannot enable pids below our own group (it has processes)");
	ASSERT_EQ(0, mkdir(group, 0755));
	EXPECT_EQ(0, run_from_group(group, log, args));
	nbt_read_file(log, buf, sizeof(buf));
	EXPECT_STREQ("7\n", buf);
	EXPECT_EQ(0, access(leaf, F_OK)) TH_LOG("nestbox did not move into %s", leaf);
	/* Another process in T: nestbox cannot empty it and names the rule. */
	for (int i = 0; i < 100 && rmdir(leaf); i++)
		usleep(10000);
	{
		char self_pid[16], procs[4300], back[4200];

		snprintf(self_pid, sizeof(self_pid), "%d", (int)getpid());
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", group);
		snprintf(back, sizeof(back), "%s/cgroup.procs", own);
		nbt_write_file(strcat(strcpy(buf, group), "/cgroup.subtree_control"), "-pids");
		ASSERT_EQ(0, nbt_write_file(procs, self_pid));
		EXPECT_EQ(125, run_from_group(NULL, log, args));
		nbt_write_file(back, self_pid);
	}
	nbt_read_file(log, buf, sizeof(buf));
	EXPECT_NE(NULL, strstr(buf, "processes of its own")) TH_LOG("%s", buf);
	EXPECT_EQ(1, nbt_count_lines(buf)) TH_LOG("%s", buf);
	for (int i = 0; i < 100 && rmdir(leaf) && errno == EBUSY; i++)
		usleep(10000);
	rmdir(group);
	nbt_rm_rf(tmp);
}

/* v2: a controller the parent has not enabled for its children (missing from the group's
 * cgroup.controllers) is named; here T has none enabled, and nestbox starts in T/sub. */
TEST_F(cgroup, v2_controller_not_enabled_above_is_named)
{
	char own[4096], group[4200], sub[4300], log[4400], buf[4096];
	const char *args[] = { "run",	 "--rootfs", nbt_rootfs(), "--name", self->name,
			       "--pids", "7",	     "--",	   "true",   NULL };
	char *tmp = self->tmp = nbt_tempdir("cgmiss");

	if (layout() != 2)
		SKIP(return, "cgroup v2 only (this host: v1 or hybrid)");
	ASSERT_NE(NULL, tmp);
	ASSERT_EQ(0, default_parent(own, sizeof(own)));
	own[strlen(own) - strlen("/nestbox")] = '\0';
	snprintf(group, sizeof(group), "%s/%s-T", own, self->name);
	snprintf(sub, sizeof(sub), "%s/sub", group);
	snprintf(log, sizeof(log), "%s/log", tmp);
	ASSERT_EQ(0, mkdir(group, 0755));
	ASSERT_EQ(0, mkdir(sub, 0755));
	EXPECT_EQ(125, run_from_group(sub, log, args));
	nbt_read_file(log, buf, sizeof(buf));
	EXPECT_NE(NULL, strstr(buf, "pids: controller not available")) TH_LOG("%s", buf);
	EXPECT_EQ(1, nbt_count_lines(buf)) TH_LOG("%s", buf);
	/* nestbox's helpers may take a moment to exit after it */
	for (int i = 0; i < 100 && rmdir(sub); i++)
		usleep(10000);
	EXPECT_NE(0, access(sub, F_OK)) TH_LOG("nestbox left something in %s", sub);
	rmdir(group);
	nbt_rm_rf(tmp);
}

/* On a hybrid host the v1 controllers are used; a cgroup2 hierarchy with controllers cannot be
 * had next to them (each controller lives in one hierarchy). */
TEST_F(cgroup, hybrid_uses_v1_controllers)
{
	static struct nbt_result r;
	struct statfs st;
	char buf[256] = "";

	if (layout() != 1 || statfs(CG_FS "/unified", &st) || st.f_type != CGROUP2_SUPER_MAGIC)
		SKIP(return, "not a hybrid host");
	nbt_read_file(CG_FS "/unified/cgroup.controllers", buf, sizeof(buf));
	TH_LOG("cgroup2 controllers on this hybrid host: '%s'", buf);
	RUN(&r, "--memory", "32m", "--", "cat", CG_FS "/memory/memory.limit_in_bytes");
	EXPECT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	EXPECT_STREQ("33554432\n", r.out);
}

/* Pure v1, on a v2 machine: in a private mount namespace, a tmpfs at /sys/fs/cgroup with v1
 * hierarchies of the controllers v2 does not use yet (the kernel moves an unused controller
 * to a v1 hierarchy while it is mounted, and back when it is gone). Runs last: it changes
 * which hierarchy holds those controllers for its duration. */
/* num_cgroups of a controller in /proc/cgroups ("name hierarchy num_cgroups enabled"). */
static int v1_groups(const char *ctrl)
{
	char buf[2048], *line;
	size_t len = strlen(ctrl);
	int hierarchy, n;

	if (nbt_read_file("/proc/cgroups", buf, sizeof(buf)) <= 0)
		return -1;
	for (line = buf; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
		if (!strncmp(line, ctrl, len) && line[len] == '\t' &&
		    sscanf(line + len, "%d %d", &hierarchy, &n) == 2)
			return n;
	return -1;
}

static int unmount_v1(const char *const *ctrls, const bool *mounted)
{
	int rc = 0;

	for (int i = 0; i < 5; i++) {
		char dir[64];

		snprintf(dir, sizeof(dir), CG_FS "/%s", ctrls[i]);
		if (mounted[i] && umount2(dir, 0))
			rc = -1;
	}
	return umount2(CG_FS, 0) ? -1 : rc;
}

TEST_F(cgroup, v1_hierarchies_on_a_v2_kernel)
{
	static struct nbt_result r;
	const char *const ctrls[] = { "pids", "memory", "cpu", "cpuacct", "cpuset" };
	bool mounted[5] = { false };
	int n = 0;

	if (layout() != 2)
		SKIP(return, "needs a v2 machine (here v1 hierarchies are tested directly)");
	ASSERT_EQ(0, private_mounts());
	ASSERT_EQ(0, mount("cgroup", CG_FS, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755"));
	for (int i = 0; i < 5; i++) {
		char dir[64];

		snprintf(dir, sizeof(dir), CG_FS "/%s", ctrls[i]);
		mkdir(dir, 0755);
		/* EBUSY while v2 still has groups of it, dying ones of earlier tests included */
		for (int t = 0; t < 100 && !mounted[i]; t++) {
			mounted[i] = !mount("cgroup", dir, "cgroup",
					    MS_NOSUID | MS_NODEV | MS_NOEXEC, ctrls[i]);
			if (!mounted[i] && errno != EBUSY)
				break;
			if (!mounted[i])
				usleep(20000);
		}
		n += mounted[i];
	}
	if (!mounted[0]) {
		unmount_v1(ctrls, mounted);
		SKIP(return, "pids cannot move to a v1 hierarchy (in use on v2, or no v1 support)");
	}
	ASSERT_EQ(1, layout());
	if (mounted[1]) {
		RUN(&r, "--memory", "32m", "--pids", "7", "--stats", "--", "/nbt/cgroup_hog", "64");
		EXPECT_EQ(137, r.status) TH_LOG("stderr: %s", r.err);
		EXPECT_NE(NULL, strstr(r.err, "out of memory: limit 32 MiB")) TH_LOG("%s", r.err);
	}
	RUN(&r, "--pids", "7", "--", "sh", "-c", "cat /proc/self/cgroup " CG_FS "/pids/pids.max");
	EXPECT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	EXPECT_NE(NULL, strstr(r.out, ":pids:/\n")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "\n7\n")) TH_LOG("%s", r.out);
	TH_LOG("%d controllers on v1 hierarchies", n);
	EXPECT_FALSE(group_exists(self->name));
	/* A v1 hierarchy is destroyed at its last unmount only if it has no child group left,
	 * dying ones included (freed after an RCU grace period); otherwise it lingers, holding
	 * its controller, until reboot. Wait until /proc/cgroups counts the root alone. */
	for (int i = 0; i < 5; i++)
		for (int t = 0; mounted[i] && t < 300 && v1_groups(ctrls[i]) > 1; t++)
			usleep(10000);
	EXPECT_EQ(0, unmount_v1(ctrls, mounted));
	/* The controllers go back to v2 (cpuacct is implicit there, never listed): wait, so that
	 * the tests after this one find them. */
	for (int i = 0; i < 5; i++) {
		char buf[512] = "";

		if (!strcmp(ctrls[i], "cpuacct"))
			continue;
		for (int t = 0; mounted[i] && t < 300 && !strstr(buf, ctrls[i]); t++) {
			nbt_read_file(CG_FS "/cgroup.controllers", buf, sizeof(buf));
			if (!strstr(buf, ctrls[i]))
				usleep(10000);
		}
		EXPECT_TRUE(!mounted[i] || strstr(buf, ctrls[i]))
		TH_LOG("%s not back on v2", ctrls[i]);
	}
}

/* Bad input: one line, exit 125, no group left (teardown), run without the feature. */
FIXTURE(cgroup_bad)
{
	char name[64];
};

FIXTURE_VARIANT(cgroup_bad)
{
	const char *args[6];
	const char *says;
};

/* clang-format off */
FIXTURE_VARIANT_ADD(cgroup_bad, garbage_size) { .args = { "--memory", "lots" }, .says = "--memory: lots" };
FIXTURE_VARIANT_ADD(cgroup_bad, negative_size) { .args = { "--memory", "-5m" }, .says = "--memory: -5m" };
FIXTURE_VARIANT_ADD(cgroup_bad, zero_size) { .args = { "--memory", "0" }, .says = "above 0" };
FIXTURE_VARIANT_ADD(cgroup_bad, memory_below_the_floor) { .args = { "--memory", "64" }, .says = "--memory: 64 bytes: below 256 KiB" };
FIXTURE_VARIANT_ADD(cgroup_bad, memory_just_below_the_floor) { .args = { "--memory", "255k" }, .says = "--memory: 255 KiB: below 256 KiB" };
FIXTURE_VARIANT_ADD(cgroup_bad, bad_suffix) { .args = { "--memory", "10q" }, .says = "--memory: 10q" };
FIXTURE_VARIANT_ADD(cgroup_bad, swap_without_memory) { .args = { "--memory-swap", "64m" }, .says = "needs --memory" };
FIXTURE_VARIANT_ADD(cgroup_bad, swap_below_memory) { .args = { "--memory", "64m", "--memory-swap", "32m" }, .says = "at least --memory" };
FIXTURE_VARIANT_ADD(cgroup_bad, zero_cpus) { .args = { "--cpus", "0" }, .says = "--cpus: 0" };
FIXTURE_VARIANT_ADD(cgroup_bad, negative_cpus) { .args = { "--cpus", "-1" }, .says = "--cpus: -1" };
FIXTURE_VARIANT_ADD(cgroup_bad, too_many_cpus) { .args = { "--cpus", "100000" }, .says = "this machine's" };
FIXTURE_VARIANT_ADD(cgroup_bad, cpuset_outside_machine) { .args = { "--cpuset", "0-9999" }, .says = "outside this machine's CPUs" };
FIXTURE_VARIANT_ADD(cgroup_bad, cpuset_garbage) { .args = { "--cpuset", "0,,1" }, .says = "--cpuset" };
FIXTURE_VARIANT_ADD(cgroup_bad, cpuset_mems_absent) { .args = { "--cpuset-mems", "63" }, .says = "cpuset.mems: 63" };
FIXTURE_VARIANT_ADD(cgroup_bad, pids_zero) { .args = { "--pids", "0" }, .says = "--pids: 0" };
FIXTURE_VARIANT_ADD(cgroup_bad, cpu_weight_range) { .args = { "--cpu-weight", "10001" }, .says = "1 to 10000" };
FIXTURE_VARIANT_ADD(cgroup_bad, io_max_no_limit) { .args = { "--io-max", "8:0" }, .says = "MAJ:MIN" };
FIXTURE_VARIANT_ADD(cgroup_bad, io_max_bad_key) { .args = { "--io-max", "8:0:speed=1" }, .says = "rbps=N" };
FIXTURE_VARIANT_ADD(cgroup_bad, io_max_no_device) { .args = { "--io-max", "4095:4095:rbps=1m" }, .says = "--io-max: 4095:4095: no such block device" };
FIXTURE_VARIANT_ADD(cgroup_bad, cgroup_dotdot) { .args = { "--cgroup", "a/../../b" }, .says = "'..'" };
FIXTURE_VARIANT_ADD(cgroup_bad, cgroup_through_a_file) { .args = { "--cgroup", "/cgroup.procs/x" }, .says = "Not a directory" };
/* clang-format on */

FIXTURE_SETUP(cgroup_bad)
{
	static int serial;

	snprintf(self->name, sizeof(self->name), "nbt-cgbad-%d-%d", (int)getpid(), serial++);
	if (geteuid())
		SKIP(return, "cgroups need root");
	if (!layout())
		SKIP(return, "no cgroup hierarchy is mounted at " CG_FS);
}

FIXTURE_TEARDOWN(cgroup_bad)
{
	bool left = group_exists(self->name);

	remove_groups(self->name);
	EXPECT_FALSE(left) TH_LOG("cgroup %s left behind", self->name);
}

TEST_F(cgroup_bad, exits_125_with_one_line)
{
	static struct nbt_result r;
	const char *args[12];
	int n = 0;

	if (strstr(variant->says, "cpuset.mems") && !have_controller("cpuset"))
		SKIP(return, "no cpuset controller");
	if (strstr(variant->says, "no such block device") &&
	    !have_controller(layout() == 2 ? "io" : "blkio"))
		SKIP(return, "no io controller");
	for (int i = 0; variant->args[i]; i++)
		args[n++] = variant->args[i];
	args[n++] = "--";
	args[n++] = "true";
	args[n] = NULL;
	run_in(&r, self->name, args);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("stderr: %s", r.err);
	EXPECT_EQ(0, strncmp(r.err, "nestbox: ", 9)) TH_LOG("stderr: %s", r.err);
	EXPECT_NE(NULL, strstr(r.err, variant->says)) TH_LOG("stderr: %s", r.err);
}

TEST_HARNESS_MAIN
