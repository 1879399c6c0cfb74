/* The workload process: environment, user, working directory, exec. */
#ifndef NB_PROCESS_H
#define NB_PROCESS_H

#include "container.h"

/* Set up the workload's process and exec it. Returns only on failure, with the exit status to
 * use: 125 (setup failed), 126 (cannot execute), 127 (not found), after one line on stderr. */
int process_exec(const struct nb_container *c);

#endif
