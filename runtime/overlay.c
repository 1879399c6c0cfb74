/* Root filesystem from layers: see include/overlay.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "mounts.h"
#include "nested.h"
#include "overlay.h"

/* The fresh writable layer lives on the scratch tmpfs and goes away with the container. */
#define SCRATCH_UPPER "/rw/upper"
#define SCRATCH_WORK  "/rw/work"

static int append(char *buf, size_t size, size_t *len, const char *a, const char *b)
{
	int n = snprintf(buf + *len, size - *len, "%s%s", a, b);

	if (n < 0 || (size_t)n >= size - *len)
		return -ENAMETOOLONG;
	*len += (size_t)n;
	return 0;
}

int overlay_options(const struct nb_container *c, const char *host_prefix, char *buf, size_t size)
{
	size_t len = 0;
	int rc = append(buf, size, &len, "lowerdir=", "");

	for (int i = 0; !rc && i < c->n_layers; i++) {
		rc = append(buf, size, &len, i ? ":" : "", host_prefix);
		if (!rc)
			rc = append(buf, size, &len, c->layers[i], "");
	}
	if (rc || c->read_only)
		return rc;
	if (c->upper) {
		rc = append(buf, size, &len, ",upperdir=", host_prefix);
		if (!rc)
			rc = append(buf, size, &len, c->upper, "");
		if (!rc)
			rc = append(buf, size, &len, ",workdir=", host_prefix);
		if (!rc)
			rc = append(buf, size, &len, c->work, "");
		return rc;
	}
	return append(buf, size, &len, ",upperdir=" SCRATCH_UPPER ",workdir=" SCRATCH_WORK, "");
}

#define OVERLAYFS_SUPER_MAGIC 0x794c7630

/* overlayfs refuses a single lower layer without an upper one ("at least 2 lowerdir are
 * needed while upperdir nonexistent"): a read-only bind of that layer, with its submounts, is
 * the same root. config.json's root.path is the container's root itself (runtime-spec
 * config.md "root"; runc and crun bind it): the same bind, writable unless root.readonly. */
static int mount_single(const struct nb_container *c, unsigned long flags, struct nb_error *err)
{
	int root = open(NEWROOT, O_PATH | O_DIRECTORY | O_CLOEXEC), rc;

	if (root < 0)
		return nb_fail_errno(err, "open", NEWROOT);
	rc = mounts_bind_host(c->layers[0], root, flags | (c->read_only ? MS_RDONLY : 0), err);
	close(root);
	return rc;
}

/* The kernel refuses an overlay over an overlay over an overlay (FILESYSTEM_MAX_STACK_DEPTH is
 * 2) with a bare EINVAL: nestbox inside nestbox inside nestbox, each using a directory of its
 * own root as the next one's layer. Name the layer and what works instead. */
static int stacked_too_deep(const struct nb_container *c, struct nb_error *err)
{
	char path[PATH_MAX];
	struct statfs sf;

	for (int i = 0; i < c->n_layers; i++) {
		snprintf(path, sizeof(path), OLDROOT "%s", c->layers[i]);
		if (!statfs(path, &sf) && sf.f_type == OVERLAYFS_SUPER_MAGIC)
			return nb_fail(
			    err, EINVAL, "mount overlay", c->layers[i],
			    "Invalid argument: this layer is itself on an overlayfs (a "
			    "container's root?) and overlayfs stacks at most 2 deep: pass "
			    "--rootfs layers bound in from a lower level (the host's "
			    "directories), or use --read-only with one layer");
	}
	return 0;
}

int overlay_mount_root(const struct nb_container *c, unsigned long flags, struct nb_error *err)
{
	char options[4096];

	if (c->n_layers == 1 && (c->read_only || c->root_bind))
		return mount_single(c, flags, err);
	if (!c->read_only && !c->upper &&
	    (mounts_mkdir_p(SCRATCH_UPPER, 0755) || mkdir(SCRATCH_WORK, 0700)))
		return nb_fail_errno(err, "tmpfs upper layer", SCRATCH_UPPER);
	if (overlay_options(c, OLDROOT, options, sizeof(options)))
		return nb_fail(err, ENAMETOOLONG, "--rootfs", c->layers[0],
			       "too many or too long layer paths for one overlay mount");
	if (mount("overlay", NEWROOT, "overlay", (c->read_only ? MS_RDONLY : 0) | flags, options)) {
		int saved = errno;

		if (saved == EINVAL && stacked_too_deep(c, err))
			return -EINVAL;
		errno = saved;
		if (errno == ENODEV)
			return nb_fail(err, ENODEV, "mount overlay", NEWROOT,
				       "the kernel has no overlayfs (load the overlay module)");
		return nested_fail(err, errno, "mount overlay", options,
				   NB_NEED_SYS_ADMIN | NB_NEED_DAC_OVERRIDE);
	}
	return 0;
}
