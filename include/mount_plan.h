/* The mount plan: the ordered list of mount steps that builds a container's root. Every front
 * end fills it (cli.c from --rootfs, --bind and the defaults; config.json's "mounts" later), and
 * one walker (mount_walk.c) applies it in order: the overlay root first, then each step with its
 * target resolved inside the new root, never through a symlink of the image. /proc, /sys, /dev,
 * the masked and read-only paths are steps like any bind. */
#ifndef NB_MOUNT_PLAN_H
#define NB_MOUNT_PLAN_H

#include <stdbool.h>

#include "nb_error.h"

struct nb_container;

enum nb_mount_op {
	NB_MOUNT_ROOT,		/* the layers at NEWROOT (overlay.c) */
	NB_MOUNT_ETC,		/* /etc/hosts and /etc/resolv.conf (net_etc.c) */
	NB_MOUNT_BIND,		/* a host directory or file onto target */
	NB_MOUNT_FS,		/* a new filesystem of type (proc, sysfs, tmpfs, devpts) */
	NB_MOUNT_DEV_NODES,	/* /dev's device nodes and links (dev.c) */
	NB_MOUNT_NODE,		/* config.json's linux.devices entry: one node at target (dev.c) */
	NB_MOUNT_CGROUP,	/* the cgroup view under /sys/fs/cgroup (cgroup_layout.c) */
	NB_MOUNT_MASK,		/* target hidden behind an empty read-only directory or file */
	NB_MOUNT_READ_ONLY,	/* target bound onto itself read-only, with its submounts */
	NB_MOUNT_ROOT_READ_ONLY /* the root's own mount made read-only, last */
};

/* What to make when the target does not exist. */
enum nb_mount_make {
	NB_MAKE_NOTHING, /* skip the step (a masked path this kernel does not have) */
	NB_MAKE_DIR,
	NB_MAKE_LIKE_SOURCE, /* a directory or an empty file, as the bind's source is */
};

/* Step options (bits of nb_mount.opts). */
#define NB_MOPT_REAL_DIR   0x1	/* refuse an image whose target is not a real directory */
#define NB_MOPT_HOST_SYSFS 0x2	/* sysfs refused (not our network namespace): bind the host's */
#define NB_MOPT_DEVPTS_GID 0x4	/* gid=5 refused (gid 5 not mapped): mount without it */
#define NB_MOPT_EACH_CPU   0x8	/* target has "cpu*": one step per /sys/devices/system/cpu/cpuN */
#define NB_MOPT_DEVICE	   0x10 /* --device: a bind of a node, after /dev, dev allowed */

struct nb_mount {
	enum nb_mount_op op;
	const char *source;	   /* BIND: the host path; FS: the name mountinfo shows */
	const char *target;	   /* absolute path inside the container */
	const char *type;	   /* FS: filesystem type */
	unsigned long flags;	   /* MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC */
	const char *data;	   /* FS: "key=value,flag" options */
	unsigned long propagation; /* MS_PRIVATE, MS_SLAVE, MS_SHARED, or 0: as the source */
	enum nb_mount_make make;
	unsigned opts; /* NB_MOPT_* */
	struct {       /* NODE: type (S_IFCHR...), permissions, device number, owner */
		unsigned type, perm, major, minor, uid, gid;
	} node;
};

/* Default sizes of the tmpfs that holds the writable layer and of /dev/shm (tmpfs(5) size=;
 * --upper-size / --shm-size). */
#define NB_UPPER_SIZE_DEFAULT "25%"
#define NB_SHM_SIZE_DEFAULT   "64m"

/* Is path one the plan always masks (read_only: makes read-only)? config.json's maskedPaths
 * and readonlyPaths are accepted when they are. */
bool mount_plan_is_default_mask(const char *path, bool read_only);

/* Append one step to c's plan (the front end's own steps: --bind, config.json mounts). */
int mount_plan_add(struct nb_container *c, const struct nb_mount *m, struct nb_error *err);

/* Once the options are parsed: the complete plan, in order: the root, /etc files, the front
 * end's steps, /proc, /sys, the cgroup view, masked and read-only paths (not --privileged),
 * /dev, and the read-only root (--read-only). */
int mount_plan_build(struct nb_container *c, struct nb_error *err);

/* Container side, on the scratch root: apply c's plan in order, undo what was done on failure,
 * then check that /proc is procfs and every mask is in place (mount_walk.c). */
struct nb_cgroup;
int mount_plan_apply(const struct nb_container *c, const struct nb_cgroup *cg,
		     struct nb_error *err);

/* After pivot_root: the root mount's propagation as config.json's linux.rootfsPropagation. */
int mount_plan_root_propagation(const struct nb_container *c, struct nb_error *err);

#endif
