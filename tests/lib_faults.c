/* Crash-safety helpers: see tests/lib_faults.h. The runs; what they leave: lib_faults_left.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib.h"
#include "lib_faults.h"

#define STEP_TIMEOUT_MS 10000
#define EXIT_TIMEOUT_MS 15000
#define MAX_PROCS	4096
#define MARKER		"nestbox-fault: "
#define STR_(x)		#x
#define STR(x)		STR_(x)

int nbf_init(struct nbf *f, bool own_netns, char *why, size_t why_size)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->tag, sizeof(f->tag), "nbf%d-", (int)getpid());
	if (own_netns && unshare(CLONE_NEWNET)) {
		snprintf(why, why_size, "unshare(CLONE_NEWNET): %s", strerror(errno));
		return -1;
	}
	/* A mount namespace of our own: other suites' mounts on the host do not show here. */
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		snprintf(why, why_size, "private mount namespace: %s", strerror(errno));
		return -1;
	}
	/* A killed nestbox's orphans (its PID 1, its guard) become ours: reaped, and seen. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	f->tmpdir = nbt_tempdir("faults");
	f->bind_dir = nbt_tempdir("fbind");
	/* A root of our own: what a killed run leaves is ours to find, and goes with us. */
	f->root = nbt_tempdir("froot");
	if (!f->tmpdir || !f->bind_dir || !f->root) {
		snprintf(why, why_size, "mkdtemp: %s", strerror(errno));
		return -1;
	}
	setenv("TMPDIR", f->tmpdir, 1);
	f->mounts = nbt_mountinfo();
	nbf_links(f->links, sizeof(f->links));
	return 0;
}

void nbf_fini(struct nbf *f)
{
	nbt_rm_rf(f->tmpdir);
	nbt_rm_rf(f->bind_dir);
	if (f->root)
		nbt_rm_rf(f->root);
	free(f->tmpdir);
	free(f->bind_dir);
	free(f->root);
	free(f->mounts);
	f->tmpdir = f->bind_dir = f->root = f->mounts = NULL;
}

/* --- the process tree ---------------------------------------------------------------------- */

struct proc_list {
	int n;
	pid_t pid[MAX_PROCS], ppid[MAX_PROCS];
};

static void scan_procs(struct proc_list *l)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	l->n = 0;
	while (d && (e = readdir(d)) && l->n < MAX_PROCS) {
		char path[64], buf[512], *p;
		int pid = atoi(e->d_name);

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if (nbt_read_file(path, buf, sizeof(buf)) <= 0 || !(p = strrchr(buf, ')')))
			continue;
		l->pid[l->n] = pid;
		l->ppid[l->n++] = atoi(p + 4);
	}
	if (d)
		closedir(d);
}

/* pid and its descendants, parents first. */
static int tree(pid_t root, pid_t *out, int max)
{
	static struct proc_list l;
	int n = 0;

	scan_procs(&l);
	out[n++] = root;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < l.n && n < max; j++)
			if (l.ppid[j] == out[i])
				out[n++] = l.pid[j];
	return n;
}

static bool same_pid_ns(pid_t a, pid_t b)
{
	char pa[64], pb[64], la[64] = "", lb[64] = "";

	snprintf(pa, sizeof(pa), "/proc/%d/ns/pid", a);
	snprintf(pb, sizeof(pb), "/proc/%d/ns/pid", b);
	if (readlink(pa, la, sizeof(la) - 1) < 0 || readlink(pb, lb, sizeof(lb) - 1) < 0)
		return true;
	return !strcmp(la, lb);
}

/* The container's PID 1: nestbox's child in another pid namespace (the guard shares nestbox's). */
static pid_t container_pid1(pid_t nestbox)
{
	static struct proc_list l;

	scan_procs(&l);
	for (int i = 0; i < l.n; i++)
		if (l.ppid[i] == nestbox && !same_pid_ns(nestbox, l.pid[i]))
			return l.pid[i];
	return 0;
}

/* --- runs ---------------------------------------------------------------------------------- */

static void keep_tail(struct nbf_result *r, const char *buf, ssize_t n)
{
	size_t len = strlen(r->stderr_tail), cap = sizeof(r->stderr_tail) - 1;

	if (n <= 0)
		return;
	if ((size_t)n >= cap) {
		memcpy(r->stderr_tail, buf + n - cap, cap);
		r->stderr_tail[cap] = '\0';
		return;
	}
	if (len + (size_t)n > cap) {
		memmove(r->stderr_tail, r->stderr_tail + len + n - cap, cap - (size_t)n);
		len = cap - (size_t)n;
	}
	memcpy(r->stderr_tail + len, buf, (size_t)n);
	r->stderr_tail[len + (size_t)n] = '\0';
}

/* The marker line of step in seen: "nestbox-fault: STEP" then "\n", or "\r\n" when it came
 * through a terminal (termios(3) ONLCR, on in a new pty: the container's own under -t). */
static bool has_marker(const char *seen, const char *step)
{
	char want[256];

	snprintf(want, sizeof(want), MARKER "%s\n", step);
	if (strstr(seen, want))
		return true;
	snprintf(want, sizeof(want), MARKER "%s\r\n", step);
	return strstr(seen, want) != NULL;
}

/* Read stderr (and a -t run's terminal, master >= 0: the marker of a process that has closed
 * every other fd, the reaper once it spawned the workload or the workload's last step, can only
 * go there) until the marker of step (1), EOF (0) or the timeout (-1). */
static int wait_marker(int fd, int master, const char *step, struct nbf_result *r)
{
	char seen[8192] = "";
	size_t len = 0;
	long long until = nbt_now_ms() + STEP_TIMEOUT_MS;

	while (nbt_now_ms() < until) {
		struct pollfd p[2] = { { fd, POLLIN, 0 }, { master, POLLIN, 0 } };
		ssize_t n;

		if (poll(p, master >= 0 ? 2 : 1, 100) <= 0)
			continue;
		if (master >= 0 && (p[1].revents & POLLIN)) {
			n = read(master, seen + len, sizeof(seen) - 1 - len);
			if (n < 0)
				n = 0;
		} else {
			n = read(fd, seen + len, sizeof(seen) - 1 - len);
			if (n <= 0)
				return 0;
		}
		keep_tail(r, seen + len, n);
		len += (size_t)n;
		seen[len] = '\0';
		if (has_marker(seen, step))
			return 1;
		if (len > sizeof(seen) / 2) {
			memmove(seen, seen + len - 256, 256);
			len = 256;
		}
	}
	return -1;
}

/* Wait for pid while draining fd (its stderr) and master (its terminal: a relay that cannot
 * write must not keep nestbox from its end); 0, or -1 on timeout. */
static int wait_exit(pid_t pid, int fd, int master, int timeout_ms, int *status,
		     struct nbf_result *r)
{
	long long until = nbt_now_ms() + timeout_ms;
	int ws;

	for (;;) {
		pid_t w = waitpid(pid, &ws, WNOHANG);

		if (w == pid) {
			*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
			return 0;
		}
		if (w < 0 && errno != EINTR)
			return -1;
		if (nbt_now_ms() >= until)
			return -1;
		if (fd >= 0 || master >= 0) {
			struct pollfd p[2] = { { fd, POLLIN, 0 }, { master, POLLIN, 0 } };
			char buf[1024];
			ssize_t n;

			if (poll(p, 2, 5) <= 0)
				continue;
			if (p[0].revents) {
				n = read(fd, buf, sizeof(buf));
				keep_tail(r, buf, n);
				if (n <= 0)
					fd = -1;
			}
			/* EIO once no slave is open (pty(7)): nothing more will come. */
			if (p[1].revents && read(master, buf, sizeof(buf)) <= 0)
				master = -1;
		} else {
			nbt_sleep_ms(2);
		}
	}
}

int nbf_wait(pid_t pid, int timeout_ms, int *status)
{
	struct nbf_result r;

	r.stderr_tail[0] = '\0';
	return wait_exit(pid, -1, -1, timeout_ms, status, &r);
}

static int build_argv(struct nbf *f, const char *nestbox, const char *const *extra,
		      const char *script, const char **argv, char *name, char *cmd, size_t cmd_size)
{
	int n = 0;

	if (!name[0]) /* else the caller's */
		snprintf(name, 64, "%s%d", f->tag, f->seq++);
	snprintf(cmd, cmd_size, ": %s; %s", f->tag, script);
	argv[n++] = nestbox;
	argv[n++] = "--root";
	argv[n++] = f->root;
	argv[n++] = "run";
	argv[n++] = "--name";
	argv[n++] = name;
	argv[n++] = "--rootfs";
	argv[n++] = nbt_rootfs();
	for (int i = 0; extra && extra[i] && n < 56; i++)
		argv[n++] = extra[i];
	argv[n++] = "--";
	argv[n++] = "sh";
	argv[n++] = "-c";
	argv[n++] = cmd;
	argv[n] = NULL;
	return n;
}

static bool wants_tty(const char *const *extra)
{
	for (int i = 0; extra && extra[i]; i++)
		if (!strcmp(extra[i], "-t") || !strcmp(extra[i], "--tty"))
			return true;
	return false;
}

/* -t runs get a terminal: a pty whose slave is nestbox's controlling terminal, stdin and
 * stdout (*master: its other end, closed by the caller after the run). */
static pid_t start(const char *const *argv, const char *step, int err_fd, int *master)
{
	pid_t pid;

	*master = -1;
	if (wants_tty(argv)) {
		*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (*master < 0 || grantpt(*master) || unlockpt(*master))
			return -1;
	}
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (*master >= 0) {
			setsid();
			null = open(ptsname(*master), O_RDWR);
		}

		if (step)
			setenv("NESTBOX_FAULT_STEP", step, 1);
		else
			unsetenv("NESTBOX_FAULT_STEP");
		dup2(null, 0);
		dup2(null, 1);
		dup2(err_fd >= 0 ? err_fd : null, 2);
		/* The marker's own fd (a copy of stderr): -t makes stderr the container's
		 * terminal. */
		if (err_fd >= 0 && dup2(STDERR_FILENO, 3) == 3)
			setenv("NESTBOX_FAULT_FD", "3", 1);
		else
			unsetenv("NESTBOX_FAULT_FD");
		execv(argv[0], (char *const *)argv);
		_exit(124);
	}
	return pid;
}

void nbf_run(struct nbf *f, const char *const *extra, const char *script, const char *step,
	     long delay_us, enum nbf_target target, int sig, struct nbf_result *r)
{
	const char *argv[64];
	char name[64] = "", cmd[512];
	pid_t pid, victim, procs[64];
	int p[2], n_procs, master;
	long long t0;

	memset(r, 0, sizeof(*r));
	r->outcome = NBF_ERROR;
	build_argv(f, nbt_nestbox(), extra, script, argv, name, cmd, sizeof(cmd));
	if (pipe2(p, O_CLOEXEC))
		return;
	pid = start(argv, step, p[1], &master);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		if (master >= 0)
			close(master);
		return;
	}
	r->hung = "";
	if (step) {
		int seen = wait_marker(p[0], master, step, r);

		if (seen <= 0) {
			r->outcome = seen == 0 ? NBF_NOT_REACHED : NBF_HUNG;
			if (seen < 0) {
				/* whoever waits at the step must not stay stopped */
				n_procs = tree(pid, procs, 64);
				nbf_watch_tree(f, procs, n_procs);
				r->hung = "no step marker within " STR(STEP_TIMEOUT_MS) " ms";
				kill(pid, SIGKILL);
				for (int i = 0; i < n_procs; i++)
					kill(procs[i], SIGCONT);
			}
			if (wait_exit(pid, p[0], master, EXIT_TIMEOUT_MS, &r->status, r))
				r->hung = "no exit within " STR(EXIT_TIMEOUT_MS) " ms of SIGKILL";
			close(p[0]);
			if (master >= 0)
				close(master);
			nbf_leaks(f, r->leaks, sizeof(r->leaks), 2000);
			f->n_watch = 0;
			return;
		}
	} else if (delay_us > 0) {
		usleep((useconds_t)delay_us);
	}
	victim = pid;
	if (target == NBF_PID1) {
		victim = container_pid1(pid);
		if (!victim && step)
			r->outcome = NBF_NO_TARGET;
		if (!victim)
			victim = step ? 0 : pid;
	}
	n_procs = tree(pid, procs, 64);
	nbf_watch_tree(f, procs, n_procs);
	t0 = nbt_now_ms();
	if (victim)
		kill(victim, sig);
	if (step) /* resume whichever process stopped at the step */
		for (int i = 0; i < n_procs; i++)
			kill(procs[i], SIGCONT);
	if (wait_exit(pid, p[0], master, EXIT_TIMEOUT_MS, &r->status, r)) {
		r->outcome = NBF_HUNG;
		r->hung = "no exit within " STR(EXIT_TIMEOUT_MS) " ms of the signal";
		kill(pid, SIGKILL);
		for (int i = 0; i < n_procs; i++)
			kill(procs[i], SIGCONT);
		if (wait_exit(pid, -1, master, EXIT_TIMEOUT_MS, &r->status, r))
			r->hung = "no exit after the signal, nor after SIGKILL";
	} else if (r->outcome != NBF_NO_TARGET) {
		r->outcome = NBF_KILLED;
	}
	r->exit_ms = nbt_now_ms() - t0;
	close(p[0]);
	if (master >= 0)
		close(master);
	nbf_leaks(f, r->leaks, sizeof(r->leaks), 2000);
	f->n_watch = 0;
}

pid_t nbf_spawn(struct nbf *f, const char *nestbox, const char *const *extra, const char *script)
{
	const char *argv[64];
	char name[64] = "", cmd[512];

	int master;
	pid_t pid;

	build_argv(f, nestbox, extra, script, argv, name, cmd, sizeof(cmd));
	pid = start(argv, NULL, -1, &master);
	if (master >= 0) /* no -t here: closing the master hangs the terminal up (SIGHUP) */
		close(master);
	return pid;
}

pid_t nbf_spawn_named(struct nbf *f, const char *nestbox, const char *name,
		      const char *const *extra, const char *script, int err_fd)
{
	const char *argv[64];
	char own[64], cmd[512];
	int master;
	pid_t pid;

	snprintf(own, sizeof(own), "%s", name);
	build_argv(f, nestbox, extra, script, argv, own, cmd, sizeof(cmd));
	pid = start(argv, NULL, err_fd, &master);
	if (master >= 0)
		close(master);
	return pid;
}

int nbf_run_plain(struct nbf *f, const char *nestbox, const char *const *extra, const char *script)
{
	const char *argv[64];
	char name[64] = "", cmd[512];
	struct nbf_result r;
	int status = -1, master;
	pid_t pid;

	build_argv(f, nestbox, extra, script, argv, name, cmd, sizeof(cmd));
	pid = start(argv, NULL, -1, &master);
	if (pid > 0 && wait_exit(pid, -1, -1, EXIT_TIMEOUT_MS, &status, &r)) {
		kill(pid, SIGKILL); /* a run that did not end is a failed one, and not left */
		wait_exit(pid, -1, -1, EXIT_TIMEOUT_MS, &status, &r);
		status = -1;
	}
	if (master >= 0)
		close(master);
	return pid < 0 ? -1 : status;
}

int nbf_fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n - 3; /* ., .. and the directory's own fd */
}

long nbf_rss_kib(void)
{
	char buf[4096], *p;

	if (nbt_read_file("/proc/self/status", buf, sizeof(buf)) < 0 ||
	    !(p = strstr(buf, "VmRSS:")))
		return -1;
	return atol(p + 6);
}

const char *nbf_faults_binary(void)
{
	static char buf[4096];
	const char *env = getenv("NESTBOX_FAULTS");
	char *slash;

	if (env)
		return env;
	snprintf(buf, sizeof(buf), "%s", nbt_nestbox());
	slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	snprintf(slash + 1, sizeof(buf) - (size_t)(slash + 1 - buf), "nestbox-faults");
	return access(buf, X_OK) ? NULL : buf;
}
