/* config.json's linux object (runtime-spec config-linux.md) -> the description: namespaces, id
 * mappings, resources (the cgroup spec), masked and read-only paths. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mount_plan.h"
#include "ns.h"
#include "oci_seccomp.h"
#include "oci_verbs.h"
#include "oci_walk.h"
#include "option.h"
#include "security.h"

/* --- namespaces ----------------------------------------------------------------------------- */

static const struct {
	const char *type;
	unsigned bit;
} ns_types[] = {
	{ "mount", NB_NS_MNT }, { "pid", NB_NS_PID },	  { "uts", NB_NS_UTS },
	{ "ipc", NB_NS_IPC },	{ "network", NB_NS_NET }, { "cgroup", NB_NS_CGROUP },
	{ "user", NB_NS_USER }, { "time", NB_NS_TIME },
};

/* linux.namespaces[].path: the namespace is joined, not made; opened now, before anything of
 * the image is looked at, and refused unless it is a namespace of that type (config-linux.md:
 * "an error MUST be generated"). */
static int join_namespace(struct oci_walk *w, const struct json_value *p, const char *path,
			  unsigned bit)
{
	char sub[OCI_PATH_MAX];
	int fd, rc;

	oci_path_member(sub, path, "path");
	rc = oci_want(w, p, sub, JSON_STRING);
	if (rc)
		return rc;
	if (bit & (NB_NS_USER | NB_NS_TIME))
		return oci_bad(w, p, sub, "joining a user or time namespace is not supported yet");
	rc = ns_open_path(p->str, bit, &fd);
	if (rc == -EINVAL)
		return oci_bad(w, p, sub, "not a namespace of this type");
	if (rc)
		return nb_fail(w->err, -rc, sub, p->str, strerror(-rc));
	w->c->ns_join |= bit;
	w->c->ns_fd[__builtin_ctz(bit)] = fd;
	return 0;
}

static int walk_namespace(struct oci_walk *w, const struct json_value *e, const char *path)
{
	const struct json_value *type = json_member(e, "type"), *p = json_member(e, "path");
	char sub[OCI_PATH_MAX];
	unsigned bit = 0;
	int rc = oci_want(w, e, path, JSON_OBJECT);

	for (const struct json_value *m = rc ? NULL : e->child; m; m = m->next) {
		oci_path_member(sub, path, m->key);
		if (strcmp(m->key, "type") && strcmp(m->key, "path"))
			return oci_bad(w, m, sub, "unknown field");
	}
	if (rc || !type)
		return rc ? rc : oci_bad(w, e, path, "no type");
	oci_path_member(sub, path, "type");
	rc = oci_want(w, type, sub, JSON_STRING);
	for (size_t i = 0; !rc && i < sizeof(ns_types) / sizeof(ns_types[0]); i++)
		if (!strcmp(type->str, ns_types[i].type))
			bit = ns_types[i].bit;
	if (!rc && !bit)
		return oci_bad(w, type, sub,
			       "unknown namespace (mount pid uts ipc network cgroup user time)");
	if (!rc && ((w->c->namespaces | w->c->ns_join) & bit))
		return oci_bad(w, type, sub, "given twice");
	if (!rc && p)
		return join_namespace(w, p, path, bit);
	w->c->namespaces |= bit;
	return rc;
}

/* The list is the whole set: a namespace not in it is the host's. */
static int walk_namespaces(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int rc = oci_walk_array(w, v, path, walk_namespace);

	if (rc)
		return rc;
	if (!((w->c->namespaces | w->c->ns_join) & NB_NS_MNT))
		return oci_bad(w, v, path,
			       "a mount namespace is required (nestbox pivots into its own root)");
	/* Own network namespace: only lo, as --net none; else the host's, as --net host. */
	w->c->net.mode = (w->c->namespaces & NB_NS_NET) ? NB_NET_NONE : NB_NET_HOST;
	return 0;
}

/* --- uidMappings, gidMappings ---------------------------------------------------------------- */

/* user_namespaces(7): the kernel refuses overlapping ranges on either side. */
static int add_idmap(struct oci_walk *w, const struct json_value *e, const char *path,
		     struct nb_idmap *maps, int *n)
{
	static const char *const names[] = { "containerID", "hostID", "size" };
	char sub[OCI_PATH_MAX];
	uint64_t v[3];
	int rc = oci_want(w, e, path, JSON_OBJECT);

	for (const struct json_value *m = rc ? NULL : e->child; m; m = m->next) {
		oci_path_member(sub, path, m->key);
		if (strcmp(m->key, names[0]) && strcmp(m->key, names[1]) &&
		    strcmp(m->key, names[2]))
			return oci_bad(w, m, sub, "unknown field");
	}
	for (int i = 0; !rc && i < 3; i++) {
		const struct json_value *f = json_member(e, names[i]);

		oci_path_member(sub, path, names[i]);
		rc = f ? oci_want_uint(w, f, sub, UINT32_MAX, &v[i])
		       : oci_bad(w, e, sub, "missing (required)");
	}
	if (rc)
		return rc;
	if (!v[2] || v[0] + v[2] > UINT32_MAX || v[1] + v[2] > UINT32_MAX)
		return oci_bad(w, e, path, "range empty or past the last id (2^32-2)");
	if (*n == NB_IDMAP_MAX)
		return oci_bad(w, e, path, "at most 8 ranges");
	for (int i = 0; i < *n; i++)
		if ((v[0] < maps[i].inside + maps[i].count && maps[i].inside < v[0] + v[2]) ||
		    (v[1] < maps[i].outside + maps[i].count && maps[i].outside < v[1] + v[2]))
			return oci_bad(w, e, path, "overlaps an earlier range");
	maps[(*n)++] = (struct nb_idmap){ (uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2] };
	return 0;
}

static int walk_idmaps(struct oci_walk *w, const struct json_value *v, const char *path,
		       struct nb_idmap *maps, int *n)
{
	char sub[OCI_PATH_MAX];
	size_t i = 0;
	int rc = oci_want(w, v, path, JSON_ARRAY);

	for (const struct json_value *e = rc ? NULL : v->child; !rc && e; e = e->next, i++) {
		oci_path_index(sub, path, i);
		rc = add_idmap(w, e, sub, maps, n);
	}
	return rc;
}

static int walk_uidmaps(struct oci_walk *w, const struct json_value *v, const char *path)
{
	w->idmaps_at = v;
	return walk_idmaps(w, v, path, w->c->security.uidmap, &w->c->security.n_uidmap);
}

static int walk_gidmaps(struct oci_walk *w, const struct json_value *v, const char *path)
{
	w->idmaps_at = v;
	return walk_idmaps(w, v, path, w->c->security.gidmap, &w->c->security.n_gidmap);
}

/* --- resources ------------------------------------------------------------------------------ */

static int walk_memory_limit(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int64_t n;
	int rc = oci_want_int(w, v, path, -1, INT64_MAX, &n);

	if (!rc && !n)
		rc = oci_bad(w, v, path, "0 bytes (-1 is no limit)");
	if (!rc)
		w->c->cgroup.memory = n < 0 ? 0 : (unsigned long long)n;
	return rc;
}

/* memory.swap is memory + swap, as docker's --memory-swap (runtime-spec config-linux.md);
 * -1 is no limit; cgroup_validate checks it against the limit. */
static int walk_memory_swap(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int64_t n;
	int rc = oci_want_int(w, v, path, -1, INT64_MAX, &n);

	if (!rc)
		w->c->cgroup.memory_swap = n <= 0 ? 0 : (unsigned long long)n;
	return rc;
}

static int walk_memory_reservation(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int64_t n;
	int rc = oci_want_int(w, v, path, -1, INT64_MAX, &n);

	if (!rc)
		w->c->cgroup.memory_low = n <= 0 ? 0 : (unsigned long long)n;
	return rc;
}

static const struct oci_field memory_fields[] = {
	{ "limit", walk_memory_limit }, { "reservation", walk_memory_reservation },
	{ "swap", walk_memory_swap },	{ "kernel", NULL },
	{ "kernelTCP", NULL },		{ "swappiness", NULL },
	{ "disableOOMKiller", NULL },	{ "useHierarchy", NULL },
	{ "checkBeforeUpdate", NULL },	{ NULL, NULL },
};

static int walk_memory(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return oci_walk_object(w, v, path, memory_fields);
}

static int walk_pids_limit(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int64_t n;
	int rc = oci_want_int(w, v, path, INT64_MIN, INT32_MAX, &n);

	/* runtime-spec: 0 or -1 (any value <= 0) is no limit. */
	if (!rc)
		w->c->cgroup.pids = n > 0 ? (unsigned long long)n : 0;
	return rc;
}

static const struct oci_field pids_fields[] = {
	{ OCI_REQUIRED "limit", walk_pids_limit },
	{ NULL, NULL },
};

static int walk_pids(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return oci_walk_object(w, v, path, pids_fields);
}

/* cpu.shares 2..262144: written as given on v1 (runtime-tools reads it back), and as
 * cpu.weight 1..10000 on v2, the way runc and crun convert it. */
static int walk_cpu_shares(struct oci_walk *w, const struct json_value *v, const char *path)
{
	uint64_t shares;
	int rc = oci_want_uint(w, v, path, 262144, &shares);

	if (!rc && shares < 2)
		rc = oci_bad(w, v, path, "expected 2 to 262144");
	if (!rc) {
		w->c->cgroup.cpu_shares = (unsigned)shares;
		w->c->cgroup.cpu_weight = (unsigned)(1 + ((shares - 2) * 9999) / 262142);
	}
	return rc;
}

static int walk_cpu_quota(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int64_t q;
	int rc = oci_want_int(w, v, path, -1, 1LL << 40, &q); /* x 100000: no overflow */

	if (!rc && q >= 0 && q < 1000)
		rc = oci_bad(w, v, path, "below the kernel's 1000 us minimum (-1 is no limit)");
	if (!rc)
		w->cpu_quota = q;
	return rc;
}

static int walk_cpu_period(struct oci_walk *w, const struct json_value *v, const char *path)
{
	uint64_t p;
	int rc = oci_want_uint(w, v, path, 1000000, &p);

	if (!rc && p < 1000)
		rc = oci_bad(w, v, path, "expected 1000 to 1000000 us");
	if (!rc)
		w->cpu_period = p;
	return rc;
}

/* cpu.cpus and cpu.mems: cpuset.cpus and cpuset.mems, through --cpuset and --cpuset-mems */
static int walk_cpu_cpus(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int rc = oci_want(w, v, path, JSON_STRING);

	return rc ? rc : oci_by_option(w, v, path, cgroup_options, "cpuset", v->str);
}

static int walk_cpu_mems(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int rc = oci_want(w, v, path, JSON_STRING);

	return rc ? rc : oci_by_option(w, v, path, cgroup_options, "cpuset-mems", v->str);
}

static const struct oci_field cpu_fields[] = {
	{ "shares", walk_cpu_shares },
	{ "quota", walk_cpu_quota },
	{ "period", walk_cpu_period },
	{ "burst", NULL },
	{ "realtimeRuntime", NULL },
	{ "realtimePeriod", NULL },
	{ "cpus", walk_cpu_cpus },
	{ "mems", walk_cpu_mems },
	{ "idle", NULL },
	{ NULL, NULL },
};

/* quota and period as given (runtime-tools reads both back); at least 1% of a CPU. */
static int walk_cpu(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int rc;

	w->cpu_quota = -1;
	w->cpu_period = NB_CGROUP_CPU_PERIOD;
	rc = oci_walk_object(w, v, path, cpu_fields);
	if (!rc && w->cpu_quota > 0) {
		w->c->cgroup.cpu_quota = (unsigned long long)w->cpu_quota;
		w->c->cgroup.cpu_period = (unsigned)w->cpu_period;
	}
	if (!rc && w->cpu_quota > 0 && w->cpu_quota * 100 < (int64_t)w->cpu_period)
		rc = oci_bad(w, v, path, "quota/period below 1% of a CPU");
	return rc;
}

/* linux.resources.devices: nestbox's device policy is fixed: a container reaches only the few
 * nodes of its own /dev (null zero full random urandom tty ptmx, pts), every other mount is nodev
 * (mount_plan.c). A list that first denies everything, then allows, is that policy or a wider
 * one (containerd's and podman's default lists are): taken. Any other deny would have to be a
 * devices cgroup rule, which nestbox does not write. */
static int walk_devices(struct oci_walk *w, const struct json_value *v, const char *path)
{
	char sub[OCI_PATH_MAX];
	size_t i = 0;
	int rc = oci_want(w, v, path, JSON_ARRAY);

	for (const struct json_value *e = rc ? NULL : v->child; !rc && e; e = e->next, i++) {
		const struct json_value *allow = json_member(e, "allow"),
					*type = json_member(e, "type"),
					*access = json_member(e, "access");
		bool deny_all =
		    allow && allow->type == JSON_FALSE && !json_member(e, "major") &&
		    !json_member(e, "minor") &&
		    (!type || (type->type == JSON_STRING && !strcmp(type->str, "a"))) &&
		    (!access || (access->type == JSON_STRING && !strcmp(access->str, "rwm")));

		oci_path_index(sub, path, i);
		rc = oci_want(w, e, sub, JSON_OBJECT);
		if (!rc && !(i == 0 ? deny_all : allow && allow->type == JSON_TRUE))
			rc = oci_bad(w, e, sub,
				     i == 0 ? "not supported yet (the first rule must deny all)"
					    : "not supported yet (a deny after the first rule)");
	}
	return rc;
}

static const struct oci_field resources_fields[] = {
	{ "memory", walk_memory }, { "cpu", walk_cpu },
	{ "pids", walk_pids },	   { "devices", walk_devices },
	{ "blockIO", NULL },	   { "hugepageLimits", NULL },
	{ "network", NULL },	   { "rdma", NULL },
	{ "unified", NULL },	   { NULL, NULL },
};

static int walk_resources(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return oci_walk_object(w, v, path, resources_fields);
}

/* --- maskedPaths, readonlyPaths -------------------------------------------------------------- */

/* nestbox masks a fixed list (mount_plan.c): a path in it is done (read-only or masked: masked
 * is the stronger); any other is one more step of the plan, after /proc, /sys and /dev (a path
 * this kernel does not have is skipped, as runc does). */
static int walk_paths(struct oci_walk *w, const struct json_value *v, const char *path,
		      bool read_only)
{
	struct nb_mount m = { .op = read_only ? NB_MOUNT_READ_ONLY : NB_MOUNT_MASK,
			      .make = NB_MAKE_NOTHING };
	char sub[OCI_PATH_MAX];
	size_t i = 0;
	int rc = oci_want(w, v, path, JSON_ARRAY);

	for (const struct json_value *e = rc ? NULL : v->child; !rc && e; e = e->next, i++) {
		oci_path_index(sub, path, i);
		rc = oci_want(w, e, sub, JSON_STRING);
		if (!rc && e->str[0] != '/')
			rc = oci_bad(w, e, sub, "not an absolute path");
		if (rc || mount_plan_is_default_mask(e->str, read_only) ||
		    (read_only && mount_plan_is_default_mask(e->str, false)))
			continue;
		m.target = e->str;
		rc = mount_plan_add(w->c, &m, w->err);
	}
	return rc;
}

static int walk_masked(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return walk_paths(w, v, path, false);
}

static int walk_readonly(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return walk_paths(w, v, path, true);
}

/* systemd's "slice:prefix:name" as the cgroupfs path systemd gives the unit, by runc's rules
 * (libcontainer/cgroups/systemd ExpandSlice, getUnitName): slice "a-b.slice" is
 * /a.slice/a-b.slice ("-.slice" the root, "" system.slice), the unit prefix-name.scope, or
 * name itself when it is a slice. 0, or -1 for a form systemd would refuse; 256 bytes at most
 * (systemd's unit names are 255), so that buf (PATH_MAX) holds the deepest expansion. */
static int systemd_path(char *buf, const char *v)
{
	const char *c1 = strchr(v, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	const char *slice = c1 == v ? "system.slice:" : v, *name = c2 ? c2 + 1 : "";
	int n = (int)(strchr(slice, ':') - slice) - 6, len = (int)strlen(name), at = 0;

	if (!c2 || !len || strlen(v) > 256 || strchr(name, ':') || strchr(v, '/') || n < 1 ||
	    strncmp(slice + n, ".slice", 6))
		return -1;
	for (int i = 1; i <= n && !(n == 1 && *slice == '-'); i++)
		if (i == n || slice[i] == '-') {
			if (*slice == '-' || slice[i - 1] == '-') /* "-a", "a--b", "a-" */
				return -1;
			at += snprintf(buf + at, PATH_MAX - at, "/%.*s.slice", i, slice);
		}
	if (len > 6 && !strcmp(name + len - 6, ".slice"))
		snprintf(buf + at, PATH_MAX - at, "/%s", name);
	else
		snprintf(buf + at, PATH_MAX - at, "/%.*s-%s.scope", (int)(c2 - c1 - 1), c1 + 1,
			 name);
	return 0;
}

/* linux.cgroupsPath: in the cgroupfs form (runc without --systemd-cgroup, colons and all)
 * "/a/b" from the root of each hierarchy, "a/b" below nestbox's own group: --cgroup's meaning
 * (cgroup.c). With --systemd-cgroup, systemd's slice:prefix:name: there is no systemd to ask
 * for a scope, so the cgroupfs code makes the path systemd would use (README). */
static int walk_cgroups_path(struct oci_walk *w, const struct json_value *v, const char *path)
{
	static char unit_path[PATH_MAX];
	int rc = oci_want(w, v, path, JSON_STRING);

	if (!rc && oci_systemd_cgroup && v->str[0] && systemd_path(unit_path, v->str))
		rc = oci_bad(w, v, path, "want systemd's slice:prefix:name (--systemd-cgroup)");
	if (!rc && v->str[0])
		w->c->cgroup.path = oci_systemd_cgroup ? unit_path : v->str;
	return rc;
}

/* linux.sysctl {"KEY": "VALUE"}: --sysctl KEY=VALUE's list (sysctl.c checks each against the
 * namespaces and writes it, as for the docker-like flag). */
static int walk_sysctl(struct oci_walk *w, const struct json_value *v, const char *path)
{
	char sub[OCI_PATH_MAX];
	int rc = oci_want(w, v, path, JSON_OBJECT);

	for (const struct json_value *e = rc ? NULL : v->child; !rc && e; e = e->next) {
		char *kv;

		oci_path_member(sub, path, e->key);
		rc = oci_want(w, e, sub, JSON_STRING);
		if (!rc && w->c->n_sysctls == NB_GROUPS_MAX)
			rc = oci_bad(w, e, sub, "more than 32 sysctls");
		if (!rc && asprintf(&kv, "%s=%s", e->key, e->str) < 0)
			rc = nb_fail_errno(w->err, sub, NULL);
		if (!rc)
			w->c->sysctls[w->c->n_sysctls++] = kv;
	}
	return rc;
}

/* --- rootfsPropagation ---------------------------------------------------------------------- */

/* Set on the container's root once it is the root (pivot_root(2) refuses a shared new root). */
static int walk_rootfs_propagation(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int rc = oci_want(w, v, path, JSON_STRING);

	if (!rc && oci_propagation(v->str, &w->c->root_propagation))
		rc = oci_bad(w, v, path, "unknown (shared, slave, private, unbindable)");
	return rc;
}

/* --- linux ---------------------------------------------------------------------------------- */

static const struct oci_field linux_fields[] = {
	{ OCI_REQUIRED "namespaces", walk_namespaces },
	{ "uidMappings", walk_uidmaps },
	{ "gidMappings", walk_gidmaps },
	{ "resources", walk_resources },
	{ "maskedPaths", walk_masked },
	{ "readonlyPaths", walk_readonly },
	{ "devices", oci_walk_devices },
	{ "cgroupsPath", walk_cgroups_path },
	{ "sysctl", walk_sysctl },
	{ "seccomp", oci_walk_seccomp },
	{ "rootfsPropagation", walk_rootfs_propagation },
	{ "mountLabel", NULL },
	{ "intelRdt", NULL },
	{ "personality", NULL },
	{ "timeOffsets", NULL },
	{ "memoryPolicy", NULL },
	{ "netDevices", NULL },
	{ NULL, NULL },
};

int oci_walk_linux(struct oci_walk *w, const struct json_value *v, const char *path)
{
	char sub[OCI_PATH_MAX];
	int rc = oci_walk_object(w, v, path, linux_fields);

	if (!rc && w->idmaps_at && !(w->c->namespaces & NB_NS_USER)) {
		oci_path_member(sub, path, w->idmaps_at->key);
		rc = oci_bad(w, w->idmaps_at, sub, "needs a user namespace in linux.namespaces");
	}
	return rc;
}
