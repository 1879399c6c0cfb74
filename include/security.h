/* Security hardening of the container: capabilities, no_new_privs, masked and read-only /proc
 * and /sys paths, resource limits, user-namespace id maps and time-namespace offsets. The
 * seccomp filter is seccomp.c's (include/seccomp.h). Options: the `security` table below. */
#ifndef NB_SECURITY_H
#define NB_SECURITY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "nb_error.h"

struct nb_container;
struct nb_seccomp_profile;

#define NB_IDMAP_MAX  8	 /* lines per uid_map/gid_map we accept (the kernel takes 340) */
#define NB_RLIMIT_MAX 16 /* RLIM_NLIMITS */

/* Docker's default capability set (moby oci/caps/defaults.go), as a bit mask. */
#define NB_CAPS_DEFAULT                                                                          \
	((1ULL << 0) | (1ULL << 1) | (1ULL << 3) | (1ULL << 4) | (1ULL << 5) | (1ULL << 6) |     \
	 (1ULL << 7) | (1ULL << 8) | (1ULL << 10) | (1ULL << 13) | (1ULL << 18) | (1ULL << 27) | \
	 (1ULL << 29) | (1ULL << 31))
#define NB_CAP_SYS_ADMIN 21

/* NB_SECCOMP_OCI: config.json's linux.seccomp (profile, seccomp.h) */
enum nb_seccomp_mode { NB_SECCOMP_DEFAULT, NB_SECCOMP_OFF, NB_SECCOMP_FILE, NB_SECCOMP_OCI };

struct nb_idmap {
	uint32_t inside, outside, count;
};

struct nb_seccomp_rule {
	int nr;	    /* syscall number */
	int action; /* 0: allow, else the errno to return */
};

struct nb_security_spec {
	uint64_t caps;	      /* bounding = permitted = effective (+ inheritable, ambient) */
	bool caps_ambient;    /* also raise them as ambient (for a non-root --user) */
	bool allow_new_privs; /* no PR_SET_NO_NEW_PRIVS */
	bool privileged;      /* all caps, no seccomp, no masked paths */
	enum nb_seccomp_mode seccomp;
	struct nb_seccomp_rule *rules; /* --seccomp FILE, parsed */
	int n_rules;
	int seccomp_default;		    /* --seccomp FILE's default: 0 allow, else errno */
	struct nb_seccomp_profile *profile; /* NB_SECCOMP_OCI */
	struct {
		int resource;
		uint64_t soft, hard;
	} rlimits[NB_RLIMIT_MAX];
	int n_rlimits;
	struct nb_idmap uidmap[NB_IDMAP_MAX], gidmap[NB_IDMAP_MAX];
	int n_uidmap, n_gidmap;
	long long boottime, monotonic; /* time namespace offsets, seconds */
};

/* Defaults (Docker's caps, no_new_privs, default seccomp filter; a user namespace for a
 * non-root caller). */
void security_defaults(struct nb_container *c);

/* Host side, before the clone: cross-option checks (maps need --ns user...); under a shifted
 * map, root makes idmapped clones of the layers for the container side. */
int security_prepare(const struct nb_container *c, struct nb_error *err);

/* Container side, on the scratch root before the overlay: the idmapped layers, persistent
 * upper layer and bind sources over their paths under OLDROOT. */
int security_idmap_attach(const struct nb_container *c, struct nb_error *err);
/* The same for c->binds[i] alone, for a mount step that binds it from OLDROOT: 0 when its
 * source is now the idmapped clone, or needs none; a second call does nothing. */
int security_idmap_bind(const struct nb_container *c, int i, struct nb_error *err);

/* Host side, after the clone and before the go byte: the child's uid/gid maps. */
int security_host_setup(const struct nb_container *c, pid_t child, struct nb_error *err);

/* Container side, first thing after the go byte: become root of the user namespace, enter the
 * time namespace with its offsets. */
int security_enter(const struct nb_container *c, struct nb_error *err);

/* Container side, the reaper (or the --no-init workload) before the workload starts: cut the
 * bounding set and the process's own capabilities to the container's set. */
int security_limit_caps(const struct nb_container *c, struct nb_error *err);

/* Workload, before switching user: rlimits, bounding set, PR_SET_KEEPCAPS. */
int security_before_user(const struct nb_container *c, struct nb_error *err);

/* Workload, last step before execve: capabilities (+ ambient), no_new_privs, seccomp. */
int security_before_exec(const struct nb_container *c, struct nb_error *err);

/* Capability name ("CAP_NET_ADMIN", "net_admin") -> number, or -1. */
int security_cap_number(const char *name);
/* Number -> its capabilities(7) name without "CAP_", lower case ("net_admin"), or NULL. */
const char *security_cap_name(int cap);

#endif
