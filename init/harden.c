/* The reaper's own privileges (issue 19.3). Once the workload is forked, the reaper only waits,
 * reaps and signals: it keeps CAP_KILL (kill(2) needs it for a workload that runs as another
 * uid, `--user` or a setuid), drops every other capability from every set, sets no_new_privs and
 * loads a seccomp allowlist of the syscalls its loop makes. A workload that can ptrace it
 * (--cap-add SYS_PTRACE: the kernel lets such a tracer attach to anything in its user namespace,
 * non-dumpable or not, ptrace(2) "Ptrace access mode checking") then drives a process that can
 * do less than the workload itself. Raw syscalls only: nothing here may cost the 16 KiB budget
 * musl's wrappers. */
#include "init.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define REAPER_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define REAPER_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__arm__) && defined(__ARM_EABI__) && !defined(__ARMEB__)
#define REAPER_AUDIT_ARCH AUDIT_ARCH_ARM
#endif

#define CAPS_KEPT (1ULL << CAP_KILL)
#define CAP_LAST  63

/* What init_supervise and shutdown_remaining call after init_harden, and the way out
 * (exit_group from _exit, rt_sigreturn/restart_syscall from the kernel's own signal paths). */
static const unsigned short reaper_syscalls[] = {
	INIT_NR_SIGTIMEDWAIT,
	SYS_rt_sigprocmask,
	SYS_wait4,
	SYS_kill,
	SYS_openat,
	SYS_getdents64,
	SYS_read,
	SYS_write,
	SYS_close,
	INIT_NR_CLOCK_GETTIME,
	SYS_getpid,
	SYS_exit_group,
	SYS_exit,
	SYS_rt_sigreturn,
	SYS_restart_syscall,
};
#define N_SYSCALLS (sizeof(reaper_syscalls) / sizeof(reaper_syscalls[0]))

static int drop_caps(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { 0 };
	unsigned long long permitted;

	/* PR_CAPBSET_DROP needs CAP_SETPCAP (dropped next): EINVAL past the kernel's last cap,
	 * EPERM without CAP_SETPCAP. The bounding set only matters at execve, which the reaper
	 * never calls again (and no_new_privs follows): cut it where we can, quietly. Only what
	 * is still there: most was cut before the fork, and each drop makes new credentials
	 * (~1 us) where a read (PR_CAPBSET_READ) costs a few percent of that. */
	for (int cap = 0; cap <= CAP_LAST; cap++) {
		int in = CAPS_KEPT & (1ULL << cap) ? 0 : prctl(PR_CAPBSET_READ, cap, 0, 0, 0);

		if (in < 0 || (in && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0))
			break;
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	permitted = data[0].permitted | (unsigned long long)data[1].permitted << 32;
	permitted &= CAPS_KEPT;
	for (int i = 0; i < 2; i++) {
		data[i].effective = data[i].permitted = (unsigned)(permitted >> (32 * i));
		data[i].inheritable = 0;
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	return 0;
}

#ifdef REAPER_AUDIT_ARCH
/* seccomp(2): a classic BPF program over struct seccomp_data. Another architecture (an x32
 * or i386 syscall on x86_64) is killed: the numbers below mean nothing there; anything not
 * listed fails with EPERM, as the container's own filter does. */
static int load_filter(void)
{
	struct sock_filter prog[5 + N_SYSCALLS + 2];
	struct sock_fprog fprog = { .len = sizeof(prog) / sizeof(prog[0]), .filter = prog };
	unsigned n = 0;

	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, arch));
	prog[n++] =
	    (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, REAPER_AUDIT_ARCH, 1, 0);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, nr));
	/* x32 numbers carry bit 30 (__X32_SYSCALL_BIT); aarch64 has none, the test is harmless */
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u,
						 (unsigned char)N_SYSCALLS, 0);
	for (unsigned i = 0; i < N_SYSCALLS; i++)
		prog[n++] =
		    (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, reaper_syscalls[i],
						 (unsigned char)(N_SYSCALLS - i), 0);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
		return -errno;
	return 0;
}
#else
static int load_filter(void)
{
	return -ENOSYS; /* no allowlist for this architecture yet */
}
#endif

int init_harden(void)
{
	int rc = drop_caps(), next;

	/* prctl(2): no_new_privs is what lets an unprivileged process load a filter at all. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 && !rc)
		rc = -errno;
	next = load_filter();
	return rc ? rc : next;
}
