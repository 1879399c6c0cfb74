/* The container side of a run: PID 1 of the new pid namespace, from the clone to the workload.
 * Only lifecycle.c calls it. */
#ifndef NB_CONTAINER_SIDE_H
#define NB_CONTAINER_SIDE_H

#include <signal.h>

#include "cgroup.h"
#include "container.h"

/* One socket between the two sides (socketpair, AF_UNIX stream), one byte a message:
 *   host -> container  SYNC_GO     every host-side step on the child is done (id maps, cgroup,
 *                                  veth): the container side does nothing before it;
 *   container -> host  SYNC_READY  the root is built and pivoted into: the container is created;
 *   host -> container  SYNC_START  run the workload (start_fd < 0; else a byte on start_fd, the
 *                                  state directory's fifo, which `nestbox start` writes);
 *   container -> host  SYNC_STARTED  the startContainer hooks have run (runtime.md: part of
 *                                  start): on the socket, or started_fd (the started fifo).
 * EOF instead of a byte means the other side died. */
#define SYNC_GO	     'G'
#define SYNC_READY   'R'
#define SYNC_START   'S'
#define SYNC_STARTED 'W'

/* Runs in the clone; returns the container's exit status (125: setup failed, said on stderr).
 * detached: the host side exits after create, so the container must not die with it. */
int container_side(const struct nb_container *c, struct nb_cgroup *cg, const sigset_t *saved,
		   int sync_fd, int start_fd, int started_fd, bool detached);

#endif
