/* cgroup v1 (and hybrid hosts): one directory per hierarchy, v1 file names and formats
 * (Documentation/admin-guide/cgroup-v1/). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_impl.h"

/* cpuset(7): a new v1 cpuset starts with empty cpus and mems, and a task cannot join it
 * (ENOSPC) until both are set: copy the parent's into an empty one. Checked on every level
 * by every run, not only by the run that made it: another run may use a level between its
 * mkdir and its fill (issue 27). Two runs filling one level write the same values. */
int cg1_prepare_level(const char *parent, const char *child, unsigned ctrls, struct nb_error *err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };

	if (!(ctrls & CG_CPUSET))
		return 0;
	for (int i = 0; i < 2; i++) {
		char value[256];
		int n = cg_read(child, files[i], value, sizeof(value)), rc;

		if (n < 0)
			return nb_fail_errno(err, "cgroup", child); /* -ENOENT: retried */
		if (value[strspn(value, " \n")])
			continue;
		n = cg_read(parent, files[i], value, sizeof(value));
		if (n < 0)
			return nb_fail_errno(err, "cgroup", parent);
		value[strcspn(value, "\n")] = '\0';
		if (!value[0]) /* the parent must be filled first: levels go top down */
			return nb_fail(err, ENOSPC, "cgroup", parent,
				       "cpuset has no CPUs or memory nodes");
		rc = cg_write(child, files[i], value, err);
		if (rc)
			return rc;
	}
	return 0;
}

static int v1_write_ull(const struct nb_cgroup *cg, unsigned ctrl, const char *file,
			unsigned long long v, struct nb_error *err)
{
	char value[32];

	snprintf(value, sizeof(value), "%llu", v);
	return cg_write(cg_dir_of(cg, ctrl), file, value, err);
}

static int v1_apply_io(const struct nb_cgroup *cg, const struct nb_cgroup_io *io,
		       struct nb_error *err)
{
	const struct {
		const char *file;
		unsigned long long v;
	} limits[] = {
		{ "blkio.throttle.read_bps_device", io->rbps },
		{ "blkio.throttle.write_bps_device", io->wbps },
		{ "blkio.throttle.read_iops_device", io->riops },
		{ "blkio.throttle.write_iops_device", io->wiops },
	};

	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		char value[64];
		int rc;

		if (!limits[i].v)
			continue;
		snprintf(value, sizeof(value), "%u:%u %llu", io->major, io->minor, limits[i].v);
		rc = cg_write(cg_dir_of(cg, CG_IO), limits[i].file, value, err);
		if (rc)
			return rc;
	}
	return 0;
}

/* The kernel's own mapping of cpu.weight (1..10000) to cpu.shares (2..262144), inverted. */
static unsigned long long weight_to_shares(unsigned weight)
{
	return 2 + ((unsigned long long)(weight - 1) * 262142) / 9999;
}

int cg1_apply(const struct nb_cgroup *cg, const struct nb_cgroup_spec *s, struct nb_error *err)
{
	int rc = 0;

	if (s->memory)
		rc = v1_write_ull(cg, CG_MEMORY, "memory.limit_in_bytes", s->memory, err);
	if (!rc && s->memory_swap) {
		char probe[32];

		if (cg_read(cg_dir_of(cg, CG_MEMORY), "memory.memsw.limit_in_bytes", probe,
			    sizeof(probe)) < 0)
			return nb_fail(err, ENODEV, "--memory-swap", "memory.memsw.limit_in_bytes",
				       "swap accounting is not enabled in this kernel");
		rc =
		    v1_write_ull(cg, CG_MEMORY, "memory.memsw.limit_in_bytes", s->memory_swap, err);
	}
	if (!rc && s->memory_low)
		rc = v1_write_ull(cg, CG_MEMORY, "memory.soft_limit_in_bytes", s->memory_low, err);
	if (!rc && s->cpu_quota)
		rc = v1_write_ull(cg, CG_CPU, "cpu.cfs_period_us",
				  s->cpu_period ? s->cpu_period : NB_CGROUP_CPU_PERIOD, err);
	if (!rc && s->cpu_quota)
		rc = v1_write_ull(cg, CG_CPU, "cpu.cfs_quota_us", s->cpu_quota, err);
	if (!rc && s->cpu_weight)
		rc = v1_write_ull(cg, CG_CPU, "cpu.shares",
				  s->cpu_shares ? s->cpu_shares : weight_to_shares(s->cpu_weight),
				  err);
	if (!rc && s->pids)
		rc = v1_write_ull(cg, CG_PIDS, "pids.max", s->pids, err);
	if (!rc && s->cpuset_cpus)
		rc = cg_write(cg_dir_of(cg, CG_CPUSET), "cpuset.cpus", s->cpuset_cpus, err);
	if (!rc && s->cpuset_mems)
		rc = cg_write(cg_dir_of(cg, CG_CPUSET), "cpuset.mems", s->cpuset_mems, err);
	for (int i = 0; !rc && i < s->n_io; i++)
		rc = v1_apply_io(cg, &s->io[i], err);
	return rc;
}

/* memory.oom_control's oom_kill counter (4.13+). */
long long cg1_oom_kills(const struct nb_cgroup *cg)
{
	return cg_read_value(cg_dir_of(cg, CG_MEMORY), "memory.oom_control", "oom_kill");
}

void cg1_stats(const struct nb_cgroup *cg, long long *mem_peak, long long *cpu_ns,
	       long long *pids_peak)
{
	*mem_peak = cg_read_value(cg_dir_of(cg, CG_MEMORY), "memory.max_usage_in_bytes", NULL);
	*cpu_ns = cg_read_value(cg_dir_of(cg, CG_CPUACCT), "cpuacct.usage", NULL);
	*pids_peak = cg_read_value(cg_dir_of(cg, CG_PIDS), "pids.peak", NULL);
}
