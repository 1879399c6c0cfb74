/* The state directory: one directory per container name under a root (--root, default
 * /run/nestbox), holding
 *   lock    flock'ed by whoever holds the name: a `nestbox run` for its whole life, the PID 1 of
 *           a created container (it inherits the fd); the kernel frees it when they die, so a
 *           SIGKILLed run frees its name. It holds the holder's pid, for "in use by PID N".
 *   record  the run record (state_record below), rewritten whole (rename) at each change;
 *   start   the fifo a created container waits on; `nestbox start` writes its byte;
 *   started the fifo it answers on once its startContainer hooks have run;
 *   cgroup  the cgroup concern's saved state (cgroup_state_save), for delete.
 *   args    the create's words, for exec (verbs.h verb_save_args).
 *   log, log.1, exit   a run -d's output and exit status (run_log.h).
 *   config.json  a copy of the bundle's, for later verbs' hooks (oci_hooks.h hooks_save).
 * The name lock decides who runs under a name; nothing else does. */
#ifndef NB_STATE_H
#define NB_STATE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "container.h"
#include "nb_error.h"

#define NB_STATE_ROOT  "/run/nestbox"
#define NB_OCI_VERSION "1.2.0"

enum nb_status {
	NB_STATUS_CREATING,
	NB_STATUS_CREATED,
	NB_STATUS_RUNNING,
	NB_STATUS_STOPPED,
	NB_STATUS_PAUSED, /* frozen by `nestbox pause` (verb_pause.c) */
};

/* What another nestbox process needs to know of a container: state, start and delete. */
struct nb_record {
	char id[NB_NAME_MAX + 1];
	enum nb_status status; /* as written; state_status() says what it is now */
	bool detached;	       /* made by create: outlives the process that made it */
	pid_t pid;	       /* the container's PID 1 as the host sees it; 0 before the clone */
	unsigned long long pid_start; /* its start time (proc(5) stat field 22): pid reuse */
	long long created;	      /* seconds since the epoch */
	char bundle[PATH_MAX];	      /* the directory create ran in (OCI: the bundle) */
	char veth[16];		      /* the host end of --net veth, or "" */
	char command[256];	      /* CMD ARG..., for listings */
};

struct nb_state {
	char dir[PATH_MAX]; /* ROOT/ID */
	int lock_fd;	    /* -1: not held by us */
};

/* The default root for this user: /run/nestbox for root, else $XDG_RUNTIME_DIR/nestbox. */
const char *state_default_root(void);

/* Take the name id under root: the directory made if needed and its lock taken. A name held by
 * a live run or container fails with "--name ID: in use by PID N" (-EBUSY). A directory left by
 * a dead one is taken over. On success s->lock_fd >= 0 (close-on-exec). */
int state_claim(const char *root, const char *id, struct nb_state *s, struct nb_error *err);

/* The lock file names pid as the holder (a created container's PID 1 once create is done:
 * with a record that says creating and names that pid, the container reads as created). */
int state_set_holder(const struct nb_state *s, pid_t pid);

/* Write the record (atomically: a temporary file renamed over it). */
int state_write(const struct nb_state *s, const struct nb_record *rec, struct nb_error *err);

/* Find id under root: s->dir set, lock not taken (s->lock_fd -1), rec read. -ENOENT with
 * "container ID: does not exist" when there is none. A directory with a lock but no record
 * yet (a create in progress, or one that died) reads as creating with pid 0. */
int state_open(const char *root, const char *id, struct nb_state *s, struct nb_record *rec,
	       struct nb_error *err);

/* Try to take the lock of an opened state: 0, or -EBUSY (held) with the holder's pid. */
int state_try_lock(struct nb_state *s, pid_t *holder);

/* What the container is now: stopped once its PID 1 is gone (or the pid is another process's),
 * created while the start fifo waits, paused when the record says so, else running; creating while a create holds the lock. */
enum nb_status state_status(const struct nb_state *s, const struct nb_record *rec);
const char *state_status_name(enum nb_status st);

/* The start and started fifos: made by create (opened read-write for the container side, so
 * that neither side blocks on open; fds[0] start, fds[1] started). start writes the start fifo's
 * byte, then waits on the started fifo: a byte once the startContainer hooks have run, EOF
 * when the container stopped instead (-ECANCELED). */
int state_make_fifos(const struct nb_state *s, int fds[2], struct nb_error *err);
int state_signal_start(const struct nb_state *s, struct nb_error *err);

/* Open a file of the state directory (open(2) flags; O_CLOEXEC|O_NOFOLLOW added, mode 0600). */
int state_open_file(const struct nb_state *s, const char *name, int flags);

/* Remove the directory and everything in it, then drop the lock. state_remove_entry keeps the
 * root, as runc keeps its own: every run, delete and sweep (making it again at the next run
 * would be two journalled changes more on an ext4 root). state_remove also the root once it is
 * empty: a run that failed, which leaves nothing behind. */
void state_remove_entry(struct nb_state *s);
void state_remove(struct nb_state *s);

/* Remove what SIGKILLed runs left under root: default-named ones (nestbox-<pid>, that pid
 * gone), and named ones whose lock is free and whose setup never finished or whose run is gone
 * (a created container's stays until delete). Run by every run (own: the name it holds, left
 * alone) and by list/ps (own NULL). */
void state_sweep(const char *root, const char *own);

/* proc(5) stat field 22 of pid, or 0 when it does not exist. */
unsigned long long state_proc_start(pid_t pid);

#endif
