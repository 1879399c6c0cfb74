/* run -d/--detach and logs [-f] (issue 26): a detached run returns at once with its name, its
 * output is kept (bounded) in its state directory and printed by logs, ps shows it running then
 * exited with its code, the verbs on containers work on it, and rm leaves nothing. Each test has
 * a --root of its own; teardown removes every container in it. Every workload ends by itself
 * within a minute: a test the harness times out gets no teardown, and a detached container (a
 * session of its own) outlives the test's process group. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

#define LOG_MAX (1L << 20) /* run_log.h RUN_LOG_MAX */

FIXTURE(dt)
{
	char *dir;
	char root[512];
	char id[64];
};

FIXTURE_SETUP(dt)
{
	self->dir = nbt_tempdir("dt");
	ASSERT_NE(NULL, self->dir);
	snprintf(self->root, sizeof(self->root), "%s/root", self->dir);
	snprintf(self->id, sizeof(self->id), "nbtdt%d", (int)getpid());
}

FIXTURE_TEARDOWN(dt)
{
	static struct nbt_result r;
	DIR *d = opendir(self->root);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			nbt_run(&r, "--root", self->root, "rm", "-f", e->d_name, NULL);
	if (d)
		closedir(d);
	nbt_rm_rf(self->dir);
}

/* nestbox --root ROOT run -d [OPTS...] --rootfs R -- sh -c SCRIPT; opts NULL-terminated. */
static int run_d(FIXTURE_DATA(dt) * self, struct nbt_result *r, const char *const *opts,
		 const char *script)
{
	const char *argv[64] = { "--root", self->root, "run", "-d", "--rootfs", nbt_rootfs() };
	int n = 6;

	for (int i = 0; opts && opts[i]; i++)
		argv[n++] = opts[i];
	argv[n++] = "--";
	argv[n++] = "sh";
	argv[n++] = "-c";
	argv[n++] = script;
	argv[n] = NULL;
	return nbt_runv(r, argv);
}

static int run_named(FIXTURE_DATA(dt) * self, struct nbt_result *r, const char *script)
{
	const char *opts[] = { "--name", self->id, NULL };

	return run_d(self, r, opts, script);
}

/* The STATUS column of NAME in `ps -a` ("" when it is not listed). */
static const char *ps_status(const char *root, const char *id, char *buf, size_t size)
{
	static struct nbt_result r;
	char *line;

	buf[0] = '\0';
	nbt_run(&r, "--root", root, "ps", "-a", NULL);
	for (line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n"))
		if (!strncmp(line, id, strlen(id)) && line[strlen(id)] == ' ') {
			/* NAME PID STATUS...: the status starts at its column (20+1+8+1) */
			snprintf(buf, size, "%.*s", (int)strcspn(line + 30, "2"), line + 30);
			while (*buf && buf[strlen(buf) - 1] == ' ')
				buf[strlen(buf) - 1] = '\0';
		}
	return buf;
}

/* Until ps -a says want for id (or 10 s): 1 when it did. */
static int wait_ps(const char *root, const char *id, const char *want)
{
	char st[64];

	for (int i = 0; i < 500; i++) {
		if (!strcmp(ps_status(root, id, st, sizeof(st)), want))
			return 1;
		usleep(20 * 1000);
	}
	return 0;
}

/* A pid from a file of the state directory (lock: the monitor; record's "pid": PID 1). */
static int pid_in(const char *root, const char *id, const char *file, const char *key)
{
	char path[700], buf[4096], *p;

	snprintf(path, sizeof(path), "%s/%s/%s", root, id, file);
	if (nbt_read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	p = key ? strstr(buf, key) : buf;
	return p ? atoi(p + (key ? strlen(key) : 0)) : 0;
}

static bool alive(int pid)
{
	return pid > 0 && kill(pid, 0) == 0;
}

static int wait_dead(int pid)
{
	char path[64], buf[512], *p;

	for (int i = 0; i < 500; i++) {
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if (nbt_read_file(path, buf, sizeof(buf)) <= 0 || !(p = strrchr(buf, ')')) ||
		    p[2] == 'Z')
			return 1;
		usleep(20 * 1000);
	}
	return 0;
}

static long file_size(const char *root, const char *id, const char *file)
{
	char path[700];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s/%s", root, id, file);
	return stat(path, &st) ? -1 : (long)st.st_size;
}

/* --- run -d -------------------------------------------------------------------------------- */

TEST_F(dt, run_d_prints_the_name_and_returns_before_the_workload_ends)
{
	static struct nbt_result r;
	char want[80], st[64];
	double t0 = nbt_now();

	run_named(self, &r, "sleep 30");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	/* back while the workload sleeps, its name alone on stdout, nothing on stderr */
	EXPECT_GT(5.0, nbt_now() - t0);
	snprintf(want, sizeof(want), "%s\n", self->id);
	EXPECT_STREQ(want, r.out);
	EXPECT_STREQ("", r.err);
	EXPECT_STREQ("running", ps_status(self->root, self->id, st, sizeof(st)));
}

TEST_F(dt, run_d_without_a_name_picks_one_and_prints_it)
{
	static struct nbt_result r, h;
	char name[64], st[64];

	run_d(self, &r, NULL, "hostname; sleep 30");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	/* docker's short ID: 12 hex digits */
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(r.out, "\n"), r.out);
	ASSERT_EQ(12, strlen(name)) TH_LOG("%s", r.out);
	EXPECT_EQ(12, strspn(name, "0123456789abcdef"));
	EXPECT_STREQ("running", ps_status(self->root, name, st, sizeof(st)));
	/* exec's HOSTNAME is the container's, not a default made again from exec's own pid */
	nbt_run(&h, "--root", self->root, "exec", name, "sh", "-c", "echo $HOSTNAME", NULL);
	EXPECT_EQ(0, h.status) TH_LOG("%s", h.err);
	EXPECT_EQ(0, strncmp(h.out, name, 12)) TH_LOG("%s", h.out);
	/* and a second one another */
	run_d(self, &h, NULL, "sleep 30");
	ASSERT_EQ(0, h.status) TH_LOG("%s", h.err);
	EXPECT_NE(0, strcmp(r.out, h.out));
}

TEST_F(dt, cidfile_holds_the_name_of_a_detached_run)
{
	static struct nbt_result r;
	char cid[600], text[64];
	const char *opts[] = { "--cidfile", cid, "--name", self->id, NULL };

	snprintf(cid, sizeof(cid), "%s/cid", self->dir);
	run_d(self, &r, opts, "sleep 30");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	ASSERT_LT(0, nbt_read_file(cid, text, sizeof(text)));
	EXPECT_STREQ(self->id, text);
	/* one that exists is refused, and nothing is made */
	opts[3] = "nbtdt-cid";
	run_d(self, &r, opts, "true");
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	snprintf(cid, sizeof(cid), "%s/nbtdt-cid", self->root);
	EXPECT_NE(0, access(cid, F_OK));
}

TEST_F(dt, output_of_both_streams_appears_in_logs)
{
	static struct nbt_result r;

	run_named(self, &r, "echo to-stdout; echo to-stderr >&2; exit 3");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	ASSERT_TRUE(wait_ps(self->root, self->id, "exited (3)"));
	nbt_run(&r, "--root", self->root, "logs", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("to-stdout\nto-stderr\n", r.out);
}

TEST_F(dt, stdin_of_a_detached_run_is_dev_null)
{
	static struct nbt_result r;

	/* input offered to run -d never reaches the workload: cat sees an end at once */
	r.input = "not for the container\n";
	run_named(self, &r, "echo in=$(wc -c)");
	r.input = NULL;
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	ASSERT_TRUE(wait_ps(self->root, self->id, "exited (0)"));
	nbt_run(&r, "--root", self->root, "logs", self->id, NULL);
	EXPECT_STREQ("in=0\n", r.out);
}

TEST_F(dt, logs_f_follows_until_the_container_ends)
{
	static struct nbt_result r;
	double t0;

	run_named(self, &r, "echo one; sleep 1; echo two; sleep 1; echo three");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	t0 = nbt_now();
	nbt_run(&r, "--root", self->root, "logs", "-f", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("one\ntwo\nthree\n", r.out);
	/* it waited for the lines to come, and ended with the container */
	EXPECT_LT(1.5, nbt_now() - t0);
	EXPECT_TRUE(wait_ps(self->root, self->id, "exited (0)"));
	/* of one that has ended: what it wrote, at once */
	t0 = nbt_now();
	nbt_run(&r, "--root", self->root, "logs", "--follow", self->id, NULL);
	EXPECT_STREQ("one\ntwo\nthree\n", r.out);
	EXPECT_GT(1.0, nbt_now() - t0);
}

TEST_F(dt, the_log_is_bounded_and_rotated_once)
{
	static struct nbt_result r;
	char path[800], out[700];
	const char *argv[] = { "--root", self->root, "logs", self->id, NULL };
	struct stat st;
	pid_t pid;

	/* 3.5 MiB of lines, more than the two files keep together, then a last line */
	run_named(self, &r, "yes 0123456789abcdef | head -c 3670016; echo; echo LAST");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	ASSERT_TRUE(wait_ps(self->root, self->id, "exited (0)"));
	EXPECT_GE(LOG_MAX, file_size(self->root, self->id, "log"));
	EXPECT_LT(0, file_size(self->root, self->id, "log"));
	EXPECT_GE(LOG_MAX, file_size(self->root, self->id, "log.1"));
	EXPECT_LT(LOG_MAX / 2, file_size(self->root, self->id, "log.1"));
	EXPECT_EQ(-1, file_size(self->root, self->id, "log.2"));
	/* logs prints both, older first: the newest bytes end it */
	snprintf(out, sizeof(out), "%s/logs.out", self->dir);
	pid = nbt_spawn(argv, out);
	ASSERT_EQ(0, nbt_wait_exit(pid));
	ASSERT_EQ(0, stat(out, &st));
	EXPECT_EQ(file_size(self->root, self->id, "log") + file_size(self->root, self->id, "log.1"),
		  (long)st.st_size);
	EXPECT_GE(2 * LOG_MAX, (long)st.st_size);
	snprintf(path, sizeof(path), "tail -c 5 %s | grep -qx LAST", out);
	EXPECT_EQ(0, system(path));
}

/* 3.5 MiB in four pauses: at most one rotation between two of -f's looks (it polls). */
TEST_F(dt, logs_f_follows_across_the_rotation)
{
	static struct nbt_result r;
	char out[700], cmd[1600];
	const char *argv[] = { "--root", self->root, "logs", "-f", self->id, NULL };
	struct stat st;
	pid_t pid;

	run_named(self, &r,
		  "echo FIRST; sleep 1; for i in 1 2 3 4; do yes 0123456789abcdef | "
		  "head -c 917504; sleep 0.5; done; echo; echo LAST");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	snprintf(out, sizeof(out), "%s/follow.out", self->dir);
	pid = nbt_spawn(argv, out);
	ASSERT_EQ(0, nbt_wait_exit(pid));
	/* every byte, from the first line through three rotations to the last */
	ASSERT_EQ(0, stat(out, &st));
	EXPECT_EQ(6 + 4 * 917504 + 6, (long)st.st_size);
	snprintf(cmd, sizeof(cmd), "head -c 6 %s | grep -qx FIRST && tail -c 5 %s | grep -qx LAST",
		 out, out);
	EXPECT_EQ(0, system(cmd));
}

/* --- ps, stop, kill, rm ---------------------------------------------------------------------- */

TEST_F(dt, ps_shows_running_then_exited_with_its_code)
{
	static struct nbt_result r;
	char st[64];

	run_named(self, &r, "sleep 1; exit 7");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("running", ps_status(self->root, self->id, st, sizeof(st)));
	nbt_run(&r, "--root", self->root, "ps", NULL);
	EXPECT_NE(NULL, strstr(r.out, self->id));
	EXPECT_TRUE(wait_ps(self->root, self->id, "exited (7)"));
	/* ps without -a: running ones only; runc's list and state keep OCI's word */
	nbt_run(&r, "--root", self->root, "ps", NULL);
	EXPECT_EQ(NULL, strstr(r.out, self->id));
	nbt_run(&r, "--root", self->root, "state", self->id, NULL);
	EXPECT_NE(NULL, strstr(r.out, "\"status\":\"stopped\"")) TH_LOG("%s", r.out);
}

TEST_F(dt, stop_ends_a_detached_run_and_rm_removes_it)
{
	static struct nbt_result r;
	char dir[700];

	run_named(self, &r,
		  "trap 'echo got-term; exit 5' TERM; echo up; "
		  "i=0; while [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	ASSERT_TRUE(wait_ps(self->root, self->id, "running"));
	/* rm refuses a running one */
	nbt_run(&r, "--root", self->root, "rm", self->id, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	usleep(300 * 1000); /* the trap is set */
	nbt_run(&r, "--root", self->root, "stop", "-t", "5", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_TRUE(wait_ps(self->root, self->id, "exited (5)"));
	nbt_run(&r, "--root", self->root, "logs", self->id, NULL);
	EXPECT_STREQ("up\ngot-term\n", r.out);
	nbt_run(&r, "--root", self->root, "rm", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	snprintf(dir, sizeof(dir), "%s/%s", self->root, self->id);
	EXPECT_NE(0, access(dir, F_OK));
	nbt_run(&r, "--root", self->root, "logs", self->id, NULL);
	EXPECT_EQ(125, r.status);
}

TEST_F(dt, kill_signals_a_detached_run)
{
	static struct nbt_result r;

	run_named(self, &r, "exec sleep 60");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	ASSERT_TRUE(wait_ps(self->root, self->id, "running"));
	nbt_run(&r, "--root", self->root, "kill", "-s", "USR1", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	/* the reaper passes it on: sleep dies of it (128 + 10) */
	EXPECT_TRUE(wait_ps(self->root, self->id, "exited (138)"));
}

TEST_F(dt, exec_runs_in_a_detached_run)
{
	static struct nbt_result r;

	run_named(self, &r, "sleep 60");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	nbt_run(&r, "--root", self->root, "exec", self->id, "hostname", NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_EQ(0, strncmp(r.out, self->id, strlen(self->id))) TH_LOG("%s", r.out);
}

TEST_F(dt, rm_f_leaves_nothing_behind)
{
	static struct nbt_result r;
	char *before = nbt_mountinfo(), *after, dir[700];
	int monitor, pid1;

	ASSERT_NE(NULL, before);
	run_named(self, &r, "sleep 60 & sleep 60");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	ASSERT_TRUE(wait_ps(self->root, self->id, "running"));
	monitor = pid_in(self->root, self->id, "lock", NULL);
	pid1 = pid_in(self->root, self->id, "record", "\npid ");
	ASSERT_TRUE(alive(monitor));
	ASSERT_TRUE(alive(pid1));
	EXPECT_TRUE(nbt_cgroup_named(self->id));
	nbt_run(&r, "--root", self->root, "rm", "-f", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	/* no monitor, no container, no group, no state, no mount */
	EXPECT_TRUE(wait_dead(pid1));
	EXPECT_TRUE(wait_dead(monitor));
	EXPECT_FALSE(nbt_cgroup_named(self->id));
	snprintf(dir, sizeof(dir), "%s/%s", self->root, self->id);
	EXPECT_NE(0, access(dir, F_OK));
	after = nbt_mountinfo();
	EXPECT_STREQ(before, after);
	free(before);
	free(after);
}

TEST_F(dt, rm_option_removes_the_state_when_it_ends)
{
	static struct nbt_result r;
	char dir[700];
	const char *opts[] = { "--rm", "--name", self->id, NULL };

	run_d(self, &r, opts, "sleep 1");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	snprintf(dir, sizeof(dir), "%s/%s", self->root, self->id);
	EXPECT_EQ(0, access(dir, F_OK));
	for (int i = 0; i < 250 && !access(dir, F_OK); i++)
		usleep(20 * 1000);
	EXPECT_NE(0, access(dir, F_OK));
	EXPECT_FALSE(nbt_cgroup_named(self->id));
}

TEST_F(dt, sigkill_of_the_monitor_leaves_what_rm_f_cleans)
{
	static struct nbt_result r;
	char dir[700];
	int monitor, pid1;

	run_named(self, &r, "sleep 60");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	ASSERT_TRUE(wait_ps(self->root, self->id, "running"));
	monitor = pid_in(self->root, self->id, "lock", NULL);
	pid1 = pid_in(self->root, self->id, "record", "\npid ");
	ASSERT_TRUE(alive(monitor));
	ASSERT_EQ(0, kill(monitor, SIGKILL));
	/* the container dies with its monitor (PDEATHSIG) */
	EXPECT_TRUE(wait_dead(pid1));
	/* whatever the guard has not removed yet, rm -f does (or there is nothing left) */
	nbt_run(&r, "--root", self->root, "rm", "-f", self->id, NULL);
	EXPECT_TRUE(r.status == 0 || strstr(r.err, "does not exist")) TH_LOG("%s", r.err);
	snprintf(dir, sizeof(dir), "%s/%s", self->root, self->id);
	EXPECT_NE(0, access(dir, F_OK));
	EXPECT_FALSE(nbt_cgroup_named(self->id));
	EXPECT_TRUE(wait_dead(monitor));
}

/* --- bad input ------------------------------------------------------------------------------ */

TEST_F(dt, a_name_in_use_is_one_line_and_125)
{
	static struct nbt_result r;
	char dir[700];

	run_named(self, &r, "sleep 30");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	run_named(self, &r, "echo second");
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "in use")) TH_LOG("%s", r.err);
	EXPECT_STREQ("", r.out);
	/* a setup failure of the container side is said on the caller's stderr too */
	{
		const char *opts[] = { "--name", "nbtdt-bad", "--tmpfs", "/scratch:size=bogus",
				       NULL };

		run_d(self, &r, opts, "true");
		EXPECT_EQ(125, r.status);
		EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
		EXPECT_NE(NULL, strstr(r.err, "/scratch")) TH_LOG("%s", r.err);
		EXPECT_STREQ("", r.out);
		snprintf(dir, sizeof(dir), "%s/nbtdt-bad", self->root);
		EXPECT_NE(0, access(dir, F_OK));
	}
}

TEST_F(dt, logs_of_what_kept_no_log_is_one_line_and_125)
{
	static struct nbt_result r;

	nbt_run(&r, "--root", self->root, "logs", "nosuchname", NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "nosuchname: does not exist")) TH_LOG("%s", r.err);
	nbt_run(&r, "--root", self->root, "logs", NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	nbt_run(&r, "--root", self->root, "logs", "-t", self->id, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
}

TEST_F(dt, d_with_t_is_refused_d_with_i_accepted)
{
	static struct nbt_result r;
	const char *dit[] = { "-it", "--name", self->id, NULL };
	const char *di[] = { "-i", "--name", self->id, NULL };
	char dir[700];

	/* docker's -dit waits for an attach nestbox has not: no terminal to relay to */
	run_d(self, &r, dit, "true");
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "-t")) TH_LOG("%s", r.err);
	snprintf(dir, sizeof(dir), "%s/%s", self->root, self->id);
	EXPECT_NE(0, access(dir, F_OK));
	run_d(self, &r, di, "echo ok");
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_TRUE(wait_ps(self->root, self->id, "exited (0)"));
}

TEST_F(dt, boot_conf_refuses_d)
{
	static struct nbt_result r;
	char conf[600], line[1200];

	snprintf(conf, sizeof(conf), "%s/boot.conf", self->dir);
	snprintf(line, sizeof(line), "container web -- -d --rootfs %s -- sleep 1\n", nbt_rootfs());
	ASSERT_EQ(0, nbt_write_file(conf, line));
	nbt_run(&r, "boot", "--check", conf, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "--detach: boot mode runs its containers itself"))
	TH_LOG("%s|%s", r.out, r.err);
}

TEST_HARNESS_MAIN
