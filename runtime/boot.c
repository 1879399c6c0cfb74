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
#include "nb_error.h"
#include "scan.h"

#define PATH_DEFAULT "PATH=/usr/sbin:/usr/bin:/sbin:/bin"

/* One console line from boot mode. */
#define BOOT_LOG(fmt, ...) dprintf(STDERR_FILENO, "nestbox: boot: " fmt "\n", __VA_ARGS__)

static struct boot_conf conf;
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

static long long now_ms(void)
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

static void mount_api(void)
{
	for (unsigned i = 0; i < sizeof(api_mounts) / sizeof(api_mounts[0]); i++)
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
	for (int i = 0; i < conf.n; i++) {
		struct boot_entry *e = &conf.e[i];
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
			dprintf(STDERR_FILENO, "nestbox: %s:%d: module %s: %s\n", conf.path,
				e->line, e->argv[0], strerror(errno));
		if (fd >= 0)
			close(fd);
	}
}

static void describe(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
}

/* /run/nestbox/status: one line per container or program, rewritten on every change. */
static void write_status(void)
{
	int fd = open(BOOT_STATUS_FILE ".tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return;
	for (int i = 0; i < conf.n; i++) {
		const struct boot_entry *e = &conf.e[i];
		char last[40] = "none";

		if (e->kind == BOOT_MODULE)
			continue;
		if (e->last_status != -1)
			describe(e->last_status, last, sizeof(last));
		dprintf(fd, "%s %s %s pid=%d starts=%u on-exit=%s last=\"%s\"\n", e->name,
			boot_kind_names[e->kind],
			e->pid		   ? "running"
			: e->restart_at_ms ? "restarting"
					   : "stopped",
			e->pid, e->starts, boot_action_names[e->on_exit], last);
	}
	close(fd);
	rename(BOOT_STATUS_FILE ".tmp", BOOT_STATUS_FILE);
}

static void start(struct boot_entry *e)
{
	pid_t pid;

	e->restart_at_ms = 0;
	pid = fork();
	if (pid < 0) {
		BOOT_LOG("%s: fork: %s", e->name, strerror(errno));
		return;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &saved_mask, NULL);
		setsid();
		if (e->kind == BOOT_CONTAINER)
			execv("/proc/self/exe", e->argv);
		else
			execvp(e->argv[0], e->argv);
		dprintf(STDERR_FILENO, "nestbox: boot: %s: %s: %s\n", e->name,
			e->kind == BOOT_CONTAINER ? "/proc/self/exe" : e->argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	e->pid = pid;
	e->starts++;
	BOOT_LOG("%s %s: started (pid %d)", boot_kind_names[e->kind], e->name, pid);
	write_status();
}

static struct boot_entry *entry_of(pid_t pid)
{
	for (int i = 0; i < conf.n; i++)
		if (conf.e[i].pid == pid)
			return &conf.e[i];
	return NULL;
}

static int running(void)
{
	int n = 0;

	for (int i = 0; i < conf.n; i++)
		n += conf.e[i].pid != 0;
	return n;
}

/* Reap every child that has exited, ours or orphans; returns the action the exits ask for. */
static enum boot_action reap(bool stopping)
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
		describe(status, how, sizeof(how));
		if (stopping) {
			BOOT_LOG("%s %s: stopped (%s)", boot_kind_names[e->kind], e->name, how);
		} else if (e->on_exit == BOOT_RESTART && WIFEXITED(status) &&
			   WEXITSTATUS(status) == 125 && e->kind == BOOT_CONTAINER) {
			/* 125: nestbox run failed before the workload: retrying cannot help */
			BOOT_LOG("container %s: %s (setup failed): not restarted", e->name, how);
		} else if (e->on_exit == BOOT_RESTART) {
			e->restart_at_ms = now_ms() + BOOT_RESTART_DELAY_MS;
			BOOT_LOG("%s %s: %s: restarting in %d ms", boot_kind_names[e->kind],
				 e->name, how, BOOT_RESTART_DELAY_MS);
		} else {
			BOOT_LOG("%s %s: %s: on-exit=%s", boot_kind_names[e->kind], e->name, how,
				 boot_action_names[e->on_exit]);
			if (e->on_exit != BOOT_IGNORE)
				want = e->on_exit;
		}
		write_status();
	}
	return want;
}

/* Wait for one of our signals for at most timeout_ms (-1: forever); 0 on timeout. */
static int wait_signal(const sigset_t *set, long long timeout_ms)
{
	struct timespec ts = { .tv_sec = timeout_ms / 1000,
			       .tv_nsec = timeout_ms % 1000 * 1000000 };
	int sig;

	do
		sig = timeout_ms < 0 ? sigwaitinfo(set, NULL) : sigtimedwait(set, NULL, &ts);
	while (sig < 0 && errno == EINTR);
	return sig < 0 ? 0 : sig;
}

/* Detach every mount, deepest (last mounted) first; "/" (rootfs) stays. */
static void unmount_all(void)
{
	char *mnt[256];
	int n = 0;

	if (read_file("/proc/self/mounts", scratch, sizeof(scratch)) <= 0)
		return;
	for (char *p = scratch; p && *p && n < 256; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char *sp = strchr(p, ' '), *end = sp ? strchr(sp + 1, ' ') : NULL;

		if (!end)
			break;
		*end = '\0';
		if (strcmp(sp + 1, "/") != 0)
			mnt[n++] = sp + 1;
		p = end + 1;
	}
	while (n-- > 0)
		if (umount2(mnt[n], MNT_DETACH) != 0)
			BOOT_LOG("umount %s: %s", mnt[n], strerror(errno));
}

static void __attribute__((noreturn)) shutdown_machine(const sigset_t *set, enum boot_action how)
{
	static const int cmds[] = { [BOOT_POWEROFF] = RB_POWER_OFF,
				    [BOOT_REBOOT] = RB_AUTOBOOT,
				    [BOOT_HALT] = RB_HALT_SYSTEM };
	long long deadline = now_ms() + conf.grace_seconds * 1000LL;

	BOOT_LOG("%s: stopping %d containers and programs (grace %u s)", boot_action_names[how],
		 running(), conf.grace_seconds);
	for (int i = 0; i < conf.n; i++) {
		conf.e[i].restart_at_ms = 0;
		if (conf.e[i].pid)
			kill(conf.e[i].pid, SIGTERM);
	}
	reap(true);
	while (running() > 0 && now_ms() < deadline) {
		wait_signal(set, deadline - now_ms());
		reap(true);
	}
	for (int i = 0; i < conf.n; i++) {
		if (conf.e[i].pid) {
			BOOT_LOG("%s %s: still running after %u s: SIGKILL",
				 boot_kind_names[conf.e[i].kind], conf.e[i].name,
				 conf.grace_seconds);
			kill(conf.e[i].pid, SIGKILL);
		}
	}
	/* Everything else, including the processes of containers' pid namespaces. */
	kill(-1, SIGTERM);
	wait_signal(set, 200);
	kill(-1, SIGKILL);
	deadline = now_ms() + 2000;
	reap(true);
	while (waitpid(-1, NULL, WNOHANG) >= 0 && now_ms() < deadline)
		wait_signal(set, 50);
	BOOT_LOG("%s", "all stopped; sync, unmount");
	sync();
	unmount_all();
	BOOT_LOG("%s", how == BOOT_POWEROFF ? "power off" : how == BOOT_HALT ? "halt" : "reboot");
	reboot(cmds[how]);
	BOOT_LOG("reboot(2): %s", strerror(errno));
	for (;;)
		pause();
}

static void __attribute__((noreturn)) boot_pid1(const char *path)
{
	struct nb_error err = { 0 };
	sigset_t set;
	struct timespec up;

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
	if (boot_conf_read(&conf, path, &err) == 0)
		boot_conf_parse(&conf, path);
	else
		nb_error_print(&err);
	load_modules();
	for (int i = 0; i < conf.n; i++)
		if (conf.e[i].kind != BOOT_MODULE)
			start(&conf.e[i]);
	write_status();

	for (;;) {
		long long next = -1, now;
		enum boot_action want;
		int sig;

		now = now_ms();
		for (int i = 0; i < conf.n; i++) {
			long long at = conf.e[i].restart_at_ms;

			if (at && at <= now)
				start(&conf.e[i]);
			else if (at && (next < 0 || at - now < next))
				next = at - now;
		}
		sig = wait_signal(&set, next);
		want = reap(false);
		for (unsigned i = 0; i < sizeof(boot_signals) / sizeof(boot_signals[0]); i++) {
			if (sig == boot_signals[i].sig) {
				BOOT_LOG("signal %d: %s", sig,
					 boot_action_names[boot_signals[i].action]);
				want = boot_signals[i].action;
			}
		}
		if (want != BOOT_IGNORE && want != BOOT_RESTART)
			shutdown_machine(&set, want);
	}
}

#define BOOT_USAGE                                                                              \
	"usage: nestbox boot [FILE]       as PID 1: boot from FILE (default " BOOT_CONF_DEFAULT \
	")\n       nestbox boot --check [FILE]   check FILE, print what it starts\n"

/* Exit 0 for a clean file; a file with bad lines, or none, is bad input like any other: 125. */
static int check_file(const char *path)
{
	struct nb_error err = { 0 };

	if (boot_conf_read(&conf, path, &err) != 0) {
		nb_error_print(&err);
		return NB_EXIT_SETUP;
	}
	boot_conf_parse(&conf, path);
	for (int i = 0; i < conf.n; i++) {
		const struct boot_entry *e = &conf.e[i];

		printf("%d: %s", e->line, boot_kind_names[e->kind]);
		if (e->kind != BOOT_MODULE)
			printf(" %s on-exit=%s:", e->name, boot_action_names[e->on_exit]);
		for (char **a = e->argv; *a; a++)
			printf(" %s", *a);
		printf("\n");
	}
	printf("grace %u\n%d entries, %d bad lines\n", conf.grace_seconds, conf.n, conf.bad);
	return conf.bad ? NB_EXIT_SETUP : 0;
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

/* nestbox boot --check [FILE] | nestbox boot [FILE] (as PID 1 of a pid namespace) | /init */
int boot_main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "boot") == 0) {
		const char *opt = argc > 2 ? argv[2] : "";

		if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
			printf("%s", BOOT_USAGE);
			return 0;
		}
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
