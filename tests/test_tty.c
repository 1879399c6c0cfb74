/* `nestbox run -t` driven through a pseudo-terminal the test holds, as a person's terminal would
 * be: the test keeps the master, and nestbox runs in a session of its own with the slave as its
 * controlling terminal and fds 0, 1, 2. Without -t: stdin passes through, and the TIOCSTI
 * escape (bubblewrap CVE-2017-5226) cannot type into the caller's terminal. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

#define OUT_MAX	   (1 << 20)
#define ROWS	   37 /* an unusual size, so a default cannot pass for it */
#define COLS	   101
#define WAIT_MS	   10000
#define SETTLE_MS  1500 /* how long a stopped job must stay silent */
#define STOPPED_MS 2500
#define BIG_OUTPUT 3000 /* all of it fits in the master's 4 KiB read buffer (n_tty) */

struct term {
	int master, slave;
	pid_t pid;
	struct termios before;
	char *out;
	size_t len, mark; /* expect() searches from mark on */
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int term_open(struct term *t, unsigned short rows, unsigned short cols)
{
	struct winsize ws = { .ws_row = rows, .ws_col = cols };

	memset(t, 0, sizeof(*t));
	t->pid = -1;
	t->master = t->slave = -1;
	t->out = calloc(1, OUT_MAX + 1);
	if (!t->out || openpty(&t->master, &t->slave, NULL, NULL, &ws))
		return -1;
	return tcgetattr(t->slave, &t->before);
}

/* Every test here needs a terminal to hold, as a person's would be. */
#define TERM_OPEN_OR_SKIP(t)                                                              \
	do {                                                                              \
		if (term_open(t, ROWS, COLS))                                             \
			SKIP(return, "no pseudo-terminal to hold (/dev/ptmx, /dev/pts)"); \
	} while (0)

static void term_close(struct term *t)
{
	if (t->pid > 0) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, NULL, 0);
	}
	if (t->master >= 0)
		close(t->master);
	if (t->slave >= 0)
		close(t->slave);
	free(t->out);
}

/* Fork nestbox with the slave as its controlling terminal (a session of its own, TIOCSCTTY)
 * and as fds 0, 1, 2; in_fd >= 0 replaces stdin, out_fd >= 0 stdout and stderr. */
static pid_t term_spawn_fds(struct term *t, const char *const *argv, int in_fd, int out_fd)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* The test's process group is all the harness kills on a timeout. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* A fresh terminal session, as an emulator starts one (nestbox gives the workload
		 * default dispositions anyway since issue 28.1; nestbox itself should not depend on
		 * how the suite was started). */
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		setsid();
		if (ioctl(t->slave, TIOCSCTTY, 0))
			_exit(124);
		dup2(in_fd >= 0 ? in_fd : t->slave, 0);
		dup2(out_fd >= 0 ? out_fd : t->slave, 1);
		dup2(out_fd >= 0 ? out_fd : t->slave, 2);
		close(t->master);
		execv(argv[0], (char *const *)argv);
		_exit(124);
	}
	t->pid = pid;
	return pid;
}

/* nestbox run --rootfs ROOTFS [ARGS...] with the NULL-terminated arguments. */
static pid_t term_run(struct term *t, ...)
{
	const char *argv[64] = { nbt_nestbox(), "run", "--rootfs", nbt_rootfs() };
	int n = 4;
	va_list ap;

	va_start(ap, t);
	while (n < 63 && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	return term_spawn_fds(t, argv, -1, -1);
}

/* Read what the master has, waiting up to ms for the first bytes. */
static void term_pump(struct term *t, int ms)
{
	struct pollfd p = { .fd = t->master, .events = POLLIN };
	ssize_t n;

	while (t->len < OUT_MAX && poll(&p, 1, ms) > 0) {
		n = read(t->master, t->out + t->len, OUT_MAX - t->len);
		if (n <= 0)
			break;
		t->len += (size_t)n;
		t->out[t->len] = '\0';
		ms = 0;
	}
}

/* Wait until pattern shows up after the previous match. */
static int term_expect(struct term *t, const char *pattern)
{
	long deadline = now_ms() + WAIT_MS;

	do {
		char *hit = strstr(t->out + t->mark, pattern);

		if (hit) {
			t->mark = (size_t)(hit - t->out) + strlen(pattern);
			return 0;
		}
		term_pump(t, 50);
	} while (now_ms() < deadline);
	return -1;
}

static void term_type(struct term *t, const char *keys)
{
	if (write(t->master, keys, strlen(keys)) != (ssize_t)strlen(keys))
		return;
}

/* nestbox's exit status (128+N for signal N), reading the master meanwhile; -1 on timeout. */
static int term_wait(struct term *t)
{
	long deadline = now_ms() + WAIT_MS;
	int ws;

	while (now_ms() < deadline) {
		term_pump(t, 20);
		if (waitpid(t->pid, &ws, WNOHANG) == t->pid) {
			t->pid = -1;
			term_pump(t, 100);
			return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
		}
	}
	return -1;
}

static int termios_same(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag && a->c_cflag == b->c_cflag &&
	       a->c_lflag == b->c_lflag && !memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc));
}

static int termios_unchanged(struct term *t)
{
	struct termios now = { 0 }; /* musl's c_cc is longer than what TCGETS fills */

	return !tcgetattr(t->slave, &now) && termios_same(&t->before, &now);
}

/* nestbox has put the caller's terminal in raw mode: the container is up to its workload. */
static int wait_raw(struct term *t)
{
	long deadline = now_ms() + WAIT_MS;

	while (now_ms() < deadline) {
		term_pump(t, 20);
		if (!termios_unchanged(t))
			return 0;
	}
	return -1;
}

/* --- -t ------------------------------------------------------------------------------------ */

FIXTURE(tty)
{
	struct term t;
};

FIXTURE_SETUP(tty)
{
	TERM_OPEN_OR_SKIP(&self->t);
}

FIXTURE_TEARDOWN(tty)
{
	term_close(&self->t);
}

TEST_F(tty, tty_names_a_pts_device)
{
	term_run(&self->t, "-t", "--", "tty", NULL);
	ASSERT_EQ(0, term_wait(&self->t)) TH_LOG("output: %s", self->t.out);
	ASSERT_EQ(0, strncmp(self->t.out, "/dev/pts/", 9)) TH_LOG("output: %s", self->t.out);
	EXPECT_TRUE(self->t.out[9] >= '0' && self->t.out[9] <= '9');
	EXPECT_TRUE(termios_unchanged(&self->t));
}

TEST_F(tty, window_size_copied_and_follows_resize)
{
	struct winsize bigger = { .ws_row = 41, .ws_col = 120 };

	term_run(&self->t, "-t", "--", "sh", "-c", "stty size; read x; stty size", NULL);
	ASSERT_EQ(0, term_expect(&self->t, "37 101")) TH_LOG("output: %s", self->t.out);
	/* As a terminal emulator does: the kernel sends SIGWINCH to nestbox, the foreground
	 * process group of the test's terminal. */
	ASSERT_EQ(0, ioctl(self->t.master, TIOCSWINSZ, &bigger));
	term_type(&self->t, "\n");
	ASSERT_EQ(0, term_expect(&self->t, "41 120")) TH_LOG("output: %s", self->t.out);
	EXPECT_EQ(0, term_wait(&self->t));
}

TEST_F(tty, exit_status_passes_through)
{
	term_run(&self->t, "-t", "--", "sh", "-c", "exit 7", NULL);
	EXPECT_EQ(7, term_wait(&self->t));
	EXPECT_TRUE(termios_unchanged(&self->t));
}

TEST_F(tty, workload_is_foreground_group_and_reaper_stays_pid1)
{
	int pid, ppid, pgrp, sid, tty_nr, tpgid;
	char comm[32], state, *line2;

	term_run(&self->t, "-t", "--", "cat", "/proc/self/stat", "/proc/1/stat", NULL);
	ASSERT_EQ(0, term_wait(&self->t));
	/* proc(5): pid (comm) state ppid pgrp session tty_nr tpgid */
	ASSERT_EQ(8, sscanf(self->t.out, "%d %31s %c %d %d %d %d %d", &pid, comm, &state, &ppid,
			    &pgrp, &sid, &tty_nr, &tpgid))
	TH_LOG("output: %s", self->t.out);
	EXPECT_NE(1, pid);
	EXPECT_EQ(pgrp, tpgid) TH_LOG("the workload's group is not the terminal's foreground");
	EXPECT_NE(0, tty_nr);
	line2 = strchr(self->t.out, '\n');
	ASSERT_NE(NULL, line2);
	ASSERT_EQ(8, sscanf(line2 + 1, "%d %31s %c %d %d %d %d %d", &pid, comm, &state, &ppid,
			    &pgrp, &sid, &tty_nr, &tpgid));
	EXPECT_EQ(1, pid);
	EXPECT_STREQ("(nestbox-init)", comm);
	EXPECT_EQ(1, sid) TH_LOG("PID 1 leads the session that owns the terminal");
	EXPECT_NE(pgrp, tpgid) TH_LOG("the reaper must not be in the foreground group");
}

/* Issue 28.1 under -t: what the caller ignored (SIGHUP, SIGUSR1) or blocked (SIGUSR2) does not
 * reach the workload, which starts with SigIgn and SigBlk 0. */
TEST_F(tty, workload_signals_default_whatever_the_caller_ignored)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_hup, old_usr1;
	sigset_t block, old_mask;

	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigaction(SIGHUP, &ign, &old_hup);
	sigaction(SIGUSR1, &ign, &old_usr1);
	sigprocmask(SIG_BLOCK, &block, &old_mask);
	term_run(&self->t, "-t", "--", "grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status", NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGUSR1, &old_usr1, NULL);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	ASSERT_EQ(0, term_wait(&self->t));
	EXPECT_NE(NULL, strstr(self->t.out, "SigBlk:\t0000000000000000\r\n"))
	TH_LOG("output: %s", self->t.out);
	EXPECT_NE(NULL, strstr(self->t.out, "SigIgn:\t0000000000000000\r\n"))
	TH_LOG("output: %s", self->t.out);
}

/* Issue 20.1 under -t: the relay's signalfd takes 32..34 too (sigfillset leaves them out), so
 * they are forwarded instead of killing nestbox. */
TEST_F(tty, realtime_signals_32_to_34_are_forwarded)
{
	char helpers[600], want[16];
	const int sigs[] = { 32, 33, 34, 40 };

	snprintf(helpers, sizeof(helpers), "%s:/nbt:ro", nbt_helpers());
	term_run(&self->t, "-t", "--bind", helpers, "--", "/nbt/sig_record_all", "4", NULL);
	ASSERT_EQ(0, term_expect(&self->t, "ready")) TH_LOG("output: %s", self->t.out);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		snprintf(want, sizeof(want), "got %d\r\n", sigs[i]);
		ASSERT_EQ(0, kill(self->t.pid, sigs[i]));
		EXPECT_EQ(0, term_expect(&self->t, want)) TH_LOG("output: %s", self->t.out);
	}
	EXPECT_EQ(0, term_wait(&self->t));
}

/* --no-init: the workload is PID 1 and session leader itself, and has the terminal. */
TEST_F(tty, no_init_workload_gets_the_terminal_too)
{
	int pid, ppid, pgrp, sid, tty_nr, tpgid;
	char comm[32], state;

	term_run(&self->t, "-t", "--no-init", "--", "cat", "/proc/self/stat", NULL);
	ASSERT_EQ(0, term_wait(&self->t));
	ASSERT_EQ(8, sscanf(self->t.out, "%d %31s %c %d %d %d %d %d", &pid, comm, &state, &ppid,
			    &pgrp, &sid, &tty_nr, &tpgid))
	TH_LOG("output: %s", self->t.out);
	EXPECT_EQ(1, pid);
	EXPECT_NE(0, tty_nr);
	EXPECT_EQ(pgrp, tpgid);
	EXPECT_TRUE(termios_unchanged(&self->t));
}

TEST_F(tty, ctrl_c_interrupts_the_foreground_command_inside)
{
	term_run(&self->t, "-t", "--", "sh", NULL);
	term_type(&self->t, "echo J$((6*7))\n");
	ASSERT_EQ(0, term_expect(&self->t, "J42")) TH_LOG("output: %s", self->t.out);
	term_type(&self->t, "sh -c 'echo READY; exec sleep 10'\n");
	ASSERT_EQ(0, term_expect(&self->t, "READY\r\n")) TH_LOG("output: %s", self->t.out);
	term_type(&self->t, "\x03");
	term_type(&self->t, "echo status=$?\n");
	ASSERT_EQ(0, term_expect(&self->t, "status=130")) TH_LOG("output: %s", self->t.out);
	term_type(&self->t, "exit 7\n");
	EXPECT_EQ(7, term_wait(&self->t)) TH_LOG("output: %s", self->t.out);
	EXPECT_EQ(NULL, strstr(self->t.out, "job control turned off"));
	EXPECT_EQ(NULL, strstr(self->t.out, "can't access tty"));
	EXPECT_TRUE(termios_unchanged(&self->t));
}

TEST_F(tty, ctrl_z_stops_the_job_inside_and_fg_resumes_it)
{
	term_run(&self->t, "-t", "--", "sh", NULL);
	term_type(&self->t, "sh -c 'echo SLEEPING; sleep 1; echo RESUMED'\n");
	ASSERT_EQ(0, term_expect(&self->t, "SLEEPING\r\n")) TH_LOG("output: %s", self->t.out);
	term_type(&self->t, "\x1a");
	ASSERT_EQ(0, term_expect(&self->t, "Stopped")) TH_LOG("output: %s", self->t.out);
	/* Stopped for real: the second its sleep needs passes without RESUMED. */
	term_pump(&self->t, SETTLE_MS);
	usleep(SETTLE_MS * 1000);
	term_pump(&self->t, 100);
	ASSERT_EQ(NULL, strstr(self->t.out, "RESUMED\r\n")) TH_LOG("output: %s", self->t.out);
	term_type(&self->t, "fg\n");
	ASSERT_EQ(0, term_expect(&self->t, "RESUMED\r\n")) TH_LOG("output: %s", self->t.out);
	term_type(&self->t, "exit\n");
	EXPECT_EQ(0, term_wait(&self->t));
	EXPECT_EQ(NULL, strstr(self->t.out, "job control turned off"));
	EXPECT_TRUE(termios_unchanged(&self->t));
}

/* nestbox is stopped while the workload writes and exits: when it goes on, the exit and the
 * last output are there together, and the output must still come out. */
TEST_F(tty, output_written_just_before_exit_is_not_lost)
{
	size_t xs = 0;

	term_run(&self->t, "-t", "--", "sh", "-c",
		 "sleep 1; head -c 3000 /dev/zero | tr '\\0' x; echo END", NULL);
	ASSERT_EQ(0, wait_raw(&self->t));
	kill(self->t.pid, SIGSTOP);
	usleep(STOPPED_MS * 1000); /* past the sleep 1, the output and the exit */
	kill(self->t.pid, SIGCONT);
	ASSERT_EQ(0, term_wait(&self->t));
	for (size_t i = 0; i < self->t.len; i++)
		xs += self->t.out[i] == 'x';
	EXPECT_EQ(BIG_OUTPUT, xs);
	EXPECT_NE(NULL, strstr(self->t.out, "END\r\n"));
}

/* kill -STOP, the caller's shell restores its own modes (as shells do when a job stops), fg. */
TEST_F(tty, raw_mode_comes_back_after_stop_and_continue)
{
	int ws;

	term_run(&self->t, "-t", "--", "sh", "-c", "read x; echo GOT=$x", NULL);
	ASSERT_EQ(0, wait_raw(&self->t));
	kill(self->t.pid, SIGSTOP);
	ASSERT_EQ(self->t.pid, waitpid(self->t.pid, &ws, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(ws));
	ASSERT_EQ(0, tcsetattr(self->t.slave, TCSANOW, &self->t.before));
	kill(self->t.pid, SIGCONT);
	ASSERT_EQ(0, wait_raw(&self->t)) TH_LOG("the terminal stayed in the shell's modes");
	term_type(&self->t, "abc\n");
	ASSERT_EQ(0, term_expect(&self->t, "GOT=abc")) TH_LOG("output: %s", self->t.out);
	EXPECT_EQ(0, term_wait(&self->t));
	EXPECT_TRUE(termios_unchanged(&self->t));
}

TEST_F(tty, dash_it_is_accepted)
{
	term_run(&self->t, "-it", "--", "sh", "-c", "exit 3", NULL);
	EXPECT_EQ(3, term_wait(&self->t));
}

/* A nestbox started with -t inside a -t container: the same terminal, one level further in. */
TEST_F(tty, nested_tty_container)
{
	char nb[4096], bind_nb[4200], bind_root[4200];

	/* The binary itself (it may be reached through a symlink, as /bin/nestbox in the VMs). */
	ASSERT_NE(NULL, realpath(nbt_nestbox(), nb));
	snprintf(bind_nb, sizeof(bind_nb), "%s:/nb/nestbox:ro", nb);
	snprintf(bind_root, sizeof(bind_root), "%s:/nb/rootfs:ro", nbt_rootfs());
	/* A nestbox inside needs the capabilities to make namespaces and mounts. */
	term_run(&self->t, "-t", "--privileged", "--bind", bind_nb, "--bind", bind_root, "--", "sh",
		 "-c", "/nb/nestbox run --rootfs /nb/rootfs -t -- sh -c 'tty; stty size; exit 5'",
		 NULL);
	ASSERT_EQ(5, term_wait(&self->t)) TH_LOG("output: %s", self->t.out);
	EXPECT_NE(NULL, strstr(self->t.out, "/dev/pts/0\r\n")) TH_LOG("output: %s", self->t.out);
	EXPECT_NE(NULL, strstr(self->t.out, "37 101")) TH_LOG("output: %s", self->t.out);
	EXPECT_TRUE(termios_unchanged(&self->t));
}

/* --- the caller's terminal modes come back on every way out ---------------------------------- */

FIXTURE(restore)
{
	struct term t;
};

FIXTURE_VARIANT(restore)
{
	const char *cmd;
	int signal; /* sent to nestbox once its workload runs; 0: none */
	int status;
	const char *grace; /* --grace; NULL: the default */
};

/* clang-format off */
FIXTURE_VARIANT_ADD(restore, normal_exit) { .cmd = "exit 0", .status = 0 };
FIXTURE_VARIANT_ADD(restore, workload_killed) { .cmd = "kill -9 $$", .status = 137 };
FIXTURE_VARIANT_ADD(restore, exec_fails_inside) { .cmd = "exec /no/such/cmd", .status = 127 };
FIXTURE_VARIANT_ADD(restore, sigterm_to_nestbox) { .cmd = "exec sleep 20", .signal = SIGTERM, .status = 143 };
FIXTURE_VARIANT_ADD(restore, sigint_to_nestbox) { .cmd = "exec sleep 20", .signal = SIGINT, .status = 130 };
FIXTURE_VARIANT_ADD(restore, sighup_to_nestbox) { .cmd = "exec sleep 20", .signal = SIGHUP, .status = 129 };
/* An interactive shell ignores SIGTERM: after 2 * grace + 1 s nestbox SIGKILLs the container. */
FIXTURE_VARIANT_ADD(restore, sigterm_ignored_inside) { .cmd = "exec sh -i", .signal = SIGTERM, .status = 137, .grace = "0" };
/* clang-format on */

FIXTURE_SETUP(restore)
{
	TERM_OPEN_OR_SKIP(&self->t);
}

FIXTURE_TEARDOWN(restore)
{
	term_close(&self->t);
}

TEST_F(restore, termios_identical_before_and_after)
{
	term_run(&self->t, "-t", "--grace", variant->grace ? variant->grace : "3", "--", "sh", "-c",
		 variant->cmd, NULL);
	if (variant->signal) {
		ASSERT_EQ(0, wait_raw(&self->t)) TH_LOG("never went raw: %s", self->t.out);
		usleep(200 * 1000); /* past the exec of sleep; the signal works either way */
		kill(self->t.pid, variant->signal);
	}
	EXPECT_EQ(variant->status, term_wait(&self->t)) TH_LOG("output: %s", self->t.out);
	EXPECT_TRUE(termios_unchanged(&self->t));
}

/* --- without -t -------------------------------------------------------------------------------- */

/* Before anything is made: one line, 125, the host's mounts as they were. */
TEST(tty_needs_a_terminal_on_stdin)
{
	static struct nbt_result r; /* r.input NULL: stdin is /dev/null */
	char *before = nbt_mountinfo(), *after;

	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "-t", "--", "true", NULL);
	after = nbt_mountinfo();
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("stderr: %s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "-t needs a terminal on stdin")) TH_LOG("stderr: %s", r.err);
	ASSERT_NE(NULL, before);
	ASSERT_NE(NULL, after);
	EXPECT_STREQ(before, after);
	free(before);
	free(after);
}

TEST(piped_stdin_reaches_cat)
{
	static struct nbt_result r;

	r.input = "hi through a pipe\n";
	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--", "cat", NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("hi through a pipe\n", r.out);
	r.input = "and with -i\n";
	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "-i", "--", "cat", NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("and with -i\n", r.out);
}

TEST(help_lists_tty_and_interactive)
{
	static struct nbt_result r;

	nbt_run(&r, "run", "--help", NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "-t, --tty"));
	EXPECT_NE(NULL, strstr(r.out, "-i, --interactive"));
}

/* TIOCSTI: the test's pty is nestbox's controlling terminal and its stdin; the helper's report
 * comes back through a pipe. What the helper pushes would be read by the caller's shell from
 * the slave: the test reads the slave's input queue after the run. */
FIXTURE(tiocsti)
{
	struct term t;
	int report[2];
	char helper[4096], bind[4200];
	char report_text[512], injected[256];
};

#define INJECT "echo INJECTED\n"

FIXTURE_SETUP(tiocsti)
{
	struct termios raw;

	TERM_OPEN_OR_SKIP(&self->t);
	/* Raw and silent: injected bytes are readable at once and not echoed. */
	raw = self->t.before;
	cfmakeraw(&raw);
	ASSERT_EQ(0, tcsetattr(self->t.slave, TCSANOW, &raw));
	ASSERT_EQ(0, pipe(self->report));
	snprintf(self->helper, sizeof(self->helper), "%s/tty_tiocsti", nbt_helpers());
	snprintf(self->bind, sizeof(self->bind), "%s:/nbt:ro", nbt_helpers());
	if (access(self->helper, X_OK))
		SKIP(return, "helper tty_tiocsti not built (see NESTBOX_HELPERS)");
}

FIXTURE_TEARDOWN(tiocsti)
{
	close(self->report[0]);
	close(self->report[1]);
	term_close(&self->t);
}

/* EIO before any other check: the kernel refuses TIOCSTI to all but CAP_SYS_ADMIN
 * (dev.tty.legacy_tiocsti=0, Linux 6.2); nestbox's session would then prove nothing. */
#define TIOCSTI_DISABLED(self) (strstr((self)->report_text, "errno=5\n") != NULL)

/* Run argv on the pty, wait, collect the helper's report and whatever reached the input queue. */
static int tiocsti_run(FIXTURE_DATA(tiocsti) * self, const char *const *argv)
{
	struct pollfd p = { .fd = self->t.slave, .events = POLLIN };
	int status;
	ssize_t n;

	term_spawn_fds(&self->t, argv, -1, self->report[1]);
	close(self->report[1]);
	self->report[1] = -1;
	status = term_wait(&self->t);
	n = read(self->report[0], self->report_text, sizeof(self->report_text) - 1);
	self->report_text[n > 0 ? n : 0] = '\0';
	n = 0;
	if (poll(&p, 1, 200) > 0)
		n = read(self->t.slave, self->injected, sizeof(self->injected) - 1);
	self->injected[n > 0 ? n : 0] = '\0';
	return status;
}

/* Hardening off: the same helper, run by the test on its own controlling terminal, does get
 * its bytes in, so the checks below can fail. */
TEST_F(tiocsti, helper_injects_into_its_own_controlling_terminal)
{
	const char *argv[] = { self->helper, "--drop-sys-admin", INJECT, NULL };
	int status = tiocsti_run(self, argv);

	if (TIOCSTI_DISABLED(self))
		SKIP(return, "TIOCSTI is disabled on this kernel (dev.tty.legacy_tiocsti=0)");
	EXPECT_EQ(0, status) TH_LOG("report: %s", self->report_text);
	EXPECT_STREQ(INJECT, self->injected);
}

/* The session rule alone: without CAP_SYS_ADMIN, TIOCSTI works only on one's controlling
 * terminal, and the container's new session has none of the caller's. */
TEST_F(tiocsti, new_session_keeps_the_workload_out_of_the_callers_terminal)
{
	const char *argv[] = { nbt_nestbox(),	   "run",      "--rootfs", nbt_rootfs(),
			       "--bind",	   self->bind, "--",	   "/nbt/tty_tiocsti",
			       "--drop-sys-admin", INJECT,     NULL };

	int status = tiocsti_run(self, argv);

	if (TIOCSTI_DISABLED(self))
		SKIP(return, "TIOCSTI is disabled on this kernel (dev.tty.legacy_tiocsti=0)");
	EXPECT_EQ(1, status) TH_LOG("report: %s", self->report_text);
	EXPECT_NE(NULL, strstr(self->report_text, "injected=0 errno=1\n"))
	TH_LOG("report: %s", self->report_text);
	EXPECT_STREQ("", self->injected);
}

/* With the container's default capabilities. Root holding CAP_SYS_ADMIN may TIOCSTI any
 * terminal, so this holds only once the security defaults drop it. */
TEST_F(tiocsti, default_container_cannot_type_into_the_callers_terminal)
{
	const char *argv[] = { nbt_nestbox(), "run", "--rootfs",	 nbt_rootfs(), "--bind",
			       self->bind,    "--",  "/nbt/tty_tiocsti", INJECT,       NULL };
	int status = tiocsti_run(self, argv);

	if (strstr(self->report_text, "sys_admin=1"))
		SKIP(return, "the workload still holds CAP_SYS_ADMIN (dropped by the security "
			     "defaults, issue 7), with which TIOCSTI reaches any terminal");
	if (TIOCSTI_DISABLED(self))
		SKIP(return, "TIOCSTI is disabled on this kernel (dev.tty.legacy_tiocsti=0)");
	EXPECT_EQ(1, status) TH_LOG("report: %s", self->report_text);
	EXPECT_STREQ("", self->injected);
}

TEST_HARNESS_MAIN
