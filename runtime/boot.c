/* Boot mode (include/boot.h): nestbox as PID 1 of the whole machine.
 *
 * The life of the machine, top to bottom: mount the API filesystems -> read boot.conf ->
 * load modules -> start entries in order -> one signal loop (reap, restart, shut down) ->
 * stop everything -> sync, unmount -> reboot(2). PID 1 must never exit: the kernel panics. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "boot.h"
#include "boot_conf.h"
#include "boot_pid1.h"
#include "mounts.h"
#include "nb_error.h"
#include "scan.h"

#define PATH_DEFAULT "PATH=/usr/sbin:/usr/bin:/sbin:/bin"

struct boot_conf boot_cf;
bool boot_stopping;
static sigset_t saved_mask;
static char scratch[16384]; /* /proc/cmdline, /proc/cgroups, /proc/self/mounts: one at a time */

/* Signals PID 1 takes synchronously. Like busybox init (what its halt/poweroff/reboot applets
 * send): USR1 halt, USR2 poweroff, TERM reboot; INT is Ctrl-Alt-Del (reboot(RB_DISABLE_CAD))
 * and means reboot, as in systemd; PWR (power failure) means poweroff. */
static const struct {
	int sig;
	enum boot_action action;
} boot_signals[] = {
	{ SIGUSR1, BOOT_HALT },	  { SIGUSR2, BOOT_POWEROFF }, { SIGPWR, BOOT_POWEROFF },
	{ SIGTERM, BOOT_REBOOT }, { SIGINT, BOOT_REBOOT },
};

long long boot_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* ---- the machine ------------------------------------------------------------------------------ */

static const struct {
	const char *src, *dst, *type;
	unsigned long flags;
	const char *data;
	mode_t mode;
} api_mounts[] = {
	{ "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 0555 },
	{ "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 0555 },
	{ "devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755", 0755 },
	{ "devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=0620,ptmxmode=0666",
	  0755 },
	{ "tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", 01777 },
	{ "tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755", 0755 },
};

/* devtmpfs does not make these (FACTS: an init must add them). */
static const char *const dev_links[][2] = {
	{ "/proc/self/fd", "/dev/fd" },
	{ "/proc/self/fd/0", "/dev/stdin" },
	{ "/proc/self/fd/1", "/dev/stdout" },
	{ "/proc/self/fd/2", "/dev/stderr" },
};

static void mount_one(const char *src, const char *dst, const char *type, unsigned long flags,
		      const char *data, mode_t mode)
{
	if (mkdir(dst, mode) != 0 && errno != EEXIST)
		BOOT_LOG("mkdir %s: %s", dst, strerror(errno));
	if (mount(src, dst, type, flags, data) != 0 && errno != EBUSY)
		BOOT_LOG("mount %s on %s: %s", type, dst, strerror(errno));
}

/* cgroup2 when the kernel has it; else one v1 hierarchy per enabled controller in
 * /proc/cgroups ("name hierarchy num_cgroups enabled") under a tmpfs. */
static void mount_cgroups(void)
{
	const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	char dir[128], name[32];
	unsigned long long enabled;
	int fd;
	ssize_t n;
	char *p;

	if (mount("cgroup2", "/sys/fs/cgroup", "cgroup2", flags, NULL) == 0 || errno == EBUSY)
		return;
	mount_one("tmpfs", "/sys/fs/cgroup", "tmpfs", flags, "mode=0755", 0755);
	fd = open("/proc/cgroups", O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, scratch, sizeof(scratch) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		BOOT_LOG("no cgroup2 and no /proc/cgroups: %s", "no cgroups mounted");
		return;
	}
	scratch[n] = '\0';
	for (p = scratch; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (*p == '#' || !scan_word(p, name, sizeof(name)) ||
		    !scan_unsigned(scan_field(p, 3), 10, ~0ULL, &enabled) || !enabled)
			continue;
		snprintf(dir, sizeof(dir), "/sys/fs/cgroup/%s", name);
		mount_one("cgroup", dir, "cgroup", flags, name, 0755);
	}
}

static ssize_t read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* Whether "/" is the mount namespace's root mount (mountinfo: a mount that is its own
 * parent), as the initramfs's rootfs is: pivot_root(2) refuses to move that one (EINVAL). */
static bool root_is_namespace_root(void)
{
	ssize_t n = read_file("/proc/self/mountinfo", scratch, sizeof(scratch));

	for (char *p = n > 0 ? scratch : NULL; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *point = scan_field(p, 4);
		unsigned long long id, parent;

		if (point && point[0] == '/' && point[1] == ' ')
			return scan_unsigned(p, 10, ~0ULL, &id) &&
			       scan_unsigned(scan_field(p, 1), 10, ~0ULL, &parent) && id == parent;
	}
	return false;
}

/* Every container's pivot_root would fail on the initramfs and re-root its own mount
 * namespace first (mounts.c: a failed try, then a clone of the whole tree; ~13 ms a start
 * under TCG, issue 23). Done once for the machine instead, as switch_root does for a real
 * root: a clone of "/" moved over "/" and chroot'ed into (the process root is then the top of
 * the namespace root's stack: not "chrooted" for user namespaces). Before the other API
 * mounts, so they go on the clone. The /proc it looks through is the API one, cloned along
 * (AT_RECURSIVE; the copy left under the clone is unreachable): unmounting it and mounting it
 * again cost 8-13 ms under TCG on 6.12, where umount waits for an RCU grace period. */
static bool reroot_initramfs(void)
{
	struct nb_error err;

	mkdir("/proc", 0555);
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
		return false; /* mount_api tries again and says why */
	if (root_is_namespace_root() && mounts_reroot_initramfs(&err))
		BOOT_LOG("%s: containers re-root their own", err.msg);
	return true;
}

static void mount_api(void)
{
	/* api_mounts[0] is /proc: mounted already when re-rooting could look */
	for (unsigned i = reroot_initramfs(); i < sizeof(api_mounts) / sizeof(api_mounts[0]); i++)
		mount_one(api_mounts[i].src, api_mounts[i].dst, api_mounts[i].type,
			  api_mounts[i].flags, api_mounts[i].data, api_mounts[i].mode);
	for (unsigned i = 0; i < sizeof(dev_links) / sizeof(dev_links[0]); i++)
		if (symlink(dev_links[i][0], dev_links[i][1]) != 0 && errno != EEXIST)
			BOOT_LOG("symlink %s: %s", dev_links[i][1], strerror(errno));
	mount_cgroups();
	mkdir("/run/nestbox", 0755);
}

/* The kernel opens /dev/console for init only if the initramfs has the node. */
static void open_console(void)
{
	int fd;

	if (fcntl(STDERR_FILENO, F_GETFD) >= 0)
		return;
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		if (fd != i)
			dup2(fd, i);
	if (fd > 2)
		close(fd);
}

/* nestbox.conf=PATH on the kernel command line; the kernel keeps dotted words from init. */
static const char *conf_path(void)
{
	static char path[256];
	char *p;

	if (read_file("/proc/cmdline", scratch, sizeof(scratch)) <= 0)
		return BOOT_CONF_DEFAULT;
	for (p = strtok(scratch, " \n"); p; p = strtok(NULL, " \n")) {
		if (strncmp(p, BOOT_CONF_CMDLINE, strlen(BOOT_CONF_CMDLINE)) == 0) {
			snprintf(path, sizeof(path), "%s", p + strlen(BOOT_CONF_CMDLINE));
			return path;
		}
	}
	return BOOT_CONF_DEFAULT;
}

/* finit_module(2) takes the parameters as one string: join "module PATH A=1 B=2". */
static void load_modules(void)
{
	for (int i = 0; i < boot_cf.n; i++) {
		struct boot_entry *e = &boot_cf.e[i];
		char params[256] = "";
		size_t off = 0;
		int fd;

		if (e->kind != BOOT_MODULE)
			continue;
		for (char **a = e->argv + 1; *a && off < sizeof(params); a++)
			off += snprintf(params + off, sizeof(params) - off, "%s%s", off ? " " : "",
					*a);
		fd = open(e->argv[0], O_RDONLY | O_CLOEXEC);
		if (fd < 0 || (syscall(SYS_finit_module, fd, params, 0) != 0 && errno != EEXIST))
			dprintf(STDERR_FILENO, "nestbox: %s:%d: module %s: %s\n", boot_cf.path,
				e->line, e->argv[0], strerror(errno));
		if (fd >= 0)
			close(fd);
	}
}

void boot_describe(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
}

const char *boot_state_name(const struct boot_entry *e)
{
	return e->pid		  ? "running"
	       : e->restart_at_ms ? "restarting"
	       : e->down	  ? "down"
	       : e->held	  ? "held"
				  : "stopped";
}

/* /run/nestbox/status: one line per container or program, rewritten on every change. */
void boot_write_status(void)
{
	int fd = open(BOOT_STATUS_FILE ".tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return;
	for (int i = 0; i < boot_cf.n; i++) {
		const struct boot_entry *e = &boot_cf.e[i];
		char last[40] = "none";

		if (e->kind == BOOT_MODULE)
			continue;
		if (e->last_status != -1)
			boot_describe(e->last_status, last, sizeof(last));
		dprintf(fd, "%s %s %s pid=%d starts=%u restarts=%u on-exit=%s last=\"%s\"\n",
			e->name, boot_kind_names[e->kind], boot_state_name(e), e->pid, e->starts,
			e->restarts, boot_action_names[e->on_exit], last);
	}
	close(fd);
	rename(BOOT_STATUS_FILE ".tmp", BOOT_STATUS_FILE);
}

void boot_start(struct boot_entry *e)
{
	static unsigned started;
	int log = boot_log_child_fd(e), ready = boot_ready_child_fd(e);
	pid_t pid;

	e->restart_at_ms = 0;
	/* vfork(2): the child only sets its mask, session and fds and execs, so PID 1's page
	 * tables are not copied for it, nor does PID 1 take copy-on-write faults after (issue 23).
	 * It writes no memory of PID 1's: syscalls from its own stack frame, then exec or _exit. */
	pid = vfork();
	if (pid < 0) {
		BOOT_LOG("%s: fork: %s", e->name, strerror(errno));
		boot_ready_forked(e);
		return;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &saved_mask, NULL);
		setsid();
		if (log >= 0) {
			dup2(log, STDOUT_FILENO);
			dup2(log, STDERR_FILENO);
		}
		if (ready >= 0 && dup2(ready, e->ready_fd) < 0)
			_exit(NB_EXIT_SETUP);
		if (e->kind == BOOT_CONTAINER)
			execv("/proc/self/exe", e->argv);
		else
			execvp(e->argv[0], e->argv);
		dprintf(STDERR_FILENO, "nestbox: boot: %s: %s: %s\n", e->name,
			e->kind == BOOT_CONTAINER ? "/proc/self/exe" : e->argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	boot_ready_forked(e);
	e->pid = pid;
	e->starts++;
	e->started_ms = boot_now_ms();
	if (!e->first_start)
		e->first_start = ++started;
	BOOT_LOG("%s %s: started (pid %d)", boot_kind_names[e->kind], e->name, pid);
	boot_write_status();
}

static struct boot_entry *entry_of(pid_t pid)
{
	for (int i = 0; i < boot_cf.n; i++)
		if (boot_cf.e[i].pid == pid)
			return &boot_cf.e[i];
	return NULL;
}

int boot_running(void)
{
	int n = 0;

	for (int i = 0; i < boot_cf.n; i++)
		n += boot_cf.e[i].pid != 0;
	return n;
}

/* Every child that has exited, ours or orphans (boot_pid1.h). */
enum boot_action boot_reap(bool stopping)
{
	enum boot_action want = BOOT_IGNORE;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct boot_entry *e = entry_of(pid);
		char how[40];

		if (!e)
			continue; /* an orphan: reaped, nothing more to do */
		e->pid = 0;
		e->last_status = status;
		boot_log_drain((int)(e - boot_cf.e)); /* what it printed just before it exited */
		if (stopping) {
			boot_describe(status, how, sizeof(how));
			BOOT_LOG("%s %s: stopped (%s)", boot_kind_names[e->kind], e->name, how);
		} else {
			enum boot_action a = boot_after_exit(e, status, boot_now_ms());

			if (a != BOOT_IGNORE)
				want = a;
		}
		boot_write_status();
	}
	return want;
}

/* First starts, in file order, of the entries whose after= and group entries are all up
 * (boot_ready.c): a group's members start together, the next group when they are up. Returns
 * how many it started (each start has rewritten the status file). */
static int start_waiting(void)
{
	int started = 0;

	for (int i = 0; i < boot_cf.n; i++) {
		struct boot_entry *e = &boot_cf.e[i];

		if (e->kind != BOOT_MODULE && !e->first_start && !e->pid && !e->held &&
		    !e->restart_at_ms && boot_ready_for(e)) {
			boot_start(e);
			started += e->pid != 0; /* a failed fork wrote no status */
		}
	}
	return started;
}

/* Run an entry's timers that are due (a restart, the KILL of a requested stop); returns the
 * time to the next one, given the earliest so far (-1: none). */
static long long due(struct boot_entry *e, long long now, long long next)
{
	if (e->kill_at_ms && e->kill_at_ms <= now) {
		e->kill_at_ms = 0;
		if (e->pid) {
			BOOT_LOG("%s %s: still running after its grace: SIGKILL",
				 boot_kind_names[e->kind], e->name);
			kill(e->pid, SIGKILL);
		}
	}
	if (e->restart_at_ms && e->restart_at_ms <= now)
		boot_start(e);
	for (int k = 0; k < 2; k++) {
		long long at = k ? e->kill_at_ms : e->restart_at_ms;

		if (at && (next < 0 || at - now < next))
			next = at - now;
	}
	return next;
}

static void __attribute__((noreturn)) boot_pid1(const char *path)
{
	struct nb_error err = { 0 };
	sigset_t set;
	struct timespec up;

	/* The kernel starts init with none above stderr; one started by hand (a test's, a
	 * container's init) may have inherited some, which no service may get (a container's
	 * ready= fd range would keep them). close_range(2), Linux 5.9; older ones keep them. */
	syscall(SYS_close_range, 3U, ~0U, 0U);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (unsigned i = 0; i < sizeof(boot_signals) / sizeof(boot_signals[0]); i++)
		sigaddset(&set, boot_signals[i].sig);
	sigprocmask(SIG_BLOCK, &set, &saved_mask);
	/* Ctrl-Alt-Del arrives as SIGINT instead of an immediate reboot. */
	reboot(RB_DISABLE_CAD);
	mount_api();
	open_console();
	if (!getenv("PATH"))
		putenv(PATH_DEFAULT);
	if (!path)
		path = conf_path();
	clock_gettime(CLOCK_BOOTTIME, &up);
	BOOT_LOG("PID 1 up at %ld.%03ld s, config %s", (long)up.tv_sec, up.tv_nsec / 1000000, path);
	if (boot_conf_read(&boot_cf, path, &err) == 0)
		boot_conf_parse(&boot_cf, path);
	else
		nb_error_print(&err);
	boot_log_setup();
	boot_ctl_listen();
	load_modules();
	boot_watchdog_open();
	/* The first status file, unless a start wrote it: rewriting it at once replaced the file
	 * a start had just made, and evicting that tmpfs inode ran kernel paths for the first time
	 * while the first container was being set up (~700 guest instructions QEMU translates,
	 * issue 23). */
	if (!start_waiting())
		boot_write_status();

	for (;;) {
		long long next = -1, now;
		enum boot_action want;
		int sig;

		now = boot_now_ms();
		start_waiting();
		for (int i = 0; i < boot_cf.n; i++)
			next = due(&boot_cf.e[i], now, next);
		sig = boot_wait_signal(&set, next);
		want = boot_reap(false);
		for (unsigned i = 0; i < sizeof(boot_signals) / sizeof(boot_signals[0]); i++) {
			if (sig == boot_signals[i].sig) {
				BOOT_LOG("signal %d: %s", sig,
					 boot_action_names[boot_signals[i].action]);
				want = boot_signals[i].action;
			}
		}
		if (want != BOOT_IGNORE && want != BOOT_RESTART)
			boot_shutdown(&set, want);
	}
}

#define BOOT_USAGE                                                                                \
	"usage: nestbox boot [FILE]       as PID 1: boot from FILE (default " BOOT_CONF_DEFAULT   \
	")\n       nestbox boot --check [FILE]   check FILE, print what it starts\n"              \
	"       nestbox boot [--socket PATH] status | logs [-f] NAME | stop|start|restart NAME\n" \
	"                                     ask the PID 1 in boot mode (root only)\n"

/* The options of a line that on-exit= alone does not say. */
static void print_policy(const struct boot_entry *e)
{
	if (e->restart != BOOT_RESTART_NO && e->on_exit != BOOT_RESTART)
		printf(" restart=%s", boot_restart_names[e->restart]);
	if (e->max_restarts)
		printf(":%u", e->max_restarts);
	if (e->give_up != BOOT_IGNORE)
		printf(" give-up=%s", boot_action_names[e->give_up]);
	if (e->grace_ms >= 0)
		printf(" grace=%lldms", e->grace_ms);
}

/* Exit 0 for a clean file; a file with bad lines, or none, is bad input like any other: 125. */
static int check_file(const char *path)
{
	struct nb_error err = { 0 };

	if (boot_conf_read(&boot_cf, path, &err) != 0) {
		nb_error_print(&err);
		return NB_EXIT_SETUP;
	}
	boot_conf_parse(&boot_cf, path);
	for (int i = 0; i < boot_cf.n; i++) {
		const struct boot_entry *e = &boot_cf.e[i];

		printf("%d: %s", e->line, boot_kind_names[e->kind]);
		if (e->kind != BOOT_MODULE) {
			printf(" %s on-exit=%s", e->name, boot_action_names[e->on_exit]);
			print_policy(e);
			printf(":");
		}
		for (char **a = e->argv; *a; a++)
			printf(" %s", *a);
		printf("\n");
	}
	printf("backoff %lldms %u.%02u %lldms\nbackoff-reset %lldms\nshutdown-deadline %lldms\n",
	       boot_cf.backoff_start_ms, boot_cf.backoff_factor / 100, boot_cf.backoff_factor % 100,
	       boot_cf.backoff_cap_ms, boot_cf.stable_ms, boot_cf.deadline_ms);
	if (boot_cf.wd_device)
		printf("watchdog %s %u %s\n", boot_cf.wd_device, boot_cf.wd_timeout,
		       boot_wd_mode_names[boot_cf.wd_mode]);
	if (boot_cf.grace_ms % 1000)
		printf("grace %lldms\n", boot_cf.grace_ms);
	else
		printf("grace %u\n", boot_cf.grace_seconds);
	printf("%d entries, %d bad lines\n", boot_cf.n, boot_cf.bad);
	return boot_cf.bad ? NB_EXIT_SETUP : 0;
}

bool boot_wanted(int argc, char **argv)
{
	const char *base;

	if (argc > 1 && strcmp(argv[1], "boot") == 0)
		return true;
	if (getpid() != 1 || argc < 1)
		return false;
	base = strrchr(argv[0], '/');
	return argc == 1 || strcmp(base ? base + 1 : argv[0], "init") == 0;
}

/* Bad arguments to `nestbox boot`: one line, 125, as for every other bad input. */
static int usage_error(const char *value, const char *why)
{
	dprintf(STDERR_FILENO, "nestbox: boot: %s: %s (see nestbox boot --help)\n", value, why);
	return NB_EXIT_SETUP;
}

static bool is_client_verb(const char *s)
{
	static const char *const verbs[] = {
		"status", "logs", "stop", "start", "restart",
#ifdef NB_FAULTS
		"hang", /* the watchdog's test (boot_watchdog.c) */
#endif
	};

	for (unsigned i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(s, verbs[i]) == 0)
			return true;
	return false;
}

/* [--socket PATH] VERB [ARGS]: a request to the PID 1 in boot mode (boot_ctl.c). */
static int client(int argc, char **argv)
{
	const char *path = BOOT_CTL_SOCKET;

	if (argc > 0 && strcmp(argv[0], "--socket") == 0) {
		if (argc < 2)
			return usage_error("--socket", "wants a PATH");
		path = argv[1];
		argc -= 2, argv += 2;
	}
	if (argc < 1 || !is_client_verb(argv[0]))
		return usage_error(argc ? argv[0] : "--socket",
				   "want status, logs, stop, start or restart");
	return boot_ctl_client(path, argc, argv);
}

/* nestbox boot --check [FILE] | nestbox boot [FILE] (as PID 1 of a pid namespace) | /init */
int boot_main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "boot") == 0) {
		const char *opt = argc > 2 ? argv[2] : "";

		if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
			printf("%s", BOOT_USAGE);
			return 0;
		}
		if (!strcmp(opt, "--socket") || is_client_verb(opt))
			return client(argc - 2, argv + 2);
		if (!strcmp(opt, "--check")) {
			if (argc > 4)
				return usage_error(argv[4], "one FILE at most");
			return check_file(argc > 3 ? argv[3] : BOOT_CONF_DEFAULT);
		}
		if (opt[0] == '-')
			return usage_error(opt, "unknown option");
		if (argc > 3)
			return usage_error(argv[3], "one FILE at most");
		if (getpid() != 1) {
			dprintf(STDERR_FILENO,
				"nestbox: boot: must run as PID 1 (the kernel's, or a "
				"pid namespace's); --check FILE validates a file\n");
			return NB_EXIT_SETUP;
		}
		boot_pid1(argc > 2 ? argv[2] : NULL);
	}
	boot_pid1(NULL);
}
