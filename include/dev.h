/* The container's minimal /dev: the mount plan mounts a tmpfs there (and devpts, /dev/shm);
 * this fills it. */
#ifndef NB_DEV_H
#define NB_DEV_H

#include "nb_error.h"

/* In the tmpfs at target (under root, the new root's O_PATH fd): null, zero, full, random,
 * urandom, tty, and the fd/stdin/stdout/stderr/ptmx links. */
int dev_populate(int root, const char *target, struct nb_error *err);

/* A NB_MOUNT_NODE step: mknod(2) at m->target, its directory resolved inside root (made when
 * missing, never through a symlink), owner and mode set; one already there is left as it is
 * (runc's rule). In a user namespace, where mknod is refused, the host's node of that path is
 * bound there instead (as runc does). */
struct nb_mount;
int dev_make_node(int root, const struct nb_mount *m, struct nb_error *err);

#endif
