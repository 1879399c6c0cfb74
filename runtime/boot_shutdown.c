/* Shutdown of boot mode (boot_pid1.h, README "Boot mode"): stop the entries in reverse order of
 * their first start, each TERM -> its grace -> KILL, all of it inside one global deadline after
 * which everything left is killed; then sync and unmount in reverse order in a child, so that
 * a sync or an unmount stuck on a dead device cannot hold the machine up; then reboot(2).
 * From the request to reboot(2) takes at most the deadline + 1 s (finit #227, #397: a TERM-
 * ignoring service, and a sync that hangs, both used to delay poweroff without bound). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

#include "boot_pid1.h"

#define SHUTDOWN_SLACK_MS 1000 /* after the deadline: KILL, reap, sync, unmount all fit here */
#define ORPHAN_TERM_MS	  200  /* TERM to what is not an entry, before KILL */
#define MAX_MOUNTS	  256

static char mounts[16384];
static bool killed[BOOT_MAX_ENTRIES]; /* SIGKILLed at the end of its grace */

/* Unmount, deepest (last mounted) first; "/" (rootfs) stays. A busy mount is detached
 * (umount2(2) MNT_DETACH: gone from the tree now, freed when its last user goes) and named. */
static void unmount_all(void)
{
	char *mnt[MAX_MOUNTS];
	int fd, n = 0;
	ssize_t len;

	fd = open("/proc/self/mounts", O_RDONLY | O_CLOEXEC);
	len = fd < 0 ? -1 : read(fd, mounts, sizeof(mounts) - 1);
	if (fd >= 0)
		close(fd);
	if (len <= 0)
		return;
	mounts[len] = '\0';
	for (char *p = mounts; p && *p && n < MAX_MOUNTS;
	     p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char *sp = strchr(p, ' '), *end = sp ? strchr(sp + 1, ' ') : NULL;

		if (!end)
			break;
		*end = '\0';
		if (strcmp(sp + 1, "/") != 0)
			mnt[n++] = sp + 1;
		p = end + 1;
	}
	while (n-- > 0) {
		if (umount2(mnt[n], 0) == 0 || errno == EINVAL || errno == ENOENT)
			continue;
		if (errno == EBUSY && umount2(mnt[n], MNT_DETACH) == 0)
			BOOT_LOG("umount %s: busy: detached (lazy)", mnt[n]);
		else
			BOOT_LOG("umount %s: %s", mnt[n], strerror(errno));
	}
}

static struct boot_entry *last_started_running(void)
{
	struct boot_entry *best = NULL;

	for (int i = 0; i < boot_cf.n; i++) {
		struct boot_entry *e = &boot_cf.e[i];

		if (e->pid && !killed[i] && (!best || e->first_start > best->first_start))
			best = e;
	}
	return best;
}

/* Reap until e has exited or until `until`. */
static void wait_entry(const sigset_t *set, struct boot_entry *e, long long until)
{
	long long now;

	boot_reap(true);
	while (e->pid && (now = boot_now_ms()) < until) {
		boot_wait_signal(set, until - now);
		boot_reap(true);
	}
}

/* Each entry in reverse start order: TERM, its grace, KILL; nothing past the deadline. */
static void stop_entries(const sigset_t *set, long long deadline)
{
	struct boot_entry *e;

	while ((e = last_started_running()) && boot_now_ms() < deadline) {
		long long grace = e->grace_ms >= 0 ? e->grace_ms : boot_cf.grace_ms;
		long long until = boot_now_ms() + grace;

		kill(e->pid, SIGTERM);
		wait_entry(set, e, until < deadline ? until : deadline);
		if (e->pid && until < deadline)
			BOOT_LOG("%s %s: still running after its grace of %lld ms: SIGKILL",
				 boot_kind_names[e->kind], e->name, grace);
		else if (e->pid)
			BOOT_LOG("%s %s: still running at the shutdown deadline (%lld ms): SIGKILL",
				 boot_kind_names[e->kind], e->name, boot_cf.deadline_ms);
		if (e->pid) {
			kill(e->pid, SIGKILL);
			killed[e - boot_cf.e] = true; /* reaped with the rest */
		}
	}
	if (last_started_running())
		BOOT_LOG("shutdown deadline %lld ms reached: SIGKILL to everything left",
			 boot_cf.deadline_ms);
}

/* Everything else, the processes of the containers' pid namespaces included: a short TERM
 * first while the deadline allows, SIGKILL once it has passed. */
static void kill_everything(const sigset_t *set, long long deadline, long long until)
{
	long long now = boot_now_ms();

	if (now + ORPHAN_TERM_MS < deadline) {
		kill(-1, SIGTERM);
		boot_wait_signal(set, ORPHAN_TERM_MS);
	}
	kill(-1, SIGKILL);
	boot_reap(true);
	while (waitpid(-1, NULL, WNOHANG) >= 0 && boot_now_ms() < until)
		boot_wait_signal(set, 20);
	for (int i = 0; i < boot_cf.n; i++)
		boot_cf.e[i].pid = 0;
}

/* sync(2) and the unmounts can block for good on a dead device: a child does them, PID 1
 * waits for it until `until` and goes on without it. */
static void sync_and_unmount(const sigset_t *set, long long until)
{
	pid_t pid = fork();
	long long now;

	if (pid == 0) {
		sync();
		unmount_all();
		sync();
		_exit(0);
	}
	if (pid < 0) {
		BOOT_LOG("fork: %s: sync without unmounting", strerror(errno));
		sync();
		return;
	}
	while (waitpid(pid, NULL, WNOHANG) == 0) {
		if ((now = boot_now_ms()) >= until) {
			BOOT_LOG("%s", "sync/unmount still busy at the deadline: going on without");
			return;
		}
		boot_wait_signal(set, until - now < 20 ? until - now : 20);
	}
}

void boot_shutdown(const sigset_t *set, enum boot_action how)
{
	static const int cmds[] = { [BOOT_POWEROFF] = RB_POWER_OFF,
				    [BOOT_REBOOT] = RB_AUTOBOOT,
				    [BOOT_HALT] = RB_HALT_SYSTEM };
	long long t0 = boot_now_ms(), deadline = t0 + boot_cf.deadline_ms;
	long long hard = deadline + SHUTDOWN_SLACK_MS - 100; /* reboot(2) itself, the rest */

	BOOT_LOG("%s: stopping %d containers and programs (grace %lld ms, deadline %lld ms)",
		 boot_action_names[how], boot_running(), boot_cf.grace_ms, boot_cf.deadline_ms);
	boot_stopping = true;
	boot_watchdog_close(false);
	for (int i = 0; i < boot_cf.n; i++)
		boot_cf.e[i].restart_at_ms = boot_cf.e[i].kill_at_ms = 0;
	stop_entries(set, deadline);
	/* After an early finish, what is left may take until the deadline; after the deadline,
	 * a share of the last second. */
	kill_everything(set, deadline, boot_now_ms() < deadline ? deadline : boot_now_ms() + 300);
	BOOT_LOG("%s", "all stopped; sync, unmount");
	sync_and_unmount(set, hard);
	BOOT_LOG("%s after %lld ms (deadline %lld ms)",
		 how == BOOT_POWEROFF ? "power off"
		 : how == BOOT_HALT   ? "halt"
				      : "reboot",
		 boot_now_ms() - t0, boot_cf.deadline_ms);
	boot_watchdog_close(true);
	reboot(cmds[how]);
	BOOT_LOG("reboot(2): %s", strerror(errno));
	for (;;)
		pause();
}
