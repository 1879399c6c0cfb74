/* The workload process: environment, user, working directory, exec. */
#ifndef NB_PROCESS_H
#define NB_PROCESS_H

#include "container.h"

/* c->gid when --user gave no group: process_exec takes the image's /etc/passwd entry's group
 * for the uid, or 0 when it has none (docker's rule). No --user GID can be this value. */
#define NB_GID_UNSET ((gid_t)-1)

/* Set up the workload's process and exec it. Returns only on failure, with the exit status to
 * use: 125 (setup failed), 126 (cannot execute), 127 (not found), after one line on stderr. */
int process_exec(const struct nb_container *c);

/* Close every fd above stderr but the caller's first `preserve` (--preserve-fds), as the
 * workload must see them: the reaper calls it before it forks the workload, process_exec too. */
void process_close_fds(unsigned preserve);

#endif
