/* Resource limits: the container's own cgroup on cgroup v2, v1 and hybrid hosts.
 *
 * Host side, in this order: cgroup_init, cgroup_setup (check the spec against the machine,
 * detect the layout, create and configure the group), cgroup_clone (the clone, straight into
 * the group with clone3 CLONE_INTO_CGROUP on v2), cgroup_join (cgroup.procs where the clone
 * could not do it; before the container side is released), and at the end cgroup_finish (OOM
 * report, --stats, removal). Container side: cgroup_enter_ns after the go byte,
 * cgroup_mount_view after /sys.
 *
 * Everything a run knows about its group is one struct nb_cgroup, owned by the caller (the run
 * record) and passed to every call: no state lives in the cgroup files. The container side reads
 * its copy (the clone has no CLONE_VM). cgroup_state_save/load write and read the part another
 * process needs to remove exactly the group this run made (nestbox delete, the cleanup guard).
 *
 * Ownership: a run removes (and kills what is left in) only the directories it made itself.
 * The shared parent <own>/nestbox belongs to no run: whoever needs it makes it, a run that ends
 * removes it if it is empty (one rmdir; on v1 a delete leaves it), and a run that finds a level
 * gone between two of its steps (ENOENT, ENODEV) makes it again. A --cgroup PATH that exists
 * already is refused, never joined: nestbox would otherwise write its limits into, and at the
 * end empty, a group that is not its own. */
#ifndef NB_CGROUP_H
#define NB_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "nb_error.h"

#define NB_CGROUP_IO_MAX     8
#define NB_CGROUP_CPU_PERIOD 100000ULL /* us: cpu.max / cpu.cfs_period_us */
#define NB_CGROUP_DIRS	     8	       /* one per v1 hierarchy we use */
#define NB_CGROUP_VIEWS	     16

/* Below this --memory no container starts at all: the clone of nestbox, the reaper and the
 * exec of a static /bin/true are charged to the group before the workload runs (measured on
 * 6.x, hybrid: 280 KiB fails every time, 320 KiB mostly starts, 360 KiB always). A limit that
 * small is a mistake (--memory 64 is 64 bytes), refused up front rather than reported as an
 * OOM kill. Above it a bigger workload may still need more: that is the OOM report's job. */
#define NB_CGROUP_MIN_MEMORY (256ULL << 10)

struct nb_cgroup_io {
	unsigned major, minor;
	unsigned long long rbps, wbps, riops, wiops; /* 0: not limited */
};

/* What the user asked for; 0 / NULL means "leave as inherited". */
struct nb_cgroup_spec {
	unsigned long long memory;	/* bytes */
	unsigned long long memory_swap; /* bytes, memory + swap (docker's meaning) */
	unsigned long long memory_low;	/* --memory-reservation: memory.low, v1 soft limit */
	unsigned long long cpu_quota;	/* us per cpu_period */
	unsigned cpu_period;		/* us; 0: NB_CGROUP_CPU_PERIOD */
	unsigned cpu_weight;		/* 1..10000 (v2 cpu.weight) */
	unsigned cpu_shares; /* v1 cpu.shares as config.json gave it; 0: from the weight */
	unsigned long long pids;
	const char *cpuset_cpus;
	const char *cpuset_mems;
	struct nb_cgroup_io io[NB_CGROUP_IO_MAX];
	int n_io;
	const char *path;   /* --cgroup: "/a/b" from the hierarchy root, "a/b" below our own */
	const char *parent; /* --cgroup-parent: path is parent/NAME (cli.c, once NAME is known) */
	bool stats;
	bool wanted; /* --cgroup default, boot mode, the OCI front end: a group without limits */
};

/* The container's group in one hierarchy (v2: the only one). */
struct nb_cgroup_dir {
	char path[PATH_MAX]; /* .../<group> */
	size_t base_len;     /* path[0..base_len) existed before us: mount point or own group */
	size_t shared_len;   /* default path: path[0..shared_len) is <own>/nestbox; 0: --cgroup */
	size_t made_from;    /* this run made every level after path[0..made_from); 0: none */
	unsigned ctrls;	     /* controllers of this hierarchy (cgroup_impl.h CG_* bits) */
	unsigned long long ino; /* the group's inode once made: a group of the same path made
				 * later by another run is not ours (never reused: kernfs ids) */
};

/* A mount under /sys/fs/cgroup, repeated read-only inside the container. */
struct nb_cgroup_view {
	char target[96]; /* below /sys/fs/cgroup */
	char type[8];
	char opts[160];
	bool apart; /* a cgroup fs not rooted at nestbox's own group in it (cgroup_mount_view) */
};

/* Called with each directory this run is about to make, before the mkdir: the cleanup guard
 * (guard.h) sets it so that a SIGKILL between mkdir and guard_arm leaves nothing. */
typedef void nb_cgroup_watch_fn(void *arg, const char *dir);

struct nb_cgroup {
	int version; /* 0: no group, 1 (v1 and hybrid), 2 */
	int n_dirs;
	struct nb_cgroup_dir dirs[NB_CGROUP_DIRS];
	int clone_fd;	      /* v2: the group's directory for CLONE_INTO_CGROUP; -1 */
	bool joined_by_clone; /* the clone put the child in already */
	bool child_joins;     /* v1: the child writes itself into each group (cgroup_join_self) */
	struct nb_cgroup_view views[NB_CGROUP_VIEWS];
	int n_views;
	int views_apart; /* views apart, or more than NB_CGROUP_VIEWS: the host's cannot be bound */
	nb_cgroup_watch_fn *watch; /* NULL: nobody watches */
	void *watch_arg;
};

/* The options --memory ... --stats are cgroup.c's cgroup_options[], declared in cli.h. */
struct nb_container;

/* An empty state (no group, no fd): before cgroup_setup or cgroup_state_load. */
void cgroup_init(struct nb_cgroup *cg);

/* What can be checked before anything exists: --memory above the floor, --memory-swap against
 * --memory, --io-max devices that exist. Part of cgroup_setup; exported for validate.c. */
int cgroup_validate(const struct nb_cgroup_spec *s, struct nb_error *err);

/* A group is made only when asked for: a limit, --stats, --cgroup, or wanted (issue 21: the
 * default group cost every run 1-18 ms on a v1 host, most of it in cgroup.procs writes). */
bool cgroup_asked(const struct nb_cgroup_spec *s);

/* Host side, before the clone. Not asked for: no group, only the layout for the container's
 * view. Only wanted (no limit): a host where no group can be made (no cgroup fs, read-only)
 * runs the container without one. On failure nothing is left. */
int cgroup_setup(struct nb_cgroup *cg, const struct nb_container *c, struct nb_error *err);

/* ns_clone, into the new group on v2 where the kernel can; returns like ns_clone. On v1, with
 * child_may_join, the child joins itself after the go byte (cgroup_join_self, "0" into each
 * group's tasks file): a thread moving itself skips the global lock whose writer waits for an
 * RCU grace period (cgroup_procs_write_start; measured on 6.18: 6-15 ms for a cgroup.procs
 * write after an idle spell, 75 us for six tasks files). Not when something must find the
 * child in its group before the go byte (hooks), nor when it cannot write the host's cgroup
 * files any more then (its own user namespace). */
pid_t cgroup_clone(struct nb_cgroup *cg, unsigned long flags, bool child_may_join);

/* Move the child into the group(s) the clone did not put it in and it does not join itself.
 * child 0: the caller itself, which must be single-threaded (v1: through tasks, as above). */
int cgroup_join(const struct nb_cgroup *cg, pid_t child, struct nb_error *err);

/* Container side, first after the go byte: the child's own join (cgroup_clone); 0 when it has
 * none to do. */
int cgroup_join_self(struct nb_cgroup *cg, struct nb_error *err);

/* After the container is gone: report an OOM kill (then status 137), print --stats, remove the
 * group. Returns the exit status to use. */
int cgroup_finish(struct nb_cgroup *cg, const struct nb_container *c, int status);

/* Remove the directories this run made, killing what is left in its own group (processes of a
 * container without a pid namespace); nothing it did not make. Idempotent. */
void cgroup_remove(struct nb_cgroup *cg);

/* The same for nestbox delete (a container create made), but v1's shared parent stays, as runc
 * leaves the parents of its groups: a failed run still leaves nothing (cgroup_remove). */
void cgroup_remove_deleted(struct nb_cgroup *cg);

/* Container side: a cgroup namespace rooted at the container's group. */
int cgroup_enter_ns(struct nb_cgroup *cg, const struct nb_container *c, struct nb_error *err);

/* Container side: the cgroup fs (the group as its root) read-only at NEWROOT/sys/fs/cgroup. */
int cgroup_mount_view(const struct nb_cgroup *cg, const struct nb_container *c,
		      struct nb_error *err);

/* The state another process needs to remove the group (nestbox delete), as text:
 *   nestbox-cgroup 1
 *   version V
 *   dir ctrls=HEX base=N shared=N made=N ino=N path=PATH   (a line per directory, PATH last)
 *   end
 * save: 0 or -errno (-EINVAL for a path with a newline). load/parse: 0, or -EINVAL with err
 * naming the bad line; the loaded state has no fd and no watcher. parse takes the text up to
 * its "end" line and sets *used to the bytes read (NULL: not wanted). */
int cgroup_state_save(const struct nb_cgroup *cg, int fd);
int cgroup_state_load(struct nb_cgroup *cg, int fd, struct nb_error *err);
int cgroup_state_parse(struct nb_cgroup *cg, const char *text, size_t *used, struct nb_error *err);

#endif
