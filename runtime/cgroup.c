/* The container's cgroup: options, layout detection, the group's life, the container's view.
 * Version-specific files and formats are in cgroup_v1.c and cgroup_v2.c.
 *
 * Layout, from the filesystem (statfs, /proc/self/mountinfo, /proc/self/cgroup):
 *  - /sys/fs/cgroup is cgroup2: v2.
 *  - /sys/fs/cgroup is a tmpfs of v1 hierarchies (pure v1, or hybrid with a cgroup2 at
 *    /sys/fs/cgroup/unified holding no controller we use): the group is made in every v1
 *    hierarchy of memory, cpu, cpuacct, cpuset, pids, blkio that is mounted.
 * The group is <own cgroup>/nestbox/<name> by default, --cgroup PATH otherwise. */
#include <ctype.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#include "cgroup_impl.h"
#include "cli.h"
#include "container.h"
#include "mounts.h"
#include "ns.h"

#define CG_FS	     "/sys/fs/cgroup"
#define CG_VIEWS_MAX 16
/* rmdir(2) fails with EBUSY while exiting tasks are still charged: retry this long. */
#define RMDIR_TRIES    400
#define RMDIR_PAUSE_NS 2500000L

struct cg_state cg = { .clone_fd = -1 };

/* The mounts under /sys/fs/cgroup, repeated read-only inside the container. */
static struct cg_view {
	char target[96]; /* below /sys/fs/cgroup */
	char type[8];
	char opts[160];
} views[CG_VIEWS_MAX];
static int n_views;

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
	char copy[256], *save = NULL;
	int used = 0;

	if (c->cgroup.n_io == NB_CGROUP_IO_MAX)
		return nb_fail(err, EINVAL, "--io-max", arg, "at most 8 devices");
	memset(io, 0, sizeof(*io));
	if (snprintf(copy, sizeof(copy), "%s", arg) >= (int)sizeof(copy) ||
	    sscanf(copy, "%u:%u:%n", &io->major, &io->minor, &used) < 2 || !used)
		return nb_fail(err, EINVAL, "--io-max", arg,
			       "expected MAJ:MIN:rbps=N,wbps=N,riops=N,wiops=N");
	for (char *kv = strtok_r(copy + used, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
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
	{ "memory-swap", 0, 1, opt_memory_swap, "SIZE     memory + swap limit" },
	{ "cpus", 0, 1, opt_cpus, "N.N           CPU time limit, in CPUs" },
	{ "cpu-weight", 0, 1, opt_cpu_weight, "N       relative CPU weight, 1-10000" },
	{ "pids", 0, 1, opt_pids, "N             most processes at once" },
	{ "cpuset", 0, 1, opt_cpuset, "CPUS        CPUs allowed, e.g. 0-1,3" },
	{ "cpuset-mems", 0, 1, opt_cpuset_mems, "NODES  memory nodes allowed" },
	{ "io-max", 0, 1, opt_io_max, "MAJ:MIN:rbps=N,wbps=N,riops=N,wiops=N  block I/O limit" },
	{ "cgroup", 0, 1, opt_cgroup, "PATH        the container's cgroup (default nestbox/NAME)" },
	{ "stats", 0, 0, opt_stats, "             print memory, CPU, pids used at exit" },
	{ NULL, 0, 0, NULL, NULL },
};

/* --- files -------------------------------------------------------------------------------- */

int cg_write(const char *dir, const char *file, const char *value, struct nb_error *err)
{
	char path[PATH_MAX + 64];
	size_t len = strlen(value);
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, len) != (ssize_t)len)
		rc = nb_fail_errno(err, path, value);
	if (fd >= 0)
		close(fd);
	return rc;
}

int cg_read(const char *dir, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX + 64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

long long cg_read_value(const char *dir, const char *file, const char *key)
{
	char buf[4096];
	const char *p = buf;
	size_t klen = key ? strlen(key) : 0;

	if (!dir || cg_read(dir, file, buf, sizeof(buf)) < 0)
		return -1;
	for (; key && p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ' ')
			break;
	if (!p || !isdigit((unsigned char)p[klen + (key ? 1 : 0)]))
		return -1;
	return strtoll(p + klen + (key ? 1 : 0), NULL, 10);
}

const char *cg_dir_of(unsigned ctrl)
{
	for (int i = 0; i < cg.n_dirs; i++)
		if (cg.dirs[i].ctrls & ctrl)
			return cg.dirs[i].path;
	return NULL;
}

/* --- layout ------------------------------------------------------------------------------- */

static const struct {
	const char *name;
	unsigned bit;
} controllers[] = {
	{ "memory", CG_MEMORY }, { "cpu", CG_CPU },   { "cpuacct", CG_CPUACCT },
	{ "cpuset", CG_CPUSET }, { "pids", CG_PIDS }, { "blkio", CG_IO },
};
#define N_CONTROLLERS (sizeof(controllers) / sizeof(controllers[0]))

static const char *ctrl_name(unsigned bit, int version)
{
	if (bit == CG_IO && version == 2)
		return "io";
	for (size_t i = 0; i < N_CONTROLLERS; i++)
		if (controllers[i].bit == bit)
			return controllers[i].name;
	return "?";
}

static bool has_token(const char *list, const char *token)
{
	size_t len = strlen(token);

	for (const char *p = list; p; p = strchr(p, ','), p = p ? p + 1 : NULL)
		if (!strncmp(p, token, len) && (p[len] == ',' || !p[len]))
			return true;
	return false;
}

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

/* Our path in the hierarchy whose /proc/self/cgroup controller list has name ("" for v2). */
static int own_path(const char *name, char *out, size_t size)
{
	static char buf[4096];
	char *save = NULL;

	if (!buf[0]) {
		int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

		if (fd >= 0)
			close(fd);
		if (n <= 0)
			return -1;
		buf[n] = '\0';
	}
	char copy[sizeof(buf)];

	memcpy(copy, buf, sizeof(buf));
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *list = strchr(line, ':'), *path;

		if (!list || !(path = strchr(++list, ':')))
			continue;
		*path++ = '\0';
		if (*name ? has_token(list, name) : !*list) {
			snprintf(out, size, "%s", strcmp(path, "/") ? path : "");
			return 0;
		}
	}
	return -1;
}

/* One mountinfo line: root, mount point, fs type, super options. */
static int mount_fields(char *line, char **root, char **mnt, char **type, char **opts)
{
	char *sep = strstr(line, " - ");
	char *save = NULL;

	if (!sep)
		return -1;
	*sep = '\0';
	strtok_r(line, " ", &save);
	strtok_r(NULL, " ", &save);
	strtok_r(NULL, " ", &save);
	*root = strtok_r(NULL, " ", &save);
	*mnt = strtok_r(NULL, " ", &save);
	save = NULL;
	*type = strtok_r(sep + 3, " ", &save);
	strtok_r(NULL, " ", &save);
	*opts = strtok_r(NULL, " \n", &save);
	return *root && *mnt && *type && *opts ? 0 : -1;
}

/* Super options a fresh mount of the same hierarchy takes (no rw, no release_agent). */
static void view_options(const char *opts, char *out, size_t size)
{
	char copy[256], *save = NULL;
	size_t len = 0;

	snprintf(copy, sizeof(copy), "%s", opts);
	out[0] = '\0';
	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
		if (strcmp(o, "rw") && strcmp(o, "ro") && strncmp(o, "release_agent=", 14))
			len += (size_t)snprintf(out + len, len < size ? size - len : 0, "%s%s",
						len ? "," : "", o);
}

/* Add the group in the v1 hierarchy mounted at mnt (root: its mountinfo root). */
static int add_v1_dir(const char *mnt, const char *root, const char *opts)
{
	char own[PATH_MAX] = "";
	unsigned ctrls = 0;
	struct cg_dir *d;
	size_t rlen = strcmp(root, "/") ? strlen(root) : 0;

	for (size_t i = 0; i < N_CONTROLLERS; i++)
		if (has_token(opts, controllers[i].name))
			ctrls |= controllers[i].bit;
	if (!ctrls || cg.n_dirs == CG_MAX_DIRS || cg_dir_of(ctrls))
		return 0;
	for (size_t i = 0; i < N_CONTROLLERS; i++)
		if ((ctrls & controllers[i].bit) &&
		    !own_path(controllers[i].name, own, sizeof(own)))
			break;
	d = &cg.dirs[cg.n_dirs++];
	memset(d, 0, sizeof(*d));
	d->ctrls = ctrls;
	snprintf(d->path, sizeof(d->path), "%s%s", mnt,
		 strncmp(own, root, rlen) ? own : own + rlen);
	d->base_len = strlen(mnt);
	return 0;
}

/* Read mountinfo: the v1 hierarchies (when v1) and the mounts the container will see. */
static void scan_mounts(int version)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[1024];

	n_views = 0;
	while (f && fgets(line, sizeof(line), f)) {
		char *root, *mnt, *type, *opts;
		bool cgroupfs;

		if (mount_fields(line, &root, &mnt, &type, &opts))
			continue;
		cgroupfs = !strcmp(type, "cgroup") || !strcmp(type, "cgroup2");
		if (version == 1 && !strcmp(type, "cgroup"))
			add_v1_dir(mnt, root, opts);
		if (strncmp(mnt, CG_FS, strlen(CG_FS)) || n_views == CG_VIEWS_MAX ||
		    (mnt[strlen(CG_FS)] && mnt[strlen(CG_FS)] != '/') ||
		    (!cgroupfs && (strcmp(type, "tmpfs") || mnt[strlen(CG_FS)])))
			continue;
		snprintf(views[n_views].target, sizeof(views[0].target), "%s", mnt + strlen(CG_FS));
		snprintf(views[n_views].type, sizeof(views[0].type), "%s", type);
		view_options(opts, views[n_views].opts, sizeof(views[0].opts));
		n_views++;
	}
	if (f)
		fclose(f);
}

/* v2: the cgroup2 mount that holds the controllers, "" when there is none. */
static const char *v2_mount(void)
{
	struct statfs st;

	if (!statfs(CG_FS, &st) && st.f_type == CGROUP2_SUPER_MAGIC)
		return CG_FS;
	if (!statfs(CG_FS "/unified", &st) && st.f_type == CGROUP2_SUPER_MAGIC)
		return CG_FS "/unified";
	return "";
}

static int detect_layout(void)
{
	struct statfs st;
	const char *v2 = v2_mount();

	if (statfs(CG_FS, &st))
		return 0;
	if (st.f_type != CGROUP2_SUPER_MAGIC) {
		scan_mounts(1);
		if (cg.n_dirs)
			return 1;
	}
	if (!*v2)
		return 0;
	scan_mounts(2);
	cg.n_dirs = 1;
	memset(&cg.dirs[0], 0, sizeof(cg.dirs[0]));
	cg.dirs[0].ctrls = CG_MEMORY | CG_CPU | CG_CPUACCT | CG_CPUSET | CG_PIDS | CG_IO;
	if (own_path("", cg.v2_own, sizeof(cg.v2_own)))
		cg.v2_own[0] = '\0';
	snprintf(cg.dirs[0].path, sizeof(cg.dirs[0].path), "%s%s", v2, cg.v2_own);
	snprintf(cg.v2_own, sizeof(cg.v2_own), "%s", cg.dirs[0].path);
	cg.dirs[0].base_len = strlen(v2);
	return 2;
}

/* --- the group's life --------------------------------------------------------------------- */

/* On entry dir.path is nestbox's own group and base_len the length of the hierarchy's mount
 * point: make the path <own>/nestbox/<name>, or --cgroup's, and base_len what exists already. */
static int join_path(char *out, size_t size, const char *a, const char *b, const char *c)
{
	return (size_t)snprintf(out, size, "%s%s%s", a, b, c) >= size ? -1 : 0;
}

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
		return nb_fail_errno(err, "cgroup", p);
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

static int make_group(const struct nb_container *c, unsigned need, struct nb_error *err)
{
	unsigned have = 0;
	int rc = 0;

	for (int i = 0; i < cg.n_dirs; i++)
		have |= cg.dirs[i].ctrls;
	if (need & ~have) {
		unsigned missing = need & ~have;

		return nb_fail(err, ENODEV, "cgroup", ctrl_name(missing & -missing, 1),
			       "controller not available (no v1 hierarchy of it is mounted)");
	}
	for (int i = 0; i < cg.n_dirs && !rc; i++) {
		rc = group_path(&cg.dirs[i], c, err);
		if (!rc)
			rc = make_dir(&cg.dirs[i], err);
	}
	if (!rc && cg.version == 2) {
		char top[PATH_MAX];

		snprintf(top, sizeof(top), "%.*s", (int)cg.dirs[0].base_len, cg.dirs[0].path);
		rc = cg2_enable(top, cg.dirs[0].path, need, strlen(top) == strlen(v2_mount()), err);
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

int cgroup_setup(const struct nb_container *c, struct nb_error *err)
{
	const struct nb_cgroup_spec *s = &c->cgroup;
	unsigned need = needed_controllers(s);
	bool asked = need || s->path || s->stats;
	int rc;

	if (s->memory_swap && !s->memory)
		return nb_fail(err, EINVAL, "--memory-swap", NULL, "needs --memory");
	if (s->memory_swap && s->memory_swap < s->memory)
		return nb_fail(err, EINVAL, "--memory-swap", NULL,
			       "must be at least --memory (it counts memory + swap)");
	cg.version = detect_layout();
	if (!cg.version) {
		cg.n_dirs = 0;
		return asked ? nb_fail(err, ENODEV, "cgroup", CG_FS,
				       "no cgroup hierarchy with controllers is mounted")
			     : 0;
	}
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
	else if (v >= 10LL << 20)
		snprintf(out, size, "%lld MiB", v >> 20);
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

/* --- container side ----------------------------------------------------------------------- */

int cgroup_enter_ns(const struct nb_container *c, struct nb_error *err)
{
	if (cg.clone_fd >= 0)
		close(cg.clone_fd);
	/* The namespace made by the clone is rooted where the child started (nestbox's group
	 * unless CLONE_INTO_CGROUP): make a new one rooted at the container's group. */
	if (!cg.version || !(c->namespaces & NB_NS_CGROUP))
		return 0;
	if (unshare(CLONE_NEWCGROUP))
		return nb_fail_errno(err, "unshare", "cgroup namespace");
	return 0;
}

int cgroup_mount_view(const struct nb_container *c, struct nb_error *err)
{
	const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	char target[PATH_MAX];

	if (!(c->namespaces & NB_NS_CGROUP) || !n_views)
		return 0;
	for (int i = 0; i < n_views; i++) {
		const struct cg_view *v = &views[i];
		bool tmpfs = !strcmp(v->type, "tmpfs");

		if (join_path(target, sizeof(target), NEWROOT CG_FS, v->target, "") ||
		    (v->target[0] && mkdir(target, 0755) && errno != EEXIST) ||
		    mount(tmpfs ? "cgroup" : v->type, target, v->type,
			  flags | (tmpfs ? 0 : MS_RDONLY), tmpfs ? "mode=755" : v->opts))
			return nb_fail_errno(err, "mount cgroup view", target);
	}
	/* The tmpfs holding the v1 hierarchies: read-only once its mount points exist. */
	if (!strcmp(views[0].type, "tmpfs") &&
	    mount(NULL, NEWROOT CG_FS, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, NULL))
		return nb_fail_errno(err, "read-only cgroup view", NEWROOT CG_FS);
	return 0;
}
