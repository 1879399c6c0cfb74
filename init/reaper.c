/* The PID-1 reaper, modelled on tini (src/tini.c): every forwardable signal is blocked once and
 * taken synchronously in one rt_sigtimedwait loop; no handlers, no threads, no heap, no stdio.
 * init_spawn/init_supervise keep no globals: `nestbox run` calls them in process. */
#include "init.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The kernel's sigset is 64 bits: rt_sigprocmask(2) and rt_sigtimedwait(2) take that size. The
 * sets are built bit by bit (init_signal_set): musl's sigfillset and sigaddset leave out 32..34,
 * which musl keeps for itself, and its sigprocmask hides them from the old mask. */
#define KERNEL_SIGSET_SIZE (_NSIG / 8)
#define KERNEL_NSIG	   64
/* How deep the /proc children walk recurses; deeper processes are reached after their
 * ancestors die and they are reparented to us (the SIGKILL loop walks again after each reap). */
#define WALK_MAX_DEPTH	 32
#define EXIT_SIGNAL_BASE 128

/* Size: nestbox-init must stay under 16 KiB stripped, so a few libc calls are made raw where
 * musl's wrapper pulls in kilobytes (vDSO lookup, sigaction bookkeeping, fork's lock set). */

/* The kernel's struct sigaction (rt_sigaction(2)): read and put back verbatim, restorer and
 * all, so the child gets exactly the disposition the caller had. */
struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

static int ksigaction(int sig, const struct ksigaction *act, struct ksigaction *old)
{
	return (int)syscall(SYS_rt_sigaction, sig, act, old, KERNEL_SIGSET_SIZE);
}

static void monotonic_now(struct timespec *ts)
{
	syscall(INIT_NR_CLOCK_GETTIME, CLOCK_MONOTONIC, ts);
}

static unsigned long long sig_bit(int sig)
{
	return 1ULL << (sig - 1);
}

/* signal(7): SIGKILL and SIGSTOP can be neither blocked nor caught. The word is stored as the
 * kernel reads it (little-endian or 64-bit: every architecture nestbox builds for). */
void init_signal_set(sigset_t *set)
{
	unsigned long long bits = ~(sig_bit(SIGKILL) | sig_bit(SIGSTOP));

	memset(set, 0, sizeof(*set));
	memcpy(set, &bits, sizeof(bits));
}

int init_wait_signal(const sigset_t *set, siginfo_t *info, const struct timespec *timeout)
{
	return (int)syscall(INIT_NR_SIGTIMEDWAIT, set, info, timeout, KERNEL_SIGSET_SIZE);
}

/* sigaction(2): SIG_IGN survives fork and execve; a handler becomes SIG_DFL at execve. Every
 * catchable signal back to SIG_DFL, so nothing the caller ignored reaches the workload, and the
 * reaper itself gets SIGCHLD (ignored, the kernel would reap for us) and every signal it
 * forwards. While they are blocked nothing pending is lost (only SIG_IGN discards). */
void init_default_signals(void)
{
	struct ksigaction dfl = { .handler = SIG_DFL };

	for (int sig = 1; sig <= KERNEL_NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			ksigaction(sig, &dfl, NULL);
}

void init_unblock_all(void)
{
	sigset_t none;

	memset(&none, 0, sizeof(none));
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, KERNEL_SIGSET_SIZE);
}

int init_block_signals(sigset_t *saved)
{
	sigset_t set;

	init_signal_set(&set);
	memset(saved, 0, sizeof(*saved));
	if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, saved, KERNEL_SIGSET_SIZE) < 0)
		return -errno;
	return 0;
}

/* --- verbose messages: write(2) only ------------------------------------------------------- */

static size_t put_str(char *buf, size_t len, size_t cap, const char *s)
{
	while (*s && len < cap)
		buf[len++] = *s++;
	return len;
}

static size_t put_num(char *buf, size_t len, size_t cap, long n)
{
	char digits[24];
	int i = 0;
	unsigned long u = n < 0 ? -(unsigned long)n : (unsigned long)n;

	do {
		digits[i++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (n < 0)
		digits[i++] = '-';
	while (i > 0 && len < cap)
		buf[len++] = digits[--i];
	return len;
}

/* "init: <what> <n>" on stderr when verbose. */
static void say(const struct init_config *cfg, const char *what, long n)
{
	char line[128];
	size_t len;

	if (!cfg->verbose)
		return;
	len = put_str(line, 0, sizeof(line) - 1, "init: ");
	len = put_str(line, len, sizeof(line) - 1, what);
	len = put_str(line, len, sizeof(line) - 1, " ");
	len = put_num(line, len, sizeof(line) - 1, n);
	line[len++] = '\n';
	if (write(STDERR_FILENO, line, len) < 0)
		return;
}

/* --- spawning ------------------------------------------------------------------------------ */

/* credentials(7): a job-control shell hands the terminal to the foreground group. TIOCGPGRP
 * (tcgetpgrp(3)) fails with ENOTTY unless fd 0 is our controlling terminal. TIOCSPGRP
 * (tcsetpgrp(3)) from a background group raises SIGTTOU (termios(3)): ignore it for the call,
 * then put the disposition back. Raw ioctls: musl's wrappers cost bytes of the budget. */
static void claim_terminal(void)
{
	struct ksigaction ign = { .handler = SIG_IGN }, old;
	pid_t pgrp;

	if (syscall(SYS_ioctl, STDIN_FILENO, TIOCGPGRP, &pgrp) < 0)
		return;
	if (ksigaction(SIGTTOU, &ign, &old) < 0)
		return;
	pgrp = getpgrp();
	syscall(SYS_ioctl, STDIN_FILENO, TIOCSPGRP, &pgrp);
	ksigaction(SIGTTOU, &old, NULL);
}

/* The caller's fds and dispositions stay with the caller: a container's process starts as a
 * daemon-spawned one does (docker), every disposition default and nothing blocked. */
static void close_fds_from_3(void);

pid_t init_spawn(int (*exec_fn)(void *arg), void *arg, unsigned flags)
{
	pid_t pid;

	init_default_signals();
	/* CVE-2024-21626: a caller's fd left open in the reaper is reachable as /proc/1/fd/N
	 * from the workload until init_supervise closes it; close before the workload exists. */
	if (flags & INIT_SPAWN_CLOSE_FDS)
		close_fds_from_3();
	/* prctl(2) PR_SET_CHILD_SUBREAPER before the fork, not only in init_supervise: a workload
	 * that double-forks at once would otherwise orphan its grandchildren to the machine's init
	 * while we are still between init_spawn and init_supervise (seen under load). */
	if (getpid() != 1)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	/* _Fork (musl >= 1.2.2) is fork without the atfork handlers and libc-wide locks, which only
	 * matter to threaded callers; the init and `nestbox run` are single-threaded. */
	pid = _Fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		setpgid(0, 0);
		claim_terminal();
		init_unblock_all();
		_exit(exec_fn(arg));
	}
	/* Also from the parent: a -g forward to -pid must not race the child's own setpgid.
	 * EACCES once the child has exec'd is fine, it did it itself by then. */
	setpgid(pid, pid);
	return pid;
}

/* --- the descendants walk (subreaper mode: never kill(-1), it would reach the whole host) ---- */

static int signal_tree(const char *task_dir, int sig, int depth);

static int signal_one(pid_t pid, int sig, int depth)
{
	char dir[48];
	size_t len;
	int n = kill(pid, sig) == 0;

	if (depth >= WALK_MAX_DEPTH)
		return n;
	len = put_str(dir, 0, sizeof(dir) - 1, "/proc/");
	len = put_num(dir, len, sizeof(dir) - 1, pid);
	len = put_str(dir, len, sizeof(dir) - 1, "/task");
	dir[len] = '\0';
	return n + signal_tree(dir, sig, depth + 1);
}

/* proc(5) /proc/PID/task/TID/children: space-separated pids, read in small chunks. */
static int signal_children_file(int fd, int sig, int depth)
{
	char buf[128];
	ssize_t got;
	long pid = 0;
	int n = 0;

	while ((got = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < got; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				pid = pid * 10 + (buf[i] - '0');
			} else if (pid > 0) {
				n += signal_one((pid_t)pid, sig, depth);
				pid = 0;
			}
		}
	}
	if (pid > 0)
		n += signal_one((pid_t)pid, sig, depth);
	return n;
}

/* Signal every process listed in task_dir/.../children, then their descendants. */
static int signal_tree(const char *task_dir, int sig, int depth)
{
	char dents[512] __attribute__((aligned(8)));
	int n = 0, dfd;
	long got;

	dfd = openat(AT_FDCWD, task_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	/* the raw call: musl and glibc lay out struct dirent as linux_dirent64 on 64-bit */
	while ((got = syscall(SYS_getdents64, dfd, dents, sizeof(dents))) > 0) {
		for (long off = 0; off < got;) {
			struct dirent *d = (struct dirent *)(dents + off);
			char rel[48];
			size_t len;
			int cfd;

			off += d->d_reclen;
			if (d->d_name[0] < '0' || d->d_name[0] > '9')
				continue;
			len = put_str(rel, 0, sizeof(rel) - 1, d->d_name);
			len = put_str(rel, len, sizeof(rel) - 1, "/children");
			rel[len] = '\0';
			cfd = openat(dfd, rel, O_RDONLY | O_CLOEXEC);
			if (cfd < 0)
				continue;
			n += signal_children_file(cfd, sig, depth);
			close(cfd);
		}
	}
	close(dfd);
	return n;
}

/* "All that remain": in a pid namespace's PID 1, kill(-1) reaches exactly the namespace
 * (kill(2)); as a subreaper only our own descendants, found in /proc, and the workload's
 * process group, which still reaches the usual leftovers where /proc is not mounted. */
static void signal_remaining(int pid1, pid_t workload, int sig)
{
	if (pid1) {
		kill(-1, sig);
		return;
	}
	kill(-workload, sig);
	signal_tree("/proc/self/task", sig, 0);
}

/* --- reaping and shutdown ---------------------------------------------------------------- */

/* Reap every exited child; note the workload's status. Returns 1 while children remain, 0 when
 * there are none left (ECHILD). */
static int reap_exited(pid_t workload, int *status, int *workload_done)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid == workload) {
			*status = st;
			*workload_done = 1;
		}
	}
	return !(pid < 0 && errno == ECHILD);
}

/* Reap as children exit until none remain (returns 1) or the deadline passes (returns 0).
 * sigtimedwait takes SIGCHLD without polling; other signals are dropped, the workload is gone. */
static int reap_until(const struct timespec *deadline, const sigset_t *set)
{
	int st, dummy = 0;

	for (;;) {
		struct timespec now, left;

		if (!reap_exited(0, &st, &dummy))
			return 1;
		monotonic_now(&now);
		left.tv_sec = deadline->tv_sec - now.tv_sec;
		left.tv_nsec = deadline->tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_nsec += 1000000000L;
			left.tv_sec--;
		}
		if (left.tv_sec < 0)
			return 0;
		init_wait_signal(set, NULL, &left);
	}
}

/* The workload has exited: TERM (and CONT, so stopped ones see it) what remains, give it
 * grace_seconds, then KILL and reap until ECHILD. PID 1 exiting early would make the kernel
 * SIGKILL the namespace at once (pid_namespaces(7)) and cut the others' cleanup short. */
static void shutdown_remaining(int pid1, pid_t workload, const struct init_config *cfg,
			       const sigset_t *set)
{
	struct timespec deadline;
	int st, dummy = 0;

	if (!reap_exited(0, &st, &dummy))
		return;
	say(cfg, "terminating what remains, grace seconds", (long)cfg->grace_seconds);
	signal_remaining(pid1, workload, cfg->stop_signal ? cfg->stop_signal : SIGTERM);
	signal_remaining(pid1, workload, SIGCONT);
	monotonic_now(&deadline);
	deadline.tv_sec += cfg->grace_seconds;
	if (reap_until(&deadline, set))
		return;
	say(cfg, "grace expired, killing what remains, signal", SIGKILL);
	for (;;) {
		/* Again after every reap: a process forked during the walk is reparented to us
		 * when its parent dies, and found by the next walk. */
		signal_remaining(pid1, workload, SIGKILL);
		if (waitpid(-1, &st, 0) < 0 && errno == ECHILD)
			break;
		if (!reap_exited(0, &st, &dummy))
			break;
	}
}

/* The caller's fds stay in the workload (it was forked before this); the init itself keeps
 * none, so it pins no file, mount or pipe end. */
static void close_fds_from_3(void)
{
	struct rlimit rl;
	unsigned max = 1024;

	/* musl 1.2.3 has no close_range() wrapper. */
	if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
		return;
	if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &rl) == 0 && rl.rlim_cur < 65536)
		max = (unsigned)rl.rlim_cur;
	for (unsigned fd = 3; fd < max; fd++)
		close((int)fd);
}

/* "workload exited 127" or "workload killed by signal 9": words, not a raw wait status. */
static void say_status(const struct init_config *cfg, int status)
{
	if (WIFSIGNALED(status))
		say(cfg, "workload killed by signal", WTERMSIG(status));
	else
		say(cfg, "workload exited", WEXITSTATUS(status));
}

int init_supervise(pid_t workload, const struct init_config *cfg)
{
	pid_t self = getpid();
	int pid1 = self == 1, status = 0, workload_done = 0;
	sigset_t set;

	/* prctl(2): orphans of our descendants are reparented to us instead of the real init.
	 * Quietly: without it we still reap the workload. */
	if (!pid1)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	if (chdir("/") < 0)
		say(cfg, "chdir / failed, errno", errno);
	close_fds_from_3();
	/* signal(7): an unblocked SIGCHLD at SIG_DFL is discarded, never queued: make sure it is
	 * blocked even if the caller skipped init_block_signals. */
	init_signal_set(&set);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, KERNEL_SIGSET_SIZE);
	if (cfg->harden) {
		int err = init_harden();

		if (err)
			say(cfg, "hardening incomplete, errno", -err);
	}
	say(cfg, "supervising workload pid", workload);

	/* The workload may have exited before we got here; its SIGCHLD is pending anyway. */
	reap_exited(workload, &status, &workload_done);
	while (!workload_done) {
		siginfo_t info;
		int sig = init_wait_signal(&set, &info, NULL);

		if (sig < 0)
			continue;
		if (sig == SIGCHLD) {
			reap_exited(workload, &status, &workload_done);
			continue;
		}
		/* Signals the kernel raised on us for our own doing (SIGPIPE from a verbose
		 * write to a closed stderr) carry our pid: not the workload's business. */
		if (info.si_code == SI_USER && info.si_pid == self)
			continue;
		if (sig == SIGTERM && cfg->stop_signal) /* "stop", as the workload wants it said */
			sig = cfg->stop_signal;
		say(cfg, "forwarding signal", sig);
		kill(cfg->signal_group ? -workload : workload, sig);
	}
	say_status(cfg, status);
	shutdown_remaining(pid1, workload, cfg, &set);
	if (WIFSIGNALED(status))
		return EXIT_SIGNAL_BASE + WTERMSIG(status);
	return WEXITSTATUS(status);
}
