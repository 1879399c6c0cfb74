/* The PID-1 reaper (init/): spawns the workload, forwards signals, reaps every orphan,
 * shuts the tree down with a grace period and returns the workload's exit status.
 * Used by the standalone nestbox-init, by `nestbox init` and in process by `nestbox run`.
 * It depends on nothing in runtime/ and allocates nothing. */
#ifndef NB_INIT_H
#define NB_INIT_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#define INIT_DEFAULT_GRACE_SECONDS 3

struct init_config {
	unsigned grace_seconds; /* TERM -> KILL delay for what remains after the workload exits */
	bool signal_group;	/* -g: forward signals to the workload's process group */
	bool verbose;
};

/* Block every forwardable signal; the previous mask goes to *saved (restored in the child). */
int init_block_signals(sigset_t *saved);

/* Fork the workload: in the child, make it a process group leader, restore *saved, then call
 * exec_fn(arg), which execs or returns an exit status (126/127/125). Returns the child's pid or
 * -errno. */
pid_t init_spawn(const sigset_t *saved, int (*exec_fn)(void *arg), void *arg);

/* Supervise until the workload has exited and everything else is reaped. Returns the
 * workload's exit status as a process exit code: its code, or 128+N if it died of signal N.
 * When not PID 1 it makes itself child subreaper first. */
int init_supervise(pid_t workload, const struct init_config *cfg);

/* Entry point shared by nestbox-init and `nestbox init`: parses
 * [-g] [-s] [-v] [--grace SECONDS] [--] CMD [ARG...] and runs. prog names the tool in messages. */
int init_main(const char *prog, int argc, char **argv);

#endif
