/* The seccomp filter, built here as classic BPF (seccomp(2), SECCOMP_SET_MODE_FILTER).
 *
 * Every program starts the same way: the architecture is checked first (a syscall made through
 * another ABI has other numbers and would slip past every rule: kill), then x32 calls (same
 * architecture, numbers with bit 30 set) are refused, then every number above the newest syscall
 * of the kernel headers nestbox was built with (SYSCALL_NR_MAX) fails with ENOSYS: a syscall
 * newer than the rules can never pass a rule it would need, and the C library falls back to an
 * older call on ENOSYS, as it does on an older kernel (runc does the same). Then:
 *
 *   default   (no --seccomp)   Docker's default refusals, as EPERM; a refusal that Docker ties to a
 *                              capability is lifted when the container keeps that capability
 *                              (--cap-add); mount and its family also inside a user namespace.
 *   --seccomp FILE             a text policy, below.
 *   --seccomp off              no filter (also --privileged).
 *   config.json linux.seccomp  the OCI profile, compiled by seccomp_profile.c (oci_seccomp.c
 *                              reads it); no filter without it, as the runtime-spec says.
 *
 * --seccomp FILE: a text policy, one rule a line
 *
 *     # comment (also after a rule)
 *     default ACTION          optional, first rule only; without it: default allow
 *     SYSCALL ACTION          e.g. "keyctl EPERM", "read allow", "bpf 38"
 *
 *   ACTION is "allow" or the errno the call fails with: a number 1..4095 or one of EPERM ENOENT
 *   EIO EACCES EFAULT EBUSY EEXIST EINVAL ENOSYS EOPNOTSUPP. SYSCALL is the kernel's name
 *   (syscalls(2)) on this architecture. "default allow" makes a deny-list, "default EPERM" an
 *   allow-list. execve is always allowed (the filter is loaded just before nestbox execs the
 *   workload); with --allow-new-privs the filter is loaded before the capabilities are set, so
 *   capset and prctl are allowed too. A later rule for the same syscall wins. Mistakes (unknown
 *   syscall or errno, a bad line) stop `nestbox run` with the file, the line number and why. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <asm/unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "container.h"
#include "lines.h"
#include "seccomp.h"
#include "seccomp_bpf.h"

/* ==== architecture-specific: everything another architecture changes is in this block ==== */
#if defined(__x86_64__)
#define SECCOMP_ARCH	AUDIT_ARCH_X86_64
#define SECCOMP_X32_BIT 0x40000000u /* x32 ABI calls: same AUDIT_ARCH, numbers | bit 30 */
/* Low 32 bits of argument n in struct seccomp_data (little endian). clone's flags are its
 * argument 0 here (s390 swaps clone's first two arguments). */
#define ARG_LOW(n) (offsetof(struct seccomp_data, args[n]))
/* Syscalls of the old x86 table that Docker refuses; the generic table (arm64) never had them. */
#define ARCH_OLD_REFUSALS                                                                      \
	{ SYS_create_module, 16 }, { SYS_get_kernel_syms, 16 }, { SYS_query_module, 16 },      \
	    { SYS_iopl, 17 }, { SYS_ioperm, 17 }, { SYS_uselib, NEVER }, { SYS_ustat, NEVER }, \
	    { SYS_sysfs, NEVER },
#define ARCH_HAS_MKNOD 1 /* the generic table has only mknodat */
#elif defined(__aarch64__)
/* A 32-bit (compat arm32) task's calls come with AUDIT_ARCH_ARM and arm's numbers: the arch
 * check kills them, as it kills i386 calls on x86_64. No x32-like ABI shares AARCH64's arch. */
#define SECCOMP_ARCH AUDIT_ARCH_AARCH64
/* Little endian, and clone's flags are argument 0 (CLONE_BACKWARDS keeps them first). */
#define ARG_LOW(n)   (offsetof(struct seccomp_data, args[n]))
#define ARCH_OLD_REFUSALS
#define ARCH_HAS_MKNOD 0
#elif defined(__arm__) && defined(__ARM_EABI__) && !defined(__ARMEB__)
/* armv7 (EABI, little endian): 32-bit arguments in the low half of each 64-bit args[n]; clone's
 * flags first (CLONE_BACKWARDS). The old OABI has its own numbers and no AUDIT_ARCH_ARM. */
#define SECCOMP_ARCH AUDIT_ARCH_ARM
#define ARG_LOW(n)   (offsetof(struct seccomp_data, args[n]))
#define ARCH_OLD_REFUSALS                                                  \
	{ SYS_uselib, NEVER }, { SYS_ustat, NEVER }, { SYS_sysfs, NEVER }, \
	    { __NR_clock_settime64, 25 }, { __NR_clock_adjtime64, 25 },
#define ARCH_HAS_MKNOD	   1
/* ARM's private calls sit above every numbered one (__ARM_NR_BASE 0x0f0000): musl sets its
 * thread pointer with set_tls, the C library and JITs flush caches with cacheflush. Allowed
 * before the ENOSYS cut, as Docker's profile allows breakpoint, cacheflush and set_tls. */
#define ARCH_PRIVATE_FIRST 0x0f0001u /* __ARM_NR_breakpoint */
#define ARCH_PRIVATE_LAST  0x0f0006u /* __ARM_NR_get_tls */
#else
#error "seccomp: add this architecture's AUDIT_ARCH, ARG_LOW and name table (gen-syscalls.sh)"
#endif
#include "syscalls.h" /* this architecture's names, SYSCALL_NR_MAX (runtime/gen-syscalls.sh) */
/* The SYS_* numbers below come from the C library's <sys/syscall.h> for the target, the few it
 * is too old for from the kernel's <asm/unistd.h> (__NR_*). */
/* ============================================================================================ */

#define NEVER		   0xff /* no capability lifts the refusal */
#define OR_USERNS	   0x80 /* also lifted inside a user namespace */
#define CAP_MASK	   0x3f
#define CLONE_NEWUSER_FLAG 0x10000000u
#define CAP_SYS_PTRACE	   19
#define CAP_SYS_NICE	   23
#define AF_ALG_FAMILY	   38 /* <linux/socket.h> */
#define AF_VSOCK_FAMILY	   40

/* Docker's default profile (moby profiles/seccomp/default.json): what it refuses, and the
 * capability that makes Docker allow it. */
static const struct {
	unsigned short nr;
	unsigned char cap;
} default_refusals[] = {
	{ SYS_kexec_load, 22 },
	{ SYS_kexec_file_load, 22 },
	{ SYS_reboot, 22 },
	{ SYS_init_module, 16 },
	{ SYS_finit_module, 16 },
	{ SYS_delete_module, 16 },
	{ SYS_swapon, 21 },
	{ SYS_swapoff, 21 },
	{ SYS_keyctl, NEVER },
	{ SYS_add_key, NEVER },
	{ SYS_request_key, NEVER },
	{ SYS_bpf, 21 },
	{ SYS_perf_event_open, 38 },
	{ SYS_open_by_handle_at, 2 },
	{ SYS_acct, 20 },
	{ __NR_settimeofday, 25 }, /* the kernel's names: musl renames them where time_t grew */
	{ __NR_clock_settime, 25 },
	{ __NR_clock_adjtime, 25 },
	{ SYS_quotactl, 21 },
	{ __NR_quotactl_fd, 21 },
	{ SYS_lookup_dcookie, 21 },
	{ SYS_userfaultfd, 19 },
	{ SYS_fanotify_init, 21 },
	{ SYS_setns, 21 },
	{ SYS_syslog, 34 },
	{ SYS_vhangup, 26 },
	{ SYS_nfsservctl, NEVER },
	{ SYS_io_uring_setup, NEVER },
	{ SYS_io_uring_enter, NEVER },
	{ SYS_io_uring_register, NEVER },
	{ SYS_mount, 21 | OR_USERNS },
	{ SYS_umount2, 21 | OR_USERNS },
	{ SYS_pivot_root, 21 | OR_USERNS },
	{ SYS_move_mount, 21 | OR_USERNS },
	{ SYS_open_tree, 21 | OR_USERNS },
	{ SYS_fsopen, 21 | OR_USERNS },
	{ SYS_fsmount, 21 | OR_USERNS },
	{ SYS_fsconfig, 21 | OR_USERNS },
	{ SYS_fspick, 21 | OR_USERNS },
	{ SYS_mount_setattr, 21 | OR_USERNS },
	/* Another process's memory, files and state, also in the container: Docker ties these to
	 * CAP_SYS_PTRACE. (Since 4.8 it allows ptrace and process_vm_readv/writev to everyone,
	 * as nestbox allows ptrace; the reaper is not dumpable either way.) */
	{ SYS_kcmp, CAP_SYS_PTRACE },
	{ SYS_pidfd_getfd, CAP_SYS_PTRACE },
	{ SYS_process_madvise, CAP_SYS_PTRACE },
	{ SYS_process_vm_readv, CAP_SYS_PTRACE },
	{ SYS_process_vm_writev, CAP_SYS_PTRACE },
	/* NUMA placement can starve the host's other users of a node's memory: CAP_SYS_NICE, as
	 * Docker (which never allows migrate_pages and move_pages). */
	{ SYS_get_mempolicy, CAP_SYS_NICE },
	{ SYS_set_mempolicy, CAP_SYS_NICE },
	{ SYS_mbind, CAP_SYS_NICE },
	{ SYS_migrate_pages, CAP_SYS_NICE },
	{ SYS_move_pages, CAP_SYS_NICE },
	{ __NR_set_mempolicy_home_node, CAP_SYS_NICE },
	ARCH_OLD_REFUSALS
};

/* personality(2) values Docker allows: PER_LINUX, PER_LINUX32, UNAME26, both, and the query. */
static const unsigned safe_personalities[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffffu };

void seccomp_emit(struct seccomp_prog *p, unsigned short code, unsigned k, unsigned char jt,
		  unsigned char jf)
{
	if (p->n < BPF_MAXINSNS)
		p->insn[p->n] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);
	p->n++;
}

#define LD(p, off)   seccomp_emit(p, BPF_LD | BPF_W | BPF_ABS, (unsigned)(off), 0, 0)
#define RET(p, v)    seccomp_emit(p, BPF_RET | BPF_K, v, 0, 0)
#define RET_ERRNO(e) (SECCOMP_RET_ERRNO | ((unsigned)(e)&SECCOMP_RET_DATA))
#define ACTION(a)    ((a) ? RET_ERRNO(a) : SECCOMP_RET_ALLOW)

/* if (nr == N) return action; */
static void rule(struct seccomp_prog *p, unsigned nr, unsigned action)
{
	seccomp_emit(p, BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1);
	RET(p, action);
}

void seccomp_prologue(struct seccomp_prog *p)
{
	LD(p, offsetof(struct seccomp_data, arch));
	seccomp_emit(p, BPF_JMP | BPF_JEQ | BPF_K, SECCOMP_ARCH, 1, 0);
	RET(p, SECCOMP_RET_KILL_PROCESS);
	LD(p, offsetof(struct seccomp_data, nr));
#ifdef SECCOMP_X32_BIT
	seccomp_emit(p, BPF_JMP | BPF_JGE | BPF_K, SECCOMP_X32_BIT, 0, 1);
	RET(p, RET_ERRNO(EPERM));
#endif
#ifdef ARCH_PRIVATE_FIRST
	/* if (FIRST <= nr && nr <= LAST) allow; */
	seccomp_emit(p, BPF_JMP | BPF_JGE | BPF_K, ARCH_PRIVATE_FIRST, 0, 2);
	seccomp_emit(p, BPF_JMP | BPF_JGT | BPF_K, ARCH_PRIVATE_LAST, 1, 0);
	RET(p, SECCOMP_RET_ALLOW);
#endif
	seccomp_emit(p, BPF_JMP | BPF_JGT | BPF_K, SYSCALL_NR_MAX, 0, 1);
	RET(p, RET_ERRNO(ENOSYS));
}

/* if (nr == N) return (arg0 & CLONE_NEWUSER) ? EPERM : allow; */
static void refuse_newuser(struct seccomp_prog *p, unsigned nr)
{
	seccomp_emit(p, BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 4);
	LD(p, ARG_LOW(0));
	seccomp_emit(p, BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWUSER_FLAG, 0, 1);
	RET(p, RET_ERRNO(EPERM));
	RET(p, SECCOMP_RET_ALLOW);
}

/* if (nr == N) return (arg & S_IFMT) is a block or character device ? EPERM : allow; */
static void refuse_device_nodes(struct seccomp_prog *p, unsigned nr, unsigned mode_arg)
{
	seccomp_emit(p, BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 6);
	LD(p, ARG_LOW(mode_arg));
	seccomp_emit(p, BPF_ALU | BPF_AND | BPF_K, S_IFMT, 0, 0);
	seccomp_emit(p, BPF_JMP | BPF_JEQ | BPF_K, S_IFBLK, 2, 0);
	seccomp_emit(p, BPF_JMP | BPF_JEQ | BPF_K, S_IFCHR, 1, 0);
	RET(p, SECCOMP_RET_ALLOW);
	RET(p, RET_ERRNO(EPERM));
}

/* if (nr == socket) return (family is AF_VSOCK or AF_ALG) ? EPERM : allow; as Docker: vsock
 * reaches the hypervisor and other VMs, AF_ALG the kernel's crypto code, neither of them
 * namespaced. The family is an int: its low 32 bits are all of it. */
static void refuse_socket_families(struct seccomp_prog *p)
{
	seccomp_emit(p, BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 5);
	LD(p, ARG_LOW(0));
	seccomp_emit(p, BPF_JMP | BPF_JEQ | BPF_K, AF_VSOCK_FAMILY, 2, 0);
	seccomp_emit(p, BPF_JMP | BPF_JEQ | BPF_K, AF_ALG_FAMILY, 1, 0);
	RET(p, SECCOMP_RET_ALLOW);
	RET(p, RET_ERRNO(EPERM));
}

static void refuse_personalities(struct seccomp_prog *p)
{
	const unsigned n = sizeof(safe_personalities) / sizeof(safe_personalities[0]);

	seccomp_emit(p, BPF_JMP | BPF_JEQ | BPF_K, SYS_personality, 0, (unsigned char)(n + 3));
	LD(p, ARG_LOW(0));
	for (unsigned i = 0; i < n; i++)
		seccomp_emit(p, BPF_JMP | BPF_JEQ | BPF_K, safe_personalities[i],
			     (unsigned char)(n - i), 0);
	RET(p, RET_ERRNO(EPERM));
	RET(p, SECCOMP_RET_ALLOW);
}

#define N_REFUSALS (sizeof(default_refusals) / sizeof(default_refusals[0]))
#define LEAF_RUN   4 /* numbers tested one by one at the bottom of the search */

/* if (nr is one of the sorted nr[0..n)) return EPERM; else allow. A binary search: nr >= the
 * middle number goes on to the upper half, and at the bottom each of up to LEAF_RUN numbers is
 * compared. The kernel runs the filter on every syscall, and at load once for every syscall
 * number of the architecture to find those it always allows (seccomp_cache_prepare): a list
 * of rules cost each number every rule, ~0.1 ms of CPU a start for Docker's list; the search
 * costs a few (tests/bench/harden.sh). */
static void refuse_sorted(struct seccomp_prog *p, const unsigned short *nr, int n)
{
	unsigned split = p->n;

	if (n <= LEAF_RUN) {
		for (int i = 0; i < n; i++) /* to the RET EPERM after the RET ALLOW */
			seccomp_emit(p, BPF_JMP | BPF_JEQ | BPF_K, nr[i], (unsigned char)(n - i),
				     0);
		RET(p, SECCOMP_RET_ALLOW);
		RET(p, RET_ERRNO(EPERM));
		return;
	}
	seccomp_emit(p, BPF_JMP | BPF_JGE | BPF_K, nr[n / 2], 0, 0);
	refuse_sorted(p, nr, n / 2);
	p->insn[split].jt = (unsigned char)(p->n - split - 1); /* past the lower half */
	refuse_sorted(p, nr + n / 2, n - n / 2);
}

static void build_default(const struct nb_container *c, struct seccomp_prog *p)
{
	uint64_t caps = c->security.caps;
	bool userns = c->namespaces & NB_NS_USER;
	bool sys_admin = caps & (1ULL << NB_CAP_SYS_ADMIN);
	unsigned short nr[N_REFUSALS];
	int n = 0;

	/* clone3 passes its flags in memory, out of a filter's reach: ENOSYS makes the C library
	 * fall back to clone, whose flags are checked. */
	if (!sys_admin) {
		rule(p, SYS_clone3, RET_ERRNO(ENOSYS));
		refuse_newuser(p, SYS_clone);
		refuse_newuser(p, SYS_unshare);
	}
	/* Docker leaves device nodes to its devices cgroup; nestbox has none, and a node of the
	 * host's disk or terminal opened in the container is a way out: no device nodes at all. */
#if ARCH_HAS_MKNOD
	refuse_device_nodes(p, SYS_mknod, 1);
#endif
	refuse_device_nodes(p, SYS_mknodat, 2);
	refuse_socket_families(p);
	refuse_personalities(p);
	/* the refusals, sorted by number as they come */
	for (size_t i = 0; i < N_REFUSALS; i++) {
		unsigned cap = default_refusals[i].cap;
		int j = n;

		if (cap != NEVER &&
		    ((caps & (1ULL << (cap & CAP_MASK))) || ((cap & OR_USERNS) && userns)))
			continue;
		for (; j > 0 && nr[j - 1] > default_refusals[i].nr; j--)
			nr[j] = nr[j - 1];
		nr[j] = default_refusals[i].nr;
		n++;
	}
	refuse_sorted(p, nr, n);
}

static void build_policy(const struct nb_container *c, struct seccomp_prog *p)
{
	const struct nb_security_spec *s = &c->security;

	if (s->seccomp_default) {
		rule(p, SYS_execve, SECCOMP_RET_ALLOW);
		if (s->allow_new_privs) {
			rule(p, SYS_capset, SECCOMP_RET_ALLOW);
			rule(p, SYS_prctl, SECCOMP_RET_ALLOW);
		}
	}
	/* Last rule for a syscall wins: emit in reverse, the first match returns. */
	for (int i = s->n_rules - 1; i >= 0; i--)
		if (s->rules[i].action != s->seccomp_default)
			rule(p, (unsigned)s->rules[i].nr, ACTION(s->rules[i].action));
	RET(p, ACTION(s->seccomp_default));
}

int seccomp_load(const struct nb_container *c, struct nb_error *err)
{
	static struct seccomp_prog p; /* 32 KiB: not on the stack */
	const struct nb_seccomp_profile *pr = c->security.profile;
	enum nb_seccomp_mode mode = c->security.seccomp;
	const char *what = mode == NB_SECCOMP_OCI ? "linux.seccomp" : "--seccomp";
	struct sock_fprog fprog;

	if (mode == NB_SECCOMP_OFF)
		return 0;
	p.n = 0;
	seccomp_prologue(&p);
	if (mode == NB_SECCOMP_OCI) {
		if (seccomp_profile_build(pr, &p))
			return nb_fail_errno(err, what, NULL);
	} else if (mode == NB_SECCOMP_FILE)
		build_policy(c, &p);
	else
		build_default(c, &p);
	if (p.n > BPF_MAXINSNS)
		return nb_fail(err, E2BIG, what, NULL, "policy too long for one filter");
	fprog.len = (unsigned short)p.n;
	fprog.filter = p.insn;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, mode == NB_SECCOMP_OCI ? pr->flags : 0,
		    &fprog))
		return nb_fail_errno(err, "seccomp", NULL);
	return 0;
}

int seccomp_syscall_number(const char *name)
{
	char s[SYSCALL_NAME_MAX];
	unsigned at = 0;

	for (int nr = 0; nr < SYSCALL_NAMES_COUNT; nr++) {
		syscall_name_next(&at, s);
		if (*s && !strcmp(s, name))
			return nr;
	}
	return -1;
}

static const struct {
	char name[11];
	unsigned char value;
} errno_names[] = {
	{ "EPERM", EPERM },	      { "ENOENT", ENOENT }, { "EIO", EIO },
	{ "EACCES", EACCES },	      { "EFAULT", EFAULT }, { "EBUSY", EBUSY },
	{ "EEXIST", EEXIST },	      { "EINVAL", EINVAL }, { "ENOSYS", ENOSYS },
	{ "EOPNOTSUPP", EOPNOTSUPP },
};

/* "allow" -> 0, an errno name or 1..4095 -> its value, else -1. */
static int parse_action(const char *word)
{
	char *end;
	long v;

	if (!strcmp(word, "allow"))
		return 0;
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (!strcmp(word, errno_names[i].name))
			return errno_names[i].value;
	v = strtol(word, &end, 10);
	return (*word >= '1' && *word <= '9' && !*end && v <= 4095) ? (int)v : -1;
}

static int line_error(struct nb_error *err, const char *path, int line, const char *why,
		      const char *word)
{
	char where[300], reason[128];

	snprintf(where, sizeof(where), "%s:%d", path, line);
	snprintf(reason, sizeof(reason), word ? "%s '%.40s'" : "%s", why, word);
	return nb_fail(err, EINVAL, "--seccomp", where, reason);
}

/* One rule line, comment already cut: "NAME ACTION" or "default ACTION". */
static int parse_line(char *text, const char *path, int line, struct nb_security_spec *s,
		      struct nb_error *err, bool *has_default)
{
	char *save = NULL, *name = strtok_r(text, " \t\r", &save);
	char *word = name ? strtok_r(NULL, " \t\r", &save) : NULL;
	int action, nr;

	if (!name)
		return 0;
	if (!word || strtok_r(NULL, " \t\r", &save))
		return line_error(err, path, line, "expected 'SYSCALL ACTION'", NULL);
	action = parse_action(word);
	if (action < 0)
		return line_error(err, path, line, "unknown action (allow, EPERM.., 1-4095)", word);
	if (!strcmp(name, "default")) {
		if (s->n_rules)
			return line_error(err, path, line, "'default' must come before the rules",
					  NULL);
		s->seccomp_default = action;
		*has_default = true;
		return 0;
	}
	nr = seccomp_syscall_number(name);
	if (nr < 0)
		return line_error(err, path, line, "unknown syscall", name);
	s->rules[s->n_rules++] = (struct nb_seccomp_rule){ nr, action };
	return 0;
}

/* The policy file, opened: a regular file or a pipe (--seccomp <(...)). A directory opens and
 * reads as nothing, a device may never end: either would give an empty policy, and an empty
 * policy allows everything. */
static int open_policy(const char *path, struct lines *r, struct nb_error *err)
{
	struct stat st;
	int rc;

	if (strlen(path) >= PATH_MAX)
		return nb_fail(err, ENAMETOOLONG, "--seccomp", NULL,
			       "the policy file's path is longer than PATH_MAX");
	rc = lines_open(r, path);
	if (rc) {
		char start[64];

		/* a long path shown whole would push the reason out of the message */
		snprintf(start, sizeof(start), strlen(path) > 200 ? "%.40s..." : "%s", path);
		lines_close(r);
		errno = -rc;
		return nb_fail_errno(err, "--seccomp", start);
	}
	if (fstat(r->fd, &st) || (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))) {
		rc = nb_fail(err, S_ISDIR(st.st_mode) ? EISDIR : EINVAL, "--seccomp", path,
			     S_ISDIR(st.st_mode) ? "a directory, not a policy file"
						 : "not a regular file or a pipe");
		lines_close(r);
	}
	return rc;
}

int seccomp_parse_file(const char *path, struct nb_security_spec *s, struct nb_error *err)
{
	struct lines r;
	bool has_default = false;
	char *text;
	int line = 0, rc = open_policy(path, &r, err);

	if (rc)
		return rc;
	s->n_rules = 0;
	s->seccomp_default = 0;
	while (!rc && (text = lines_next(&r))) {
		line++;
		text[strcspn(text, "#")] = '\0';
		if (s->n_rules % 64 == 0) {
			void *more =
			    realloc(s->rules, (size_t)(s->n_rules + 64) * sizeof(*s->rules));

			if (!more) {
				rc = nb_fail_errno(err, "--seccomp", path);
				break;
			}
			s->rules = more;
		}
		rc = parse_line(text, path, line, s, err, &has_default);
	}
	/* The end and a read error alike end the loop: a policy cut short by an I/O error must
	 * not load as what was read so far. */
	if (!rc && r.error)
		rc = nb_fail(err, r.error, "--seccomp", path, strerror(r.error));
	if (!rc && !s->n_rules && !has_default)
		rc = nb_fail(err, EINVAL, "--seccomp", path,
			     "no rules (an empty policy would allow everything: write 'default "
			     "allow' to mean that, or --seccomp off)");
	lines_close(&r);
	return rc;
}
