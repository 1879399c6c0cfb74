/* The cgroup options (--memory ... --stats, cgroup_options[] in option.h) and the checks of a
 * spec that need the machine but nothing made yet (cgroup_validate). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cgroup_impl.h"
#include "option.h"
#include "scan.h"
#include "container.h"

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
		end += shift && (*end == 'i' || *end == 'I') && (end[1] == 'b' || end[1] == 'B');
	}
	/* docker's units too (go-units RAMInBytes): 100b, 512mb, 1GiB */
	end += (*end == 'b' || *end == 'B') && !end[1];
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

/* docker's 0 and -1: no limit (the group's default: nestbox writes none). */
static bool docker_unlimited(const char *arg)
{
	return !strcmp(arg, "0") || !strcmp(arg, "-1");
}

static int opt_memory_swap(struct nb_container *c, const char *arg, struct nb_error *err)
{
	if (docker_unlimited(arg)) /* swap without limit */
		return c->cgroup.memory_swap = 0;
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
	/* no /sys: what musl 1.2.3's sysconf(_SC_NPROCESSORS_CONF) counts (the affinity mask),
	 * without linking sysconf's whole table (1 KB) */
	if (!isdigit((unsigned char)buf[0])) {
		cpu_set_t set;

		return sched_getaffinity(0, sizeof(set), &set) ? 1 : (unsigned)CPU_COUNT(&set);
	}
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
	uint64_t v;

	if (cli_parse_u64(arg, 10000, &v) || !v)
		return nb_fail(err, EINVAL, "--cpu-weight", arg, "expected 1 to 10000");
	c->cgroup.cpu_weight = (unsigned)v;
	return 0;
}

static int opt_pids(struct nb_container *c, const char *arg, struct nb_error *err)
{
	uint64_t v;

	if (cli_parse_u64(arg, INT_MAX, &v) || !v)
		return nb_fail(err, EINVAL, "--pids", arg,
			       "expected a number of processes above 0");
	c->cgroup.pids = v;
	return 0;
}

static int opt_pids_limit(struct nb_container *c, const char *arg, struct nb_error *err)
{
	if (docker_unlimited(arg))
		return c->cgroup.pids = 0;
	return opt_pids(c, arg, err);
}

/* docker's --cpu-shares (2..262144, default 1024) onto cpu.weight (1..10000), as runc's
 * ConvertCPUSharesToCgroupV2Value; 0 is the default. */
static int opt_cpu_shares(struct nb_container *c, const char *arg, struct nb_error *err)
{
	uint64_t shares;

	if (cli_parse_u64(arg, 262144, &shares))
		return nb_fail(err, EINVAL, "--cpu-shares", arg, "expected 0 to 262144");
	shares += shares == 1; /* the kernel's least, 2 */
	c->cgroup.cpu_weight = shares ? (unsigned)(1 + ((shares - 2) * 9999) / 262142) : 0;
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
	unsigned long long major, minor;
	const char *limits;
	char copy[256];

	if (c->cgroup.n_io == NB_CGROUP_IO_MAX)
		return nb_fail(err, EINVAL, "--io-max", arg, "at most 8 devices");
	memset(io, 0, sizeof(*io));
	limits = scan_unsigned(arg, 10, ~0U, &major);
	limits = scan_prefix(scan_unsigned(scan_prefix(limits, ":"), 10, ~0U, &minor), ":");
	if (!limits || snprintf(copy, sizeof(copy), "%s", limits) >= (int)sizeof(copy))
		return nb_fail(err, EINVAL, "--io-max", arg,
			       "expected MAJ:MIN:rbps=N,wbps=N,riops=N,wiops=N");
	io->major = (unsigned)major;
	io->minor = (unsigned)minor;
	/* strsep, not strtok: an empty field ("rbps=1,") is an error, not skipped */
	for (char *kv, *rest = copy; (kv = strsep(&rest, ","));) {
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

	c->cgroup.wanted = true;
	if (!strcmp(arg,
		    "default")) /* nestbox/NAME, as when a limit is given (./default: a group) */
		return 0;
	if (!*arg || !strcmp(arg, "/"))
		return nb_fail(err, EINVAL, "--cgroup", arg,
			       "expected a group path like /a/b or a/b");
	for (; *p; p += strcspn(p, "/")) {
		while (*p == '/')
			p++;
		if (!strncmp(p, "..", 2) && (p[2] == '/' || !p[2]))
			return nb_fail(err, EINVAL, "--cgroup", arg, "'..' is not allowed");
	}
	for (p = arg; *p; p++) /* the state file keeps one path per line */
		if (iscntrl((unsigned char)*p))
			return nb_fail(err, EINVAL, "--cgroup", arg,
				       "control characters are not allowed");
	c->cgroup.path = arg;
	return 0;
}

/* docker's --cgroup-parent P: the group is P/NAME (cli.c sets it once the name is known) */
static int opt_cgroup_parent(struct nb_container *c, const char *arg, struct nb_error *err)
{
	int rc = opt_cgroup(c, arg, err);

	c->cgroup.parent = c->cgroup.path;
	c->cgroup.path = NULL;
	return rc;
}

static int opt_memory_reservation(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return size_option("--memory-reservation", arg, &c->cgroup.memory_low, err);
}

/* docker's --device-read-bps PATH:RATE (and -write-bps, -read-iops, -write-iops): an
 * --io-max limit of PATH's device. */
static int device_limit(struct nb_container *c, const char *opt, const char *arg, int which,
			struct nb_error *err)
{
	const char *colon = strrchr(arg, ':');
	struct nb_cgroup_io *io = c->cgroup.io;
	unsigned long long v, *slot[4];
	char path[PATH_MAX];
	struct stat st;
	int i;

	if (!colon || colon == arg || parse_size(colon + 1, &v))
		return nb_fail(err, EINVAL, opt, arg, "expected DEVICE:RATE");
	snprintf(path, sizeof(path), "%.*s", (int)(colon - arg), arg);
	if (stat(path, &st))
		return nb_fail_errno(err, opt, path);
	if (!S_ISBLK(st.st_mode))
		return nb_fail(err, ENOTBLK, opt, path, "not a block device");
	for (i = 0; i < c->cgroup.n_io; i++)
		if (io[i].major == major(st.st_rdev) && io[i].minor == minor(st.st_rdev))
			break;
	if (i == NB_CGROUP_IO_MAX)
		return nb_fail(err, EINVAL, opt, arg, "at most 8 devices");
	if (i == c->cgroup.n_io) {
		memset(&io[i], 0, sizeof(io[i]));
		io[i].major = major(st.st_rdev);
		io[i].minor = minor(st.st_rdev);
		c->cgroup.n_io++;
	}
	slot[0] = &io[i].rbps, slot[1] = &io[i].wbps, slot[2] = &io[i].riops,
	slot[3] = &io[i].wiops;
	*slot[which] = v;
	return 0;
}

static int opt_device_read_bps(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return device_limit(c, "--device-read-bps", arg, 0, err);
}

static int opt_device_write_bps(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return device_limit(c, "--device-write-bps", arg, 1, err);
}

static int opt_device_read_iops(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return device_limit(c, "--device-read-iops", arg, 2, err);
}

static int opt_device_write_iops(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return device_limit(c, "--device-write-iops", arg, 3, err);
}

static int opt_stats(struct nb_container *c, const char *arg, struct nb_error *err)
{
	(void)arg;
	(void)err;
	c->cgroup.stats = true;
	return 0;
}

const struct cli_option cgroup_options[] = {
	OPT("memory", "m", 1, opt_memory, "SIZE          memory limit (k, m, g)"),
	OPT("memory-swap", " ", 1, opt_memory_swap,
	    "SIZE         memory + swap limit (at least --memory)"),
	OPT("cpus", " ", 1, opt_cpus, "N.N           CPU time limit, in CPUs"),
	OPT("cpu-weight", " ", 1, opt_cpu_weight, "N             relative CPU weight, 1-10000"),
	OPT("pids", " ", 1, opt_pids, "N             most processes at once"),
	OPT("cpuset", " ", 1, opt_cpuset, "CPUS          CPUs allowed, e.g. 0-1,3"),
	OPT("cpuset-mems", " ", 1, opt_cpuset_mems, "NODES        memory nodes allowed"),
	OPT("io-max", " ", 1, opt_io_max,
	    "MAJ:MIN:L,..  block I/O limits, L: rbps=N wbps=N riops=N wiops=N"),
	OPT("cgroup", " ", 1, opt_cgroup,
	    "PATH          the container's cgroup (default: nestbox/NAME, made even without "
	    "limits)"),
	OPT("stats", " ", 0, opt_stats, "              print memory, CPU, pids used at exit"),
	/* docker's spellings */
	OPT("pids-limit", " ", 1, opt_pids_limit, ""),
	OPT("cpu-shares", " ", 1, opt_cpu_shares, ""),
	OPT("cpuset-cpus", " ", 1, opt_cpuset, ""),
	OPT("cgroup-parent", " ", 1, opt_cgroup_parent, ""),
	OPT("memory-reservation", " ", 1, opt_memory_reservation, ""),
	OPT("device-read-bps", " ", 1, opt_device_read_bps, ""),
	OPT("device-write-bps", " ", 1, opt_device_write_bps, ""),
	OPT("device-read-iops", " ", 1, opt_device_read_iops, ""),
	OPT("device-write-iops", " ", 1, opt_device_write_iops, ""),
	{ NULL },
};

/* --- checks against the machine ------------------------------------------------------------ */

/* --io-max MAJ:MIN: a block device of this machine, the whole disk (blkg_conf_open_bdev()
 * refuses a partition with ENODEV). Without sysfs the kernel's answer has to do. */
static int check_block_device(const struct nb_cgroup_io *io, struct nb_error *err)
{
	char dev[32], path[96];
	struct stat st;

	snprintf(dev, sizeof(dev), "%u:%u", io->major, io->minor);
	if (stat("/sys/dev/block", &st))
		return 0;
	snprintf(path, sizeof(path), "/sys/dev/block/%s", dev);
	if (stat(path, &st))
		return nb_fail(err, ENODEV, "--io-max", dev,
			       "no such block device here (lsblk or /proc/partitions lists them)");
	snprintf(path, sizeof(path), "/sys/dev/block/%s/partition", dev);
	if (!stat(path, &st))
		return nb_fail(err, ENODEV, "--io-max", dev,
			       "a partition: limits apply to whole disks (MAJ:0 in lsblk)");
	return 0;
}

int cgroup_validate(const struct nb_cgroup_spec *s, struct nb_error *err)
{
	if (s->memory && s->memory < NB_CGROUP_MIN_MEMORY) {
		char value[32];

		snprintf(value, sizeof(value), s->memory % 1024 ? "%llu bytes" : "%llu KiB",
			 s->memory % 1024 ? s->memory : s->memory >> 10);
		return nb_fail(err, EINVAL, "--memory", value,
			       "below 256 KiB, the least any container starts with (e.g. 64m)");
	}
	if (s->memory_swap && !s->memory)
		return nb_fail(err, EINVAL, "--memory-swap", NULL, "needs --memory");
	if (s->memory_swap && s->memory_swap < s->memory)
		return nb_fail(err, EINVAL, "--memory-swap", NULL,
			       "must be at least --memory (it counts memory + swap)");
	if (s->memory_low && s->memory && s->memory_low > s->memory)
		return nb_fail(err, EINVAL, "--memory-reservation", NULL,
			       "must be at most --memory (docker's rule)");
	for (int i = 0; i < s->n_io; i++) {
		int rc = check_block_device(&s->io[i], err);

		if (rc)
			return rc;
	}
	return 0;
}
