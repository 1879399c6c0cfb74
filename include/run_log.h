/* A detached run (`nestbox run -d`, issue 26) and the output it keeps in its state directory
 * (state.h): ROOT/NAME/log, rotated once to log.1 when it would pass RUN_LOG_MAX (so at most
 * twice that is kept, in /run's memory), and ROOT/NAME/exit, the exit status once it ended.
 * `nestbox logs` (verb_logs.c) prints them, `nestbox ps` shows "exited (N)", rm removes them. */
#ifndef NB_RUN_LOG_H
#define NB_RUN_LOG_H

#include "container.h"
#include "nb_error.h"
#include "state.h"

#define RUN_LOG_MAX  (1L << 20) /* bytes of one log file */
#define RUN_LOG_FILE "log"	/* and "log.1", the one before */
#define RUN_LOG_EXIT "exit"

/* Set c up and start it in the background under a monitor process of its own, which keeps its
 * output and exit status; print the name. 0, -errno with err filled (nothing made), or the exit
 * status of a setup that failed and said why. */
int run_detached(const struct nb_container *c, const char *state_root, struct nb_error *err);

/* from's bytes up to its end (or, non-blocking, what it holds now) onto to. */
void run_log_copy(int from, int to);

/* The exit status a detached run's monitor recorded, or -1 (none: running, or not run -d). */
int run_log_exit_code(const struct nb_state *s);

#endif
