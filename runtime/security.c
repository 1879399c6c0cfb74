/* Security hardening: see include/security.h. Raw capset/prctl syscalls, no libcap.
 *
 * Where each step runs (a process can only take privileges away from itself):
 *   host side, after the clone    uid_map / gid_map of the child (userns.c)
 *   container side, first         time namespace offsets
 *   container side, before pivot  masked and read-only /proc and /sys paths (masks.c)
 *   reaper, before the workload   bounding set cut: nothing it spawns can regain a capability
 *   workload, before setuid       rlimits, bounding set, PR_SET_KEEPCAPS
 *   workload, last before exec    capset (+ ambient), no_new_privs, seccomp (seccomp.c) */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "option.h"
#include "container.h"
#include "mounts.h"
#include "nested.h"
#include "ns.h"
#include "seccomp.h"
#include "security.h"

#define CAPS_ALL (~0ULL)

/* capability(7) names in number order (CAP_CHOWN = 0 ...). */
static const char cap_names[][19] = {
	"chown",
	"dac_override",
	"dac_read_search",
	"fowner",
	"fsetid",
	"kill",
	"setgid",
	"setuid",
	"setpcap",
	"linux_immutable",
	"net_bind_service",
	"net_broadcast",
	"net_admin",
	"net_raw",
	"ipc_lock",
	"ipc_owner",
	"sys_module",
	"sys_rawio",
	"sys_chroot",
	"sys_ptrace",
	"sys_pacct",
	"sys_admin",
	"sys_boot",
	"sys_nice",
	"sys_resource",
	"sys_time",
	"sys_tty_config",
	"mknod",
	"lease",
	"audit_write",
	"audit_control",
	"setfcap",
	"mac_override",
	"mac_admin",
	"syslog",
	"wake_alarm",
	"block_suspend",
	"audit_read",
	"perfmon",
	"bpf",
	"checkpoint_restore",
};
#define N_CAPS (int)(sizeof(cap_names) / sizeof(cap_names[0]))

int security_cap_number(const char *name)
{
	if (!strncasecmp(name, "cap_", 4))
		name += 4;
	for (int i = 0; i < N_CAPS; i++)
		if (!strcasecmp(name, cap_names[i]))
			return i;
	return -1;
}

const char *security_cap_name(int cap)
{
	return cap >= 0 && cap < N_CAPS ? cap_names[cap] : NULL;
}

void security_defaults(struct nb_container *c)
{
	c->security.caps = NB_CAPS_DEFAULT;
	/* Rootless: a non-root caller can only get there through a user namespace (unshare -r). */
	if (geteuid())
		c->namespaces |= NB_NS_USER;
}

/* --- options ----------------------------------------------------------------------------- */

static int cap_option(struct nb_container *c, const char *opt, const char *arg, bool add,
		      struct nb_error *err)
{
	uint64_t bits;
	int n;

	if (!strcasecmp(arg, "all")) {
		bits = CAPS_ALL;
	} else {
		n = security_cap_number(arg);
		if (n < 0)
			return nb_fail(err, EINVAL, opt, arg,
				       "unknown capability (see capabilities(7))");
		bits = 1ULL << n;
	}
	if (add)
		c->security.caps |= bits;
	else
		c->security.caps &= ~bits;
	return 0;
}

static int opt_cap_add(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return cap_option(c, "--cap-add", arg, true, err);
}

static int opt_cap_drop(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return cap_option(c, "--cap-drop", arg, false, err);
}

static int opt_cap_ambient(struct nb_container *c, const char *arg, struct nb_error *err)
{
	(void)arg;
	(void)err;
	c->security.caps_ambient = true;
	return 0;
}

static int opt_allow_new_privs(struct nb_container *c, const char *arg, struct nb_error *err)
{
	(void)arg;
	(void)err;
	c->security.allow_new_privs = true;
	return 0;
}

/* docker run --privileged: every capability, no seccomp, no masked paths (and, since nestbox
 * sets it by default, no no_new_privs). Later options still apply on top. */
static int opt_privileged(struct nb_container *c, const char *arg, struct nb_error *err)
{
	(void)arg;
	(void)err;
	c->security.privileged = true;
	c->security.caps = CAPS_ALL;
	c->security.allow_new_privs = true;
	c->security.seccomp = NB_SECCOMP_OFF;
	return 0;
}

static int opt_seccomp(struct nb_container *c, const char *arg, struct nb_error *err)
{
	if (!strcmp(arg, "off") || !strcmp(arg, "unconfined")) {
		c->security.seccomp = NB_SECCOMP_OFF;
		return 0;
	}
	if (!strcmp(arg, "default")) {
		c->security.seccomp = NB_SECCOMP_DEFAULT;
		return 0;
	}
	c->security.seccomp = NB_SECCOMP_FILE;
	return seccomp_parse_file(arg, &c->security, err);
}

/* A decimal number that fits in max, or "unlimited" (-> RLIM_INFINITY when allowed). */
static int parse_limit(const char *s, uint64_t *out)
{
	if (!strcmp(s, "unlimited") || !strcmp(s, "-1")) {
		*out = RLIM_INFINITY;
		return 0;
	}
	return cli_parse_u64(s, RLIM_INFINITY - 1, out);
}

static const char rlimit_names[][11] = {
	[RLIMIT_CPU] = "cpu",		[RLIMIT_FSIZE] = "fsize",
	[RLIMIT_DATA] = "data",		[RLIMIT_STACK] = "stack",
	[RLIMIT_CORE] = "core",		[RLIMIT_RSS] = "rss",
	[RLIMIT_NPROC] = "nproc",	[RLIMIT_NOFILE] = "nofile",
	[RLIMIT_MEMLOCK] = "memlock",	[RLIMIT_AS] = "as",
	[RLIMIT_LOCKS] = "locks",	[RLIMIT_SIGPENDING] = "sigpending",
	[RLIMIT_MSGQUEUE] = "msgqueue", [RLIMIT_NICE] = "nice",
	[RLIMIT_RTPRIO] = "rtprio",	[RLIMIT_RTTIME] = "rttime",
};

/* --rlimit NAME=SOFT[:HARD], as docker's --ulimit; HARD defaults to SOFT. */
static int opt_rlimit(struct nb_container *c, const char *arg, struct nb_error *err)
{
	struct nb_security_spec *s = &c->security;
	char buf[64], *value, *hard;
	int res = -1, i;

	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf) ||
	    !(value = strchr(buf, '=')))
		return nb_fail(err, EINVAL, "--rlimit", arg, "expected NAME=SOFT[:HARD]");
	*value++ = '\0';
	for (i = 0; i < NB_RLIMIT_MAX; i++)
		if (!strcmp(buf, rlimit_names[i]))
			res = i;
	if (res < 0)
		return nb_fail(
		    err, EINVAL, "--rlimit", arg,
		    "unknown resource (as core cpu data fsize locks memlock msgqueue nice "
		    "nofile nproc rss rtprio rttime sigpending stack)");
	hard = strchr(value, ':');
	if (hard)
		*hard++ = '\0';
	for (i = 0; i < s->n_rlimits && s->rlimits[i].resource != res; i++)
		;
	if (parse_limit(value, &s->rlimits[i].soft) ||
	    parse_limit(hard ? hard : value, &s->rlimits[i].hard))
		return nb_fail(err, EINVAL, "--rlimit", arg,
			       "limits are numbers or 'unlimited' (NAME=SOFT[:HARD])");
	if (s->rlimits[i].soft > s->rlimits[i].hard)
		return nb_fail(err, EINVAL, "--rlimit", arg, "soft limit above hard limit");
	s->rlimits[i].resource = res;
	if (i == s->n_rlimits)
		s->n_rlimits++;
	return 0;
}

/* --uidmap/--gidmap INSIDE:OUTSIDE:COUNT. The kernel refuses overlapping ranges on either side
 * (user_namespaces(7)); say so here, with the clashing entry. */
static int idmap_option(const char *opt, const char *arg, struct nb_idmap *maps, int *n,
			struct nb_error *err)
{
	uint64_t v[3];
	const char *p = arg;
	char num[16];

	for (int i = 0; i < 3; i++) {
		size_t len = strcspn(p, ":");

		if (len >= sizeof(num) || (i < 2) != (p[len] == ':'))
			return nb_fail(err, EINVAL, opt, arg, "expected INSIDE:OUTSIDE:COUNT");
		memcpy(num, p, len);
		num[len] = '\0';
		if (cli_parse_u64(num, UINT32_MAX, &v[i]))
			return nb_fail(err, EINVAL, opt, arg, "ids are numbers below 2^32");
		p += len + 1;
	}
	if (!v[2] || v[0] + v[2] > UINT32_MAX || v[1] + v[2] > UINT32_MAX)
		return nb_fail(err, ERANGE, opt, arg, "range empty or past the last id (2^32-2)");
	if (*n == NB_IDMAP_MAX)
		return nb_fail(err, E2BIG, opt, arg, "at most 8 ranges");
	for (int i = 0; i < *n; i++)
		if ((v[0] < maps[i].inside + maps[i].count && maps[i].inside < v[0] + v[2]) ||
		    (v[1] < maps[i].outside + maps[i].count && maps[i].outside < v[1] + v[2]))
			return nb_fail(err, EINVAL, opt, arg, "overlaps an earlier range");
	maps[*n] = (struct nb_idmap){ (uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2] };
	(*n)++;
	return 0;
}

static int opt_uidmap(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return idmap_option("--uidmap", arg, c->security.uidmap, &c->security.n_uidmap, err);
}

static int opt_gidmap(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return idmap_option("--gidmap", arg, c->security.gidmap, &c->security.n_gidmap, err);
}

static int time_option(const char *opt, const char *arg, long long *out, struct nb_error *err)
{
	char *end;

	errno = 0;
	*out = strtoll(arg, &end, 10);
	/* The kernel takes offsets of up to about +-2^62 ns; keep to a sane +-100 years. */
	if (!*arg || *end || errno || *out > 3155760000LL || *out < -3155760000LL)
		return nb_fail(err, EINVAL, opt, arg, "expected whole seconds (+-100 years)");
	return 0;
}

static int opt_boottime(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return time_option("--boottime", arg, &c->security.boottime, err);
}

static int opt_monotonic(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return time_option("--monotonic", arg, &c->security.monotonic, err);
}

/* docker's --security-opt: no-new-privileges[=true|false] (or docker's old ':'),
 * seccomp=unconfined|FILE (FILE: nestbox's text policy, not docker's JSON). */
static int opt_security_opt(struct nb_container *c, const char *arg, struct nb_error *err)
{
	if (!strncmp(arg, "seccomp", 7) && (arg[7] == '=' || arg[7] == ':') && arg[8])
		return opt_seccomp(c, arg + 8, err);
	if (!strncmp(arg, "no-new-privileges", 17) && strchr(":=", arg[17])) {
		const char *v = arg + 17 + !!arg[17];

		c->security.allow_new_privs = !strcmp(v, "false");
		if (!*v || !strcmp(v, "true") || c->security.allow_new_privs)
			return 0;
	}
	return nb_fail(err, EINVAL, "--security-opt", arg,
		       "expected no-new-privileges[=true|false] or seccomp=unconfined|FILE");
}

const struct cli_option cli_security_options[] = {
	OPT("cap-add", " ", 1, opt_cap_add, "CAP          add a capability (or ALL), repeatable"),
	OPT("cap-drop", " ", 1, opt_cap_drop,
	    "CAP          drop a capability (or ALL), repeatable"),
	OPT("cap-ambient", " ", 0, opt_cap_ambient, "            a non-root --user keeps the caps"),
	OPT("allow-new-privs", " ", 0, opt_allow_new_privs,
	    "        no no_new_privs (setuid works)"),
	OPT("privileged", " ", 0, opt_privileged,
	    "             all caps, no seccomp, no masked paths"),
	OPT("seccomp", " ", 1, opt_seccomp, "off|FILE     no filter, or a text policy"),
	OPT("rlimit", " ", 1, opt_rlimit, "NAME=S[:H]   resource limit, e.g. nofile=1024:4096"),
	OPT("uidmap", " ", 1, opt_uidmap, "C:H:N        user namespace uid map, repeatable"),
	OPT("gidmap", " ", 1, opt_gidmap, "C:H:N        user namespace gid map, repeatable"),
	OPT("boottime", " ", 1, opt_boottime, "SECONDS      time namespace boottime offset"),
	OPT("monotonic", " ", 1, opt_monotonic, "SECONDS      time namespace monotonic offset"),
	/* docker's spellings */
	OPT("ulimit", " ", 1, opt_rlimit, ""),
	OPT("security-opt", " ", 1, opt_security_opt, ""),
	{ NULL },
};

/* --- container side ------------------------------------------------------------------------ */

/* --- the workload's process --------------------------------------------------------------- */

/* PR_CAPBSET_DROP of every capability not kept that is still in the set; EINVAL from the read
 * marks the end of the kernel's list. Read first: a drop makes new credentials (commit_creds,
 * ~1 us), a read does not (~0.15 us), and the workload's set is the reaper's, cut already. */
static int drop_bounding(uint64_t keep)
{
	for (int cap = 0; cap < 64; cap++) {
		int in;

		if (keep & (1ULL << cap))
			continue;
		in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
		if (in < 0)
			return errno == EINVAL ? 0 : -1;
		if (in && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
			return -1;
	}
	return 0;
}

/* capset(2) the three sets; musl has no wrapper. Bits past the kernel's last capability are
 * masked off (they are in CAPS_ALL). */
static int set_caps(uint64_t effective, uint64_t permitted, uint64_t inheritable)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	uint64_t valid = 0;

	for (int cap = 0; cap < 64 && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		valid |= 1ULL << cap;
	for (int i = 0; i < 2; i++) {
		data[i].effective = (uint32_t)((effective & valid) >> (32 * i));
		data[i].permitted = (uint32_t)((permitted & valid) >> (32 * i));
		data[i].inheritable = (uint32_t)((inheritable & valid) >> (32 * i));
	}
	return (int)syscall(SYS_capset, &hdr, data);
}

static uint64_t permitted_caps(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data))
		return 0;
	return data[0].permitted | (uint64_t)data[1].permitted << 32;
}

/* The reaper keeps its permitted set (the workload needs it for setuid and capset) but is out
 * of the workload's reach: ptrace(2) access needs the tracee's caps to be a subset of the
 * tracer's, and a non-dumpable process is ptrace-proof without CAP_SYS_PTRACE. It has no
 * seccomp filter, so a workload that could drive it would leave the filter behind. execve
 * resets dumpable for the workload. */
int security_limit_caps(const struct nb_container *c, struct nb_error *err)
{
	if (drop_bounding(c->security.caps))
		return nested_fail(err, errno, "capability bounding set", NULL, NB_NEED_SETPCAP);
	if (!c->security.privileged && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
		return nb_fail_errno(err, "PR_SET_DUMPABLE", NULL);
	return 0;
}

int security_before_user(const struct nb_container *c, struct nb_error *err)
{
	const struct nb_security_spec *s = &c->security;
	int rc = security_limit_caps(c, err);

	for (int i = 0; !rc && i < s->n_rlimits; i++) {
		struct rlimit rl = { s->rlimits[i].soft, s->rlimits[i].hard };

		/* prlimit(2) on ourselves: setrlimit is the same syscall, with a fallback for
		 * kernels before 2.6.36 that links musl's __synccall (2 KB) */
		if (prlimit(0, s->rlimits[i].resource, &rl, NULL))
			rc = nb_fail_errno(err, "--rlimit", rlimit_names[s->rlimits[i].resource]);
	}
	/* setuid(2) to a non-zero uid clears the permitted set unless KEEPCAPS is on; execve
	 * resets it. */
	if (!rc && c->uid && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		rc = nb_fail_errno(err, "PR_SET_KEEPCAPS", NULL);
	return rc;
}

static int apply_caps(const struct nb_container *c, struct nb_error *err)
{
	/* capset(2) cannot add to the permitted set: ALL means all we have (root on this host may
	 * lack some, e.g. CAP_SYS_RESOURCE). */
	uint64_t caps = c->security.caps & permitted_caps();
	/* The inheritable set stays empty unless ambient caps are asked for (they must be
	 * inheritable): with it full, a non-root user exec'ing a file with inheritable file caps
	 * would gain them (CVE-2022-24769, fixed the same way in moby and runc). */
	uint64_t inheritable = c->security.caps_ambient ? caps : 0;

	if (set_caps(caps, caps, inheritable))
		return nb_fail_errno(err, "capset", NULL);
	if (!c->security.caps_ambient)
		return 0;
	for (int cap = 0; cap < 64; cap++)
		if ((caps & (1ULL << cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) && errno != EINVAL)
			return nb_fail_errno(err, "ambient capability", cap_names[cap]);
	return 0;
}

int security_before_exec(const struct nb_container *c, struct nb_error *err)
{
	uint64_t permitted;
	int rc;

	if (!c->security.allow_new_privs) {
		rc = apply_caps(c, err);
		if (!rc && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			rc = nb_fail_errno(err, "no_new_privs", NULL);
		return rc ? rc : seccomp_load(c, err);
	}
	/* Without no_new_privs, seccomp(2) wants CAP_SYS_ADMIN: load the filter while every
	 * permitted capability is still in effect, then cut them (capset and prctl must pass the
	 * filter; seccomp.c allows them). */
	permitted = permitted_caps();
	if (c->security.seccomp != NB_SECCOMP_OFF && set_caps(permitted, permitted, 0))
		return nb_fail_errno(err, "capset", NULL);
	rc = seccomp_load(c, err);
	return rc ? rc : apply_caps(c, err);
}
