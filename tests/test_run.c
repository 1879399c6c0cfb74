/* `nestbox run` as a process: namespaces (pid, uts, ipc), the in-process reaper as PID 1,
 * exit statuses, signals, the workload's environment, user and working directory, and
 * nothing left on the host when nestbox is SIGKILLed mid-run. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

FIXTURE(run)
{
	char *dir;
	char log[512];
	char helpers[512];
	pid_t bg; /* a nestbox started in the background, killed in teardown */
};

FIXTURE_SETUP(run)
{
	self->dir = nbt_tempdir("run");
	ASSERT_NE(NULL, self->dir);
	snprintf(self->log, sizeof(self->log), "%s/log", self->dir);
	snprintf(self->helpers, sizeof(self->helpers), "%s:/nbt:ro", nbt_helpers());
	self->bg = 0;
}

FIXTURE_TEARDOWN(run)
{
	if (self->bg > 0) {
		kill(self->bg, SIGKILL);
		waitpid(self->bg, NULL, 0);
	}
	nbt_rm_rf(self->dir);
}

TEST_F(run, workload_is_pid_2_under_the_reaper)
{
	static struct nbt_result r;

	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--", "sh", "-c",
		"echo $$; tr '\\0' ' ' < /proc/1/cmdline", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_EQ(0, strncmp(r.out, "2\n", 2)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "nestbox-init")) TH_LOG("%s", r.out);
}

/* Issue 28.2: PID 1 is the clone of nestbox; nothing of the host's command line (rootfs path,
 * bind sources, -e values) or environment is readable inside, by PID 1's files or by ps. */
TEST_F(run, host_command_line_is_not_visible_inside)
{
	static struct nbt_result r;
	char bind[600];

	snprintf(bind, sizeof(bind), "%s:/mnt/hostdir:ro", self->dir);
	setenv("NBT_HOST_SECRET", "host-env-value-42", 1);
	nbt_run(&r, "run", "--privileged", "--rootfs", nbt_rootfs(), "--bind", bind, "-e",
		"GIVEN=env-value-43", "--", "sh", "-c",
		"tr '\\0' ' ' < /proc/1/cmdline; echo; tr '\\0' ' ' < /proc/1/environ; echo; "
		"cat /proc/1/comm",
		NULL);
	unsetenv("NBT_HOST_SECRET");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "nestbox-init")) TH_LOG("%s", r.out);
	EXPECT_EQ(NULL, strstr(r.out, nbt_rootfs())) TH_LOG("%s", r.out);
	EXPECT_EQ(NULL, strstr(r.out, self->dir)) TH_LOG("%s", r.out);
	EXPECT_EQ(NULL, strstr(r.out, "env-value-43")) TH_LOG("%s", r.out);
	EXPECT_EQ(NULL, strstr(r.out, "host-env-value-42")) TH_LOG("%s", r.out);
	EXPECT_EQ(NULL, strstr(r.out, "NBT_HOST_SECRET")) TH_LOG("%s", r.out);
}

TEST_F(run, no_init_makes_the_workload_pid_1)
{
	static struct nbt_result r;

	nbt_run(&r, "run", "--no-init", "--rootfs", nbt_rootfs(), "--", "sh", "-c", "echo $$",
		NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("1\n", r.out);
}

TEST_F(run, hostname_is_set_inside_only)
{
	static struct nbt_result r;
	char host_before[128], host_after[128];

	gethostname(host_before, sizeof(host_before));
	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--hostname", "inside-box", "--", "hostname",
		NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("inside-box\n", r.out);
	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--name", "named-box", "--", "hostname", NULL);
	EXPECT_STREQ("named-box\n", r.out);
	gethostname(host_after, sizeof(host_after));
	EXPECT_STREQ(host_before, host_after);
}

TEST_F(run, ipc_namespace_is_private)
{
	static struct nbt_result r;
	key_t key = 0x4e42000 + (getpid() & 0xfff);
	int q = msgget(key, IPC_CREAT | 0600);
	char hex[32];
	static char host_view[NBT_OUT_MAX];

	ASSERT_LE(0, q);
	snprintf(hex, sizeof(hex), " %d ", (int)key);
	nbt_read_file("/proc/sysvipc/msg", host_view, sizeof(host_view));
	ASSERT_NE(NULL, strstr(host_view, hex)); /* the host does see it */
	/* /proc/sysvipc/msg lists the queues of the reader's IPC namespace. */
	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--", "cat", "/proc/sysvipc/msg", NULL);
	msgctl(q, IPC_RMID, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_EQ(NULL, strstr(r.out, hex)) TH_LOG("%s", r.out);
	EXPECT_EQ(1, nbt_count_lines(r.out)) TH_LOG("%s", r.out); /* the header only */
}

TEST_F(run, exit_codes_0_to_255_pass_through)
{
	static struct nbt_result r;
	char script[32];

	for (int code = 0; code < 256; code++) {
		snprintf(script, sizeof(script), "exit %d", code);
		nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--", "sh", "-c", script, NULL);
		ASSERT_EQ(code, r.status) TH_LOG("exit %d: %s", code, r.err);
	}
}

TEST_F(run, death_by_signal_is_128_plus_n)
{
	static struct nbt_result r;

	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--", "sh", "-c", "kill -KILL $$", NULL);
	EXPECT_EQ(128 + SIGKILL, r.status);
	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--", "sh", "-c", "kill -TERM $$", NULL);
	EXPECT_EQ(128 + SIGTERM, r.status);
	nbt_run(&r, "run", "--no-init", "--rootfs", nbt_rootfs(), "--", "sh", "-c",
		"trap - SEGV; kill -SEGV $$", NULL);
	/* As PID 1 of its namespace, sh is immune to signals it has no handler for. */
	EXPECT_EQ(0, r.status);
}

TEST_F(run, not_found_127_not_executable_126)
{
	static struct nbt_result r;

	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--", "/no/such/cmd", NULL);
	EXPECT_EQ(127, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--", "/etc/passwd", NULL);
	EXPECT_EQ(126, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
}

TEST_F(run, environment_is_clean_unless_given)
{
	static struct nbt_result r;

	setenv("NBT_HOST_SECRET", "leak", 1);
	setenv("NBT_PASSED", "from-host", 1);
	unsetenv("TERM");
	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--hostname", "envbox", "--env", "A=1",
		"--env", "PATH=/bin", "--env", "NBT_PASSED", "--", "/usr/bin/env", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("PATH=/bin\nHOME=/root\nHOSTNAME=envbox\nA=1\nNBT_PASSED=from-host\n", r.out);
}

TEST_F(run, workdir_and_user)
{
	static struct nbt_result r;

	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--workdir", "/tmp", "--user", "1000:1001",
		"--", "sh", "-c", "pwd; id -u; id -g; id -G; echo $HOME", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("/tmp\n1000\n1001\n1001\n/\n", r.out);
}

TEST_F(run, workload_gets_only_stdio_and_reaper_pins_nothing)
{
	static struct nbt_result r;

	/* The probe lists its own fds: a shell pipeline would show the shell's pipe ends. */
	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--bind", self->helpers, "--",
		"/nbt/init_probe", "status", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "fds: 0 1 2\n")) TH_LOG("%s", r.out);
	/* PID 1 (the reaper) is out of the workload's ptrace reach unless it has SYS_PTRACE */
	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--cap-add", "SYS_PTRACE", "--", "sh", "-c",
		"ls /proc/1/fd | tr '\\n' ' '; echo; readlink /proc/1/cwd", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("0 1 2 \n/\n", r.out);
}

TEST_F(run, orphan_storm_leaves_no_zombie)
{
	static struct nbt_result r;

	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--bind", self->helpers, "--", "/nbt/orphans",
		"100", NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s %s", r.out, r.err);
}

TEST_F(run, signals_are_forwarded_to_the_workload)
{
	const int sigs[] = { SIGUSR1, SIGHUP, SIGINT, SIGTERM };
	const char *names[] = { "USR1", "HUP", "INT", "TERM" };

	for (int i = 0; i < 4; i++) {
		char script[256], log[600];
		const char *argv[] = { "run", "--rootfs", nbt_rootfs(), "--",
				       "sh",  "-c",	  script,	NULL };

		snprintf(script, sizeof(script),
			 "trap 'echo got %s; exit %d' %s; echo ready; while :; do sleep 0.05; done",
			 names[i], 40 + i, names[i]);
		snprintf(log, sizeof(log), "%s.%s", self->log, names[i]);
		self->bg = nbt_spawn(argv, log);
		ASSERT_TRUE(nbt_wait_for_text(log, "ready", 5000));
		kill(self->bg, sigs[i]);
		EXPECT_EQ(40 + i, nbt_wait_exit(self->bg));
		self->bg = 0;
		EXPECT_TRUE(nbt_wait_for_text(log, names[i], 5000));
	}
}

TEST_F(run, remaining_processes_get_term_then_kill_after_grace)
{
	static struct nbt_result r;
	double start = nbt_now(), took;

	/* The workload exits at once, leaving a child that ignores SIGTERM. */
	nbt_run(&r, "run", "--grace", "1", "--rootfs", nbt_rootfs(), "--", "sh", "-c",
		"(trap '' TERM; sleep 977) & sleep 0.1; exit 5", NULL);
	took = nbt_now() - start;
	EXPECT_EQ(5, r.status);
	EXPECT_LT(0.9, took);
	EXPECT_GT(5.0, took);
	EXPECT_EQ(0, nbt_count_procs("sleep 977"));
	/* A child that honours SIGTERM does not make anyone wait for the grace period. */
	start = nbt_now();
	nbt_run(&r, "run", "--grace", "10", "--rootfs", nbt_rootfs(), "--", "sh", "-c",
		"sleep 978 & sleep 0.1; exit 6", NULL);
	EXPECT_EQ(6, r.status);
	EXPECT_GT(5.0, nbt_now() - start);
}

TEST_F(run, sigkill_mid_run_leaves_nothing_behind)
{
	const char *argv[] = { "run",
			       "--rootfs",
			       nbt_rootfs(),
			       "--cap-add", /* mounting inside needs it (security.c) */
			       "SYS_ADMIN",
			       "--",
			       "sh",
			       "-c",
			       "mkdir -p /mnt && mount -t tmpfs x /mnt && echo ready; sleep 979",
			       NULL };
	char *before = nbt_mountinfo(), *after;

	self->bg = nbt_spawn(argv, self->log);
	ASSERT_TRUE(nbt_wait_for_text(self->log, "ready", 5000));
	ASSERT_EQ(1, nbt_wait_procs("sleep 979", 1, 5000));
	kill(self->bg, SIGKILL);
	nbt_wait_exit(self->bg);
	self->bg = 0;
	for (int i = 0; i < 100 && nbt_count_procs("sleep 979"); i++)
		usleep(20000);
	EXPECT_EQ(0, nbt_count_procs("sleep 979"));
	after = nbt_mountinfo();
	EXPECT_STREQ(before, after);
	free(before);
	free(after);
}

TEST_HARNESS_MAIN
