/* The container's mount namespace: private propagation, a scratch root that keeps the host
 * reachable at OLDROOT while the new root is built, mounts made as detached trees (open_tree,
 * fsmount) and attached onto targets opened inside the new root (mount_path.c), and the final
 * pivot_root that leaves no way back. */
#ifndef NB_MOUNTS_H
#define NB_MOUNTS_H

#include <stdbool.h>

#include "nb_error.h"
#include "scratch_root.h"

struct nb_container;
struct nb_mount;

/* Nothing we mount may propagate back to the host. */
int mounts_make_private(struct nb_error *err);

/* Make "/" a real mount when it is the initramfs rootfs, which pivot_root(2) refuses: a clone
 * of the whole tree moved over "/" and chroot'ed into (also boot mode's PID 1, once for all). */
int mounts_reroot_initramfs(struct nb_error *err);

/* Mount a scratch tmpfs (it holds the tmpfs upper layer: size c->upper_size) over the top
 * layer's path and pivot_root into it, keeping the old root at OLDROOT. When the root is the
 * initramfs rootfs (pivot_root: EINVAL), re-root first. */
int mounts_enter_scratch(const struct nb_container *c, struct nb_error *err);

/* A detached copy of the host's path (seen under OLDROOT) with its submounts (open_tree), with
 * flags (MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC) set on every mount of it and propagation
 * (0: unchanged). Returns the tree's fd or -errno with err filled. */
int mounts_clone_host(const char *host_path, unsigned long flags, unsigned long propagation,
		      struct nb_error *err);

/* Same for a tree already open as fd (a target inside the new root). */
int mounts_clone_fd(int fd, const char *what, unsigned long flags, unsigned long propagation,
		    struct nb_error *err);

/* A new filesystem as a detached mount (fsopen, fsconfig with source and data, fsmount):
 * its fd, or -errno (errno set, err untouched: the caller knows what a refusal means). */
int mounts_new_fs(const char *type, const char *source, const char *data, unsigned long flags);

/* Attach the detached tree onto the opened target (move_mount), then close tree. */
int mounts_attach(int tree, int target, const char *what, struct nb_error *err);

/* Bind the host's path onto target (clone + attach). */
int mounts_bind_host(const char *host_path, int target, unsigned long flags, struct nb_error *err);

/* Make NEWROOT's own mount read-only (after everything is mounted inside it). */
int mounts_root_read_only(struct nb_error *err);

/* pivot_root into NEWROOT and detach the scratch root and the host's root beneath it. */
int mounts_pivot(struct nb_error *err);

/* mkdir -p, for directories on the scratch root. */
int mounts_mkdir_p(const char *path, unsigned mode);

/* --- mount_path.c: targets inside the new root -------------------------------------------- */

/* Open m->target under root (an O_PATH fd of NEWROOT) without following any symlink and
 * without leaving root (openat2 RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH); missing components are
 * made one by one (mkdirat; the last an empty file when make is NB_MAKE_LIKE_SOURCE and the
 * source is not a directory). *fd is an O_PATH fd, or -1 when the target is missing and the
 * step makes nothing. A symlink on the way, or a non-directory where NB_MOPT_REAL_DIR wants
 * one, is refused. */
int mounts_open_target(int root, const struct nb_mount *m, bool source_is_dir, int *fd,
		       struct nb_error *err);

/* path (relative to root, no leading '/') opened O_PATH the same way, or -errno. */
int mounts_open_in_root(int root, const char *path);

#endif
