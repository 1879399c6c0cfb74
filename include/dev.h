/* The container's minimal /dev. */
#ifndef NB_DEV_H
#define NB_DEV_H

#include "nb_error.h"

/* A tmpfs /dev under NEWROOT with null, zero, full, random, urandom, tty, a devpts instance
 * of its own (/dev/pts, /dev/ptmx), /dev/shm and the fd/stdin/stdout/stderr links. */
int dev_populate(struct nb_error *err);

#endif
