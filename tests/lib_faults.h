/* Crash-safety helpers (issue 11): run nestbox, stop it at a named step (the test build
 * build/nestbox-faults, include/faults.h) or at a random moment, kill nestbox or the container's
 * PID 1, and say what the host was left with. Used by tests/test_faults.c (short) and
 * tests/faults/faults_main.c (make faults, the whole matrix).
 *
 * Other suites may run on the same host at the same time, so what is checked is scoped to this
 * runner: its own mount namespace (the mount table), optionally its own network namespace (the
 * links), and names carrying its tag (cgroups, processes). */
#ifndef NBT_LIB_FAULTS_H
#define NBT_LIB_FAULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define NBF_LEAK_MAX 512

struct nbf {
	char tag[32];	/* "nbf<pid>-": starts every container name, in every workload */
	char *tmpdir;	/* TMPDIR of every run: must stay empty */
	char *bind_dir; /* a directory to --bind */
	char *root;	/* every run's --root: nothing may stay in it (what a sweep leaves) */
	int swept;	/* runs whose state directory only the next nestbox's sweep removed */
	int n_watch;	/* the run's process tree at the kill: none of it may stay */
	pid_t watch[64];
	unsigned long long watch_start[64]; /* proc(5) stat field 22: not a reused pid */
	char *mounts;			    /* the mount table before */
	char links[4096];		    /* the network interfaces before */
	int seq;			    /* container names: <tag><seq> */
};

enum nbf_target { NBF_NESTBOX, NBF_PID1 };

enum nbf_outcome {
	NBF_KILLED,	 /* stopped at the step, the target killed, host checked */
	NBF_NOT_REACHED, /* ran to its end without passing the step */
	NBF_NO_TARGET,	 /* no container PID 1 exists at that step (before the clone) */
	NBF_HUNG,	 /* the step not reached in time, or nestbox did not exit after the kill */
	NBF_ERROR,
};

struct nbf_result {
	enum nbf_outcome outcome;
	int status;		  /* nestbox's exit status (128+N for signal N) */
	long long exit_ms;	  /* signal -> nestbox exited */
	char leaks[NBF_LEAK_MAX]; /* "" when the host is as before */
	char stderr_tail[256];	  /* the end of nestbox's stderr */
	const char *hung;	  /* NBF_HUNG: which wait ran out ("" otherwise) */
};

/* own_netns: a network namespace of the runner's own (veth runs). why gets the reason on -1. */
int nbf_init(struct nbf *f, bool own_netns, char *why, size_t why_size);
void nbf_fini(struct nbf *f);

/* What is left compared with nbf_init's snapshot ("" if nothing), after waiting up to wait_ms
 * for it to go (the guard removes a killed run's cgroup asynchronously). Reaps adopted orphans. */
const char *nbf_leaks(struct nbf *f, char *out, size_t size, int wait_ms);

/* Remove what a leaking run left (tagged processes and cgroups), so the next run is judged on
 * its own. */
void nbf_cleanup(struct nbf *f);

/* One run: `--root <root> run --name <tag>N --rootfs R <extra...> -- sh -c ': <tag>; <script>'`.
 * step: NESTBOX_FAULT_STEP (NULL: none). Stops the target with sig when the step is reached
 * (or, step NULL, after delay_us), then checks the host. */
void nbf_run(struct nbf *f, const char *const *extra, const char *script, const char *step,
	     long delay_us, enum nbf_target target, int sig, struct nbf_result *r);

/* Internal to lib_faults*.c: the network interfaces' names, space-separated; the run's process
 * tree to check for leftovers (nbf_leaks) until n_watch is reset. */
void nbf_links(char *out, size_t size);
void nbf_watch_tree(struct nbf *f, const pid_t *procs, int n);

/* Wait up to timeout_ms for pid (a child) to exit: 0 and *status (128+N for signal N), or -1. */
int nbf_wait(pid_t pid, int timeout_ms, int *status);

/* Start a plain run (stdout and stderr to /dev/null); its pid. */
pid_t nbf_spawn(struct nbf *f, const char *nestbox, const char *const *extra, const char *script);
/* The same under a name of the caller's (it should start with f->tag), stderr to err_fd. */
pid_t nbf_spawn_named(struct nbf *f, const char *nestbox, const char *name,
		      const char *const *extra, const char *script, int err_fd);
/* A plain run to its end (no fault), for baselines and the long-running loops: exit status. */
int nbf_run_plain(struct nbf *f, const char *nestbox, const char *const *extra, const char *script);

/* The test build: $NESTBOX_FAULTS, else nestbox-faults beside $NESTBOX; NULL when neither. */
const char *nbf_faults_binary(void);

/* Number of open fds and VmRSS (KiB) of this process. */
int nbf_fd_count(void);
long nbf_rss_kib(void);

#endif
