/* `nestbox run` as a process: namespaces (pid, uts, ipc), the in-process reaper as PID 1,
 * exit statuses, signals, the workload's environment, user and working directory, and
 * nothing left on the host when nestbox is SIGKILLed mid-run. */
#include <fcntl.h>
#include <limits.h>
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

#define LEAKED_FD 9 /* spawn_as_job leaves a host directory open here */

/* nestbox started the way a script's background job starts it: SIGINT and SIGQUIT ignored,
 * SIGUSR1 and SIGRTMIN+2 blocked, and a host directory (dir) left open, without O_CLOEXEC, at
 * LEAKED_FD. stdout and stderr go to log. */
static pid_t spawn_as_job(const char *const *argv, const char *log, const char *dir)
{
	pid_t pid;

	/* Emptied here, not in the child: a caller waiting for text in log must not find the
	 * previous run's before the child has truncated it. */
	if (truncate(log, 0) && errno != ENOENT)
		return -1;
	pid = fork();

	if (pid == 0) {
		const char *full[64] = { nbt_nestbox() };
		int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644),
		    null = open("/dev/null", 0);
		int leak = open(dir, O_RDONLY | O_DIRECTORY);
		sigset_t set;

		if (out < 0 || null < 0 || leak < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 ||
		    dup2(out, 2) < 0 || dup2(leak, LEAKED_FD) < 0)
			_exit(124);
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigaddset(&set, SIGRTMIN + 2);
		sigprocmask(SIG_BLOCK, &set, NULL);
		for (int i = 0; argv[i] && i < 62; i++)
			full[i + 1] = argv[i];
		execv(full[0], (char *const *)full);
		_exit(124);
	}
	return pid;
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

/* Every status takes the whole path: sh exits, nestbox-init (PID 1 of the container's pid
 * namespace) reaps it and exits with it, nestbox reaps the init and exits with that, with the
 * default cgroup, seccomp filter and capabilities of any run. Only mnt and pid namespaces (the
 * ones on that path) and no writable layer: uts, ipc, net, the cgroup namespace and the overlay
 * are set up and torn down around the path, never on it; leaving them out makes a run a third
 * cheaper (0.21 -> 0.14 s on the aarch64 6.12 VM under TCG). The default options' statuses:
 * death_by_signal_is_128_plus_n, not_found_127_not_executable_126. In the aarch64 VMs 256
 * runs take 20-40 s, over the harness's default 30 s under load: hence the timeout (natively
 * ~3 s). */
TEST_F_TIMEOUT(run, exit_codes_0_to_255_pass_through, 240)
{
	static struct nbt_result r;
	char script[32];

	for (int code = 0; code < 256; code++) {
		snprintf(script, sizeof(script), "exit %d", code);
		nbt_run(&r, "run", "--ns", "mnt,pid", "--read-only", "--rootfs", nbt_rootfs(), "--",
			"sh", "-c", script, NULL);
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
	/* HOME from the image's /etc/passwd (user:x:1000:1000:user:/tmp), issue 28.7 */
	EXPECT_STREQ("/tmp\n1000\n1001\n1001\n/tmp\n", r.out);
}

/* Issue 28.7, docker's habits: -u UID without a group takes the passwd entry's group, or 0
 * when the image has no entry (not gid = uid); HOME likewise, / without an entry. */
TEST_F(run, user_group_and_home_from_image_passwd)
{
	static struct nbt_result r;

	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--user", "1000", "--", "sh", "-c",
		"id -g; echo $HOME", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("1000\n/tmp\n", r.out);
	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--user", "4321", "--", "sh", "-c",
		"id -u; id -g; echo $HOME", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("4321\n0\n/\n", r.out);
}

/* Issue 28.7: a -w directory that does not exist is made in the writable layer (docker); with
 * --read-only there is none, and the message says so. */
TEST_F(run, missing_workdir_is_made_unless_read_only)
{
	static struct nbt_result r;

	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "-w", "/new/deep/dir", "--", "sh", "-c",
		"pwd; stat -c '%u %a' .", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("/new/deep/dir\n0 755\n", r.out);
	EXPECT_NE(0, access("/new/deep/dir", F_OK)) TH_LOG("made on the host");
	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--read-only", "-w", "/new/dir", "--", "pwd",
		NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_STREQ("nestbox: --workdir: /new/dir: does not exist, and the root is read-only "
		     "(--read-only): make it in the image or bind a directory there\n",
		     r.err);
}

/* Issue 19.7 (CVE-2024-21626): a directory the caller left open is reachable neither as the
 * workload's fd, nor as PID 1's, nor as -w /proc/self/fd/N (which would be a cwd on the host). */
TEST_F(run, leaked_caller_fd_is_not_reachable_inside)
{
	char want[64], log[600];
	const char *probe[] = { "run",
				"--rootfs",
				nbt_rootfs(),
				"--bind",
				self->helpers,
				"--cap-add",
				"SYS_PTRACE",
				"--",
				"sh",
				"-c",
				"/nbt/init_probe status; ls /proc/1/fd | tr '\\n' ' '",
				NULL };
	const char *workdir[] = { "run", "--rootfs", nbt_rootfs(), "-w", want, "--", "pwd", NULL };
	pid_t pid;

	snprintf(log, sizeof(log), "%s.probe", self->log);
	pid = spawn_as_job(probe, log, self->dir);
	ASSERT_EQ(0, nbt_wait_exit(pid));
	EXPECT_TRUE(nbt_wait_for_text(log, "fds: 0 1 2\n0 1 2 ", 0));
	snprintf(want, sizeof(want), "/proc/self/fd/%d", LEAKED_FD);
	pid = spawn_as_job(workdir, self->log, self->dir);
	EXPECT_EQ(125, nbt_wait_exit(pid));
	EXPECT_FALSE(nbt_wait_for_text(self->log, self->dir, 0)) TH_LOG("cwd on the host");
}

/* --preserve-fds N (podman's and runc's flag): the caller's fds 3..N+2 reach the workload as
 * they are, the next one does not, and PID 1 holds none of them once the workload has them. */
TEST_F(run, preserve_fds_passes_exactly_the_counted_ones)
{
	const char *argv[] = { nbt_nestbox(),
			       "run",
			       "--rootfs",
			       nbt_rootfs(),
			       "--cap-add",
			       "SYS_PTRACE",
			       "--preserve-fds",
			       "2",
			       "--",
			       "sh",
			       "-c",
			       "cat <&3; cat <&4; test -e /proc/self/fd/5 || echo no-five; "
			       "ls /proc/1/fd | tr '\\n' ' '",
			       NULL };
	char three[PATH_MAX + 8], four[PATH_MAX + 8];
	pid_t pid;

	snprintf(three, sizeof(three), "%s/three", self->dir);
	snprintf(four, sizeof(four), "%s/four", self->dir);
	ASSERT_EQ(0, nbt_write_file(three, "three\n"));
	ASSERT_EQ(0, nbt_write_file(four, "four\n"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int out = open(self->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (out < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0 ||
		    dup2(open(three, O_RDONLY), 3) != 3 || dup2(open(four, O_RDONLY), 4) != 4 ||
		    dup2(open(self->dir, O_RDONLY | O_DIRECTORY), 5) != 5)
			_exit(124);
		execv(argv[0], (char *const *)argv);
		_exit(124);
	}
	EXPECT_EQ(0, nbt_wait_exit(pid));
	EXPECT_TRUE(nbt_wait_for_text(self->log, "three\nfour\nno-five\n0 1 2 ", 0));
	{
		const char *bad[] = { "run", "--rootfs", nbt_rootfs(), "--preserve-fds",
				      "-1",  "--",	 "true",       NULL };
		struct nbt_result r;

		ASSERT_LE(0, nbt_runv(&r, bad));
		EXPECT_EQ(125, r.status);
		EXPECT_STREQ("nestbox: --preserve-fds: -1: expected a count, 0 to 1021\n", r.err);
	}
}

/* Issue 28.1: started from a job that ignores SIGINT and SIGQUIT and blocks others, the
 * workload still starts with SigIgn and SigBlk 0 (with and without the reaper), and SIGINT to
 * nestbox ends it at once: 130, not 137 after the grace. */
TEST_F(run, workload_signals_default_whatever_the_caller_ignored)
{
	const char *with_init[] = { "run", "--rootfs",	      nbt_rootfs(), "--bind", self->helpers,
				    "--",  "/nbt/init_probe", "status",	    NULL };
	const char *no_init[] = { "run",    "--no-init",   "--rootfs", nbt_rootfs(),
				  "--bind", self->helpers, "--",       "/nbt/init_probe",
				  "status", NULL };
	const char *const *modes[] = { with_init, no_init };

	for (int m = 0; m < 2; m++) {
		self->bg = spawn_as_job(modes[m], self->log, self->dir);
		EXPECT_EQ(0, nbt_wait_exit(self->bg));
		self->bg = 0;
		EXPECT_TRUE(nbt_wait_for_text(
		    self->log, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n", 0))
		TH_LOG("%s", m ? "--no-init" : "with the reaper");
	}
	{
		const char *argv[] = { "run",	      "--rootfs", nbt_rootfs(),	     "--bind",
				       self->helpers, "--",	  "/nbt/init_probe", "status-wait",
				       NULL };
		double start;

		self->bg = spawn_as_job(argv, self->log, self->dir);
		ASSERT_TRUE(nbt_wait_for_text(self->log, "fds:", 5000));
		start = nbt_now();
		kill(self->bg, SIGINT);
		EXPECT_EQ(130, nbt_wait_exit(self->bg));
		self->bg = 0;
		EXPECT_GT(2.0, nbt_now() - start);
	}
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

/* Issue 20.1: every signal 1..64 but SIGKILL, SIGSTOP and SIGCHLD crosses nestbox (host side)
 * and the reaper (PID 1) to the workload, 32..34 included. One at a time: a stop signal
 * discards a pending SIGCONT (signal(7)). */
TEST_F(run, every_catchable_signal_reaches_the_workload)
{
	const char *argv[] = { "run",	      "--grace",    "10",
			       "--rootfs",    nbt_rootfs(), "--bind",
			       self->helpers, "--",	    "/nbt/sig_record_all",
			       "61",	      NULL };
	static char buf[8192];

	self->bg = nbt_spawn(argv, self->log);
	ASSERT_TRUE(nbt_wait_for_text(self->log, "ready", 5000));
	for (int sig = 1; sig <= 64; sig++) {
		char want[16];

		if (sig == SIGKILL || sig == SIGSTOP || sig == SIGCHLD)
			continue;
		snprintf(want, sizeof(want), "got %d\n", sig);
		ASSERT_EQ(0, kill(self->bg, sig)) TH_LOG("signal %d: nestbox is gone", sig);
		EXPECT_TRUE(nbt_wait_for_text(self->log, want, 3000))
		TH_LOG("signal %d not forwarded: %s", sig,
		       nbt_read_file(self->log, buf, sizeof(buf)) > 0 ? buf : "");
	}
	EXPECT_EQ(0, nbt_wait_exit(self->bg));
	self->bg = 0;
}

/* The reaper keeps CAP_KILL (issue 19.3): without it, root could not signal a workload that
 * runs as another uid (kill(2)). */
TEST_F(run, signals_reach_a_workload_of_another_uid)
{
	const char *argv[] = { "run",	 "--rootfs",	nbt_rootfs(),
			       "--bind", self->helpers, "--user",
			       "1000",	 "--",		"/nbt/init_sigrecord",
			       NULL };

	self->bg = nbt_spawn(argv, self->log);
	ASSERT_TRUE(nbt_wait_for_text(self->log, "ready parent", 5000));
	kill(self->bg, SIGUSR1);
	EXPECT_TRUE(nbt_wait_for_text(self->log, "parent 10\n", 3000));
	kill(self->bg, SIGTERM);
	EXPECT_EQ(0, nbt_wait_exit(self->bg));
	self->bg = 0;
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
