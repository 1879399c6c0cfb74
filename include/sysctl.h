/* docker's --sysctl KEY=VALUE and --oom-score-adj N: written by the container's first process,
 * before its root is built, so every process of it inherits them. */
#ifndef NB_SYSCTL_H
#define NB_SYSCTL_H

#include "container.h"

/* Each key namespaced, in a namespace the container has of its own: 0 or -errno with err. */
int sysctl_validate(const struct nb_container *c, struct nb_error *err);

/* Container side, still on the host's /proc: procfs's sysctl files act on the writer's own
 * namespaces (net, ipc, uts), and oom_score_adj on the writer. */
int sysctl_apply(const struct nb_container *c, struct nb_error *err);

#endif
