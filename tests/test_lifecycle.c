/* The lifecycle verbs on the state directory: create stops before the workload, start releases
 * it, state prints the OCI state, delete removes everything (also after a SIGKILLed create);
 * and a name belongs to one run at a time. Each test has a --root of its own. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

FIXTURE(lc)
{
	char *dir;
	char root[512];
	char out[512]; /* a directory the workload writes to (bound at /out) */
	char bind[600];
	char id[64];
	char *mounts;
};

FIXTURE_SETUP(lc)
{
	self->dir = nbt_tempdir("lc");
	ASSERT_NE(NULL, self->dir);
	snprintf(self->root, sizeof(self->root), "%s/root", self->dir);
	snprintf(self->out, sizeof(self->out), "%s/out", self->dir);
	ASSERT_EQ(0, mkdir(self->out, 0755));
	snprintf(self->bind, sizeof(self->bind), "%s:/out", self->out);
	snprintf(self->id, sizeof(self->id), "nbtlc%d", (int)getpid());
	self->mounts = nbt_mountinfo();
}

FIXTURE_TEARDOWN(lc)
{
	static struct nbt_result r;

	nbt_run(&r, "--root", self->root, "delete", "--force", self->id, NULL);
	free(self->mounts);
	nbt_rm_rf(self->dir);
}

static int file_exists(const char *dir, const char *name)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* The "status" value of `nestbox state`'s JSON, into buf. */
static const char *state_of(const char *root, const char *id, char *buf, size_t size)
{
	static struct nbt_result r;
	const char *p;

	nbt_run(&r, "--root", root, "state", id, NULL);
	p = r.status == 0 ? strstr(r.out, "\"status\":\"") : NULL;
	if (!p)
		return "";
	p += strlen("\"status\":\"");
	snprintf(buf, size, "%.*s", (int)strcspn(p, "\""), p);
	return buf;
}

/* create's stdout and stderr stay open in the container it leaves (as with runc), so it is not
 * run through nbt_run's pipes, which would wait for them to close. */
static int create(const char *root, const char *bind, const char *id, const char *script)
{
	const char *argv[] = { "--root", root, "create", "--rootfs", nbt_rootfs(), "--bind", bind,
			       id,	 "--", "sh",	 "-c",	     script,	   NULL };
	pid_t pid = nbt_spawn(argv, "/dev/null");

	return pid > 0 ? nbt_wait_exit(pid) : -1;
}

TEST_F(lc, create_stops_before_the_workload_and_start_releases_it)
{
	static struct nbt_result r;
	char st[32];

	ASSERT_EQ(0, create(self->root, self->bind, self->id, "echo ran > /out/ran; sleep 1"));
	usleep(300 * 1000);
	EXPECT_FALSE(file_exists(self->out, "ran")) TH_LOG("the workload ran before start");
	EXPECT_STREQ("created", state_of(self->root, self->id, st, sizeof(st)));
	nbt_run(&r, "--root", self->root, "start", self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	for (int i = 0; i < 100 && !file_exists(self->out, "ran"); i++)
		usleep(20 * 1000);
	EXPECT_TRUE(file_exists(self->out, "ran")) TH_LOG("start did not run the workload");
	EXPECT_STREQ("running", state_of(self->root, self->id, st, sizeof(st)));
	/* A second start is refused: it is running, not created. */
	nbt_run(&r, "--root", self->root, "start", self->id, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
}

TEST_F(lc, state_prints_the_oci_state_through_the_lifecycle)
{
	static struct nbt_result r;
	char st[32], want[640], cwd[512];

	ASSERT_EQ(0, create(self->root, self->bind, self->id, "exit 3"));
	nbt_run(&r, "--root", self->root, "state", self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "\"ociVersion\":\"1.")) TH_LOG("%s", r.out);
	snprintf(want, sizeof(want), "\"id\":\"%s\"", self->id);
	EXPECT_NE(NULL, strstr(r.out, want)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "\"status\":\"created\"")) TH_LOG("%s", r.out);
	EXPECT_EQ(NULL, strstr(r.out, "\"pid\":0"))
	TH_LOG("a created container has a pid: %s", r.out);
	ASSERT_NE(NULL, getcwd(cwd, sizeof(cwd)));
	snprintf(want, sizeof(want), "\"bundle\":\"%s\"", cwd);
	EXPECT_NE(NULL, strstr(r.out, want)) TH_LOG("%s", r.out);
	nbt_run(&r, "--root", self->root, "start", self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	for (int i = 0;
	     i < 200 && strcmp(state_of(self->root, self->id, st, sizeof(st)), "stopped"); i++)
		usleep(20 * 1000);
	EXPECT_STREQ("stopped", st);
	nbt_run(&r, "--root", self->root, "delete", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	nbt_run(&r, "--root", self->root, "state", self->id, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "does not exist")) TH_LOG("%s", r.err);
}

TEST_F(lc, delete_refuses_a_running_container_without_force)
{
	static struct nbt_result r;
	char path[700];

	char needle[128], script[96];

	snprintf(script, sizeof(script), "sleep 30; : %s", self->id);
	snprintf(needle, sizeof(needle), "sh -c %s", script);
	ASSERT_EQ(0, create(self->root, self->bind, self->id, script));
	nbt_run(&r, "--root", self->root, "start", self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	ASSERT_EQ(1, nbt_wait_procs(needle, 1, 3000));
	nbt_run(&r, "--root", self->root, "delete", self->id, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "is running")) TH_LOG("%s", r.err);
	nbt_run(&r, "--root", self->root, "delete", "--force", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	snprintf(path, sizeof(path), "%s/%s", self->root, self->id);
	EXPECT_NE(0, access(path, F_OK)) TH_LOG("the state directory is still there");
	EXPECT_FALSE(nbt_cgroup_named(self->id)) TH_LOG("a cgroup %s is left", self->id);
	EXPECT_EQ(0, nbt_wait_procs(needle, 0, 3000));
}

/* This process's group in the v1 pids hierarchy ("" for the root), or -1 without one. */
static int own_v1_pids(char *buf, size_t size)
{
	char text[4096], *line;

	if (access("/sys/fs/cgroup/pids/cgroup.procs", F_OK) ||
	    nbt_read_file("/proc/self/cgroup", text, sizeof(text)) < 0)
		return -1;
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (strstr(line, ":pids:")) {
			line = strstr(line, ":pids:") + strlen(":pids:");
			snprintf(buf, size, "%s", strcmp(line, "/") ? line : "");
			return 0;
		}
	return -1;
}

/* Issue 22, v1: the shared parent <own>/nestbox stays after the last container in it is
 * deleted (made and removed again by every lifecycle before: a mkdir and an rmdir in each of
 * the 6 hierarchies), but a create that fails leaves nothing, the parent it made included. The
 * creates run from a pids group of this test's own, so that no other group keeps the parent. */
TEST_F(lc, v1_shared_cgroup_parent_stays_after_a_delete_not_after_a_failure)
{
	static struct nbt_result r;
	char own[1024], group[1200], parent[1300], procs[1300], back[1200], pid[16];
	const char *bad[] = { "--root", self->root,	    "create", "--rootfs", nbt_rootfs(),
			      "--bind", "/etc/passwd:/bin", self->id, "--",	  "true",
			      NULL };
	pid_t p;

	if (own_v1_pids(own, sizeof(own)))
		SKIP(return, "needs a v1 pids hierarchy at /sys/fs/cgroup/pids (v2 removes it)");
	snprintf(group, sizeof(group), "/sys/fs/cgroup/pids%s/%s-own", own, self->id);
	snprintf(parent, sizeof(parent), "%s/nestbox", group);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", group);
	snprintf(back, sizeof(back), "/sys/fs/cgroup/pids%s/cgroup.procs", own);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	ASSERT_EQ(0, mkdir(group, 0755));
	ASSERT_EQ(0, nbt_write_file(procs, pid));
	/* fails in the container's setup, after its group was made */
	p = nbt_spawn(bad, "/dev/null");
	EXPECT_EQ(125, p > 0 ? nbt_wait_exit(p) : -1);
	EXPECT_NE(0, access(parent, F_OK)) TH_LOG("a failed create left %s", parent);
	EXPECT_EQ(0, create(self->root, self->bind, self->id, "true"));
	nbt_write_file(back, pid);
	nbt_run(&r, "--root", self->root, "start", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	nbt_run(&r, "--root", self->root, "delete", "--force", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_EQ(0, access(parent, F_OK)) TH_LOG("%s was removed", parent);
	rmdir(parent);
	EXPECT_EQ(0, rmdir(group));
}

/* SIGKILL the create at moments spread over its whole life; delete --force must leave no
 * state, cgroup, process or mount each time. */
TEST_F_TIMEOUT(lc, delete_after_a_sigkilled_create_leaves_nothing, 120)
{
	static const int delays_us[] = {
		0, 500, 1000, 2000, 3000, 5000, 8000, 12000, 20000, 40000
	};
	static struct nbt_result r;
	char id[96], path[700], script[128], needle[160];

	for (size_t i = 0; i < sizeof(delays_us) / sizeof(delays_us[0]); i++) {
		const char *argv[16];
		char *after;
		pid_t pid;
		int n = 0;

		snprintf(id, sizeof(id), "%s-k%zu", self->id, i);
		/* Two commands: sh stays, its command line tagged with the ID. */
		snprintf(script, sizeof(script), "sleep 40; : %s", id);
		argv[n++] = "--root";
		argv[n++] = self->root;
		argv[n++] = "create";
		argv[n++] = "--rootfs";
		argv[n++] = nbt_rootfs();
		argv[n++] = id;
		argv[n++] = "--";
		argv[n++] = "sh";
		argv[n++] = "-c";
		argv[n++] = script;
		argv[n] = NULL;
		pid = nbt_spawn(argv, "/dev/null");
		ASSERT_GT(pid, 0);
		usleep((useconds_t)delays_us[i]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		nbt_run(&r, "--root", self->root, "delete", "--force", id, NULL);
		EXPECT_TRUE(r.status == 0 || strstr(r.err, "does not exist")) TH_LOG("%s", r.err);
		snprintf(path, sizeof(path), "%s/%s", self->root, id);
		EXPECT_NE(0, access(path, F_OK)) TH_LOG("%zu: state directory left", i);
		snprintf(needle, sizeof(needle), "sh -c %s", script);
		EXPECT_EQ(0, nbt_wait_procs(needle, 0, 3000)) TH_LOG("%zu: process left", i);
		for (int w = 0; w < 100 && nbt_cgroup_named(id); w++)
			usleep(20 * 1000); /* the guard removes a killed create's group */
		EXPECT_FALSE(nbt_cgroup_named(id)) TH_LOG("%zu: cgroup %s left", i, id);
		after = nbt_mountinfo();
		EXPECT_STREQ(self->mounts, after);
		free(after);
	}
}

TEST_F(lc, a_name_is_held_by_one_run_at_a_time)
{
	static struct nbt_result r;
	const char *argv[] = { "--root",
			       self->root,
			       "run",
			       "--rootfs",
			       nbt_rootfs(),
			       "--bind",
			       self->bind,
			       "--name",
			       self->id,
			       "--",
			       "sh",
			       "-c",
			       "echo up > /out/up; sleep 3",
			       NULL };
	char want[128], path[700];
	pid_t pid = nbt_spawn(argv, "/dev/null");

	ASSERT_GT(pid, 0);
	for (int i = 0; i < 250 && !file_exists(self->out, "up"); i++)
		usleep(20 * 1000);
	ASSERT_TRUE(file_exists(self->out, "up"));
	nbt_run(&r, "--root", self->root, "run", "--rootfs", nbt_rootfs(), "--name", self->id, "--",
		"true", NULL);
	EXPECT_EQ(125, r.status);
	snprintf(want, sizeof(want), "nestbox: --name %s: in use by PID %d\n", self->id, (int)pid);
	EXPECT_STREQ(want, r.err);
	/* SIGKILLed, the run frees its name once what it made is gone (the guard holds the lock
	 * while it removes the group): the kernel drops the lock with the last holder. */
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	for (int i = 0; i < 100; i++) {
		nbt_run(&r, "--root", self->root, "run", "--rootfs", nbt_rootfs(), "--name",
			self->id, "--", "true", NULL);
		if (r.status != 125 || !strstr(r.err, "in use"))
			break;
		usleep(50 * 1000);
	}
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	snprintf(path, sizeof(path), "%s/%s", self->root, self->id);
	EXPECT_NE(0, access(path, F_OK)) TH_LOG("the run left its state directory");
}

/* Issue 21: a run without a cgroup has no guard, so a SIGKILLed default-named run (nestbox-PID)
 * leaves its state directory; its lock died with it, and the next run under the root removes
 * the directory. A directory of that form whose lock is still held stays. */
TEST_F(lc, next_run_sweeps_what_a_sigkilled_default_named_run_left)
{
	static struct nbt_result r;
	const char *argv[] = { "--root",
			       self->root,
			       "run",
			       "--rootfs",
			       nbt_rootfs(),
			       "--bind",
			       self->bind,
			       "--",
			       "sh",
			       "-c",
			       "echo up > /out/up; sleep 30",
			       NULL };
	char path[700], stale[700], file[800];
	pid_t pid = nbt_spawn(argv, "/dev/null");

	ASSERT_GT(pid, 0);
	for (int i = 0; i < 250 && !file_exists(self->out, "up"); i++)
		usleep(20 * 1000);
	ASSERT_TRUE(file_exists(self->out, "up"));
	snprintf(path, sizeof(path), "%s/nestbox-%d", self->root, (int)pid);
	ASSERT_EQ(0, access(path, F_OK));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	EXPECT_EQ(0, nbt_wait_procs("sh -c echo up > /out/up; sleep 30", 0, 3000));
	EXPECT_EQ(0, access(path, F_OK)) TH_LOG("gone already: is there a guard again?");
	/* and one as such a run leaves it, of a pid that is surely gone */
	pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	snprintf(stale, sizeof(stale), "%s/nestbox-%d", self->root, (int)pid);
	ASSERT_EQ(0, mkdir(stale, 0700));
	snprintf(file, sizeof(file), "%s/lock", stale);
	ASSERT_EQ(0, nbt_write_file(file, "1\n"));
	nbt_run(&r, "--root", self->root, "run", "--rootfs", nbt_rootfs(), "--", "true", NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(0, access(path, F_OK)) TH_LOG("%s is still there", path);
	EXPECT_NE(0, access(stale, F_OK)) TH_LOG("%s is still there", stale);
	EXPECT_EQ(0, nbt_count_entries(self->root)) TH_LOG("the root is not empty");
}

/* A run leaves its root behind, empty, as runc leaves /run/runc (making it again at each run
 * would cost two journalled changes on an ext4 /run); a run that failed after taking its name
 * leaves nothing, not even a root it made. */
TEST_F(lc, a_run_keeps_the_empty_root_a_failed_run_leaves_none)
{
	static struct nbt_result r;
	char bad[600], proc[700];

	nbt_run(&r, "--root", self->root, "run", "--rootfs", nbt_rootfs(), "--", "true", NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_EQ(0, nbt_count_entries(self->root)) TH_LOG("the root is missing or not empty");
	ASSERT_EQ(0, rmdir(self->root));
	/* refused inside the container, after the claim: /proc is not a real directory */
	snprintf(bad, sizeof(bad), "%s/bad", self->dir);
	snprintf(proc, sizeof(proc), "%s/proc", bad);
	ASSERT_EQ(0, mkdir(bad, 0755));
	ASSERT_EQ(0, symlink("/sys", proc));
	nbt_run(&r, "--root", self->root, "run", "--rootfs", bad, "--", "true", NULL);
	EXPECT_EQ(125, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(0, access(self->root, F_OK)) TH_LOG("a failed run left its root");
}

/* Six runs of one name at once: exactly one runs, every other exits 125 with the in-use line
 * having made nothing. */
TEST_F_TIMEOUT(lc, same_name_storm_has_one_winner, 60)
{
	enum { RUNS = 6 };
	pid_t pids[RUNS];
	char logs[RUNS][700], buf[512];
	int won = 0, lost = 0;

	for (int i = 0; i < RUNS; i++) {
		const char *argv[] = { "--root",     self->root, "run",	   "--rootfs",
				       nbt_rootfs(), "--name",	 self->id, "--",
				       "sleep",	     "1",	 NULL };

		snprintf(logs[i], sizeof(logs[i]), "%s/storm%d", self->dir, i);
		pids[i] = nbt_spawn(argv, logs[i]);
		ASSERT_GT(pids[i], 0);
	}
	for (int i = 0; i < RUNS; i++) {
		int status = nbt_wait_exit(pids[i]);

		if (status == 0) {
			won++;
			continue;
		}
		EXPECT_EQ(125, status);
		buf[0] = '\0';
		nbt_read_file(logs[i], buf, sizeof(buf));
		EXPECT_NE(NULL, strstr(buf, "in use by PID")) TH_LOG("%d: %s", i, buf);
		EXPECT_EQ(1, nbt_count_lines(buf)) TH_LOG("%d: %s", i, buf);
		lost++;
	}
	EXPECT_EQ(1, won);
	EXPECT_EQ(RUNS - 1, lost);
	EXPECT_FALSE(nbt_cgroup_named(self->id));
}

TEST_HARNESS_MAIN
