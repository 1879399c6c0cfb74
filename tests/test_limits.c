/* Resource exhaustion (issue 11): nestbox short of fds, of processes, of memory, and a
 * container that fills its writable layer. Each run ends in one of: success, exit 125 with one
 * clear "nestbox: ..." line before the workload started, or the workload's own error after; and
 * the host is as before (tests/lib_faults.c: mounts, cgroups, processes, temp files). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"
#include "lib_faults.h"

#define OUT_MAX 8192

struct limited_run {
	int status;
	char err[OUT_MAX];
};

/* Before exec, in the child: an rlimit, or joining a cgroup directory. */
struct limit {
	int resource; /* RLIMIT_*, or -1 */
	rlim_t soft;
	const char *cgroup_dir; /* or NULL */
};

static void apply_limit(const struct limit *l)
{
	if (l->resource >= 0) {
		struct rlimit r;

		getrlimit(l->resource, &r);
		r.rlim_cur = l->soft;
		setrlimit(l->resource, &r);
	}
	if (l->cgroup_dir) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/cgroup.procs", l->cgroup_dir);
		if (nbt_write_file(path, "0"))
			_exit(124);
	}
}

static void run_limited(struct nbf *f, const struct limit *l, const char *const *extra,
			const char *script, struct limited_run *r)
{
	const char *argv[48];
	char name[64], cmd[512];
	int n = 0, p[2], ws;
	size_t len = 0;
	pid_t pid;

	snprintf(name, sizeof(name), "%slim%d", f->tag, f->seq++);
	snprintf(cmd, sizeof(cmd), ": %s; %s", f->tag, script);
	argv[n++] = nbt_nestbox();
	argv[n++] = "run";
	argv[n++] = "--name";
	argv[n++] = name;
	argv[n++] = "--rootfs";
	argv[n++] = nbt_rootfs();
	for (int i = 0; extra && extra[i]; i++)
		argv[n++] = extra[i];
	argv[n++] = "--";
	argv[n++] = "sh";
	argv[n++] = "-c";
	argv[n++] = cmd;
	argv[n] = NULL;
	r->status = -1;
	r->err[0] = '\0';
	if (pipe(p))
		return;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		close(null);
		apply_limit(l);
		execv(argv[0], (char *const *)argv);
		_exit(124);
	}
	close(p[1]);
	for (ssize_t got; (got = read(p[0], r->err + len, OUT_MAX - 1 - len)) > 0;)
		len += (size_t)got;
	r->err[len] = '\0';
	close(p[0]);
	if (waitpid(pid, &ws, 0) == pid)
		r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

/* Success, or exit 125 with one line that says "nestbox: ...". */
static bool clean_outcome(const struct limited_run *r)
{
	if (r->status == 0)
		return true;
	return r->status == 125 && nbt_count_lines(r->err) == 1 && !strncmp(r->err, "nestbox: ", 9);
}

/* A child group of ours in the v1 hierarchy of ctrl ("pids", "memory"), or NULL: v2 only. */
static char *own_v1_group(const char *ctrl, const char *name)
{
	char self[4096], *line, *save = NULL, *path = NULL;

	if (nbt_read_file("/proc/self/cgroup", self, sizeof(self)) <= 0)
		return NULL;
	for (line = strtok_r(self, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *list = strchr(line, ':'), *own;

		if (!list || !(own = strchr(++list, ':')))
			continue;
		*own++ = '\0';
		if (strcmp(list, ctrl))
			continue;
		if (asprintf(&path, "/sys/fs/cgroup/%s%s/%s", ctrl, strcmp(own, "/") ? own : "",
			     name) < 0)
			return NULL;
		if (mkdir(path, 0755) && errno != EEXIST) {
			free(path);
			return NULL;
		}
		return path;
	}
	return NULL;
}

/* Remove the group and the "nestbox" parent nestbox made in it (empty when nothing leaked). */
static void remove_group(char *path)
{
	char sub[PATH_MAX];

	if (!path)
		return;
	snprintf(sub, sizeof(sub), "%s/nestbox", path);
	rmdir(sub);
	rmdir(path);
	free(path);
}

FIXTURE(limits)
{
	struct nbf f;
	bool ready;
	char *group;
	char *small; /* a small tmpfs for the persistent upper layer */
};

FIXTURE_SETUP(limits)
{
	char why[256];

	self->group = self->small = NULL;
	self->ready = !nbf_init(&self->f, false, why, sizeof(why));
	ASSERT_TRUE(self->ready) TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(limits)
{
	if (self->small) {
		umount2(self->small, MNT_DETACH);
		nbt_rm_rf(self->small);
		free(self->small);
	}
	if (self->ready) {
		nbf_cleanup(&self->f);
		nbf_fini(&self->f);
	}
	remove_group(self->group);
}

static void expect_host_clean(struct __test_metadata *_metadata, struct nbf *f, const char *what)
{
	char leaks[NBF_LEAK_MAX];

	nbf_leaks(f, leaks, sizeof(leaks), 3000);
	EXPECT_STREQ("", leaks) TH_LOG("%s: left %s", what, leaks);
	if (leaks[0])
		nbf_cleanup(f);
}

/* ulimit -n N (soft; root cannot raise a hard limit here): N from enough down to too few. */
TEST_F(limits, out_of_fds)
{
	static const rlim_t nofile[] = { 16, 10, 8, 6, 5, 4 };

	for (size_t i = 0; i < sizeof(nofile) / sizeof(nofile[0]); i++) {
		struct limit l = { RLIMIT_NOFILE, nofile[i], NULL };
		struct limited_run r;
		char what[32];

		run_limited(&self->f, &l, NULL, "exit 0", &r);
		snprintf(what, sizeof(what), "nofile %d", (int)nofile[i]);
		EXPECT_TRUE(clean_outcome(&r)) TH_LOG("%s: exit %d: %s", what, r.status, r.err);
		TH_LOG("%s: exit %d %s", what, r.status, r.err);
		expect_host_clean(_metadata, &self->f, what);
	}
}

/* nestbox in a pids group of its own with room for k processes: nestbox, its cleanup guard,
 * the container's PID 1 and the workload need 4. */
TEST_F(limits, out_of_pids)
{
	char name[64];

	snprintf(name, sizeof(name), "nbt-pids-%d", (int)getpid());
	self->group = own_v1_group("pids", name);
	if (!self->group)
		SKIP(return, "no v1 pids hierarchy (cgroup v2 only)");
	for (int k = 1; k <= 5; k++) {
		struct limit l = { -1, 0, self->group };
		struct limited_run r;
		char path[PATH_MAX], value[16], what[32];

		snprintf(path, sizeof(path), "%s/pids.max", self->group);
		snprintf(value, sizeof(value), "%d", k);
		ASSERT_EQ(0, nbt_write_file(path, value));
		run_limited(&self->f, &l, NULL, "exit 0", &r);
		snprintf(what, sizeof(what), "pids.max %d", k);
		EXPECT_TRUE(clean_outcome(&r)) TH_LOG("%s: exit %d: %s", what, r.status, r.err);
		TH_LOG("%s: exit %d %s", what, r.status, r.err);
		expect_host_clean(_metadata, &self->f, what);
	}
}

/* nestbox itself in a memory group: from too little to enough. An OOM kill (137) is allowed
 * (the kernel picks the victim); a leak is not. */
TEST_F(limits, out_of_memory)
{
	static const char *const limits[] = { "128K", "256K", "512K", "1M", "4M" };
	char name[64];

	snprintf(name, sizeof(name), "nbt-mem-%d", (int)getpid());
	self->group = own_v1_group("memory", name);
	if (!self->group)
		SKIP(return, "no v1 memory hierarchy (cgroup v2 only)");
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		struct limit l = { -1, 0, self->group };
		struct limited_run r;
		char path[PATH_MAX], what[32];

		snprintf(path, sizeof(path), "%s/memory.limit_in_bytes", self->group);
		ASSERT_EQ(0, nbt_write_file(path, limits[i]));
		run_limited(&self->f, &l, NULL, "exit 0", &r);
		snprintf(path, sizeof(path), "%s/memory.max_usage_in_bytes", self->group);
		snprintf(what, sizeof(what), "memory %s", limits[i]);
		{
			char peak[32] = "";

			nbt_read_file(path, peak, sizeof(peak));
			TH_LOG("%s: peak %s", what, peak);
			nbt_write_file(path, "0");
		}
		EXPECT_TRUE(clean_outcome(&r) || r.status == 128 + SIGKILL)
		TH_LOG("%s: exit %d: %s", what, r.status, r.err);
		TH_LOG("%s: exit %d %s", what, r.status, r.err);
		expect_host_clean(_metadata, &self->f, what);
	}
}

/* The fresh writable layer is a tmpfs charged to the container's memory: filling it ends in
 * ENOSPC (the workload's error) or an OOM kill reported by nestbox (137), then a clean exit. */
TEST_F(limits, fresh_upper_filled)
{
	static const char *const args[] = { "--memory", "32m", NULL };
	struct limit l = { -1, 0, NULL };
	struct limited_run r;

	run_limited(&self->f, &l, args, "dd if=/dev/zero of=/fill bs=1M count=128; exit 3", &r);
	EXPECT_TRUE(r.status == 3 || r.status == 128 + SIGKILL)
	TH_LOG("exit %d: %s", r.status, r.err);
	if (r.status == 128 + SIGKILL)
		EXPECT_NE(NULL, strstr(r.err, "out of memory")) TH_LOG("%s", r.err);
	expect_host_clean(_metadata, &self->f, "fresh upper filled");
}

/* A persistent --upper/--work on a 1 MiB tmpfs the test mounts: the workload gets ENOSPC (its
 * own error); and with the filesystem full before the start, nestbox either runs or says why. */
TEST_F(limits, persistent_upper_disk_full)
{
	char upper[PATH_MAX], work[PATH_MAX], fill[PATH_MAX];
	struct limit l = { -1, 0, NULL };
	struct limited_run r;
	const char *args[8];

	self->small = nbt_tempdir("small");
	ASSERT_NE(NULL, self->small);
	ASSERT_EQ(0, mount("nbt-small", self->small, "tmpfs", 0, "size=1m"));
	/* the test's own mount is not a leak */
	free(self->f.mounts);
	self->f.mounts = nbt_mountinfo();
	snprintf(upper, sizeof(upper), "%s/upper", self->small);
	snprintf(work, sizeof(work), "%s/work", self->small);
	ASSERT_EQ(0, mkdir(upper, 0755));
	ASSERT_EQ(0, mkdir(work, 0755));
	args[0] = "--upper";
	args[1] = upper;
	args[2] = "--work";
	args[3] = work;
	args[4] = NULL;
	run_limited(&self->f, &l, args, "dd if=/dev/zero of=/big bs=64k count=64 && exit 0; exit 7",
		    &r);
	EXPECT_EQ(7, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "No space left")) TH_LOG("%s", r.err);
	expect_host_clean(_metadata, &self->f, "upper filled by the workload");

	/* Full before the start: whatever nestbox writes there fails. */
	snprintf(fill, sizeof(fill), "%s/fill", self->small);
	{
		int fd = open(fill, O_WRONLY | O_CREAT, 0644);
		char block[4096] = { 0 };

		ASSERT_LE(0, fd);
		while (write(fd, block, sizeof(block)) > 0)
			;
		close(fd);
	}
	run_limited(&self->f, &l, args, "echo x > /new 2>&1 || exit 7; exit 0", &r);
	EXPECT_TRUE(clean_outcome(&r) || r.status == 7) TH_LOG("exit %d: %s", r.status, r.err);
	TH_LOG("full before the start: exit %d %s", r.status, r.err);
	expect_host_clean(_metadata, &self->f, "upper full before the start");
}

TEST_HARNESS_MAIN
