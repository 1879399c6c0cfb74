/* Crash-safety helpers, what a run left (tests/lib_faults.h): the mount table, cgroups, links,
 * processes, temp files and state directories against the runner's snapshot. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib.h"
#include "lib_faults.h"

#define CGROUP_FS	 "/sys/fs/cgroup"
#define CGROUP_MAX_DEPTH 8
#define LIST_TIMEOUT_MS	 5000

void nbf_links(char *out, size_t size)
{
	struct if_nameindex *ifs = if_nameindex();
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; ifs && ifs[i].if_index && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s ", ifs[i].if_name);
	if (ifs)
		if_freenameindex(ifs);
}

/* --- what is left -------------------------------------------------------------------------- */

static void __attribute__((format(printf, 3, 4))) add(char *out, size_t size, const char *fmt, ...)
{
	size_t len = strlen(out);
	va_list ap;

	if (len >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(out + len, size - len, fmt, ap);
	va_end(ap);
}

/* The first line of now that is not in before, into line ("" when none). */
static void first_new_line(const char *before, const char *now, char *line, size_t size)
{
	const char *p = now;

	while (*p) {
		size_t n = strcspn(p, "\n");

		snprintf(line, size, "%.*s", (int)n, p);
		if (!strstr(before, line))
			return;
		p += n + (p[n] == '\n');
	}
	line[0] = '\0';
}

/* A mountinfo line's mount point (field 5) still exists. The kernel detaches a mount, in every
 * namespace, whose mount point is deleted (since 3.18): another program on the host removing a
 * directory it mounted on takes that mount out of our private copy too, and that is no leak. */
static bool mount_point_exists(const char *line)
{
	char point[PATH_MAX], path[PATH_MAX];
	struct stat st;
	size_t o = 0;

	if (sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1)
		return true;
	for (const char *c = point; *c && o + 1 < sizeof(path); c++) {
		if (c[0] == '\\' && c[1] >= '0' && c[1] <= '3' && c[2] && c[3]) { /* \040 */
			path[o++] = (char)((c[1] - '0') * 64 + (c[2] - '0') * 8 + (c[3] - '0'));
			c += 3;
		} else {
			path[o++] = *c;
		}
	}
	path[o] = '\0';
	return !lstat(path, &st);
}

/* The mount table against the snapshot: a new mount is a leak, and so is one gone whose mount
 * point is still there; one gone with its mount point is forgotten (the snapshot follows). */
static void mounts_changed(struct nbf *f, char *mounts, char *out, size_t size)
{
	char line[PATH_MAX];

	first_new_line(f->mounts, mounts, line, 120);
	if (line[0]) {
		add(out, size, "mount: %s; ", line);
		return;
	}
	first_new_line(mounts, f->mounts, line, sizeof(line));
	while (line[0] && !mount_point_exists(line)) {
		char *at = strstr(f->mounts, line);
		size_t n = strlen(line) + (at[strlen(line)] == '\n');

		memmove(at, at + n, strlen(at + n) + 1);
		first_new_line(mounts, f->mounts, line, sizeof(line));
	}
	if (line[0])
		add(out, size, "mount gone: %.120s; ", line);
}

/* Directories named <tag>... under the cgroup fs; the first one's path goes to first. */
static int cgroups_tagged(const char *dir, const char *tag, int depth, char *first, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[PATH_MAX];

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!strncmp(e->d_name, tag, strlen(tag))) {
			if (!first[0])
				snprintf(first, size, "%s", path);
			n++;
		} else if (depth < CGROUP_MAX_DEPTH) {
			n += cgroups_tagged(path, tag, depth + 1, first, size);
		}
	}
	closedir(d);
	return n;
}

/* proc(5) stat field 22, the start time; 0 when pid is gone. */
static unsigned long long proc_start(int pid)
{
	char path[64], buf[512], *p;
	unsigned long long start = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (nbt_read_file(path, buf, sizeof(buf)) <= 0 || !(p = strrchr(buf, ')')))
		return 0;
	/* after "comm)": state is field 3, start time field 22 */
	if (sscanf(p + 2,
		   "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
		   "%*s %*s %llu",
		   &start) != 1)
		return 0;
	return start;
}

/* One of the watched processes (the run's tree at the kill) still there, not a zombie: the
 * tag misses a PID 1 whose command line is hidden (proctitle.c). */
static pid_t watched_alive(const struct nbf *f)
{
	for (int i = 0; i < f->n_watch; i++) {
		char st = nbt_proc_state(f->watch[i]);

		if (st != '?' && st != 'Z' && proc_start(f->watch[i]) == f->watch_start[i])
			return f->watch[i];
	}
	return 0;
}

void nbf_watch_tree(struct nbf *f, const pid_t *procs, int n)
{
	f->n_watch = 0;
	for (int i = 0; i < n && f->n_watch < 64; i++) {
		f->watch[f->n_watch] = procs[i];
		f->watch_start[f->n_watch] = proc_start(procs[i]);
		f->n_watch += f->watch_start[f->n_watch] != 0;
	}
}

static int procs_tagged(const char *tag, char *first, size_t size)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0, self = getpid();

	while (d && (e = readdir(d))) {
		char path[64], cmd[1024];
		int pid = atoi(e->d_name), len;

		if (pid <= 0 || pid == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
		len = nbt_read_file(path, cmd, sizeof(cmd));
		for (int i = 0; i < len; i++)
			if (!cmd[i])
				cmd[i] = ' ';
		if (len > 0 && strstr(cmd, tag) && nbt_proc_state(pid) != 'Z' && !n++)
			snprintf(first, size, "%d %.60s", pid, cmd);
	}
	if (d)
		closedir(d);
	return n;
}

static void reap_orphans(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* The entries of the runs' root ("." and ".." not counted); the first one's name to first. */
static int root_entries(const struct nbf *f, char *first, size_t size)
{
	DIR *d = opendir(f->root);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && !n++)
			snprintf(first, size, "%s", e->d_name);
	if (d)
		closedir(d);
	return n;
}

/* `nestbox --root ROOT list -q`, whose state sweep removes what a run SIGKILLed before its end
 * left (state.h state_sweep); 0, or -1 when it failed or did not end in time. */
static int list_sweeps(const struct nbf *f)
{
	const char *argv[] = { nbt_nestbox(), "--root", f->root, "list", "-q", NULL };
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		unsetenv("NESTBOX_FAULT_STEP");
		execv(argv[0], (char *const *)argv);
		_exit(124);
	}
	if (pid < 0)
		return -1;
	if (nbf_wait(pid, LIST_TIMEOUT_MS, &status)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return status ? -1 : 0;
}

/* State left under the root: a killed run's directory is no leak if the next nestbox's sweep
 * removes it (counted in f->swept), only what stays after that is. */
static void state_left(struct nbf *f, char *out, size_t size)
{
	char first[256];

	if (!root_entries(f, first, sizeof(first)))
		return;
	if (list_sweeps(f)) {
		add(out, size, "state: list --root %s failed; ", f->root);
		return;
	}
	if (root_entries(f, first, sizeof(first)))
		add(out, size, "state: %s/%s (kept by list's sweep); ", f->root, first);
	else
		f->swept++;
}

static void leaks_now(struct nbf *f, char *out, size_t size)
{
	char *mounts = nbt_mountinfo(), links[4096], first[PATH_MAX];
	DIR *d;
	int n;

	out[0] = '\0';
	reap_orphans();
	if (mounts && f->mounts && strcmp(mounts, f->mounts))
		mounts_changed(f, mounts, out, size);
	free(mounts);
	first[0] = '\0';
	n = cgroups_tagged(CGROUP_FS, f->tag, 0, first, sizeof(first));
	if (n)
		add(out, size, "cgroup x%d: %s; ", n, first);
	nbf_links(links, sizeof(links));
	if (strcmp(links, f->links))
		add(out, size, "links: %s(before: %s); ", links, f->links);
	n = procs_tagged(f->tag, first, sizeof(first));
	if (n)
		add(out, size, "process x%d: %s; ", n, first);
	else if ((n = watched_alive(f)))
		add(out, size, "process: %d (the run's at the kill) is still there; ", n);
	d = opendir(f->tmpdir);
	for (struct dirent *e; d && (e = readdir(d));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			add(out, size, "temp: %s/%s; ", f->tmpdir, e->d_name);
	if (d)
		closedir(d);
	if (!out[0])
		state_left(f, out, size);
}

static void rmdir_tagged(const char *dir, const char *tag, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[PATH_MAX];

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (depth < CGROUP_MAX_DEPTH)
			rmdir_tagged(path, tag, depth + 1);
		if (!strncmp(e->d_name, tag, strlen(tag)))
			rmdir(path);
	}
	if (d)
		closedir(d);
}

void nbf_cleanup(struct nbf *f)
{
	char first[PATH_MAX];
	int pid;

	for (int i = 0; i < 50 && procs_tagged(f->tag, first, sizeof(first)); i++) {
		pid = atoi(first);
		if (pid > 0)
			kill(pid, SIGKILL);
		nbt_sleep_ms(10);
		reap_orphans();
	}
	rmdir_tagged(CGROUP_FS, f->tag, 0);
}

const char *nbf_leaks(struct nbf *f, char *out, size_t size, int wait_ms)
{
	long long until = nbt_now_ms() + wait_ms;

	for (;;) {
		leaks_now(f, out, size);
		if (!out[0] || nbt_now_ms() >= until)
			return out;
		nbt_sleep_ms(5);
	}
}
