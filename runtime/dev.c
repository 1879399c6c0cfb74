/* The container's /dev: nothing of the host's devices but the harmless character devices. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dev.h"
#include "mount_plan.h"
#include "mounts.h"

static const struct {
	const char *name;
	unsigned major, minor;
} dev_nodes[] = {
	{ "null", 1, 3 },   { "zero", 1, 5 },	 { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const struct {
	const char *name, *target;
} dev_links[] = {
	{ "fd", "/proc/self/fd" },	 { "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	{ "ptmx", "pts/ptmx" },
};

/* mknod needs CAP_MKNOD in the initial user namespace; inside a user namespace bind the
 * host's node instead (as runc does). dev is the fresh tmpfs, ours: nothing of the image. */
static int make_node(int dev, const char *name, unsigned major, unsigned minor,
		     struct nb_error *err)
{
	char host[64];
	int fd, rc;

	if (!mknodat(dev, name, S_IFCHR | 0666, makedev(major, minor)))
		return fchmodat(dev, name, 0666, 0) ? nb_fail_errno(err, "chmod", name) : 0;
	if (errno != EPERM)
		return nb_fail_errno(err, "mknod", name);
	snprintf(host, sizeof(host), "/dev/%s", name);
	fd = openat(dev, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0)
		return nb_fail_errno(err, "create", host);
	close(fd);
	fd = openat(dev, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return nb_fail_errno(err, "create", host);
	rc = mounts_bind_host(host, fd, 0, err);
	close(fd);
	return rc;
}

int dev_populate(int root, const char *target, struct nb_error *err)
{
	int path = mounts_open_in_root(root, target + (target[0] == '/')), dev, rc = 0;

	if (path < 0)
		return nb_fail(err, -path, "mount /dev", target, "cannot open it");
	/* O_PATH cannot be a mknodat dirfd: reopen it as a directory (it is the tmpfs's root). */
	dev = openat(path, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(path);
	if (dev < 0)
		return nb_fail_errno(err, "mount /dev", target);
	for (size_t i = 0; !rc && i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++)
		rc = make_node(dev, dev_nodes[i].name, dev_nodes[i].major, dev_nodes[i].minor, err);
	for (size_t i = 0; !rc && i < sizeof(dev_links) / sizeof(dev_links[0]); i++)
		if (symlinkat(dev_links[i].target, dev, dev_links[i].name))
			rc = nb_fail_errno(err, "symlink", dev_links[i].name);
	close(dev);
	return rc;
}

/* The directory of target (made if missing, resolved inside root) as a directory fd, and the
 * last component's name in *name. */
static int open_parent(int root, const struct nb_mount *m, char *dir, size_t size,
		       const char **name, struct nb_error *err)
{
	struct nb_mount parent = { .target = dir, .make = NB_MAKE_DIR };
	char *slash;
	int path, fd, rc;

	if ((size_t)snprintf(dir, size, "%s", m->target) >= size)
		return nb_fail(err, ENAMETOOLONG, "linux.devices", m->target, "too long");
	slash = strrchr(dir, '/');
	*name = m->target + (slash - dir) + 1;
	slash[slash == dir] = '\0'; /* "/x": the root itself */
	rc = mounts_open_target(root, &parent, true, &path, err);
	if (rc)
		return rc;
	fd = openat(path, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(path);
	return fd < 0 ? nb_fail_errno(err, "linux.devices", m->target) : fd;
}

int dev_make_node(int root, const struct nb_mount *m, struct nb_error *err)
{
	char dir[PATH_MAX];
	const char *name = NULL;
	int parent = open_parent(root, m, dir, sizeof(dir), &name, err), fd, rc = 0;

	if (parent < 0)
		return parent;
	if (!mknodat(parent, name, m->node.mode, makedev(m->node.major, m->node.minor))) {
		/* mknod(2) takes the umask off; then the owner, as chown(2) clears nothing a
		 * node has */
		if (fchownat(parent, name, m->node.uid, m->node.gid, AT_SYMLINK_NOFOLLOW) ||
		    fchmodat(parent, name, m->node.mode & 07777, 0))
			rc = nb_fail_errno(err, "linux.devices", m->target);
	} else if (errno == EPERM && !S_ISFIFO(m->node.mode)) {
		fd = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0);
		if (fd >= 0) {
			close(fd);
			fd = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		}
		rc = fd < 0 ? nb_fail_errno(err, "linux.devices", m->target)
			    : mounts_bind_host(m->target, fd, 0, err);
		if (fd >= 0)
			close(fd);
	} else if (errno != EEXIST) {
		rc = nb_fail_errno(err, "mknod", m->target);
	}
	close(parent);
	return rc;
}
