/* The container's cgroup: the options, and the group's life (make, join, report, remove).
 * Layout detection, files and the container's view are cgroup_layout.c's; version-specific
 * files and formats cgroup_v1.c's and cgroup_v2.c's.
 *
 * Layout, from the filesystem (statfs, /proc/self/mountinfo, /proc/self/cgroup):
 *  - /sys/fs/cgroup is cgroup2: v2.
 *  - /sys/fs/cgroup is a tmpfs of v1 hierarchies (pure v1, or hybrid with a cgroup2 at
 *    /sys/fs/cgroup/unified holding no controller we use): the group is made in every v1
 *    hierarchy of memory, cpu, cpuacct, cpuset, pids, blkio that is mounted.
 * The group is <own cgroup>/nestbox/<name> by default, --cgroup PATH otherwise. */
#include <ctype.h>
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
#include "option.h"
#include "guard.h"
#include "container.h"
#include "nested.h"
#include "ns.h"

/* rmdir(2) fails with EBUSY while exiting tasks are still charged: retry this long. */
#define RMDIR_TRIES    400
#define RMDIR_PAUSE_NS 2500000L

struct cg_state cg; /* zeroed (bss); cgroup_setup sets clone_fd to -1 first */

/* --- options ------------------------------------------------------------------------------ */

/* "64m": digits and one k/m/g/t suffix (powers of 1024), more than 0. */
static int parse_size(const char *s, unsigned long long *out)
{
	static const char suffixes[] = "kmgt";
	unsigned long long v;
	const char *suf;
	unsigned shift = 0;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end && (suf = strchr(suffixes, tolower((unsigned char)*end)))) {
		shift = 10 * (unsigned)(suf - suffixes + 1);
		end++;
	}
	if (*end || !v || v > (~0ULL >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

static int size_option(const char *opt, const char *arg, unsigned long long *out,
		       struct nb_error *err)
{
	if (parse_size(arg, out))
		return nb_fail(err, EINVAL, opt, arg,
			       "expected a size above 0 (e.g. 512k, 64m, 1g)");
	return 0;
}

static int opt_memory(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return size_option("--memory", arg, &c->cgroup.memory, err);
}

static int opt_memory_swap(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return size_option("--memory-swap", arg, &c->cgroup.memory_swap, err);
}

/* CPUs of this machine: /sys/devices/system/cpu/possible is "0-N" (or "0"). */
static unsigned machine_cpus(void)
{
	char buf[64] = "";
	const char *dash;
	int fd = open("/sys/devices/system/cpu/possible", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) < 0)
			buf[0] = '\0';
		close(fd);
	}
	if (!isdigit((unsigned char)buf[0]))
		return (unsigned)sysconf(_SC_NPROCESSORS_CONF);
	dash = strchr(buf, '-');
	return dash ? (unsigned)atoi(dash + 1) + 1 : 1;
}

/* "N[.NNN]" CPUs -> quota in us per NB_CGROUP_CPU_PERIOD; the kernel's minimum quota is 1 ms. */
static int opt_cpus(struct nb_container *c, const char *arg, struct nb_error *err)
{
	unsigned long long milli = 0;
	const char *p = arg;
	int decimals = 0;
	char max[48];

	if (!isdigit((unsigned char)*p))
		return nb_fail(err, EINVAL, "--cpus", arg, "expected a number of CPUs, e.g. 0.5");
	for (; isdigit((unsigned char)*p) && milli < 1000000000ULL; p++)
		milli = milli * 10 + (unsigned)(*p - '0');
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p) && decimals < 3; p++, decimals++)
			milli = milli * 10 + (unsigned)(*p - '0');
	if (*p)
		return nb_fail(err, EINVAL, "--cpus", arg,
			       "expected a number of CPUs, e.g. 0.5 (3 decimals at most)");
	for (; decimals < 3; decimals++)
		milli *= 10;
	if (milli < 10)
		return nb_fail(err, EINVAL, "--cpus", arg, "must be at least 0.01");
	if (milli > 1000ULL * machine_cpus()) {
		snprintf(max, sizeof(max), "more than this machine's %u CPUs", machine_cpus());
		return nb_fail(err, EINVAL, "--cpus", arg, max);
	}
	c->cgroup.cpu_quota = milli * NB_CGROUP_CPU_PERIOD / 1000;
	return 0;
}

static int opt_cpu_weight(struct nb_container *c, const char *arg, struct nb_error *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || !isdigit((unsigned char)*arg) || *end || v < 1 || v > 10000)
		return nb_fail(err, EINVAL, "--cpu-weight", arg, "expected 1 to 10000");
	c->cgroup.cpu_weight = (unsigned)v;
	return 0;
}

static int opt_pids(struct nb_container *c, const char *arg, struct nb_error *err)
{
	char *end;

	errno = 0;
	c->cgroup.pids = strtoull(arg, &end, 10);
	if (errno || !isdigit((unsigned char)*arg) || *end || !c->cgroup.pids ||
	    c->cgroup.pids > INT_MAX)
		return nb_fail(err, EINVAL, "--pids", arg,
			       "expected a number of processes above 0");
	return 0;
}

/* A cpuset list "0-2,4": syntax, and (for CPUs) every CPU below limit. */
static int check_list(const char *opt, const char *arg, unsigned limit, struct nb_error *err)
{
	char why[64];
	const char *p = arg;

	for (;;) {
		char *end;
		unsigned long lo, hi;

		if (!isdigit((unsigned char)*p))
			break;
		lo = hi = strtoul(p, &end, 10);
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				break;
			hi = strtoul(end + 1, &end, 10);
		}
		if (hi < lo)
			break;
		if (limit && hi >= limit) {
			snprintf(why, sizeof(why), "outside this machine's CPUs (0-%u)", limit - 1);
			return nb_fail(err, EINVAL, opt, arg, why);
		}
		if (!*end)
			return 0;
		if (*end != ',')
			break;
		p = end + 1;
	}
	return nb_fail(err, EINVAL, opt, arg, "expected a list like 0-2,4");
}

static int opt_cpuset(struct nb_container *c, const char *arg, struct nb_error *err)
{
	c->cgroup.cpuset_cpus = arg;
	return check_list("--cpuset", arg, machine_cpus(), err);
}

static int opt_cpuset_mems(struct nb_container *c, const char *arg, struct nb_error *err)
{
	c->cgroup.cpuset_mems = arg;
	return check_list("--cpuset-mems", arg, 0, err);
}

/* MAJ:MIN:rbps=N,wbps=N,riops=N,wiops=N (sizes take k/m/g). */
static int opt_io_max(struct nb_container *c, const char *arg, struct nb_error *err)
{
	static const char *const keys[] = { "rbps", "wbps", "riops", "wiops" };
	struct nb_cgroup_io *io = &c->cgroup.io[c->cgroup.n_io];
	char copy[256];
	int used = 0;

	if (c->cgroup.n_io == NB_CGROUP_IO_MAX)
		return nb_fail(err, EINVAL, "--io-max", arg, "at most 8 devices");
	memset(io, 0, sizeof(*io));
	if (snprintf(copy, sizeof(copy), "%s", arg) >= (int)sizeof(copy) ||
	    sscanf(copy, "%u:%u:%n", &io->major, &io->minor, &used) < 2 || !used)
		return nb_fail(err, EINVAL, "--io-max", arg,
			       "expected MAJ:MIN:rbps=N,wbps=N,riops=N,wiops=N");
	/* strsep, not strtok: an empty field ("rbps=1,") is an error, not skipped */
	for (char *kv, *rest = copy + used; (kv = strsep(&rest, ","));) {
		unsigned long long *slot[] = { &io->rbps, &io->wbps, &io->riops, &io->wiops };
		char *eq = strchr(kv, '=');
		size_t k;

		for (k = 0; eq && k < 4; k++)
			if ((size_t)(eq - kv) == strlen(keys[k]) &&
			    !strncmp(kv, keys[k], strlen(keys[k])))
				break;
		if (!eq || k == 4 || parse_size(eq + 1, slot[k]))
			return nb_fail(err, EINVAL, "--io-max", arg,
				       "expected rbps=N, wbps=N, riops=N or wiops=N (N above 0)");
	}
	if (!io->rbps && !io->wbps && !io->riops && !io->wiops)
		return nb_fail(err, EINVAL, "--io-max", arg, "no limit given");
	c->cgroup.n_io++;
	return 0;
}

static int opt_cgroup(struct nb_container *c, const char *arg, struct nb_error *err)
{
	const char *p = arg;

	if (!*arg || !strcmp(arg, "/"))
		return nb_fail(err, EINVAL, "--cgroup", arg,
			       "expected a group path like /a/b or a/b");
	for (; *p; p += strcspn(p, "/")) {
		while (*p == '/')
			p++;
		if (!strncmp(p, "..", 2) && (p[2] == '/' || !p[2]))
			return nb_fail(err, EINVAL, "--cgroup", arg, "'..' is not allowed");
	}
	c->cgroup.path = arg;
	return 0;
}

static int opt_stats(struct nb_container *c, const char *arg, struct nb_error *err)
{
	(void)arg;
	(void)err;
	c->cgroup.stats = true;
	return 0;
}

const struct cli_option cgroup_options[] = {
	{ "memory", 0, 1, opt_memory, "SIZE          memory limit (k, m, g)" },
	{ "memory-swap", 0, 1, opt_memory_swap,
	  "SIZE         memory + swap limit (at least --memory)" },
	{ "cpus", 0, 1, opt_cpus, "N.N           CPU time limit, in CPUs" },
	{ "cpu-weight", 0, 1, opt_cpu_weight, "N             relative CPU weight, 1-10000" },
	{ "pids", 0, 1, opt_pids, "N             most processes at once" },
	{ "cpuset", 0, 1, opt_cpuset, "CPUS          CPUs allowed, e.g. 0-1,3" },
	{ "cpuset-mems", 0, 1, opt_cpuset_mems, "NODES        memory nodes allowed" },
	{ "io-max", 0, 1, opt_io_max,
	  "MAJ:MIN:L,..  block I/O limits, L: rbps=N wbps=N riops=N wiops=N" },
	{ "cgroup", 0, 1, opt_cgroup,
	  "PATH          the container's cgroup (default nestbox/NAME)" },
	{ "stats", 0, 0, opt_stats, "              print memory, CPU, pids used at exit" },
	{ NULL, 0, 0, NULL, NULL },
};

/* The controllers the spec needs (limits), and would like (--stats). */
static unsigned needed_controllers(const struct nb_cgroup_spec *s)
{
	unsigned need = 0;

	if (s->memory || s->memory_swap)
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

/* --- the group's life --------------------------------------------------------------------- */

static int join_path(char *out, size_t size, const char *a, const char *b, const char *c)
{
	return (size_t)snprintf(out, size, "%s%s%s", a, b, c) >= size ? -1 : 0;
}

/* On entry dir.path is nestbox's own group and base_len the length of the hierarchy's mount
 * point: make the path <own>/nestbox/<name>, or --cgroup's, and base_len what exists already. */
static int group_path(struct cg_dir *d, const struct nb_container *c, struct nb_error *err)
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
		rc = join_path(d->path, sizeof(d->path), own, "/nestbox/", c->name);
	if (rc)
		return nb_fail(err, ENAMETOOLONG, "cgroup", path, "path too long");
	if (!path || path[0] != '/')
		d->base_len = strlen(own);
	d->shared_parent = !path;
	while (d->path[strlen(d->path) - 1] == '/')
		d->path[strlen(d->path) - 1] = '\0';
	return 0;
}

/* One level of the group's path: 1 made, 0 there already, or -errno. The group itself may be
 * there: left empty by a SIGKILLed nestbox (removed and made afresh), or in use (an error). */
static int make_level(const char *p, bool last, struct nb_error *err)
{
	if (!mkdir(p, 0755))
		return 1;
	if (errno != EEXIST)
		return nested_fail_cgroup(err, errno, p);
	if (!last)
		return 0;
	if (rmdir(p))
		return errno == EBUSY ? nb_fail(err, EBUSY, "cgroup", p,
						"in use: a container of that name is running")
				      : nb_fail_errno(err, "cgroup", p);
	if (mkdir(p, 0755))
		return nb_fail_errno(err, "cgroup", p);
	return 1;
}

/* mkdir -p below base_len, noting the first level we made (removed again in remove_dir). */
static int make_dir(struct cg_dir *d, struct nb_error *err)
{
	char *p = d->path;

	guard_watch(d); /* a SIGKILL from here on must not leave the directory behind */
	for (size_t i = d->base_len + 1;; i++) {
		char saved = p[i];
		size_t start;
		int rc;

		if (saved && saved != '/')
			continue;
		p[i] = '\0';
		start = (size_t)(strrchr(p, '/') - p);
		rc = make_level(p, !saved, err);
		if (rc > 0 && !d->made_from)
			d->made_from = start;
		if (rc > 0 && cg.version == 1) {
			char parent[PATH_MAX];

			snprintf(parent, sizeof(parent), "%.*s", (int)start, p);
			rc = cg1_prepare_level(parent, p, d->ctrls, err);
		}
		p[i] = saved;
		if (rc < 0 || !saved)
			return rc < 0 ? rc : 0;
	}
}

static void pause_briefly(void)
{
	const struct timespec ts = { 0, RMDIR_PAUSE_NS };

	nanosleep(&ts, NULL);
}

/* SIGKILL what is still in the group (only possible without a pid namespace). */
static void kill_remaining(const char *dir)
{
	char buf[4096];

	if (cg.version == 2 && !access(dir, F_OK)) {
		char kill_path[PATH_MAX + 16];
		int fd;

		snprintf(kill_path, sizeof(kill_path), "%s/cgroup.kill", dir);
		fd = open(kill_path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0 && write(fd, "1", 1) == 1) {
			close(fd);
			return;
		}
		if (fd >= 0)
			close(fd);
	}
	if (cg_read(dir, "cgroup.procs", buf, sizeof(buf)) > 0)
		for (char *p = buf; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "")
			kill((pid_t)atoi(p), SIGKILL);
}

static void remove_dir(struct cg_dir *d)
{
	char p[PATH_MAX];
	size_t floor = d->shared_parent ? d->base_len : d->made_from;

	if (!d->made_from)
		return;
	snprintf(p, sizeof(p), "%s", d->path);
	for (int i = 0; rmdir(p) && errno == EBUSY && i < RMDIR_TRIES; i++) {
		if (i == RMDIR_TRIES / 4)
			kill_remaining(p);
		pause_briefly();
	}
	for (char *s; (s = strrchr(p, '/')) && (size_t)(s - p) > floor;) {
		*s = '\0';
		rmdir(p); /* shared parents stay while other containers use them */
	}
	d->made_from = 0;
}

void cgroup_remove(void)
{
	if (cg.clone_fd >= 0)
		close(cg.clone_fd);
	cg.clone_fd = -1;
	for (int i = cg.n_dirs - 1; i >= 0; i--)
		remove_dir(&cg.dirs[i]);
}

/* Groups named nestbox-<pid> (the default name) whose nestbox is gone: left by a SIGKILLed
 * run, and no later run will have that name. A group still in use is not empty (rmdir fails). */
static void sweep_stale(const struct cg_dir *d)
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

static int make_group(const struct nb_container *c, unsigned need, struct nb_error *err)
{
	unsigned have = 0;
	int rc = 0;

	for (int i = 0; i < cg.n_dirs; i++)
		have |= cg.dirs[i].ctrls;
	if (need & ~have) {
		unsigned missing = need & ~have;

		return nb_fail(err, ENODEV, "cgroup", cg_ctrl_name(missing & -missing, 1),
			       "controller not available (no v1 hierarchy of it is mounted)");
	}
	for (int i = 0; i < cg.n_dirs && !rc; i++) {
		rc = group_path(&cg.dirs[i], c, err);
		if (!rc && cg.dirs[i].shared_parent)
			sweep_stale(&cg.dirs[i]);
		if (!rc)
			rc = make_dir(&cg.dirs[i], err);
	}
	if (!rc && cg.version == 2) {
		char top[PATH_MAX];

		snprintf(top, sizeof(top), "%.*s", (int)cg.dirs[0].base_len, cg.dirs[0].path);
		rc = cg2_enable(top, cg.dirs[0].path, need,
				c->cgroup.stats ? CG_MEMORY | CG_PIDS : 0,
				strlen(top) == strlen(cg_v2_mount()), err);
	}
	if (!rc)
		rc = cg.version == 2 ? cg2_apply(&c->cgroup, err) : cg1_apply(&c->cgroup, err);
	if (!rc && cg.version == 2) {
		cg.clone_fd = open(cg.dirs[0].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cg.clone_fd < 0)
			rc = nb_fail_errno(err, "cgroup", cg.dirs[0].path);
	}
	if (rc)
		cgroup_remove();
	return rc;
}

/* nestbox makes, joins and removes the group from inside its own memory cgroup. Under a limit
 * too tight for that, the OOM killer takes nestbox, the container and the cleanup guard in turn
 * (the charge does not go away with them) and the group stays behind: measured with nestbox
 * itself under 512K (tests/test_limits.c). Refuse before anything exists instead. */
#define NB_MIN_OWN_MEMORY (2LL << 20)

static int check_own_memory(struct nb_error *err)
{
	const char *dir = cg_dir_of(CG_MEMORY);
	long long limit, usage;
	char free_kib[PATH_MAX + 48];

	if (!dir)
		return 0;
	limit = cg_read_value(dir, cg.version == 2 ? "memory.max" : "memory.limit_in_bytes", NULL);
	usage =
	    cg_read_value(dir, cg.version == 2 ? "memory.current" : "memory.usage_in_bytes", NULL);
	if (limit < 0 || usage < 0 || limit - usage >= NB_MIN_OWN_MEMORY)
		return 0;
	snprintf(free_kib, sizeof(free_kib), "%lld KiB free in %s", (limit - usage) / 1024, dir);
	return nb_fail(err, ENOMEM, "memory", free_kib,
		       "nestbox needs 2 MiB of its own cgroup's memory to set up and clean up");
}

int cgroup_setup(const struct nb_container *c, struct nb_error *err)
{
	const struct nb_cgroup_spec *s = &c->cgroup;
	unsigned need = needed_controllers(s);
	bool asked = need || s->path || s->stats;
	int rc;

	cg.clone_fd = -1;
	if (s->memory_swap && !s->memory)
		return nb_fail(err, EINVAL, "--memory-swap", NULL, "needs --memory");
	if (s->memory_swap && s->memory_swap < s->memory)
		return nb_fail(err, EINVAL, "--memory-swap", NULL,
			       "must be at least --memory (it counts memory + swap)");
	cg.version = cg_detect_layout();
	if (!cg.version) {
		cg.n_dirs = 0;
		return asked ? nb_fail(err, ENODEV, "cgroup", CG_FS,
				       "no cgroup hierarchy with controllers is mounted")
			     : 0;
	}
	rc = check_own_memory(err);
	if (rc)
		return rc;
	rc = make_group(c, need, err);
	if (rc && !asked) { /* best effort: e.g. a read-only /sys/fs/cgroup when nested */
		if (c->verbosity > 0)
			nb_error_print(err);
		cg.version = 0;
		cg.n_dirs = 0;
		return 0;
	}
	return rc;
}

pid_t cgroup_clone(unsigned long flags)
{
	pid_t pid;

	cg.joined_by_clone = cg.clone_fd >= 0;
	pid = ns_clone(flags, cg.clone_fd);
	/* Kernels before 5.7 (CLONE_INTO_CGROUP) or 5.3 (clone3): join through cgroup.procs. */
	if (cg.clone_fd >= 0 && (pid == -ENOSYS || pid == -EINVAL || pid == -E2BIG)) {
		cg.joined_by_clone = 0;
		pid = ns_clone(flags, -1);
	}
	return pid;
}

int cgroup_join(pid_t child, struct nb_error *err)
{
	char pid[16];

	if (cg.joined_by_clone)
		return 0;
	snprintf(pid, sizeof(pid), "%d", (int)child);
	for (int i = 0; i < cg.n_dirs && cg.version; i++) {
		int rc = cg_write(cg.dirs[i].path, "cgroup.procs", pid, err);

		if (rc)
			return rc;
	}
	return 0;
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

static void print_stats(void)
{
	long long mem = -1, cpu_ns = -1, pids = -1;
	char mem_s[32], pids_s[32], cpu_s[32];

	if (cg.version == 2)
		cg2_stats(&mem, &cpu_ns, &pids);
	else
		cg1_stats(&mem, &cpu_ns, &pids);
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

int cgroup_finish(const struct nb_container *c, int status)
{
	long long kills;

	if (!cg.version)
		return status;
	kills = cg.version == 2 ? cg2_oom_kills() : cg1_oom_kills();
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
		print_stats();
	cgroup_remove();
	return status;
}
