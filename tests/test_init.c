/* Tests of the standalone nestbox-init (init/), each run twice: as PID 1 of a fresh pid
 * namespace ("pid1") and as a child subreaper that is not PID 1 ("subreaper").
 * Paths come from the environment so the suite also runs inside the QEMU guests:
 *   NESTBOX_INIT     the init binary       (default build/nestbox-init)
 *   NESTBOX_HELPERS  the helper programs   (default build/helpers)
 * The test forks an "outer" process which (pid1 variant) unshares pid and mount namespaces and
 * forks the process that becomes the init; the outer one sends back the init's pid and, later,
 * its wait status through a pipe. Teardown kills by pid: init, outer, and what the init left. */
#include "kselftest_harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#define WAIT_MS		   10000 /* longest a single init run may take */
#define EXEC_FAILED	   200	 /* the launcher could not exec the init */
#define KILL_TREE_DEPTH	   8	 /* teardown: how deep to walk what the init left */
#define GRACE_TEST_SECONDS "1"
#define PATH_LEN	   256 /* test paths: TMPDIR, NESTBOX_INIT, NESTBOX_HELPERS */

struct launch {
	const char **argv;    /* nestbox-init's arguments after argv[0], NULL-terminated */
	const sigset_t *mask; /* the caller's signal mask (NULL: empty) */
	const int *ignore;    /* signals the caller ignores, 0-terminated (NULL: none) */
	int extra_fd;	      /* >= 3: the caller passes /dev/null at this fd */
	bool record_expected; /* write the caller's SigBlk/SigIgn lines to self->expect */
	bool tty;	      /* stdin is self->tty, the caller's controlling terminal */
	bool stderr_broken;   /* stderr is a pipe whose reader has gone */
};

FIXTURE(init)
{
	char dir[PATH_LEN];
	char out[PATH_LEN + 16], err[PATH_LEN + 16], expect[PATH_LEN + 16], pidfile[PATH_LEN + 16];
	char init_path[PATH_LEN], helpers[PATH_LEN], file[2 * PATH_LEN], tty[64];
	pid_t outer, init, leftover[2];
	int status_fd, pty_master;
};

FIXTURE_VARIANT(init)
{
	bool pid1;
};

FIXTURE_VARIANT_ADD(init, pid1){
	.pid1 = true,
};

FIXTURE_VARIANT_ADD(init, subreaper){
	.pid1 = false,
};

/* --- small helpers ----------------------------------------------------------------------- */

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The whole file as a string (truncated to size - 1); "" when missing. */
static const char *slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = 0, got;

	buf[0] = '\0';
	if (fd < 0)
		return buf;
	while ((size_t)n < size - 1 && (got = read(fd, buf + n, size - 1 - n)) > 0)
		n += got;
	buf[n] = '\0';
	close(fd);
	return buf;
}

/* Wait up to ms for needle to show up in the file. */
static bool wait_for_text(const char *path, const char *needle, long ms)
{
	char buf[4096];
	long end = now_ms() + ms;

	do {
		if (strstr(slurp(path, buf, sizeof(buf)), needle))
			return true;
		sleep_ms(5);
	} while (now_ms() < end);
	return false;
}

/* The /bin/sh of this system, or busybox's. Fills argv[0..] with "sh -c script". */
static void sh_argv(const char **argv, const char *script)
{
	int i = 0;

	if (access("/bin/sh", X_OK) == 0) {
		argv[i++] = "/bin/sh";
	} else {
		argv[i++] = "/bin/busybox";
		argv[i++] = "sh";
	}
	argv[i++] = "-c";
	argv[i++] = script;
	argv[i] = NULL;
}

/* Signal pid's descendants (from /proc/PID/task/TID/children), deepest first, then pid. */
static void kill_tree(pid_t pid, int depth)
{
	char path[64], buf[4096], *p, *end;
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = depth < KILL_TREE_DEPTH ? opendir(path) : NULL;
	while (d && (e = readdir(d))) {
		char file[80 + sizeof(e->d_name)];

		if (e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s/children", path, e->d_name);
		slurp(file, buf, sizeof(buf));
		for (p = buf;; p = end) {
			long child = strtol(p, &end, 10);

			if (end == p)
				break;
			kill_tree((pid_t)child, depth + 1);
		}
	}
	if (d)
		closedir(d);
	kill(pid, SIGKILL);
}

/* /proc/PID/status field as a number, -1 when missing. */
static long status_field(pid_t pid, const char *field)
{
	char path[64], buf[4096];
	const char *p;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	p = strstr(slurp(path, buf, sizeof(buf)), field);
	return p ? strtol(p + strlen(field) + 1, NULL, 10) : -1;
}

/* --- launching the init ------------------------------------------------------------------ */

/* In the process that becomes the init: set up what "the caller" passes, then exec. */
static void exec_init(FIXTURE_DATA(init) * self, bool pid1, const struct launch *l)
{
	const char *argv[32] = { self->init_path };
	sigset_t empty;
	int in, out, err, i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (pid1) {
		/* The new namespace's own /proc, for the orphan helper's zombie scan; private
		 * first so that the mount does not propagate back to the host. */
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			_exit(EXEC_FAILED);
	}
	if (l->tty) {
		/* credentials(7): a session leader's first terminal becomes its controlling one */
		if (setsid() < 0 || (in = open(self->tty, O_RDWR)) < 0 ||
		    ioctl(in, TIOCSCTTY, 0) < 0)
			_exit(EXEC_FAILED);
	} else {
		in = open("/dev/null", O_RDONLY);
	}
	out = open(self->out, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	err = open(self->err, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(EXEC_FAILED);
	if (l->stderr_broken) {
		int pp[2];

		if (pipe(pp) < 0 || dup2(pp[1], 2) < 0)
			_exit(EXEC_FAILED);
		close(pp[0]);
	}
	/* From a known start: whatever the suite's own caller ignored (a background job's INT and
	 * QUIT, a pipeline's PIPE) is not part of what the test sets up. */
	for (i = 1; i < 65; i++) {
		/* raw: musl's signal() refuses 32..34, which make's caller may have ignored */
		struct {
			void (*handler)(int);
			unsigned long flags;
			void (*restorer)(void);
			unsigned long long mask;
		} dfl = { SIG_DFL, 0, NULL, 0 };

		if (i != SIGKILL && i != SIGSTOP)
			syscall(SYS_rt_sigaction, i, &dfl, NULL, sizeof(dfl.mask));
	}
	for (i = 0; l->ignore && l->ignore[i]; i++)
		signal(l->ignore[i], SIG_IGN);
	sigemptyset(&empty);
	sigprocmask(SIG_SETMASK, l->mask ? l->mask : &empty, NULL);
	if (l->record_expected) {
		char buf[4096], *blk = NULL, *ign = NULL;
		FILE *f = fopen(self->expect, "w");

		slurp("/proc/self/status", buf, sizeof(buf));
		blk = strstr(buf, "SigBlk:");
		ign = strstr(buf, "SigIgn:");
		if (!f || !blk || !ign)
			_exit(EXEC_FAILED);
		*strchr(blk, '\n') = '\0';
		*strchr(ign, '\n') = '\0';
		fprintf(f, "%s\n%s\n", blk, ign);
		fclose(f);
	}
	if (l->extra_fd >= 3) {
		if (dup2(0, l->extra_fd) < 0)
			_exit(EXEC_FAILED);
		syscall(SYS_close_range, 3U, (unsigned)l->extra_fd - 1, 0U);
		syscall(SYS_close_range, (unsigned)l->extra_fd + 1, ~0U, 0U);
	} else {
		syscall(SYS_close_range, 3U, ~0U, 0U);
	}
	for (i = 0; l->argv[i] && i < 30; i++)
		argv[i + 1] = l->argv[i];
	argv[i + 1] = NULL;
	execv(self->init_path, (char **)argv);
	_exit(EXEC_FAILED);
}

/* Start the init; returns its pid as the test sees it, or -1. */
static pid_t launch(FIXTURE_DATA(init) * self, bool pid1, const struct launch *l)
{
	int pipefd[2];
	pid_t outer;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	outer = fork();
	if (outer < 0)
		return -1;
	if (outer == 0) {
		pid_t child;
		int st = 0;

		close(pipefd[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (pid1 && unshare(CLONE_NEWPID | CLONE_NEWNS) < 0)
			_exit(1);
		child = fork();
		if (child < 0)
			_exit(1);
		if (child == 0)
			exec_init(self, pid1, l);
		if (write(pipefd[1], &child, sizeof(child)) != sizeof(child))
			_exit(1);
		while (waitpid(child, &st, 0) < 0 && errno == EINTR)
			;
		_exit(write(pipefd[1], &st, sizeof(st)) != sizeof(st));
	}
	close(pipefd[1]);
	self->outer = outer;
	self->status_fd = pipefd[0];
	if (read(pipefd[0], &self->init, sizeof(self->init)) != sizeof(self->init))
		return -1;
	return self->init;
}

/* Wait up to ms for the init to exit. Returns its exit code, 1000+N if it died of signal N,
 * or -1 on timeout. */
static int wait_init(FIXTURE_DATA(init) * self, int ms)
{
	struct pollfd pfd = { .fd = self->status_fd, .events = POLLIN };
	int st;

	if (poll(&pfd, 1, ms) <= 0)
		return -1;
	if (read(self->status_fd, &st, sizeof(st)) != sizeof(st))
		return -1;
	waitpid(self->outer, NULL, 0);
	close(self->status_fd);
	self->status_fd = -1;
	self->outer = self->init = -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

static int run_init(FIXTURE_DATA(init) * self, bool pid1, const struct launch *l)
{
	if (launch(self, pid1, l) < 0)
		return -1;
	return wait_init(self, WAIT_MS);
}

static const char *helper(FIXTURE_DATA(init) * self, const char *name)
{
	snprintf(self->file, sizeof(self->file), "%s/%s", self->helpers, name);
	return self->file;
}

FIXTURE_SETUP(init)
{
	const char *tmp = getenv("TMPDIR"), *init = getenv("NESTBOX_INIT"),
		   *helpers = getenv("NESTBOX_HELPERS");

	self->outer = self->init = self->leftover[0] = self->leftover[1] = -1;
	self->status_fd = self->pty_master = -1;
	snprintf(self->dir, sizeof(self->dir), "%s/nestbox-init-test.XXXXXX", tmp ? tmp : "/tmp");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->out, sizeof(self->out), "%s/out", self->dir);
	snprintf(self->err, sizeof(self->err), "%s/err", self->dir);
	snprintf(self->expect, sizeof(self->expect), "%s/expect", self->dir);
	snprintf(self->pidfile, sizeof(self->pidfile), "%s/pid", self->dir);
	snprintf(self->init_path, sizeof(self->init_path), "%s",
		 init ? init : "build/nestbox-init");
	snprintf(self->helpers, sizeof(self->helpers), "%s", helpers ? helpers : "build/helpers");
	if (access(self->init_path, X_OK) < 0)
		SKIP(return, "%s not built", self->init_path);
	if (variant->pid1) {
		pid_t probe = fork();
		int st = -1;

		ASSERT_LE(0, probe);
		if (probe == 0)
			_exit(unshare(CLONE_NEWPID | CLONE_NEWNS) < 0);
		waitpid(probe, &st, 0);
		if (st != 0)
			SKIP(
			    return,
				  "cannot unshare pid and mount namespaces (root? CONFIG_PID_NS?)");
	}
}

FIXTURE_TEARDOWN(init)
{
	char path[PATH_LEN + 16];

	if (self->init > 0) {
		kill_tree(self->init, 0);
		kill(self->init, SIGKILL);
	}
	if (self->outer > 0) {
		kill(self->outer, SIGKILL);
		waitpid(self->outer, NULL, 0);
	}
	for (int i = 0; i < 2; i++)
		if (self->leftover[i] > 0)
			kill(self->leftover[i], SIGKILL);
	if (self->status_fd >= 0)
		close(self->status_fd);
	if (self->pty_master >= 0)
		close(self->pty_master);
	for (const char *f = "out\0err\0expect\0pid\0noexec\0"; *f; f += strlen(f) + 1) {
		snprintf(path, sizeof(path), "%s/%s", self->dir, f);
		unlink(path);
	}
	rmdir(self->dir);
}

/* --- exit status ------------------------------------------------------------------------- */

/* 256 inits in a row: 0.025-0.06 s each in the aarch64 VMs under TCG, 7-20 s a variant with the
 * other VM beside it and more under load, too near the harness's default 30 s (natively ~1 s). */
TEST_F_TIMEOUT(init, exit_codes_pass_through, 120)
{
	for (int code = 0; code < 256; code++) {
		char script[32];
		const char *argv[6];
		struct launch l = { .argv = argv };

		snprintf(script, sizeof(script), "exit %d", code);
		sh_argv(argv, script);
		ASSERT_EQ(code, run_init(self, variant->pid1, &l)) TH_LOG("sh -c 'exit %d'", code);
	}
}

TEST_F(init, death_by_signal_is_128_plus_n)
{
	int sigs[] = { SIGHUP,	SIGINT,	 SIGQUIT, SIGILL,  SIGTRAP,  SIGABRT, SIGBUS,
		       SIGFPE,	SIGKILL, SIGUSR1, SIGSEGV, SIGUSR2,  SIGPIPE, SIGALRM,
		       SIGTERM, SIGXCPU, SIGXFSZ, SIGSYS,  SIGRTMIN, SIGRTMAX };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		char n[16];
		const char *argv[] = { helper(self, "init_probe"), "raise", n, NULL };
		struct launch l = { .argv = argv };

		snprintf(n, sizeof(n), "%d", sigs[i]);
		ASSERT_EQ(128 + sigs[i], run_init(self, variant->pid1, &l))
		TH_LOG("workload killed by signal %d", sigs[i]);
	}
}

TEST_F(init, missing_command_is_127)
{
	const char *abs[] = { "/nonexistent/nestbox-no-such-cmd", NULL };
	const char *bare[] = { "nestbox-no-such-cmd", NULL };
	struct launch l = { .argv = abs };
	char buf[512];

	ASSERT_EQ(127, run_init(self, variant->pid1, &l));
	EXPECT_STREQ("nestbox-init: exec: /nonexistent/nestbox-no-such-cmd: No such file or "
		     "directory\n",
		     slurp(self->err, buf, sizeof(buf)));
	l.argv = bare;
	ASSERT_EQ(127, run_init(self, variant->pid1, &l)) TH_LOG("PATH search");
}

TEST_F(init, non_executable_is_126)
{
	char path[PATH_LEN + 16], buf[512];
	const char *argv[] = { path, NULL };
	struct launch l = { .argv = argv };
	int fd;

	snprintf(path, sizeof(path), "%s/noexec", self->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(10, write(fd, "#!/bin/sh\n", 10));
	close(fd);
	ASSERT_EQ(126, run_init(self, variant->pid1, &l));
	EXPECT_NE(NULL, strstr(slurp(self->err, buf, sizeof(buf)), ": Permission denied\n"))
	TH_LOG("stderr: %s", buf);
}

TEST_F(init, usage_errors_are_125)
{
	const char *none[] = { NULL }, *unknown[] = { "-x", "true", NULL },
		   *unknown_long[] = { "--bogus", "true", NULL },
		   *bad_grace[] = { "--grace", "soon", "true", NULL },
		   *no_grace[] = { "--grace", NULL }, *only_flags[] = { "-g", "-v", "--", NULL };
	const char **cases[] = { none, unknown, unknown_long, bad_grace, no_grace, only_flags };
	const char *lines[] = {
		"nestbox-init: command: (none): no command given\n",
		"nestbox-init: option: -x: unknown option\n",
		"nestbox-init: option: --bogus: unknown option\n",
		"nestbox-init: --grace: soon: not a whole number of seconds\n",
		"nestbox-init: --grace: (none): missing value\n",
		"nestbox-init: command: (none): no command given\n",
	};
	const char *help[] = { "--help", NULL };
	struct launch l = { 0 };
	char buf[4096];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		l.argv = cases[i];
		ASSERT_EQ(125, run_init(self, variant->pid1, &l)) TH_LOG("case %zu", i);
		EXPECT_STREQ(lines[i], slurp(self->err, buf, sizeof(buf)));
	}
	l.argv = help;
	ASSERT_EQ(0, run_init(self, variant->pid1, &l));
	EXPECT_EQ(0, strncmp("usage: ", slurp(self->out, buf, sizeof(buf)), 7));
}

/* --- reaping ----------------------------------------------------------------------------- */

/* 100 orphans exit at once; the helper checks that each was reparented to the init and that
 * no zombie is left (the whole namespace's /proc as PID 1, the init's children otherwise). */
TEST_F(init, orphan_storm_leaves_no_zombie)
{
	const char *argv[] = { helper(self, "orphans"), "100", "200", NULL };
	struct launch l = { .argv = argv };
	char buf[1024];

	EXPECT_EQ(0, run_init(self, variant->pid1, &l))
	TH_LOG("orphans said: %s", slurp(self->out, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(slurp(self->out, buf, sizeof(buf)), "100 of 100 reported, 0 not "));
	EXPECT_NE(NULL, strstr(buf, ", 0 zombies"));
}

/* Not PID 1: orphans go to the init (child subreaper), not to the machine's init. As PID 1
 * the namespace does the same by itself; both report the init as the orphans' parent. */
TEST_F(init, orphans_reparented_to_init)
{
	const char *argv[] = { helper(self, "orphans"), "10", "0", NULL };
	struct launch l = { .argv = argv };
	char want[96], buf[1024];
	pid_t init;

	init = launch(self, variant->pid1, &l);
	ASSERT_LT(0, init);
	if (!variant->pid1)
		ASSERT_NE(1, init);
	snprintf(want, sizeof(want), "10 of 10 reported, 0 not reparented to %d,",
		 variant->pid1 ? 1 : (int)init);
	EXPECT_EQ(0, wait_init(self, WAIT_MS));
	EXPECT_NE(NULL, strstr(slurp(self->out, buf, sizeof(buf)), want))
	TH_LOG("want \"%s\", orphans said: %s", want, buf);
}

/* --- signal forwarding ------------------------------------------------------------------- */

TEST_F(init, forwards_signals_to_workload)
{
	const char *argv[] = { helper(self, "init_sigrecord"), NULL };
	struct launch l = { .argv = argv };
	int sigs[] = { SIGUSR1, SIGHUP, SIGRTMIN + 2, SIGTERM };
	pid_t init;

	init = launch(self, variant->pid1, &l);
	ASSERT_LT(0, init);
	ASSERT_TRUE(wait_for_text(self->out, "ready parent", 5000));
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		char want[32];

		snprintf(want, sizeof(want), "parent %d\n", sigs[i]);
		ASSERT_EQ(0, kill(init, sigs[i]));
		EXPECT_TRUE(wait_for_text(self->out, want, 3000)) TH_LOG("signal %d", sigs[i]);
	}
	EXPECT_EQ(0, wait_init(self, WAIT_MS)) TH_LOG("the recorder exits 0 after SIGTERM");
}

/* Issue 20.1: every signal tini forwards, 1..64 but SIGKILL, SIGSTOP and SIGCHLD, 32..34 (which
 * musl keeps for itself) included, reaches the workload and none ends the init. One at a time:
 * a stop signal discards a pending SIGCONT (signal(7)). */
TEST_F(init, forwards_every_catchable_signal)
{
	const char *argv[] = { helper(self, "sig_record_all"), "61", NULL };
	struct launch l = { .argv = argv };
	char buf[4096];
	pid_t init;

	init = launch(self, variant->pid1, &l);
	ASSERT_LT(0, init);
	ASSERT_TRUE(wait_for_text(self->out, "ready", 5000));
	for (int sig = 1; sig <= 64; sig++) {
		char want[16];

		if (sig == SIGKILL || sig == SIGSTOP || sig == SIGCHLD)
			continue;
		snprintf(want, sizeof(want), "got %d\n", sig);
		ASSERT_EQ(0, kill(init, sig)) TH_LOG("signal %d: the init is gone", sig);
		EXPECT_TRUE(wait_for_text(self->out, want, 3000))
		TH_LOG("signal %d not forwarded: %s", sig, slurp(self->out, buf, sizeof(buf)));
	}
	EXPECT_EQ(0, wait_init(self, WAIT_MS)) TH_LOG("the recorder got all 61");
}

/* -v with stderr a pipe nobody reads: each message raises SIGPIPE on the init itself. It must
 * not be forwarded (it would kill the workload) nor win over SIGCHLD forever (a busy loop). */
TEST_F(init, own_sigpipe_not_forwarded)
{
	const char *argv[] = { "-v", helper(self, "init_sigrecord"), NULL };
	struct launch l = { .argv = argv, .stderr_broken = true };
	pid_t init;

	init = launch(self, variant->pid1, &l);
	ASSERT_LT(0, init);
	ASSERT_TRUE(wait_for_text(self->out, "ready parent", 5000));
	ASSERT_EQ(0, kill(init, SIGUSR1));
	EXPECT_TRUE(wait_for_text(self->out, "parent 10\n", 3000));
	sleep_ms(100);
	ASSERT_EQ(0, kill(init, SIGTERM));
	EXPECT_EQ(0, wait_init(self, 5000)) TH_LOG("128+13: the init forwarded its own SIGPIPE");
}

/* -g: the workload's whole process group gets the signal; without -g only the workload. */
static void group_case(struct __test_metadata *_metadata, FIXTURE_DATA(init) * self, bool pid1,
		       bool group)
{
	const char *with_g[] = { "-g", helper(self, "init_sigrecord"), "--fork", NULL };
	struct launch l = { .argv = group ? with_g : with_g + 1 };
	char buf[4096];
	pid_t init;

	init = launch(self, pid1, &l);
	ASSERT_LT(0, init);
	ASSERT_TRUE(wait_for_text(self->out, "ready parent", 5000));
	ASSERT_TRUE(wait_for_text(self->out, "ready child", 5000));
	ASSERT_EQ(0, kill(init, SIGUSR1));
	EXPECT_TRUE(wait_for_text(self->out, "parent 10\n", 3000));
	if (group) {
		EXPECT_TRUE(wait_for_text(self->out, "child 10\n", 3000))
		TH_LOG("out: %s", slurp(self->out, buf, sizeof(buf)));
	} else {
		sleep_ms(200);
		EXPECT_EQ(NULL, strstr(slurp(self->out, buf, sizeof(buf)), "child 10\n"));
	}
	ASSERT_EQ(0, kill(init, SIGTERM));
	EXPECT_EQ(0, wait_init(self, WAIT_MS));
}

TEST_F(init, group_flag_signals_process_group)
{
	group_case(_metadata, self, variant->pid1, true);
}

TEST_F(init, without_group_flag_only_workload)
{
	group_case(_metadata, self, variant->pid1, false);
}

/* --- shutdown grace ---------------------------------------------------------------------- */

/* init_probe leave-child wrote "CHILD GRANDCHILD": both must be gone once the init is. */
static void check_leftovers_gone(struct __test_metadata *_metadata, FIXTURE_DATA(init) * self)
{
	char buf[64];

	ASSERT_EQ(2, sscanf(slurp(self->pidfile, buf, sizeof(buf)), "%d %d", &self->leftover[0],
			    &self->leftover[1]));
	for (int i = 0; i < 2; i++) {
		EXPECT_EQ(-1, kill(self->leftover[i], 0))
		TH_LOG("leftover %d still exists", (int)self->leftover[i]);
	}
}

/* The workload exits leaving a child and a grandchild, in their own process group, that
 * ignore SIGTERM: KILL after --grace 1. */
TEST_F(init, grace_then_kill_term_ignoring_leftover)
{
	const char *argv[] = { "--grace",     GRACE_TEST_SECONDS, helper(self, "init_probe"),
			       "leave-child", "ignore",		  self->pidfile,
			       NULL };
	struct launch l = { .argv = argv };
	long start = now_ms(), took;

	ASSERT_LT(0, launch(self, variant->pid1, &l));
	EXPECT_EQ(0, wait_init(self, WAIT_MS));
	took = now_ms() - start;
	EXPECT_LE(900, took) TH_LOG("the init did not wait for the grace period");
	EXPECT_GT(2500, took);
	if (!variant->pid1) /* as PID 1 the namespace's end would kill them anyway */
		check_leftovers_gone(_metadata, self);
}

/* Leftovers that exit on SIGTERM end the shutdown at once, not after the grace period; the
 * grandchild's parent is alive, so only a recursive walk TERMs it in subreaper mode. */
TEST_F(init, no_grace_wait_when_leftover_exits)
{
	const char *argv[] = { "--grace",     "5",	helper(self, "init_probe"),
			       "leave-child", "handle", self->pidfile,
			       NULL };
	struct launch l = { .argv = argv };
	long start = now_ms(), took;

	ASSERT_LT(0, launch(self, variant->pid1, &l));
	EXPECT_EQ(0, wait_init(self, WAIT_MS));
	took = now_ms() - start;
	EXPECT_GT(1500, took);
	if (!variant->pid1) /* as PID 1 the namespace's end would kill them anyway */
		check_leftovers_gone(_metadata, self);
}

/* --- what the workload inherits ---------------------------------------------------------- */

/* Issue 28.1: whatever the caller ignored or blocked, the workload starts as a daemon-spawned
 * process does (docker): SigBlk and SigIgn 0. (Until 0.4 the reaper passed them on, as tini
 * does.) The caller ignores SIGCHLD too, which the init must undo for itself. */
TEST_F(init, workload_starts_with_default_signals)
{
	const char *argv[] = { helper(self, "init_probe"), "status", NULL };
	int ignore[] = { SIGINT, SIGQUIT, SIGPIPE, SIGUSR1, SIGCHLD, SIGRTMIN + 1, 0 };
	struct launch l = { .argv = argv, .ignore = ignore, .record_expected = true };
	char want[512], got[1024];
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	sigaddset(&mask, SIGWINCH);
	sigaddset(&mask, SIGRTMIN + 3);
	l.mask = &mask;
	ASSERT_EQ(0, run_init(self, variant->pid1, &l));
	slurp(self->expect, want, sizeof(want));
	slurp(self->out, got, sizeof(got));
	ASSERT_NE(NULL, strstr(want, "SigBlk:\t0000002008000800\n")) TH_LOG("caller: %s", want);
	ASSERT_NE(NULL, strstr(want, "SigIgn:\t0000000800011206\n")) TH_LOG("caller: %s", want);
	EXPECT_NE(NULL, strstr(got, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n"))
	TH_LOG("workload:\n%s", got);
}

/* Issue 28.1: the caller ignores SIGINT (a script's background job): the init still takes it
 * and the workload dies of it at once, 130, not after any grace. */
TEST_F(init, ignored_int_still_forwarded)
{
	const char *argv[] = { helper(self, "init_probe"), "status-wait", NULL };
	int ignore[] = { SIGINT, SIGQUIT, 0 };
	struct launch l = { .argv = argv, .ignore = ignore };
	pid_t init;
	long start;

	init = launch(self, variant->pid1, &l);
	ASSERT_LT(0, init);
	ASSERT_TRUE(wait_for_text(self->out, "fds:", 5000));
	start = now_ms();
	ASSERT_EQ(0, kill(init, SIGINT));
	EXPECT_EQ(128 + SIGINT, wait_init(self, 3000));
	EXPECT_GT(1000, now_ms() - start);
}

TEST_F(init, exit_code_with_sigchld_ignored_by_caller)
{
	const char *argv[6];
	int ignore[] = { SIGCHLD, 0 };
	struct launch l = { .argv = argv, .ignore = ignore };

	sh_argv(argv, "exit 42");
	EXPECT_EQ(42, run_init(self, variant->pid1, &l));
}

/* The workload gets exactly the caller's fds (0 1 2 and 7 here); the init keeps none >= 3
 * and sits in "/" so that it pins nothing. */
TEST_F(init, no_fd_leak_and_cwd_is_root)
{
	const char *argv[] = { helper(self, "init_probe"), "status-wait", NULL };
	struct launch l = { .argv = argv, .extra_fd = 7 };
	char path[64], buf[4096], fds[256];
	long end;
	pid_t init;

	init = launch(self, variant->pid1, &l);
	ASSERT_LT(0, init);
	ASSERT_TRUE(wait_for_text(self->out, "fds:", 5000));
	EXPECT_NE(NULL, strstr(slurp(self->out, buf, sizeof(buf)), "fds: 0 1 2 7\n"))
	TH_LOG("workload: %s", buf);

	/* The init closes its fds after forking the workload: allow it a moment. */
	end = now_ms() + 1000;
	do {
		DIR *d;
		struct dirent *e;
		size_t len = 0;

		snprintf(path, sizeof(path), "/proc/%d/fd", (int)init);
		d = opendir(path);
		ASSERT_NE(NULL, d);
		fds[0] = '\0';
		while ((e = readdir(d)))
			if (e->d_name[0] != '.')
				len += snprintf(fds + len, sizeof(fds) - len, " %s", e->d_name);
		closedir(d);
		if (!strcmp(fds, " 0 1 2"))
			break;
		sleep_ms(10);
	} while (now_ms() < end);
	EXPECT_STREQ(" 0 1 2", fds);

	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)init);
	memset(buf, 0, sizeof(buf));
	ASSERT_LT(0, readlink(path, buf, sizeof(buf) - 1));
	EXPECT_STREQ("/", buf);

	ASSERT_EQ(0, kill(init, SIGTERM));
	EXPECT_EQ(128 + SIGTERM, wait_init(self, WAIT_MS));
}

/* With stdin its controlling terminal, the caller gets the workload made the terminal's
 * foreground process group, as a job-control shell would. */
TEST_F(init, workload_gets_the_terminal)
{
	const char *argv[] = { helper(self, "init_probe"), "tty", NULL };
	struct launch l = { .argv = argv, .tty = true };
	int fg = -1, own = -2;
	char buf[256];

	self->pty_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (self->pty_master < 0)
		SKIP(return, "no pseudo-terminals: %s", strerror(errno));
	ASSERT_EQ(0, grantpt(self->pty_master));
	ASSERT_EQ(0, unlockpt(self->pty_master));
	ASSERT_EQ(0, ptsname_r(self->pty_master, self->tty, sizeof(self->tty)));
	if (access(self->tty, F_OK) < 0)
		SKIP(return, "%s missing: no devpts mounted", self->tty);
	ASSERT_EQ(0, run_init(self, variant->pid1, &l));
	ASSERT_EQ(2, sscanf(slurp(self->out, buf, sizeof(buf)), "tty: fg %d self %d", &fg, &own))
	TH_LOG("probe said: %s", buf);
	EXPECT_LT(0, fg);
	EXPECT_EQ(own, fg);
}

/* Issue 20.3: a leftover that stopped itself and exits on SIGTERM is continued with the TERM,
 * so the shutdown ends at once instead of after --grace 5 and a KILL. */
TEST_F(init, stopped_leftover_continued_on_shutdown)
{
	const char *argv[] = { "--grace",	"5",	       helper(self, "init_probe"),
			       "leave-stopped", self->pidfile, NULL };
	struct launch l = { .argv = argv };
	long start = now_ms();
	char buf[64];

	ASSERT_LT(0, launch(self, variant->pid1, &l));
	EXPECT_EQ(0, wait_init(self, WAIT_MS));
	EXPECT_GT(2000, now_ms() - start) TH_LOG("the stopped leftover waited for the KILL");
	self->leftover[0] = atoi(slurp(self->pidfile, buf, sizeof(buf)));
	EXPECT_LT(0, self->leftover[0]);
}

/* Issue 28.4: --version says the release and the git description, exit 0. */
TEST_F(init, version_names_release_and_commit)
{
	const char *argv[] = { "--version", NULL };
	struct launch l = { .argv = argv };
	char buf[256];

	ASSERT_EQ(0, run_init(self, variant->pid1, &l));
	EXPECT_EQ(0, strncmp("nestbox-init 0.4.0 (git ", slurp(self->out, buf, sizeof(buf)), 24))
	TH_LOG("--version said: %s", buf);
}

/* Issue 28.5: -v says how the workload ended in words, never a raw wait status. */
TEST_F(init, verbose_says_exit_in_words)
{
	const char *exit_argv[6],
	    *kill_argv[] = { "-v", helper(self, "init_probe"), "raise", "9", NULL };
	struct launch l = { .argv = exit_argv };
	char buf[1024];

	exit_argv[0] = "-v";
	sh_argv(exit_argv + 1, "exit 127");
	ASSERT_EQ(127, run_init(self, variant->pid1, &l));
	EXPECT_NE(NULL, strstr(slurp(self->err, buf, sizeof(buf)), "init: workload exited 127\n"))
	TH_LOG("stderr: %s", buf);
	EXPECT_EQ(NULL, strstr(buf, "status"));
	l.argv = kill_argv;
	ASSERT_EQ(128 + 9, run_init(self, variant->pid1, &l));
	EXPECT_NE(NULL,
		  strstr(slurp(self->err, buf, sizeof(buf)), "init: workload killed by signal 9\n"))
	TH_LOG("stderr: %s", buf);
}

/* Issue 19.3: once the workload runs, the init as root holds CAP_KILL and nothing else, has
 * no_new_privs and a seccomp filter (the workload reads its parent's status). */
TEST_F(init, reaper_drops_privileges_after_fork)
{
	const char *argv[6];
	struct launch l = { .argv = argv };
	char buf[1024];

	if (geteuid() != 0)
		SKIP(return, "the init keeps no capabilities to drop unless run as root");
	sh_argv(argv, "sleep 0.2; grep -E '^(CapPrm|CapEff|CapBnd|NoNewPrivs|Seccomp):' "
		      "/proc/$PPID/status");
	ASSERT_EQ(0, run_init(self, variant->pid1, &l));
	EXPECT_STREQ("CapPrm:\t0000000000000020\nCapEff:\t0000000000000020\n"
		     "CapBnd:\t0000000000000020\nNoNewPrivs:\t1\nSeccomp:\t2\n",
		     slurp(self->out, buf, sizeof(buf)));
}

/* --- idle -------------------------------------------------------------------------------- */

/* One blocking sigwaitinfo: an idle init is never scheduled (no polling timer). */
TEST_F(init, idle_init_does_not_wake)
{
	const char *argv[] = { helper(self, "init_probe"), "pause", NULL };
	struct launch l = { .argv = argv };
	long before, after;
	pid_t init;

	init = launch(self, variant->pid1, &l);
	ASSERT_LT(0, init);
	sleep_ms(300);
	before = status_field(init, "\nvoluntary_ctxt_switches:");
	ASSERT_LE(0, before);
	sleep_ms(1000);
	after = status_field(init, "\nvoluntary_ctxt_switches:");
	EXPECT_EQ(before, after) TH_LOG("the idle init woke %ld times in 1 s", after - before);
	ASSERT_EQ(0, kill(init, SIGTERM));
	EXPECT_EQ(128 + SIGTERM, wait_init(self, WAIT_MS));
}

TEST_HARNESS_MAIN
