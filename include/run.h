/* A container's life, from a validated description to the workload's exit status. */
#ifndef NB_RUN_H
#define NB_RUN_H

#include "container.h"
#include "nb_error.h"

/* Run c. Returns the exit status for `nestbox run` (>= 0: the workload's, 128+N for signal N,
 * 125 when the container side failed and said why), or -errno with err filled when the host
 * side failed before the container existed. */
int container_run(const struct nb_container *c, struct nb_error *err);

#endif
