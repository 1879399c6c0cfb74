/* The container's minimal /dev: the mount plan mounts a tmpfs there (and devpts, /dev/shm);
 * this fills it. */
#ifndef NB_DEV_H
#define NB_DEV_H

#include "nb_error.h"

/* In the tmpfs at target (under root, the new root's O_PATH fd): null, zero, full, random,
 * urandom, tty, and the fd/stdin/stdout/stderr/ptmx links. */
int dev_populate(int root, const char *target, struct nb_error *err);

#endif
