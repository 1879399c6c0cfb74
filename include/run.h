/* A container's life as four calls on one run record:
 *
 *   run_create   everything set up: the name held, cgroup, namespaces, the root built; the
 *                container's PID 1 exists and waits for its start byte before the workload
 *   run_start    release it
 *   run_wait     forward signals until it exits: its status (128+N for signal N)
 *   run_destroy  undo everything this run made
 *
 * `nestbox run` is the four in one process. `nestbox create` is run_create with detached set:
 * the container then outlives the process, its state is in the state directory (state.h), and
 * `nestbox start` / `nestbox delete` act on it from there (verbs.c). */
#ifndef NB_RUN_H
#define NB_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "container.h"
#include "guard.h"
#include "nb_error.h"
#include "state.h"

struct nb_run {
	const struct nb_container *c;
	bool detached;	       /* nestbox create: the container outlives this process */
	bool keep_state;       /* run_destroy leaves the state directory (run -d's, run_log.c) */
	pid_t pid;	       /* the container's PID 1 as the host sees it; 0 before the clone */
	int sync_fd;	       /* this side's end of the socket to the container side */
	sigset_t saved;	       /* the caller's signal mask */
	struct nb_state state; /* the name, held */
	struct nb_record record;
	struct nb_cgroup cg;   /* the container's group (cgroup.h) */
	struct nb_guard guard; /* removes it if this process is killed (guard.h) */
};

/* Returns 0 (created), -errno with err filled when the host side failed (nothing is left), or
 * an exit status > 0 when the container side failed during setup and already said why (then
 * run_destroy still undoes the rest). */
int run_create(struct nb_run *r, const struct nb_container *c, const char *state_root,
	       bool detached, struct nb_error *err);

/* In-process start: 0 or -errno with err filled. */
int run_start(struct nb_run *r, struct nb_error *err);

/* The exit status for `nestbox run`. */
int run_wait(struct nb_run *r);

/* Undo what run_create made; returns the status to exit with (an OOM kill turns it to 137). */
int run_destroy(struct nb_run *r, int status);

/* create + start + wait + destroy. Returns like run_create, or the exit status. */
int container_run(const struct nb_container *c, const char *state_root, struct nb_error *err);

#endif
