/* The PID-1 reaper (init/): spawns the workload, forwards signals, reaps every orphan,
 * shuts the tree down with a grace period and returns the workload's exit status.
 * Used by the standalone nestbox-init, by `nestbox init` and in process by `nestbox run`.
 * It depends on nothing in runtime/ and allocates nothing. */
#ifndef NB_INIT_H
#define NB_INIT_H

#include <signal.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>

#define INIT_DEFAULT_GRACE_SECONDS 3

struct init_config {
	unsigned grace_seconds; /* TERM -> KILL delay for what remains after the workload exits */
	int stop_signal; /* docker's --stop-signal: in place of TERM, forwarded or sent; 0: TERM */
	bool signal_group; /* -g: forward signals to the workload's process group */
	bool verbose;
	bool harden; /* after the fork: CAP_KILL at most, no_new_privs, seccomp allowlist */
};

/* init_spawn flags */
#define INIT_SPAWN_CLOSE_FDS 1u /* the reaper closes fds above 2 before the fork */

/* Every signal the kernel lets a process block: 1..64 but SIGKILL and SIGSTOP, 32..34 included
 * (musl's sigfillset leaves them out). For rt_sigprocmask, rt_sigtimedwait and signalfd. */
void init_signal_set(sigset_t *set);

/* rt_sigtimedwait(2) over init_signal_set's kind of set; timeout NULL waits for ever. Returns
 * the signal, or -1 with errno. */
int init_wait_signal(const sigset_t *set, siginfo_t *info, const struct timespec *timeout);

/* Every catchable signal, 1..64, to SIG_DFL (what the caller ignored included). */
void init_default_signals(void);

/* Empty the signal mask (raw rt_sigprocmask: musl's would keep 32..34 as they were). */
void init_unblock_all(void);

/* Block init_signal_set; the previous mask goes to *saved. */
int init_block_signals(sigset_t *saved);

/* Fork the workload. Every disposition goes back to SIG_DFL first (the reaper's own too), so
 * the child starts as a daemon-spawned process does: all signals default, none blocked. In the
 * child: a process group of its own, the terminal's foreground if fd 0 is the controlling
 * terminal, then exec_fn(arg), which execs or returns an exit status (126/127/125). flags:
 * INIT_SPAWN_*. Returns the child's pid or -errno. */
pid_t init_spawn(int (*exec_fn)(void *arg), void *arg, unsigned flags);

/* The reaper's own privileges once the workload is forked (issue 19.3): every capability but
 * CAP_KILL (to signal a workload of another uid) out of every set, PR_SET_NO_NEW_PRIVS, and a
 * seccomp allowlist of the syscalls the supervise loop makes. Returns 0 or -errno of the first
 * step that failed (the steps after it are still taken). */
int init_harden(void);

/* Supervise until the workload has exited and everything else is reaped. Returns the
 * workload's exit status as a process exit code: its code, or 128+N if it died of signal N.
 * When not PID 1 it makes itself child subreaper first. */
int init_supervise(pid_t workload, const struct init_config *cfg);

/* execve name, searched in path's directories as execvp(3) does (a name with a '/' as it
 * is), with environ. Returns only on failure, with errno: EACCES if an entry gave it, else the
 * error that stopped the search or ended it (ENOENT, ENOTDIR). */
void init_exec_search(const char *name, char *const argv[], const char *path);

/* Entry point shared by nestbox-init and `nestbox init`: parses
 * [-g] [-s] [-v] [--grace SECONDS] [--] CMD [ARG...] (or --help, --version) and runs. prog names the tool in messages. */
int init_main(const char *prog, int argc, char **argv);

/* The two raw syscalls of the reaper that take a struct timespec. A 32-bit architecture with
 * musl 1.2's 64-bit time_t (armv7) must use the *_time64 calls, whose timespec is the C
 * library's; the old numbers there take a 32-bit one. */
#ifdef SYS_clock_gettime64
#define INIT_NR_CLOCK_GETTIME SYS_clock_gettime64
#define INIT_NR_SIGTIMEDWAIT  SYS_rt_sigtimedwait_time64
#else
#define INIT_NR_CLOCK_GETTIME SYS_clock_gettime
#define INIT_NR_SIGTIMEDWAIT  SYS_rt_sigtimedwait
#endif

#endif
