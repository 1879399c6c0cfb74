/* Running nested, inside another runtime (docker, podman, runc, a Kubernetes pod, nestbox
 * itself): when a setup step is refused, say which permission the outer runtime withheld
 * instead of a bare "Operation not permitted". */
#ifndef NB_NESTED_H
#define NB_NESTED_H

#include <stdint.h>

#include "nb_error.h"

/* Capability bits (capability(7) numbers) for nested_fail's caps argument. */
#define NB_CAPBIT(n)	     (1ULL << (n))
#define NB_NEED_DAC_OVERRIDE NB_CAPBIT(1)
#define NB_NEED_SETPCAP	     NB_CAPBIT(8)
#define NB_NEED_NET_ADMIN    NB_CAPBIT(12)
#define NB_NEED_SYS_ADMIN    NB_CAPBIT(21)

/* A step failed with errno value code. Fill err with "<what>: <value>: <why>", where why names
 * the first thing missing: a capability of caps not in our effective set, else (EPERM/EACCES) a
 * seccomp filter or an AppArmor profile over us, else strerror(code). Returns -code. */
int nested_fail(struct nb_error *err, int code, const char *what, const char *value, uint64_t caps);

/* Mounting a new procfs failed with code. The kernel refuses one inside a user namespace while
 * the /proc we can see has mounts over parts of it (fs/namespace.c: mount_too_revealing; the
 * masked paths of docker, runc, podman, Kubernetes): say so, else as nested_fail. proc_dir is
 * where that /proc is seen now (the host's root is under OLDROOT while the root is built). */
int nested_fail_proc(struct nb_error *err, int code, const char *what, const char *value,
		     const char *proc_dir);

/* Making a cgroup under path failed with code. Read-only or not ours (EROFS, EACCES, EPERM): the
 * outer runtime did not delegate that cgroup tree; say so and what still works, else as
 * nested_fail. */
int nested_fail_cgroup(struct nb_error *err, int code, const char *path);

#endif
