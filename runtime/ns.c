/* Namespaces: the name table, and a fork-like clone into new ones. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/sched.h>

#include "container.h"
#include "ns.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* time: no clone flag. time_namespaces(7): offsets are only writable before a process is in
 * the namespace, so security.c unshares it in the container side, writes them and joins. */
static const struct {
	const char *name;
	unsigned bit;
	unsigned long clone_flag;
} ns_table[] = {
	{ "mnt", NB_NS_MNT, CLONE_NEWNS },     { "pid", NB_NS_PID, CLONE_NEWPID },
	{ "uts", NB_NS_UTS, CLONE_NEWUTS },    { "ipc", NB_NS_IPC, CLONE_NEWIPC },
	{ "net", NB_NS_NET, CLONE_NEWNET },    { "cgroup", NB_NS_CGROUP, CLONE_NEWCGROUP },
	{ "user", NB_NS_USER, CLONE_NEWUSER }, { "time", NB_NS_TIME, 0 },
};
#define NS_COUNT (sizeof(ns_table) / sizeof(ns_table[0]))

static int ns_lookup(const char *name, size_t len, unsigned *bit)
{
	for (size_t i = 0; i < NS_COUNT; i++) {
		if (strlen(ns_table[i].name) == len && !strncmp(ns_table[i].name, name, len)) {
			*bit = ns_table[i].bit;
			return 0;
		}
	}
	return -1;
}

int ns_parse_list(const char *list, unsigned *out, struct nb_error *err)
{
	unsigned bits = 0;
	const char *p = list;

	if (!*list)
		return nb_fail(err, EINVAL, "--ns", "\"\"", "empty namespace list");
	for (;;) {
		size_t len = strcspn(p, ",");
		unsigned bit;

		if (ns_lookup(p, len, &bit)) {
			char name[32];

			snprintf(name, sizeof(name), "%.*s", (int)(len < 31 ? len : 31), p);
			return nb_fail(
			    err, EINVAL, "--ns", name,
			    "unknown namespace (known: mnt,pid,uts,ipc,net,cgroup,user,time)");
		}
		bits |= bit;
		if (!p[len])
			break;
		p += len + 1;
	}
	/* The runtime builds a root and pivots into it: that needs its own mount namespace. */
	if (!(bits & NB_NS_MNT))
		return nb_fail(err, EINVAL, "--ns", list,
			       "mnt is required (nestbox pivots into its own root)");
	*out = bits;
	return 0;
}

unsigned long ns_clone_flags(unsigned namespaces)
{
	unsigned long flags = 0;

	for (size_t i = 0; i < NS_COUNT; i++)
		if (namespaces & ns_table[i].bit)
			flags |= ns_table[i].clone_flag;
	return flags;
}

/* clone3(2) where the kernel has it (5.3+; CLONE_INTO_CGROUP 5.7+), else clone(2) with fork
 * semantics. Only the flags word is passed to clone(2), so its per-architecture argument order
 * does not matter here. */
pid_t ns_clone(unsigned long flags, int cgroup_fd)
{
	struct clone_args args;
	long pid;

	memset(&args, 0, sizeof(args));
	args.flags = flags;
	args.exit_signal = SIGCHLD;
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid >= 0)
		return (pid_t)pid;
	/* Seccomp profiles written before clone3 refuse it with their default action, EPERM
	 * (containerd's older default), where docker's says ENOSYS: clone(2) may be allowed. */
	if ((errno != ENOSYS && errno != EPERM) || cgroup_fd >= 0)
		return -errno;
	pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
	return pid >= 0 ? (pid_t)pid : -errno;
}

#define NS_GET_NSTYPE _IO(0xb7, 0x3) /* linux/nsfs.h, ioctl_ns(2): the CLONE_NEW* type */

static int ns_index(unsigned bit)
{
	return __builtin_ctz(bit);
}

int ns_open_path(const char *path, unsigned bit, int *fd)
{
	unsigned long want = ns_clone_flags(bit);
	int type;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	type = ioctl(*fd, NS_GET_NSTYPE);
	if (type >= 0 && (unsigned long)type == want)
		return 0;
	close(*fd);
	*fd = -1;
	return -EINVAL; /* ENOTTY: not a namespace file at all */
}

int ns_join(const struct nb_container *c, struct nb_error *err)
{
	for (size_t i = 0; i < NS_COUNT; i++) {
		unsigned bit = ns_table[i].bit;

		if (!(c->ns_join & bit) || bit == NB_NS_PID)
			continue;
		if (setns(c->ns_fd[ns_index(bit)], (int)ns_table[i].clone_flag))
			return nb_fail_errno(err, "join namespace", ns_table[i].name);
		close(c->ns_fd[ns_index(bit)]);
	}
	return 0;
}

int ns_enter_pid(const struct nb_container *c, int *back)
{
	*back = -1;
	if (!(c->ns_join & NB_NS_PID))
		return 0;
	*back = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (*back < 0)
		return -errno;
	if (setns(c->ns_fd[ns_index(NB_NS_PID)], CLONE_NEWPID)) {
		int rc = -errno;

		ns_leave_pid(*back);
		*back = -1;
		return rc;
	}
	return 0;
}

void ns_leave_pid(int back)
{
	if (back < 0)
		return;
	setns(back, CLONE_NEWPID); /* our own: always allowed (pid_namespaces(7)) */
	close(back);
}
