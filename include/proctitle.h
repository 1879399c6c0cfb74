/* What the container sees of the host's command: nothing. The container's PID 1 is the clone of
 * the nestbox process, so its /proc/1/cmdline and /proc/1/environ would show nestbox's host
 * command line (the rootfs path, every bind source, the -e values) to the workload. */
#ifndef NB_PROCTITLE_H
#define NB_PROCTITLE_H

#include "container.h"
#include "nb_error.h"

#define NB_PID1_NAME "nestbox-init"

/* Copy what the workload still needs out of the caller's argv and environment into c and the
 * heap, then overwrite both areas: the command line reads name, the environment nothing. */
int proctitle_hide(struct nb_container *c, const char *name, struct nb_error *err);

#endif
