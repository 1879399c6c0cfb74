/* The container's cgroup: the group's life (make, join, report, remove). The options and the
 * checks of a spec are cgroup_options.c's; layout detection, files and the container's view
 * cgroup_layout.c's; the saved state cgroup_state.c's; version-specific files and formats
 * cgroup_v1.c's and cgroup_v2.c's.
 *
 * Layout, from the filesystem (statfs, /proc/self/mountinfo, /proc/self/cgroup):
 *  - /sys/fs/cgroup is cgroup2: v2.
 *  - /sys/fs/cgroup is a tmpfs of v1 hierarchies (pure v1, or hybrid with a cgroup2 at
 *    /sys/fs/cgroup/unified holding no controller we use): the group is made in every v1
 *    hierarchy of memory, cpu, cpuacct, cpuset, pids, blkio that is mounted.
 * The group is <own cgroup>/nestbox/<name> by default, --cgroup PATH otherwise.
 *
 * Runs at once (issue 27): the shared parent <own>/nestbox is made by whichever run needs it and
 * removed by a run that ends when it is empty (v1: not by a delete, cgroup_remove_deleted);
 * every level is checked and filled (v1 cpuset) by every run that passes it; a level removed
 * under us by the run that made it (between our mkdir of it, EEXIST, and of the next) is made
 * again; and a run removes and kills only what it made. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_impl.h"
#include "container.h"
#include "nested.h"
#include "ns.h"

/* rmdir(2) fails with EBUSY while exiting tasks are still charged: retry this long. */
#define RMDIR_TRIES    400
#define RMDIR_PAUSE_NS 2500000L
/* mkdir -p again after ENOENT: another run removed a level it made, between our steps. */
#define MKDIR_TRIES   50
#define SHARED_PARENT "nestbox"

/* The scalars only: the arrays are filled entry by entry up to n_dirs / n_views. Zeroing all
 * 37 KiB would fault in pages that the cleanup guard, forked right after, then shares, and every
 * later write copies: charges that count in a tight memory cgroup (tests/test_limits.c). */
void cgroup_init(struct nb_cgroup *cg)
{
	cg->version = 0;
	cg->n_dirs = 0;
	cg->clone_fd = -1;
	cg->joined_by_clone = false;
	cg->child_joins = false;
	cg->n_views = 0;
	cg->watch = NULL;
	cg->watch_arg = NULL;
}

/* The controllers the spec needs (limits), and would like (--stats). */
static unsigned needed_controllers(const struct nb_cgroup_spec *s)
{
	unsigned need = 0;

	if (s->memory || s->memory_swap || s->memory_low)
		need |= CG_MEMORY;
	if (s->cpu_quota || s->cpu_weight)
		need |= CG_CPU;
	if (s->pids)
		need |= CG_PIDS;
	if (s->cpuset_cpus || s->cpuset_mems)
		need |= CG_CPUSET;
	if (s->n_io)
		need |= CG_IO;
	return need;
}

/* --- the group's life ---------------------------------------------------------------------- */

static int join_path(char *out, size_t size, const char *a, const char *b, const char *c)
{
	return (size_t)snprintf(out, size, "%s%s%s", a, b, c) >= size ? -1 : 0;
}

/* On entry d->path is nestbox's own group and base_len the length of the hierarchy's mount
 * point: make the path <own>/nestbox/<name>, or --cgroup's, base_len what exists already and
 * shared_len the shared parent's end (default path only). */
static int group_path(struct nb_cgroup_dir *d, const struct nb_container *c, struct nb_error *err)
{
	char own[PATH_MAX], mnt[PATH_MAX];
	const char *path = c->cgroup.path;
	int rc;

	snprintf(own, sizeof(own), "%s", d->path);
	snprintf(mnt, sizeof(mnt), "%.*s", (int)d->base_len, d->path);
	if (path && path[0] == '/')
		rc = join_path(d->path, sizeof(d->path), mnt, path, "");
	else if (path)
		rc = join_path(d->path, sizeof(d->path), own, "/", path);
	else
		rc = join_path(d->path, sizeof(d->path), own, "/" SHARED_PARENT "/", c->name);
	if (rc)
		return nb_fail(err, ENAMETOOLONG, "cgroup", path, "path too long");
	if (!path || path[0] != '/')
		d->base_len = strlen(own);
	d->shared_len = path ? 0 : strlen(own) + strlen("/" SHARED_PARENT);
	while (d->path[strlen(d->path) - 1] == '/')
		d->path[strlen(d->path) - 1] = '\0';
	return 0;
}

/* --cgroup PATH must be new in every hierarchy: an existing group is someone else's (or a
 * crashed run's that nothing can tell apart from someone else's), and nestbox would write its
 * limits into it and empty and remove it at the end. Checked before anything is made. */
static int group_exists(const char *path, struct nb_error *err)
{
	return nb_fail(err, EEXIST, "--cgroup", path,
		       "exists already: nestbox only uses a group it makes (and removes) itself; "
		       "choose a new path, or remove that group");
}

static int refuse_existing(const struct nb_cgroup *cg, const char *path, struct nb_error *err)
{
	for (int i = 0; i < cg->n_dirs; i++)
		if (!access(cg->dirs[i].path, F_OK))
			return group_exists(path, err);
	return 0;
}

static unsigned long long inode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (unsigned long long)st.st_ino;
}

/* One level of the group's path: 1 made, 0 there already, or -errno (-ENOENT: a level above
 * was removed meanwhile). The group itself (last) may be there on the default path only
 * (user_path NULL): the name is this run's, so it was left empty by a SIGKILLed nestbox of this
 * name (removed and made afresh), or is in use (without the name lock). A --cgroup group made
 * by someone else since refuse_existing is refused the same way. */
static int make_level(struct nb_cgroup *cg, const char *p, bool ours, bool last,
		      const char *user_path, struct nb_error *err)
{
	/* Announced before the mkdir, so that a SIGKILL right after it leaves nothing; a level
	 * that exists is not announced: the guard must never remove what we did not make. */
	if (ours && cg->watch && ((last && !user_path) || access(p, F_OK)))
		cg->watch(cg->watch_arg, p);
	if (!mkdir(p, 0755))
		return 1;
	if (errno != EEXIST)
		return nested_fail_cgroup(err, errno, p);
	if (!last)
		return 0;
	if (user_path)
		return group_exists(user_path, err);
	if (rmdir(p))
		return errno == EBUSY ? nb_fail(err, EBUSY, "cgroup", p,
						"in use: a container of that name is running")
				      : nb_fail_errno(err, "cgroup", p);
	if (mkdir(p, 0755))
		return nested_fail_cgroup(err, errno, p);
	return 1;
}

/* mkdir -p below base_len, noting the first level this run made (removed again in
 * remove_dir; the shared parent never counts). v1: every level on the way gets its cpuset
 * filled if empty, whoever made it: a level another run has just made may not be filled yet. */
static int make_levels(struct nb_cgroup *cg, struct nb_cgroup_dir *d, const char *user_path,
		       struct nb_error *err)
{
	char *p = d->path;

	for (size_t i = d->base_len + 1;; i++) {
		char saved = p[i];
		size_t start;
		bool ours = i > (d->shared_len ? d->shared_len : d->base_len);
		int rc;

		if (saved && saved != '/')
			continue;
		p[i] = '\0';
		start = (size_t)(strrchr(p, '/') - p);
		rc = make_level(cg, p, ours, !saved, user_path, err);
		if (rc > 0 && ours && !d->made_from)
			d->made_from = start;
		if (rc > 0 && !saved)
			d->ino = inode_of(p);
		if (rc >= 0 && cg->version == 1) {
			char parent[PATH_MAX];

			snprintf(parent, sizeof(parent), "%.*s", (int)start, p);
			rc = cg1_prepare_level(parent, p, d->ctrls, err);
		}
		p[i] = saved;
		if (rc < 0 || !saved)
			return rc < 0 ? rc : 0;
	}
}

/* -ENOENT: a level was gone at the next mkdir; -ENODEV: at the fill of its files (kernfs says
 * ENODEV for a file of a removed directory). Either way another run removed what it had made. */
static int make_dir(struct nb_cgroup *cg, struct nb_cgroup_dir *d, const char *user_path,
		    struct nb_error *err)
{
	int rc;

	for (int tries = 0; tries < MKDIR_TRIES; tries++) {
		rc = make_levels(cg, d, user_path, err);
		if (rc != -ENOENT && rc != -ENODEV)
			break;
	}
	return rc;
}

/* The try-th pause: 0.1 ms doubling up to 2.5 ms, since the tasks are most often gone within
 * moments (a fixed 2.5 ms was most of a delete --force). */
static void pause_briefly(int try)
{
	const struct timespec ts = { 0, try < 4 ? RMDIR_PAUSE_NS / 25 << try : RMDIR_PAUSE_NS };

	nanosleep(&ts, NULL);
}

/* Is d's group still the one this run made (not gone, not made again by another run)? */
static bool still_ours(int dir_fd, const struct nb_cgroup_dir *d)
{
	struct stat st;

	return !fstat(dir_fd, &st) && (!d->ino || (unsigned long long)st.st_ino == d->ino);
}

/* SIGKILL what is still in this run's group (only possible without a pid namespace), through
 * a descriptor of the directory checked to be ours: never another run's group of that path. */
static void kill_remaining(const struct nb_cgroup *cg, const struct nb_cgroup_dir *d)
{
	int dir = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char buf[4096];
	ssize_t n;
	int fd;

	if (dir < 0)
		return;
	if (!still_ours(dir, d)) {
		close(dir);
		return;
	}
	fd = cg->version == 2 ? openat(dir, "cgroup.kill", O_WRONLY | O_CLOEXEC) : -1;
	if (fd >= 0 && write(fd, "1", 1) == 1) {
		close(fd);
		close(dir);
		return;
	}
	if (fd >= 0)
		close(fd);
	fd = openat(dir, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	for (char *p = buf; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "")
		kill((pid_t)atoi(p), SIGKILL);
	if (fd >= 0)
		close(fd);
	close(dir);
}

/* The group, then the levels above it that this run made and the shared parent (unless
 * keep_shared), one rmdir each: another run's group in one keeps it (that run, ending, tries
 * again), and a run between its mkdir of a level and of the next makes the level again. */
static void remove_dir(const struct nb_cgroup *cg, struct nb_cgroup_dir *d, bool keep_shared)
{
	char p[PATH_MAX];
	unsigned long long ino = inode_of(d->path);
	size_t floor = !d->shared_len ? d->made_from : keep_shared ? d->shared_len : d->base_len;

	if (!d->made_from)
		return;
	if (ino && d->ino && ino != d->ino) { /* another run's now: ours is gone already */
		d->made_from = 0;
		return;
	}
	snprintf(p, sizeof(p), "%s", d->path);
	for (int i = 0; ino && rmdir(p) && errno == EBUSY && i < RMDIR_TRIES; i++) {
		if (i == RMDIR_TRIES / 4)
			kill_remaining(cg, d);
		pause_briefly(i);
	}
	for (char *s; (s = strrchr(p, '/')) && (size_t)(s - p) > floor;) {
		*s = '\0';
		rmdir(p);
	}
	d->made_from = 0;
}

static void remove_all(struct nb_cgroup *cg, bool keep_shared)
{
	if (cg->clone_fd >= 0)
		close(cg->clone_fd);
	cg->clone_fd = -1;
	for (int i = cg->n_dirs - 1; i >= 0; i--)
		remove_dir(cg, &cg->dirs[i], keep_shared);
}

void cgroup_remove(struct nb_cgroup *cg)
{
	remove_all(cg, false);
}

/* v1: made and removed again by every lifecycle alone on a host, the shared parent cost each
 * create and delete a mkdir (and cpuset fill) and an rmdir in all 6 hierarchies: 0.24-0.32 ms
 * CPU of a 5.5 ms create + start + delete (issue 22); runc leaves the parents of its groups. Not on
 * v2, where making the parent is what names the no-internal-processes rule (cg2_enable). */
void cgroup_remove_deleted(struct nb_cgroup *cg)
{
	remove_all(cg, cg->version == 1);
}

/* Groups named nestbox-<pid> (the default name) whose nestbox is gone: left by a SIGKILLed
 * run, and no later run will have that name. A group still in use is not empty (rmdir fails). */
static void sweep_stale(const struct nb_cgroup_dir *d)
{
	char parent[PATH_MAX];
	struct dirent *e;
	DIR *dir;

	snprintf(parent, sizeof(parent), "%.*s", (int)(strrchr(d->path, '/') - d->path), d->path);
	dir = opendir(parent);
	while (dir && (e = readdir(dir))) {
		char *end;
		long pid;

		if (strncmp(e->d_name, "nestbox-", 8))
			continue;
		pid = strtol(e->d_name + 8, &end, 10);
		if (!*end && pid > 0 && pid != getpid() && kill((pid_t)pid, 0) && errno == ESRCH)
			unlinkat(dirfd(dir), e->d_name, AT_REMOVEDIR);
	}
	if (dir)
		closedir(dir);
}

static int make_and_apply(struct nb_cgroup *cg, const struct nb_container *c, unsigned need,
			  struct nb_error *err)
{
	int rc = 0;

	for (int i = 0; i < cg->n_dirs && !rc; i++)
		rc = make_dir(cg, &cg->dirs[i], c->cgroup.path, err);
	if (!rc && cg->version == 2) {
		char top[PATH_MAX];

		snprintf(top, sizeof(top), "%.*s", (int)cg->dirs[0].base_len, cg->dirs[0].path);
		rc = cg2_enable(top, cg->dirs[0].path, need,
				c->cgroup.stats ? CG_MEMORY | CG_PIDS : 0,
				strlen(top) == strlen(cg_v2_mount()), err);
	}
	if (!rc)
		rc = cg->version == 2 ? cg2_apply(cg, &c->cgroup, err)
				      : cg1_apply(cg, &c->cgroup, err);
	return rc;
}

static int make_group(struct nb_cgroup *cg, const struct nb_container *c, unsigned need,
		      struct nb_error *err)
{
	unsigned have = 0;
	int rc = 0;

	for (int i = 0; i < cg->n_dirs; i++)
		have |= cg->dirs[i].ctrls;
	if (need & ~have) {
		unsigned missing = need & ~have;

		return nb_fail(err, ENODEV, "cgroup", cg_ctrl_name(missing & -missing, 1),
			       "controller not available (no v1 hierarchy of it is mounted)");
	}
	for (int i = 0; i < cg->n_dirs && !rc; i++)
		rc = group_path(&cg->dirs[i], c, err);
	if (!rc && c->cgroup.path)
		rc = refuse_existing(cg, c->cgroup.path, err);
	for (int i = 0; i < cg->n_dirs && !rc; i++)
		if (!c->cgroup.path)
			sweep_stale(&cg->dirs[i]);
	if (!rc)
		rc = make_and_apply(cg, c, need, err);
	if (!rc && cg->version == 2) {
		cg->clone_fd = open(cg->dirs[0].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cg->clone_fd < 0)
			rc = nb_fail_errno(err, "cgroup", cg->dirs[0].path);
	}
	if (rc)
		cgroup_remove(cg);
	return rc;
}

/* nestbox makes, joins and removes the group from inside its own memory cgroup. Under a limit
 * too tight for that, the OOM killer takes nestbox, the container and the cleanup guard in turn
 * (the charge does not go away with them) and the group stays behind: measured with nestbox
 * itself under 512K (tests/test_limits.c). Refuse before anything exists instead. */
#define NB_MIN_OWN_MEMORY (2LL << 20)

static int check_own_memory(const struct nb_cgroup *cg, struct nb_error *err)
{
	const char *dir = cg_dir_of(cg, CG_MEMORY);
	long long limit, usage;
	char free_kib[PATH_MAX + 48];

	if (!dir)
		return 0;
	limit = cg_read_value(dir, cg->version == 2 ? "memory.max" : "memory.limit_in_bytes", NULL);
	usage =
	    cg_read_value(dir, cg->version == 2 ? "memory.current" : "memory.usage_in_bytes", NULL);
	if (limit < 0 || usage < 0 || limit - usage >= NB_MIN_OWN_MEMORY)
		return 0;
	snprintf(free_kib, sizeof(free_kib), "%lld KiB free in %s", (limit - usage) / 1024, dir);
	return nb_fail(err, ENOMEM, "memory", free_kib,
		       "nestbox needs 2 MiB of its own cgroup's memory to set up and clean up");
}

bool cgroup_asked(const struct nb_cgroup_spec *s)
{
	return needed_controllers(s) || s->path || s->stats || s->wanted;
}

int cgroup_setup(struct nb_cgroup *cg, const struct nb_container *c, struct nb_error *err)
{
	const struct nb_cgroup_spec *s = &c->cgroup;
	unsigned need = needed_controllers(s);
	bool asked = need || s->path || s->stats;
	int rc = cgroup_validate(s, err);

	if (rc)
		return rc;
	cg->clone_fd = -1;
	cg->version = cg_detect_layout(cg);
	if (!cg->version || !cgroup_asked(s)) { /* the views stay: the container's /sys/fs/cgroup */
		cg->version = 0;
		cg->n_dirs = 0;
		return asked ? nb_fail(err, ENODEV, "cgroup", CG_FS,
				       "no cgroup hierarchy with controllers is mounted")
			     : 0;
	}
	rc = check_own_memory(cg, err);
	if (rc)
		return rc;
	rc = make_group(cg, c, need, err);
	if (rc && !asked) { /* best effort: e.g. a read-only /sys/fs/cgroup when nested */
		if (c->verbosity > 0)
			nb_error_print(err);
		cg->version = 0;
		cg->n_dirs = 0;
		return 0;
	}
	return rc;
}

pid_t cgroup_clone(struct nb_cgroup *cg, unsigned long flags, bool child_may_join)
{
	pid_t pid;

	cg->joined_by_clone = cg->clone_fd >= 0;
	pid = ns_clone(flags, cg->clone_fd);
	/* Kernels before 5.7 (CLONE_INTO_CGROUP) or 5.3 (clone3): join through cgroup.procs. */
	if (cg->clone_fd >= 0 && (pid == -ENOSYS || pid == -EINVAL || pid == -E2BIG)) {
		cg->joined_by_clone = false;
		pid = ns_clone(flags, -1);
	}
	cg->child_joins = cg->version == 1 && child_may_join;
	return pid;
}

static int join(const struct nb_cgroup *cg, pid_t child, struct nb_error *err)
{
	char pid[16];
	/* tasks moves one thread: for a single-threaded caller, the whole of it, lock-free */
	const char *file = !child && cg->version == 1 ? "tasks" : "cgroup.procs";

	snprintf(pid, sizeof(pid), "%d", (int)child);
	for (int i = 0; i < cg->n_dirs && cg->version; i++) {
		int rc = cg_write(cg->dirs[i].path, file, pid, err);

		if (rc)
			return rc;
	}
	return 0;
}

int cgroup_join(const struct nb_cgroup *cg, pid_t child, struct nb_error *err)
{
	return cg->joined_by_clone || cg->child_joins ? 0 : join(cg, child, err);
}

int cgroup_join_self(struct nb_cgroup *cg, struct nb_error *err)
{
	return cg->child_joins ? join(cg, 0, err) : 0;
}

static void format_bytes(long long v, char *out, size_t size)
{
	if (v < 0)
		snprintf(out, size, "n/a");
	else if (v % (1LL << 20) == 0)
		snprintf(out, size, "%lld MiB", v >> 20);
	else if (v >= 1LL << 20)
		snprintf(out, size, "%lld.%lld MiB", v >> 20, ((v * 10) >> 20) % 10);
	else
		snprintf(out, size, "%lld KiB", v >> 10);
}

static void print_stats(const struct nb_cgroup *cg)
{
	long long mem = -1, cpu_ns = -1, pids = -1;
	char mem_s[32], pids_s[32], cpu_s[32];

	if (cg->version == 2)
		cg2_stats(cg, &mem, &cpu_ns, &pids);
	else
		cg1_stats(cg, &mem, &cpu_ns, &pids);
	format_bytes(mem, mem_s, sizeof(mem_s));
	snprintf(pids_s, sizeof(pids_s), pids < 0 ? "n/a" : "%lld", pids);
	if (cpu_ns < 0)
		snprintf(cpu_s, sizeof(cpu_s), "n/a");
	else
		snprintf(cpu_s, sizeof(cpu_s), "%lld.%03lld s", cpu_ns / 1000000000,
			 cpu_ns / 1000000 % 1000);
	dprintf(STDERR_FILENO, "nestbox: stats: memory peak %s, cpu %s, pids peak %s\n", mem_s,
		cpu_s, pids_s);
}

int cgroup_finish(struct nb_cgroup *cg, const struct nb_container *c, int status)
{
	long long kills;

	if (!cg->version)
		return status;
	kills = cg->version == 2 ? cg2_oom_kills(cg) : cg1_oom_kills(cg);
	if (kills > 0) {
		char limit[32] = "inherited";

		if (c->cgroup.memory)
			format_bytes((long long)c->cgroup.memory, limit, sizeof(limit));
		dprintf(STDERR_FILENO,
			"nestbox: out of memory: limit %s: the kernel killed %lld process%s\n",
			limit, kills, kills == 1 ? "" : "es");
		if (status)
			status = 128 + SIGKILL;
	}
	if (c->cgroup.stats)
		print_stats(cg);
	cgroup_remove(cg);
	return status;
}
