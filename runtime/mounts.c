/* Mount namespace setup: see include/mounts.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mounts.h"
#include "nested.h"

/* From linux/mount.h, which clashes with musl's sys/mount.h. */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif

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
static int reroot_initramfs(struct nb_error *err)
{
	int fd = (int)syscall(SYS_open_tree, AT_FDCWD, "/", OPEN_TREE_CLONE | AT_RECURSIVE);

	if (fd < 0)
		return nb_fail_errno(err, "re-root initramfs: open_tree", "/");
	if (fchdir(fd) || syscall(SYS_move_mount, fd, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) ||
	    chroot(".")) {
		int rc = nb_fail_errno(err, "re-root initramfs", "/");

		close(fd);
		return rc;
	}
	close(fd);
	return 0;
}

static int pivot_into_scratch(const char *mount_point)
{
	if (mount("nestbox", mount_point, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"))
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

int mounts_enter_scratch(const char *mount_point, struct nb_error *err)
{
	int rc;

	if (pivot_into_scratch(mount_point) == 0)
		return 0;
	if (errno != EINVAL) /* EPERM: docker's default seccomp profile has no pivot_root */
		return nested_fail(err, errno, "scratch root", mount_point, NB_NEED_SYS_ADMIN);
	rc = reroot_initramfs(err);
	if (rc)
		return rc;
	if (pivot_into_scratch(mount_point))
		return nb_fail_errno(err, "scratch root after re-root", mount_point);
	return 0;
}

static int make_bind_target(const char *target, const char *source)
{
	struct stat st;
	char parent[PATH_MAX];
	char *slash;
	int fd;

	if (!lstat(target, &st))
		return 0;
	if (stat(source, &st))
		return -1;
	if (S_ISDIR(st.st_mode))
		return mounts_mkdir_p(target, 0755);
	snprintf(parent, sizeof(parent), "%s", target);
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		if (mounts_mkdir_p(parent, 0755))
			return -1;
	}
	fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	return close(fd);
}

/* A read-only remount of a bind must repeat the flags the kernel locked on the source mount
 * (nosuid, nodev, noexec...), or it fails with EPERM inside a user namespace. */
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

int mounts_bind(const char *host_path, const char *dst, bool read_only, struct nb_error *err)
{
	char source[PATH_MAX], target[PATH_MAX];

	snprintf(source, sizeof(source), OLDROOT "%s", host_path);
	snprintf(target, sizeof(target), NEWROOT "%s", dst);
	if (make_bind_target(target, source))
		return nb_fail_errno(err, "bind target", dst);
	if (mount(source, target, NULL, MS_BIND | MS_REC, NULL))
		return nb_fail_errno(err, "bind", host_path);
	if (read_only && mount(NULL, target, NULL,
			       MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags(target), NULL))
		return nb_fail_errno(err, "bind read-only", dst);
	return 0;
}

int mounts_proc(struct nb_error *err)
{
	if (mounts_mkdir_p(NEWROOT "/proc", 0555))
		return nb_fail_errno(err, "mount /proc", NEWROOT "/proc");
	if (mount("proc", NEWROOT "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return nested_fail_proc(err, errno, "mount /proc", NEWROOT "/proc",
					OLDROOT "/proc");
	return 0;
}

int mounts_sys(struct nb_error *err)
{
	const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY;

	if (mounts_mkdir_p(NEWROOT "/sys", 0555))
		return nb_fail_errno(err, "mount /sys", NEWROOT "/sys");
	if (!mount("sysfs", NEWROOT "/sys", "sysfs", flags, NULL))
		return 0;
	/* sysfs can only be mounted by an owner of the network namespace; otherwise show the
	 * host's, read-only. */
	if (errno == EPERM)
		return mounts_bind("/sys", "/sys", true, err);
	return nb_fail_errno(err, "mount /sys", NEWROOT "/sys");
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
