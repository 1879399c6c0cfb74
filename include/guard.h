/* The cleanup guard: what nestbox makes on the host outside the container's namespaces (today
 * the cgroup) must not outlive a nestbox that is SIGKILLed, and a dead process cleans nothing.
 * Forked only for a run with a group (cgroup_asked; issue 21: the fork cost every run).
 * So a small process forked before the group is made waits on a socket whose other end only
 * nestbox (and the container's PID 1, which dies with it by PDEATHSIG) hold. EOF without the
 * "done" byte means they died: it removes the group (cgroup_remove on the state it was handed,
 * which kills only what is left in this run's own group) and exits. Everything else dies with
 * the namespaces: mounts, the veth pair (the peer's network namespace ends with PID 1), id maps.
 *
 * Layering: the guard uses the cgroup concern (cgroup.h), never the other way round; cgroup.c
 * reports the directories it is about to make through the struct nb_cgroup's watch hook, which
 * guard_start sets. The guard never outlives its run: guard_end waits for it to exit. */
#ifndef NB_GUARD_H
#define NB_GUARD_H

#include <sys/types.h>

#include "cgroup.h"

struct nb_guard {
	pid_t pid;    /* the guard process, -1: none */
	int life_fd;  /* lifeline: 'D' then close (done), EOF without it (died) */
	int state_fd; /* watch lines and the armed state, read by the guard only after a death */
	unsigned overflowed; /* records the state channel could not take: cleanup is partial */
};

/* Host side, signals blocked, cg initialised (cgroup_init), before cgroup_setup: fork the guard
 * and hook it to cg's watch. keep_fd >= 0 stays open in the guard until it exits: pass the
 * run's name lock, so that after a death the name is free only once the guard has cleaned up.
 * 0 or -errno (then g is inert and nothing is to undo). */
/* after_death (or NULL) runs in the guard after its cleanup of a run that died, before keep_fd
 * is released: the caller's own leftovers (the state directory). */
typedef void guard_death_fn(void *arg);
int guard_start(struct nb_guard *g, struct nb_cgroup *cg, int keep_fd, guard_death_fn *after_death,
		void *arg);
/* After cgroup_setup succeeded: hand the group over (its saved state). */
void guard_arm(struct nb_guard *g, const struct nb_cgroup *cg);
/* Host side, after the group is removed on any path: the guard exits without doing anything,
 * and guard_end returns once it has (no helper of the run is left behind). */
void guard_end(struct nb_guard *g);

#endif
