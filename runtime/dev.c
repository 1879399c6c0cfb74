/* The container's /dev: nothing of the host's devices but the harmless character devices. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dev.h"
#include "mounts.h"

#define DEV NEWROOT "/dev"

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
 * host's node instead (as runc does). */
static int make_node(const char *name, unsigned major, unsigned minor, struct nb_error *err)
{
	char path[64], host[64];
	int fd;

	snprintf(path, sizeof(path), DEV "/%s", name);
	if (!mknod(path, S_IFCHR | 0666, makedev(major, minor)))
		return chmod(path, 0666) ? nb_fail_errno(err, "chmod", path) : 0;
	if (errno != EPERM)
		return nb_fail_errno(err, "mknod", path);
	snprintf(host, sizeof(host), "/dev/%s", name);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		return nb_fail_errno(err, "create", path);
	close(fd);
	return mounts_bind(host, host, false, err);
}

static int mount_pts_and_shm(struct nb_error *err)
{
	/* newinstance: the container's ptys are its own, invisible to the host's /dev/pts. */
	if (mkdir(DEV "/pts", 0755) || mount("devpts", DEV "/pts", "devpts", MS_NOSUID | MS_NOEXEC,
					     "newinstance,ptmxmode=0666,mode=0620"))
		return nb_fail_errno(err, "mount devpts", DEV "/pts");
	if (mkdir(DEV "/shm", 01777) ||
	    mount("shm", DEV "/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777"))
		return nb_fail_errno(err, "mount /dev/shm", DEV "/shm");
	return 0;
}

int dev_populate(struct nb_error *err)
{
	char path[64];
	int rc;

	if (mounts_mkdir_p(DEV, 0755) ||
	    mount("tmpfs", DEV, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=1m"))
		return nb_fail_errno(err, "mount /dev", DEV);
	for (size_t i = 0; i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++) {
		rc = make_node(dev_nodes[i].name, dev_nodes[i].major, dev_nodes[i].minor, err);
		if (rc)
			return rc;
	}
	rc = mount_pts_and_shm(err);
	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof(dev_links) / sizeof(dev_links[0]); i++) {
		snprintf(path, sizeof(path), DEV "/%s", dev_links[i].name);
		if (symlink(dev_links[i].target, path))
			return nb_fail_errno(err, "symlink", path);
	}
	return 0;
}
