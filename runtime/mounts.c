/* Mount namespace setup: see include/mounts.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "container.h"
#include "mount_api.h"
#include "mounts.h"
#include "nested.h"

int mounts_make_private(struct nb_error *err)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return nb_fail_errno(err, "make / private", "/");
	return 0;
}

int mounts_mkdir_p(const char *path, unsigned mode)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;

		*p = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return -1;
		*p = saved;
		if (!saved)
			return 0;
	}
}

/* pivot_root(2) fails with EINVAL when the current root is the initramfs rootfs, which can
 * never be unmounted. Make the root a real mount first: clone the whole tree (open_tree),
 * move the clone on top of /, and chroot into it. A plain chroot instead of pivot_root
 * could be escaped; this is only the step that lets pivot_root work. */
int mounts_reroot_initramfs(struct nb_error *err)
{
	int fd = nb_open_tree(AT_FDCWD, "/", OPEN_TREE_CLONE | AT_RECURSIVE | O_CLOEXEC);

	if (fd < 0)
		return nb_fail_errno(err, "re-root initramfs: open_tree", "/");
	if (fchdir(fd) ||
	    syscall(SYS_move_mount, fd, "", AT_FDCWD, "/", NB_MOVE_MOUNT_F_EMPTY_PATH) ||
	    chroot(".") || chdir("/")) {
		int rc = nb_fail_errno(err, "re-root initramfs", "/");

		close(fd);
		return rc;
	}
	close(fd);
	return 0;
}

static int pivot_into_scratch(const char *mount_point, const char *options)
{
	if (mount("nestbox", mount_point, "tmpfs", MS_NOSUID | MS_NODEV, options))
		return -1;
	/* Relative to the scratch root we are in: OLDROOT and NEWROOT without their '/'. */
	if (chdir(mount_point) || mkdir(&OLDROOT[1], 0700) || mkdir(&NEWROOT[1], 0755) ||
	    syscall(SYS_pivot_root, ".", &OLDROOT[1]) || chdir("/")) {
		int saved = errno;

		if (chdir("/") == 0)
			umount2(mount_point, MNT_DETACH);
		errno = saved;
		return -1;
	}
	return 0;
}

int mounts_enter_scratch(const struct nb_container *c, struct nb_error *err)
{
	const char *mount_point = c->layers[0];
	char options[96];
	int rc;

	/* The scratch tmpfs holds the writable layer: size-limited, or one container could
	 * fill the machine's memory (tmpfs(5): the default is half of RAM, for each mount). */
	snprintf(options, sizeof(options), "mode=0755,size=%s",
		 c->upper_size ? c->upper_size : NB_UPPER_SIZE_DEFAULT);
	if (pivot_into_scratch(mount_point, options) == 0)
		return 0;
	if (errno != EINVAL) /* EPERM: docker's default seccomp profile has no pivot_root */
		return nested_fail(err, errno, "scratch root", mount_point, NB_NEED_SYS_ADMIN);
	rc = mounts_reroot_initramfs(err);
	if (rc)
		return rc;
	if (pivot_into_scratch(mount_point, options))
		return nb_fail_errno(err, "scratch root after re-root", mount_point);
	return 0;
}

/* mount_setattr(2) on a detached tree: set flags on every mount in it (AT_RECURSIVE), so that
 * a read-only bind has no writable submount. Only setting: clearing a flag the kernel locked
 * (user namespaces) would fail with EPERM. */
static int set_tree_flags(int tree, const char *what, unsigned long flags,
			  unsigned long propagation, struct nb_error *err)
{
	struct nb_mount_attr_v0 attr = { flags & NB_MOUNT_ATTR_MASK, 0, propagation, 0 };

	if (!attr.attr_set && !propagation)
		return 0;
	if (!nb_mount_setattr(tree, AT_RECURSIVE, &attr))
		return 0;
	if (errno == ENOSYS)
		return nb_fail(err, ENOSYS, "mount options", what,
			       "this kernel has no mount_setattr(2) (Linux 5.12), needed to make "
			       "a mount and its submounts read-only or nodev");
	return nb_fail_errno(err, "mount options", what);
}

int mounts_clone_fd(int fd, const char *what, unsigned long flags, unsigned long propagation,
		    struct nb_error *err)
{
	int tree = nb_open_tree(fd, "", OPEN_TREE_CLONE | AT_RECURSIVE | AT_EMPTY_PATH | O_CLOEXEC);
	int rc;

	if (tree < 0)
		return nb_fail_errno(err, "bind", what);
	rc = set_tree_flags(tree, what, flags, propagation, err);
	if (rc) {
		close(tree);
		return rc;
	}
	return tree;
}

int mounts_clone_host(const char *host_path, unsigned long flags, unsigned long propagation,
		      struct nb_error *err)
{
	char source[PATH_MAX];
	int tree, rc;

	if ((size_t)snprintf(source, sizeof(source), OLDROOT "%s", host_path) >= sizeof(source))
		return nb_fail(err, ENAMETOOLONG, "bind", host_path, strerror(ENAMETOOLONG));
	tree = nb_open_tree(AT_FDCWD, source, OPEN_TREE_CLONE | AT_RECURSIVE | O_CLOEXEC);
	if (tree < 0)
		return nb_fail_errno(err, "bind", host_path);
	rc = set_tree_flags(tree, host_path, flags, propagation, err);
	if (rc) {
		close(tree);
		return rc;
	}
	return tree;
}

/* fsconfig(2) for each "key=value" or "flag" of data. */
static int configure_fs(int fs, const char *data)
{
	char buf[256], *save = NULL;

	if (!data)
		return 0;
	if ((size_t)snprintf(buf, sizeof(buf), "%s", data) >= sizeof(buf)) {
		errno = E2BIG;
		return -1;
	}
	for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *value = strchr(kv, '=');

		if (value)
			*value++ = '\0';
		if (syscall(SYS_fsconfig, fs, value ? NB_FSCONFIG_SET_STRING : NB_FSCONFIG_SET_FLAG,
			    kv, value, 0))
			return -1;
	}
	return 0;
}

int mounts_new_fs(const char *type, const char *source, const char *data, unsigned long flags)
{
	int fs = (int)syscall(SYS_fsopen, type, NB_FSOPEN_CLOEXEC), mnt = -1, saved;

	if (fs < 0)
		return -errno;
	if ((!source || !syscall(SYS_fsconfig, fs, NB_FSCONFIG_SET_STRING, "source", source, 0)) &&
	    !configure_fs(fs, data) &&
	    !syscall(SYS_fsconfig, fs, NB_FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		mnt = (int)syscall(SYS_fsmount, fs, NB_FSMOUNT_CLOEXEC, flags & NB_MOUNT_ATTR_MASK);
	saved = errno;
	close(fs);
	errno = saved;
	return mnt < 0 ? -saved : mnt;
}

int mounts_attach(int tree, int target, const char *what, struct nb_error *err)
{
	int rc = nb_move_mount(tree, target) ? nb_fail_errno(err, "mount", what) : 0;

	close(tree);
	return rc;
}

int mounts_bind_host(const char *host_path, int target, unsigned long flags, struct nb_error *err)
{
	int tree = mounts_clone_host(host_path, flags, 0, err);

	return tree < 0 ? tree : mounts_attach(tree, target, host_path, err);
}

/* A read-only remount must repeat the flags the kernel locked on the mount (nosuid, nodev,
 * noexec...), or it fails with EPERM inside a user namespace. */
static unsigned long locked_flags(const char *path)
{
	static const struct {
		unsigned long st, ms;
	} map[] = { { ST_NOSUID, MS_NOSUID },	      { ST_NODEV, MS_NODEV },
		    { ST_NOEXEC, MS_NOEXEC },	      { ST_NOATIME, MS_NOATIME },
		    { ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME } };
	struct statvfs sv;
	unsigned long flags = 0;

	if (statvfs(path, &sv))
		return 0;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (sv.f_flag & map[i].st)
			flags |= map[i].ms;
	return flags;
}

int mounts_root_read_only(struct nb_error *err)
{
	if (mount(NULL, NEWROOT, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags(NEWROOT),
		  NULL))
		return nb_fail_errno(err, "read-only root", NEWROOT);
	return 0;
}

/* pivot_root(".", ".") stacks the old root on top of the new one; detaching "." then removes
 * the old root (the scratch tmpfs and the host's root under it) without needing a directory
 * for it inside the container's root, which may be read-only. */
int mounts_pivot(struct nb_error *err)
{
	if (chdir(NEWROOT))
		return nb_fail_errno(err, "pivot_root", NEWROOT);
	if (syscall(SYS_pivot_root, ".", "."))
		return nested_fail(err, errno, "pivot_root", NEWROOT, NB_NEED_SYS_ADMIN);
	if (umount2(".", MNT_DETACH))
		return nb_fail_errno(err, "detach old root", "/");
	if (chdir("/"))
		return nb_fail_errno(err, "chdir", "/");
	return 0;
}
