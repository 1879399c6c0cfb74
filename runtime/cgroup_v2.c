/* cgroup v2: one directory, controllers enabled from the top down through
 * cgroup.subtree_control (Documentation/admin-guide/cgroup-v2.rst). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_impl.h"
#include "faults.h"
#include "scan.h"

static const struct {
	const char *name;
	unsigned bit;
} v2_controllers[] = {
	{ "memory", CG_MEMORY }, { "cpu", CG_CPU }, { "cpuset", CG_CPUSET },
	{ "pids", CG_PIDS },	 { "io", CG_IO },
};
#define N_V2 (sizeof(v2_controllers) / sizeof(v2_controllers[0]))
#define NO_INTERNAL_PROCESSES                                                                    \
	"has processes of its own, so cgroup v2 lets it enable no controller for its children: " \
	"choose another place with --cgroup"

static bool listed(const char *dir, const char *file, const char *name)
{
	char buf[512];
	size_t len = strlen(name);

	if (cg_read(dir, file, buf, sizeof(buf)) < 0)
		return false;
	for (char *p = buf; (p = strstr(p, name)); p += len)
		if ((p == buf || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\n' || !p[len]))
			return true;
	return false;
}

/* Is pid nestbox itself or a child of it (a helper it forked, e.g. a cleanup guard)? */
static bool ours(pid_t pid)
{
	char buf[256];
	unsigned long long ppid;

	if (pid == getpid())
		return true;
	/* field 4 of proc(5) stat: the parent's pid */
	return scan_unsigned(scan_field(scan_proc_stat((int)pid, buf, sizeof(buf)), 4 - 3), 10,
			     ~0ULL, &ppid) &&
	       ppid == (unsigned long long)getpid();
}

/* The no-internal-process rule: a group with processes cannot enable controllers for its
 * children (the real root is exempt). Move out of it into a leaf beside our groups: nestbox
 * and its children, or everything when top is the namespace's root (a nested nestbox owns
 * that whole tree, as docker-in-docker does). */
static void move_into_leaf(const char *top, bool move_all)
{
	char leaf[PATH_MAX + 16], buf[8192];

	snprintf(leaf, sizeof(leaf), "%s/nestbox.leaf", top);
	if ((mkdir(leaf, 0755) && errno != EEXIST) ||
	    cg_read(top, "cgroup.procs", buf, sizeof(buf)) < 0)
		return;
	for (char *p = buf, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
		struct nb_error ignored;

		*nl = '\0';
		if (move_all || ours((pid_t)atoi(p)))
			cg_write(leaf, "cgroup.procs", p,
				 &ignored); /* ESRCH: it exited meanwhile */
	}
}

/* sync: write even when the controller is listed. Reading cgroup.subtree_control takes no lock,
 * and a write of "+name" sets the bit before it makes the controller's files in every child
 * under cgroup_mutex (kernel/cgroup/cgroup.c, cgroup_subtree_control_write): a group made
 * before another run's write, seeing the bit, can find its memory.max still missing. A write
 * of a bit already set waits for that mutex and changes nothing, so at the group's parent it
 * returns only once the group has its files. */
static int enable_at(const char *dir, const char *name, bool sync, struct nb_error *err)
{
	char plus[16];
	int rc;

	if (!sync && listed(dir, "cgroup.subtree_control", name))
		return 0;
	snprintf(plus, sizeof(plus), "+%s", name);
	rc = cg_write(dir, "cgroup.subtree_control", plus, err);
	if (rc == -EBUSY)
		return nb_fail(err, EBUSY, "cgroup", dir, NO_INTERNAL_PROCESSES);
	return rc;
}

/* Before enabling anything in top: leave it when it holds processes. Relying on EBUSY is not
 * enough: threaded controllers (cpu, pids) can be enabled in a populated group, which then
 * turns its children into invalid domains (cgroup-v2.rst, "Threads"): no process can join
 * them. The real root is exempt from the rule (it has no cgroup.type). */
static int leave_top(const char *top, unsigned ctrls, bool move_all, struct nb_error *err)
{
	char probe[16];
	bool missing = false;

	for (size_t i = 0; i < N_V2; i++)
		if ((ctrls & v2_controllers[i].bit) &&
		    !listed(top, "cgroup.subtree_control", v2_controllers[i].name))
			missing = true;
	if (!missing || cg_read(top, "cgroup.type", probe, sizeof(probe)) < 0 ||
	    cg_read(top, "cgroup.procs", probe, sizeof(probe)) <= 0)
		return 0;
	move_into_leaf(top, move_all);
	if (cg_read(top, "cgroup.procs", probe, sizeof(probe)) > 0)
		return nb_fail(err, EBUSY, "cgroup", top, NO_INTERNAL_PROCESSES);
	return 0;
}

int cg2_enable(const char *top, const char *group, unsigned need, unsigned want, bool move_all,
	       struct nb_error *err)
{
	char level[PATH_MAX];
	int rc = 0;

	for (size_t i = 0; i < N_V2; i++) /* --stats: only what is there */
		if ((want & ~need & v2_controllers[i].bit) &&
		    !listed(top, "cgroup.controllers", v2_controllers[i].name))
			want &= ~v2_controllers[i].bit;
	for (size_t i = 0; i < N_V2 && !rc; i++)
		if ((need & v2_controllers[i].bit) &&
		    !listed(top, "cgroup.controllers", v2_controllers[i].name))
			rc = nb_fail(err, ENODEV, "cgroup", v2_controllers[i].name,
				     "controller not available here (missing from the parent's "
				     "cgroup.controllers)");
	if (!rc)
		rc = leave_top(top, need | want, move_all, err);
	if (rc)
		return rc;
	fault_point("cgroup: enable"); /* the group is made: tests/test_concurrency.c */
	for (size_t i = 0; i < N_V2; i++) {
		const char *name = v2_controllers[i].name;

		if (!((need | want) & v2_controllers[i].bit))
			continue;
		/* Every level from top down to the group's parent passes it on. */
		snprintf(level, sizeof(level), "%s", top);
		for (const char *p = group + strlen(top); *p == '/';) {
			size_t next = strcspn(p + 1, "/");

			rc = enable_at(level, name, !p[1 + next], err);
			if (rc)
				return rc;
			if (!p[1 + next])
				break;
			snprintf(level + strlen(level), sizeof(level) - strlen(level), "%.*s",
				 (int)next + 1, p);
			p += next + 1;
		}
	}
	return 0;
}

static int v2_write_ull(const char *dir, const char *file, unsigned long long v,
			struct nb_error *err)
{
	char value[32];

	snprintf(value, sizeof(value), "%llu", v);
	return cg_write(dir, file, value, err);
}

static int v2_apply_io(const char *dir, const struct nb_cgroup_io *io, struct nb_error *err)
{
	char value[160];
	int n = snprintf(value, sizeof(value), "%u:%u", io->major, io->minor);
	const struct {
		const char *key;
		unsigned long long v;
	} limits[] = { { "rbps", io->rbps },
		       { "wbps", io->wbps },
		       { "riops", io->riops },
		       { "wiops", io->wiops } };

	for (size_t i = 0; i < 4; i++)
		if (limits[i].v)
			n += snprintf(value + n, sizeof(value) - (size_t)n, " %s=%llu",
				      limits[i].key, limits[i].v);
	return cg_write(dir, "io.max", value, err);
}

int cg2_apply(const struct nb_cgroup *cg, const struct nb_cgroup_spec *s, struct nb_error *err)
{
	const char *dir = cg->dirs[0].path;
	char value[64];
	int rc = 0;

	if (s->memory)
		rc = v2_write_ull(dir, "memory.max", s->memory, err);
	if (!rc && s->memory_swap) {
		if (cg_read(dir, "memory.swap.max", value, sizeof(value)) < 0)
			return nb_fail(err, ENODEV, "--memory-swap", "memory.swap.max",
				       "swap accounting is not enabled in this kernel");
		rc = v2_write_ull(dir, "memory.swap.max", s->memory_swap - s->memory, err);
	}
	if (!rc && s->memory_low)
		rc = v2_write_ull(dir, "memory.low", s->memory_low, err);
	if (!rc && s->cpu_quota) {
		snprintf(value, sizeof(value), "%llu %llu", s->cpu_quota,
			 s->cpu_period ? s->cpu_period : NB_CGROUP_CPU_PERIOD);
		rc = cg_write(dir, "cpu.max", value, err);
	}
	if (!rc && s->cpu_weight)
		rc = v2_write_ull(dir, "cpu.weight", s->cpu_weight, err);
	if (!rc && s->pids)
		rc = v2_write_ull(dir, "pids.max", s->pids, err);
	if (!rc && s->cpuset_cpus)
		rc = cg_write(dir, "cpuset.cpus", s->cpuset_cpus, err);
	if (!rc && s->cpuset_mems)
		rc = cg_write(dir, "cpuset.mems", s->cpuset_mems, err);
	for (int i = 0; !rc && i < s->n_io; i++)
		rc = v2_apply_io(dir, &s->io[i], err);
	return rc;
}

long long cg2_oom_kills(const struct nb_cgroup *cg)
{
	return cg_read_value(cg->dirs[0].path, "memory.events", "oom_kill");
}

void cg2_stats(const struct nb_cgroup *cg, long long *mem_peak, long long *cpu_ns,
	       long long *pids_peak)
{
	const char *dir = cg->dirs[0].path;
	long long usec = cg_read_value(dir, "cpu.stat", "usage_usec");

	*mem_peak = cg_read_value(dir, "memory.peak", NULL); /* 5.19+ */
	*cpu_ns = usec < 0 ? -1 : usec * 1000;
	*pids_peak = cg_read_value(dir, "pids.peak", NULL); /* 6.13+ */
}
