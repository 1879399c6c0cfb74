/* The new mount API and openat2(2), for the files that build the container's root. musl 1.2.3
 * has no wrappers for them, and linux/mount.h clashes with musl's sys/mount.h (MS_MGC_VAL), so
 * the few constants needed are repeated here with the kernel's values. */
#ifndef NB_MOUNT_API_H
#define NB_MOUNT_API_H

#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#define NB_MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define NB_MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#define NB_FSOPEN_CLOEXEC	   0x00000001
#define NB_FSMOUNT_CLOEXEC	   0x00000001
#define NB_FSCONFIG_SET_FLAG	   0
#define NB_FSCONFIG_SET_STRING	   1
#define NB_FSCONFIG_CMD_CREATE	   6
/* MOUNT_ATTR_RDONLY, _NOSUID, _NODEV, _NOEXEC have the values of MS_RDONLY ... MS_NOEXEC. */
#define NB_MOUNT_ATTR_MASK 0xfUL

struct nb_mount_attr_v0 { /* struct mount_attr, MOUNT_ATTR_SIZE_VER0 */
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};

static inline int nb_open_tree(int dirfd, const char *path, unsigned flags)
{
	return (int)syscall(SYS_open_tree, dirfd, path, flags);
}

static inline int nb_move_mount(int from, int to)
{
	return (int)syscall(SYS_move_mount, from, "", to, "",
			    NB_MOVE_MOUNT_F_EMPTY_PATH | NB_MOVE_MOUNT_T_EMPTY_PATH);
}

static inline int nb_mount_setattr(int fd, unsigned flags, struct nb_mount_attr_v0 *attr)
{
	return (int)syscall(SYS_mount_setattr, fd, "", flags | AT_EMPTY_PATH, attr, sizeof(*attr));
}

static inline int nb_openat2(int dirfd, const char *path, struct open_how *how)
{
	return (int)syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
}

#endif
