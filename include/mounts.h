/* The container's mount namespace: private propagation, a scratch root that keeps the host
 * reachable at OLDROOT while the new root is built, bind mounts, /proc and /sys, and the final
 * pivot_root that leaves no way back. */
#ifndef NB_MOUNTS_H
#define NB_MOUNTS_H

#include <stdbool.h>

#include "nb_error.h"

/* Where the host's root is seen while the container's root is assembled. */
#define OLDROOT "/oldroot"
/* Where the container's root is assembled, on the scratch tmpfs. */
#define NEWROOT "/newroot"

/* Nothing we mount may propagate back to the host. */
int mounts_make_private(struct nb_error *err);

/* Mount a scratch tmpfs over mount_point and pivot_root into it, keeping the old root at
 * OLDROOT. When the root is the initramfs rootfs (pivot_root: EINVAL), re-root first. */
int mounts_enter_scratch(const char *mount_point, struct nb_error *err);

/* Bind host_path (seen under OLDROOT) onto NEWROOT/dst, creating the target if needed. */
int mounts_bind(const char *host_path, const char *dst, bool read_only, struct nb_error *err);

/* Fresh /proc for the container's pid namespace; /sys read-only. */
int mounts_proc(struct nb_error *err);
int mounts_sys(struct nb_error *err);

/* Make NEWROOT's own mount read-only (after everything is mounted inside it). */
int mounts_root_read_only(struct nb_error *err);

/* pivot_root into NEWROOT and detach the scratch root and the host's root beneath it. */
int mounts_pivot(struct nb_error *err);

/* mkdir -p, for mount points created in the writable layer. */
int mounts_mkdir_p(const char *path, unsigned mode);

#endif
