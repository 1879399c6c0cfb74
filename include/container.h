/* The one internal description of a container. The docker-like command line (cli.c) fills it
 * today; the OCI config.json front end will fill the same struct. Everything downstream
 * (container.c and the per-concern files) reads only this. */
#ifndef NB_CONTAINER_H
#define NB_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "mount_plan.h"
#include "net.h"
#include "oci_hooks.h"
#include "security.h"

#define NB_HOSTNAME_MAX 64 /* HOST_NAME_MAX: sethostname(2) refuses longer */
#define NB_NAME_MAX	64
#define NB_GROUPS_MAX	32 /* --group-add, each */

/* Namespaces, as bits; ns.c maps them to CLONE_NEW* flags and names. */
enum nb_ns {
	NB_NS_MNT = 1 << 0,
	NB_NS_PID = 1 << 1,
	NB_NS_UTS = 1 << 2,
	NB_NS_IPC = 1 << 3,
	NB_NS_NET = 1 << 4,
	NB_NS_CGROUP = 1 << 5,
	NB_NS_USER = 1 << 6,
	NB_NS_TIME = 1 << 7,
};
/* Docker's set: a network namespace of its own too (lo only; --net host shares the caller's). */
#define NB_NS_DEFAULT (NB_NS_MNT | NB_NS_PID | NB_NS_UTS | NB_NS_IPC | NB_NS_NET | NB_NS_CGROUP)

struct nb_container {
	char name[NB_NAME_MAX + 1];
	char hostname[NB_HOSTNAME_MAX + 1];

	/* Root filesystem: read-only layers, layers[0] on top (overlay lowerdir order). */
	const char **layers;
	int n_layers;
	const char *upper; /* persistent writable layer, or NULL for a fresh tmpfs */
	const char *work;
	bool read_only; /* no writable layer at all */
	/* config.json: layers[0] IS the root (bound: writes reach it), no overlay */
	bool root_bind;
	unsigned long root_propagation; /* linux.rootfsPropagation, set after pivot_root */

	unsigned namespaces; /* enum nb_ns bits: made new */
	unsigned ns_join;    /* config.json's namespaces with a path: joined, not in namespaces */
	int ns_fd[8];	     /* ns_join's open files, by the bit's index (ns.c) */

	/* The mount plan (mount_plan.h): --bind steps while parsing, then the whole ordered list. */
	struct nb_mount *mounts;
	int n_mounts, cap_mounts;
	const char *upper_size, *shm_size; /* tmpfs size= of the writable layer and /dev/shm */

	/* Workload process. */
	char *const *argv;
	const char **env; /* "K=V" given by the user, applied over the defaults */
	int n_env;
	const char *workdir; /* NULL: "/" */
	uid_t uid;
	gid_t gid;
	const char *user_name, *group_name;    /* -u NAME[:GROUP]: found in the image (process.c) */
	const char *groups_add[NB_GROUPS_MAX]; /* --group-add NAME or GID */
	int n_groups_add;
	const char *sysctls[NB_GROUPS_MAX]; /* --sysctl KEY=VALUE (sysctl.c) */
	int n_sysctls;
	const char *oom_score_adj; /* --oom-score-adj, -1000..1000, or NULL (sysctl.c) */
	bool no_init;		   /* exec the workload as PID 1 itself */
	unsigned grace_seconds;	   /* reaper's TERM -> KILL delay */
	int stop_signal;	   /* --stop-signal: the reaper's TERM, 0 for TERM itself */
	const char *cidfile;	   /* --cidfile: the name is written there once created */
	unsigned preserve_fds;	   /* --preserve-fds N: the caller's fds 3..N+2 stay open */
	int verbosity;		   /* -1 quiet, 0 normal, 1 verbose */
	bool tty;		   /* -t: a pseudo-terminal of its own for the workload (tty.c) */
	const char
	    *console_socket; /* --console-socket: the pty master goes there (console_socket.c) */
	unsigned short console_rows, console_cols; /* process.consoleSize; 0: none asked */
	bool detach;	  /* -d: in the background, its output kept (run_log.c) */
	bool auto_remove; /* --rm: with -d, the state goes when the container ends */

	/* config.json's process.user.umask, set before the exec when given (process.c) */
	bool has_umask;
	unsigned umask;

	struct nb_net_spec net; /* --net and friends (net.c) */

	struct nb_cgroup_spec cgroup;	  /* --memory, --cpus, --pids ... (cgroup.c) */
	struct nb_security_spec security; /* caps, seccomp, rlimits, id maps (security.c) */
	struct nb_hooks hooks;		  /* config.json's hooks (oci_hooks.c) */
};

#endif
