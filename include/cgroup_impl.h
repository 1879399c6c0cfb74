/* Inside the cgroup concern: what cgroup.c shares with cgroup_layout.c, cgroup_state.c,
 * cgroup_v1.c and cgroup_v2.c. Every function takes the run's struct nb_cgroup. */
#ifndef NB_CGROUP_IMPL_H
#define NB_CGROUP_IMPL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "cgroup.h"

/* Controllers, as bits. CG_CPUACCT is v1 only (v2 cpu.stat is always there). */
enum {
	CG_MEMORY = 1 << 0,
	CG_CPU = 1 << 1,
	CG_CPUACCT = 1 << 2,
	CG_CPUSET = 1 << 3,
	CG_PIDS = 1 << 4,
	CG_IO = 1 << 5, /* v1 blkio */
};
#define CG_ALL_CTRLS (CG_MEMORY | CG_CPU | CG_CPUACCT | CG_CPUSET | CG_PIDS | CG_IO)
#define CG_FS	     "/sys/fs/cgroup"

/* dir/file <- value; fails with err naming the file and the value. */
int cg_write(const char *dir, const char *file, const char *value, struct nb_error *err);
/* Whole small file; returns its length or -1. */
int cg_read(const char *dir, const char *file, char *buf, size_t size);
/* The number after "key " in a "key value" file, or after nothing when key is NULL; -1 if absent. */
long long cg_read_value(const char *dir, const char *file, const char *key);
/* The group directory holding controller ctrl, or NULL. */
const char *cg_dir_of(const struct nb_cgroup *cg, unsigned ctrl);

/* cgroup_layout.c: 0 (none), 1 (v1 or hybrid: cg->dirs holds nestbox's own group in each
 * hierarchy, base_len its mount point) or 2 (cg->dirs[0]); also fills cg->views. The cgroup2
 * mount; a controller's name. */
int cg_detect_layout(struct nb_cgroup *cg);
const char *cg_v2_mount(void);
const char *cg_ctrl_name(unsigned bit, int version);

/* Per version: a level of the group's path (v1: fill an empty cpuset from its parent), after
 * the group is made (write the limits), at the end (OOM kills, --stats). */
int cg1_prepare_level(const char *parent, const char *child, unsigned ctrls, struct nb_error *err);
int cg1_apply(const struct nb_cgroup *cg, const struct nb_cgroup_spec *s, struct nb_error *err);
long long cg1_oom_kills(const struct nb_cgroup *cg);
void cg1_stats(const struct nb_cgroup *cg, long long *mem_peak, long long *cpu_ns,
	       long long *pids_peak);

/* Pass the controllers need (a limit: an error when missing) and want (--stats: skipped when
 * missing) down from top to group's parent. */
int cg2_enable(const char *top, const char *group, unsigned need, unsigned want, bool move_all,
	       struct nb_error *err);
int cg2_apply(const struct nb_cgroup *cg, const struct nb_cgroup_spec *s, struct nb_error *err);
long long cg2_oom_kills(const struct nb_cgroup *cg);
void cg2_stats(const struct nb_cgroup *cg, long long *mem_peak, long long *cpu_ns,
	       long long *pids_peak);

#endif
