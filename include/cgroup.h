/* Resource limits: the container's own cgroup on cgroup v2, v1 and hybrid hosts.
 *
 * Host side, in this order: cgroup_setup (detect the layout, create and configure the group,
 * clean a stale one of the same name), cgroup_clone (the clone, straight into the group with
 * clone3 CLONE_INTO_CGROUP on v2), cgroup_join (cgroup.procs where the clone could not do it;
 * before the container side is released), and at the end cgroup_finish (OOM report, --stats,
 * removal). Container side: cgroup_enter_ns after the go byte, cgroup_mount_view after /sys.
 *
 * The state of the one container a nestbox process runs is kept in cgroup.c; the container
 * side reads its copy (the clone has no CLONE_VM). */
#ifndef NB_CGROUP_H
#define NB_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "nb_error.h"

#define NB_CGROUP_IO_MAX     8
#define NB_CGROUP_CPU_PERIOD 100000ULL /* us: cpu.max / cpu.cfs_period_us */

struct nb_cgroup_io {
	unsigned major, minor;
	unsigned long long rbps, wbps, riops, wiops; /* 0: not limited */
};

/* What the user asked for; 0 / NULL means "leave as inherited". */
struct nb_cgroup_spec {
	unsigned long long memory;	/* bytes */
	unsigned long long memory_swap; /* bytes, memory + swap (docker's meaning) */
	unsigned long long cpu_quota;	/* us per NB_CGROUP_CPU_PERIOD */
	unsigned cpu_weight;		/* 1..10000 (v2 cpu.weight) */
	unsigned long long pids;
	const char *cpuset_cpus;
	const char *cpuset_mems;
	struct nb_cgroup_io io[NB_CGROUP_IO_MAX];
	int n_io;
	const char *path; /* --cgroup: "/a/b" from the hierarchy root, "a/b" below our own */
	bool stats;
};

/* The options --memory ... --stats are cgroup.c's cgroup_options[], declared in cli.h. */
struct nb_container;

/* Host side, before the clone. Without any cgroup option a host where no group can be made
 * (no cgroup fs, read-only) runs the container without one. */
int cgroup_setup(const struct nb_container *c, struct nb_error *err);

/* ns_clone, into the new group on v2 where the kernel can; returns like ns_clone. */
pid_t cgroup_clone(unsigned long flags);

/* Move the child into the group(s) the clone did not put it in. */
int cgroup_join(pid_t child, struct nb_error *err);

/* After the container is gone: report an OOM kill (then status 137), print --stats, remove the
 * group. Returns the exit status to use. */
int cgroup_finish(const struct nb_container *c, int status);

/* Remove the group (kills what is left in it): error paths and cgroup_finish. */
void cgroup_remove(void);

/* The group as text lines for the run record, and back (for cgroup_remove in another process:
 * `nestbox delete`). */
void cgroup_record(char *buf, size_t size);
int cgroup_restore(const char *lines);

/* Container side: a cgroup namespace rooted at the container's group. */
int cgroup_enter_ns(const struct nb_container *c, struct nb_error *err);

/* Container side: the cgroup fs (the group as its root) read-only at NEWROOT/sys/fs/cgroup. */
int cgroup_mount_view(const struct nb_container *c, struct nb_error *err);

#endif
