/* The cleanup guard: what nestbox makes on the host outside the container's namespaces (today
 * the cgroup) must not outlive a nestbox that is SIGKILLed, and a dead process cleans nothing.
 * So a small process forked before the group is made waits on a pipe whose write end only
 * nestbox (and the container's PID 1, which dies with it by PDEATHSIG) hold. EOF without the
 * "done" byte means they died: it removes the group (cgroup_remove, which kills what is left)
 * and exits. Everything else dies with the namespaces: mounts, the veth pair (the peer's
 * network namespace ends with PID 1), id maps. */
#ifndef NB_GUARD_H
#define NB_GUARD_H

/* Host side, signals blocked, before cgroup_setup. keep_fd (or -1): an fd the guard keeps open
 * until it is done (the run's name lock). 0 or -errno (nothing to undo then). */
int guard_start(int keep_fd);
/* cgroup.c, before it makes a group directory: removed if nestbox dies before guard_arm. */
struct cg_dir;
void guard_watch(const struct cg_dir *d);
/* After cgroup_setup succeeded: hand the group over (the guard's copy of the state). */
void guard_arm(void);
/* Host side, after the group is removed on any path: the guard exits without doing anything. */
void guard_end(void);

#endif
