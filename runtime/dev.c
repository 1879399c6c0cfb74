/* The container's /dev: nothing of the host's devices but the harmless character devices. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
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
 * host's node of that path instead (as runc does). One already there is left as it is (runc's
 * rule for linux.devices; /dev's own tmpfs is fresh). as_made: the node mknod makes is already
 * the one asked for (umask 0, the caller's own uid and gid, a directory without setgid), so it
 * is not chowned and chmodded again (12 syscalls of every run's /dev, ~0.035 ms). */
static int make_node(int dir, const char *name, const struct nb_mount *m, const char *host,
		     bool as_made, struct nb_error *err)
{
	unsigned mode = m->node.type | m->node.perm;
	int fd, rc;

	if (!mknodat(dir, name, mode, makedev(m->node.major, m->node.minor)))
		/* mknod(2) takes the umask off the mode and gives the node our fsuid and fsgid */
		return !as_made && (fchownat(dir, name, m->node.uid, m->node.gid,
					     AT_SYMLINK_NOFOLLOW) ||
				    fchmodat(dir, name, m->node.perm, 0))
			   ? nb_fail_errno(err, "mknod", host)
			   : 0;
	if (errno == EEXIST)
		return 0;
	if (errno != EPERM || S_ISFIFO(mode))
		return nb_fail_errno(err, "mknod", host);
	fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0)
		return nb_fail_errno(err, "create", host);
	close(fd);
	fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return nb_fail_errno(err, "create", host);
	rc = mounts_bind_host(host, fd, 0, err);
	close(fd);
	return rc;
}

int dev_populate(int root, const char *target, struct nb_error *err)
{
	int path = mounts_open_in_root(root, target + (target[0] == '/')), dev, rc = 0;
	/* root's nodes on /dev's fresh tmpfs (mode 0755): with umask 0, as mknod makes them */
	bool as_made = geteuid() == 0 && getegid() == 0;
	mode_t umask_was;

	if (path < 0)
		return nb_fail(err, -path, "mount /dev", target, "cannot open it");
	/* O_PATH cannot be a mknodat dirfd: reopen it as a directory (it is the tmpfs's root). */
	dev = openat(path, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(path);
	if (dev < 0)
		return nb_fail_errno(err, "mount /dev", target);
	umask_was = umask(0);
	for (size_t i = 0; !rc && i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++) {
		const struct nb_mount m = { .node = { S_IFCHR, 0666, dev_nodes[i].major,
						      dev_nodes[i].minor, 0, 0 } };
		char host[64];

		snprintf(host, sizeof(host), "/dev/%s", dev_nodes[i].name);
		rc = make_node(dev, dev_nodes[i].name, &m, host, as_made, err);
	}
	umask(umask_was);
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
	int parent = open_parent(root, m, dir, sizeof(dir), &name, err), rc;

	if (parent < 0)
		return parent;
	rc = make_node(parent, name, m, m->target, false, err);
	close(parent);
	return rc;
}
