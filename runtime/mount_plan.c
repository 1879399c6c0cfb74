/* The mount plan builder (include/mount_plan.h): the front end's own steps (--bind) between the
 * defaults every container gets, in the order the walker applies them. Pure: no system call,
 * unit-tested in tests/unit_mount_plan.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "cli.h"
#include "container.h"
#include "mount_plan.h"

#define FS_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* Hidden behind an empty read-only directory or file: moby's default maskedPaths (oci/
 * defaults.go, 2025: /proc/interrupts added; the per-CPU thermal_throttle directories, which
 * let a container trigger and watch thermal events, since moby 28), as runc and Kubernetes. */
static const char *const masked_paths[] = {
	"/proc/acpi",	    "/proc/asound",	 "/proc/interrupts",
	"/proc/kcore",	    "/proc/keys",	 "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	"/proc/scsi",	    "/sys/firmware",	 "/sys/devices/virtual/powercap",
};
#define THERMAL_THROTTLE "/sys/devices/system/cpu/cpu*/thermal_throttle"

static const char *const read_only_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

bool mount_plan_is_default_mask(const char *path, bool read_only)
{
	const char *const *list = read_only ? read_only_paths : masked_paths;
	size_t n = read_only ? N_OF(read_only_paths) : N_OF(masked_paths);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(path, list[i]))
			return true;
	return false;
}

int mount_plan_add(struct nb_container *c, const struct nb_mount *m, struct nb_error *err)
{
	struct nb_mount *grown;

	if (c->n_mounts == c->cap_mounts) {
		int cap = c->cap_mounts ? 2 * c->cap_mounts : 16;

		grown = realloc(c->mounts, (size_t)cap * sizeof(*grown));
		if (!grown)
			return nb_fail_errno(err, "mount plan", m->target);
		c->mounts = grown;
		c->cap_mounts = cap;
	}
	c->mounts[c->n_mounts++] = *m;
	return 0;
}

/* The defaults around the front end's steps. Each list ends with a step whose target is NULL. */
static int add_all(struct nb_container *c, const struct nb_mount *list, struct nb_error *err)
{
	int rc = 0;

	for (; !rc && list->target; list++)
		rc = mount_plan_add(c, list, err);
	return rc;
}

static int add_masks(struct nb_container *c, struct nb_error *err)
{
	struct nb_mount m = { .op = NB_MOUNT_MASK, .make = NB_MAKE_NOTHING };
	int rc = 0;

	for (size_t i = 0; !rc && i < N_OF(masked_paths); i++) {
		m.target = masked_paths[i];
		rc = mount_plan_add(c, &m, err);
	}
	m.target = THERMAL_THROTTLE;
	m.opts = NB_MOPT_EACH_CPU;
	if (!rc)
		rc = mount_plan_add(c, &m, err);
	m = (struct nb_mount){ .op = NB_MOUNT_READ_ONLY, .make = NB_MAKE_NOTHING };
	for (size_t i = 0; !rc && i < N_OF(read_only_paths); i++) {
		m.target = read_only_paths[i];
		rc = mount_plan_add(c, &m, err);
	}
	return rc;
}

static int add_dev(struct nb_container *c, struct nb_error *err)
{
	static char shm_data[64];
	const struct nb_mount dev[] = {
		{ .op = NB_MOUNT_FS,
		  .source = "tmpfs",
		  .target = "/dev",
		  .type = "tmpfs",
		  .flags = MS_NOSUID | MS_NOEXEC,
		  .data = "mode=0755,size=1m",
		  .make = NB_MAKE_DIR,
		  .opts = NB_MOPT_REAL_DIR },
		{ .op = NB_MOUNT_DEV_NODES, .target = "/dev" },
		/* newinstance: the container's ptys are its own, invisible to the host's /dev/pts;
		 * gid=5 (tty) as Docker, so a pty's group is tty. */
		{ .op = NB_MOUNT_FS,
		  .source = "devpts",
		  .target = "/dev/pts",
		  .type = "devpts",
		  .flags = MS_NOSUID | MS_NOEXEC,
		  .data = "newinstance,ptmxmode=0666,mode=0620,gid=5",
		  .make = NB_MAKE_DIR,
		  .opts = NB_MOPT_DEVPTS_GID },
		{ .op = NB_MOUNT_FS,
		  .source = "shm",
		  .target = "/dev/shm",
		  .type = "tmpfs",
		  .flags = FS_FLAGS,
		  .data = shm_data,
		  .make = NB_MAKE_DIR },
		{ .target = NULL },
	};

	snprintf(shm_data, sizeof(shm_data), "mode=1777,size=%s",
		 c->shm_size ? c->shm_size : NB_SHM_SIZE_DEFAULT);
	return add_all(c, dev, err);
}

/* When a front end's step is applied: before the kernel filesystems (binds, config.json's
 * tmpfs), over the container's /dev (--device's nodes, config.json's mounts under /dev such as
 * /dev/mqueue or podman's /dev/shm), or with the masks (config.json's own maskedPaths and
 * readonlyPaths), so that nothing of the defaults hides it. */
enum step_time { STEP_EARLY, STEP_OVER_DEV, STEP_WITH_MASKS };

static enum step_time step_time(const struct nb_mount *m)
{
	if (m->op == NB_MOUNT_MASK || m->op == NB_MOUNT_READ_ONLY)
		return STEP_WITH_MASKS;
	if ((m->opts & NB_MOPT_DEVICE) || m->op == NB_MOUNT_NODE || !strncmp(m->target, "/dev/", 5))
		return STEP_OVER_DEV;
	return STEP_EARLY;
}

static int add_own(struct nb_container *c, struct nb_mount *own, int n_own, enum step_time when,
		   struct nb_error *err)
{
	int rc = 0;

	for (int i = 0; !rc && i < n_own; i++)
		if (step_time(&own[i]) == when) {
			if (own[i].opts & NB_MOPT_DEVICE)
				own[i].flags &= ~MS_NODEV;
			rc = mount_plan_add(c, &own[i], err);
		}
	return rc;
}

int mount_plan_build(struct nb_container *c, struct nb_error *err)
{
	/* Device nodes in the image's layers and in binds do not work (nodev): the container's
	 * devices are the few in its own /dev. --privileged lifts it, as Docker's does. */
	const unsigned long nodev = c->security.privileged ? 0 : MS_NODEV;
	const struct nb_mount head[] = {
		{ .op = NB_MOUNT_ROOT, .target = "/", .flags = nodev },
		{ .op = NB_MOUNT_ETC, .target = "/etc" },
		{ .target = NULL },
	};
	const struct nb_mount proc[] = {
		{ .op = NB_MOUNT_FS,
		  .source = "proc",
		  .target = "/proc",
		  .type = "proc",
		  .flags = FS_FLAGS,
		  .make = NB_MAKE_DIR,
		  .opts = NB_MOPT_REAL_DIR },
		{ .target = NULL },
	};
	const struct nb_mount sys[] = {
		{ .op = NB_MOUNT_FS,
		  .source = "sysfs",
		  .target = "/sys",
		  .type = "sysfs",
		  .flags = FS_FLAGS | MS_RDONLY,
		  .make = NB_MAKE_DIR,
		  .opts = NB_MOPT_REAL_DIR | NB_MOPT_HOST_SYSFS },
		{ .op = NB_MOUNT_CGROUP, .target = "/sys/fs/cgroup" },
		{ .target = NULL },
	};
	struct nb_mount *own = c->mounts;
	int n_own = c->n_mounts, rc;

	c->mounts = NULL;
	c->n_mounts = c->cap_mounts = 0;
	for (int i = 0; i < n_own; i++)
		if (own[i].op == NB_MOUNT_BIND ||
		    own[i].op == NB_MOUNT_FS) /* config.json's tmpfs */
			own[i].flags |= nodev;
	/* /proc, /dev, then /sys: the order of the runtime-spec's default mounts, which
	 * runtime-tools checks in mountinfo */
	rc = add_all(c, head, err);
	if (!rc && !c->root_bind)
		rc = add_own(c, own, n_own, STEP_EARLY, err);
	if (!rc)
		rc = add_all(c, proc, err);
	if (!rc)
		rc = add_dev(c, err);
	if (!rc)
		rc = add_own(c, own, n_own, STEP_OVER_DEV, err);
	if (!rc)
		rc = add_all(c, sys, err);
	/* config.json's own mounts after the standard ones, in its order (runc's; runtime-tools'
	 * mounts test reads mountinfo's order), yet before the masks, which still hide theirs */
	if (!rc && c->root_bind)
		rc = add_own(c, own, n_own, STEP_EARLY, err);
	if (!rc && !c->security.privileged)
		rc = add_masks(c, err);
	if (!rc)
		rc = add_own(c, own, n_own, STEP_WITH_MASKS, err);
	free(own);
	if (!rc && c->read_only) {
		const struct nb_mount ro = { .op = NB_MOUNT_ROOT_READ_ONLY, .target = "/" };

		rc = mount_plan_add(c, &ro, err);
	}
	return rc;
}

/* --- options ----------------------------------------------------------------------------- */

/* A tmpfs(5) size: digits with k, m or g, or a percentage of memory (1% to 100%). Not 0: to
 * tmpfs that means no limit at all. */
static int size_option(const char *opt, const char *arg, const char **out, struct nb_error *err)
{
	size_t digits = strspn(arg, "0123456789");
	const char *suffix = arg + digits;
	uint64_t v;
	char num[24];

	if (!digits || digits >= sizeof(num) ||
	    (suffix[0] && (!strchr("kKmMgG%", suffix[0]) || suffix[1])))
		goto bad;
	memcpy(num, arg, digits);
	num[digits] = '\0';
	if (cli_parse_u64(num, suffix[0] == '%' ? 100 : UINT64_MAX >> 30, &v) || !v)
		goto bad;
	*out = arg;
	return 0;
bad:
	return nb_fail(err, EINVAL, opt, arg,
		       "expected a size above 0: bytes with k, m or g, or a percentage of memory "
		       "(e.g. 64m, 25%)");
}

static int opt_upper_size(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return size_option("--upper-size", arg, &c->upper_size, err);
}

static int opt_shm_size(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return size_option("--shm-size", arg, &c->shm_size, err);
}

const struct cli_option mount_options[] = {
	OPT("upper-size", " ", 1, opt_upper_size,
	    "SIZE          tmpfs writable layer's limit (default 25%)"),
	OPT("shm-size", " ", 1, opt_shm_size, "SIZE          /dev/shm's limit (default 64m)"),
	{ NULL },
};
