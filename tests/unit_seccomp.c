/* runtime/seccomp.c without a container: the syscall name table against the C library's numbers,
 * the text policy parser (line numbers and reasons), and each filter loaded for real in a forked
 * child (no_new_privs first) and probed call by call. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <asm/unistd.h>
#include <linux/kcmp.h>
#include <linux/keyctl.h>

#include "kselftest_harness.h"
#include "container.h"
#include "seccomp.h"
#include "security.h"

/* The filter's table: SYSCALL_NR_MAX, the newest syscall it knows. */
#include "../runtime/syscalls.h"
#define SEC_NR_MAX SYSCALL_NR_MAX

TEST(syscall_names_match_the_c_library)
{
	EXPECT_EQ(SYS_read, seccomp_syscall_number("read"));
	EXPECT_EQ(SYS_execve, seccomp_syscall_number("execve"));
	EXPECT_EQ(SYS_keyctl, seccomp_syscall_number("keyctl"));
	EXPECT_EQ(SYS_clone3, seccomp_syscall_number("clone3"));
	EXPECT_EQ(SYS_mount_setattr, seccomp_syscall_number("mount_setattr"));
	/* from the kernel headers, newer than musl 1.2.3's table */
	EXPECT_EQ(__NR_quotactl_fd, seccomp_syscall_number("quotactl_fd"));
	EXPECT_EQ(__NR_set_mempolicy_home_node, seccomp_syscall_number("set_mempolicy_home_node"));
	EXPECT_EQ(-1, seccomp_syscall_number("frobnicate"));
	EXPECT_EQ(-1, seccomp_syscall_number(""));
}

/* The last name of the table is SYSCALL_NR_MAX's, and the kernel headers' newest. */
TEST(table_ends_at_the_newest_syscall_of_the_headers)
{
	char last[SYSCALL_NAME_MAX];
	unsigned at = 0;

	for (int nr = 0; nr <= SYSCALL_NR_MAX; nr++)
		syscall_name_next(&at, last);
	EXPECT_EQ(SYSCALL_NAMES_COUNT - 1, SYSCALL_NR_MAX);
	EXPECT_EQ(SYSCALL_NR_MAX, seccomp_syscall_number(last)) TH_LOG("%s", last);
}

static int parse(const char *text, struct nb_security_spec *s, struct nb_error *err)
{
	char path[] = "/tmp/unit_seccomp.XXXXXX";
	int fd = mkstemp(path), rc;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -EIO;
	close(fd);
	memset(s, 0, sizeof(*s));
	memset(err, 0, sizeof(*err));
	rc = seccomp_parse_file(path, s, err);
	unlink(path);
	return rc;
}

TEST(policy_parser)
{
	struct nb_security_spec s;
	struct nb_error err;

	ASSERT_EQ(0,
		  parse("# c\ndefault EPERM\n\nread allow # r\nwrite allow\nbpf 38\n", &s, &err));
	EXPECT_EQ(EPERM, s.seccomp_default);
	ASSERT_EQ(3, s.n_rules);
	EXPECT_EQ(SYS_read, s.rules[0].nr);
	EXPECT_EQ(0, s.rules[0].action);
	EXPECT_EQ(SYS_bpf, s.rules[2].nr);
	EXPECT_EQ(38, s.rules[2].action);
	free(s.rules);
	EXPECT_EQ(-EINVAL, parse("read allow\nfrob EPERM\n", &s, &err));
	EXPECT_NE(NULL, strstr(err.msg, ":2: unknown syscall 'frob'")) TH_LOG("%s", err.msg);
	free(s.rules);
	EXPECT_EQ(-EINVAL, parse("read allow\n\nwrite\n", &s, &err));
	EXPECT_NE(NULL, strstr(err.msg, ":3: expected 'SYSCALL ACTION'")) TH_LOG("%s", err.msg);
	free(s.rules);
	EXPECT_EQ(-EINVAL, parse("read deny\n", &s, &err));
	EXPECT_NE(NULL, strstr(err.msg, ":1: unknown action")) TH_LOG("%s", err.msg);
	free(s.rules);
	EXPECT_EQ(-EINVAL, parse("read 4096\n", &s, &err));
	free(s.rules);
	EXPECT_EQ(-EINVAL, parse("read allow\ndefault EPERM\n", &s, &err));
	EXPECT_NE(NULL, strstr(err.msg, ":2: 'default' must come")) TH_LOG("%s", err.msg);
	free(s.rules);
}

/* In a child: no_new_privs, load the filter, then probe; bit i of the exit code is probe i
 * failing. */
#define PROBE(i, cond)                   \
	do {                             \
		if (!(cond))             \
			bad |= 1 << (i); \
	} while (0)

static int run_child(struct nb_container *c, int (*probes)(void))
{
	struct nb_error err;
	pid_t pid = fork();
	int ws;

	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || seccomp_load(c, &err))
			_exit(255);
		_exit(probes());
	}
	if (pid < 0 || waitpid(pid, &ws, 0) != pid || !WIFEXITED(ws))
		return -1;
	return WEXITSTATUS(ws);
}

static int errno_of(long rc)
{
	return rc < 0 ? errno : 0;
}

static int default_probes(void)
{
	char node[64] = "/tmp/unit_seccomp_node.XXXXXX";
	int bad = 0;

	PROBE(0, errno_of(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, -3, 0)) == EPERM);
	PROBE(1, errno_of(syscall(SYS_getpid)) == 0);
	PROBE(2, errno_of(personality(0xffffffff)) == 0);
	PROBE(3, errno_of(personality(PER_BSD)) == EPERM);
	PROBE(4, errno_of(unshare(CLONE_NEWUSER)) == EPERM);
	PROBE(5, errno_of(syscall(SYS_clone3, NULL, 0)) == ENOSYS);
	PROBE(6, mkdtemp(node) != NULL);
	strcat(node, "/n");
	PROBE(7, errno_of(mknod(node, S_IFCHR | 0600, makedev(1, 3))) == EPERM);
	PROBE(7, errno_of(mknod(node, S_IFBLK | 0600, makedev(7, 0))) == EPERM);
	PROBE(8, errno_of(mknod(node, S_IFIFO | 0600, 0)) == 0);
	unlink(node);
	node[strlen(node) - 2] = '\0';
	rmdir(node);
	PROBE(9, errno_of(syscall(SYS_mount, "x", "/tmp", "tmpfs", 0, NULL)) == EPERM);
	/* issue 19.9: moby's current refusals */
	PROBE(10, errno_of(socket(40 /* AF_VSOCK */, SOCK_STREAM, 0)) == EPERM);
	PROBE(10, errno_of(socket(38 /* AF_ALG */, SOCK_SEQPACKET, 0)) == EPERM);
	PROBE(11, errno_of(syscall(SYS_kcmp, getpid(), getpid(), KCMP_VM, 0, 0)) == EPERM);
	PROBE(11, errno_of(syscall(SYS_pidfd_getfd, 0, 0, 0)) == EPERM);
	PROBE(11, errno_of(syscall(SYS_process_vm_readv, getpid(), NULL, 0, NULL, 0, 0)) == EPERM);
	PROBE(11, errno_of(syscall(SYS_process_vm_writev, getpid(), NULL, 0, NULL, 0, 0)) == EPERM);
	PROBE(12, errno_of(syscall(SYS_get_mempolicy, NULL, NULL, 0, NULL, 0)) == EPERM);
	PROBE(12, errno_of(syscall(SYS_mbind, NULL, 0, 0, NULL, 0, 0)) == EPERM);
	PROBE(12, errno_of(syscall(SYS_move_pages, 0, 0, NULL, NULL, NULL, 0)) == EPERM);
	PROBE(12, errno_of(syscall(__NR_set_mempolicy_home_node, 0, 0, 0, 0)) == EPERM);
	/* above the newest syscall of the headers: ENOSYS; a socket of another family works */
	PROBE(13, errno_of(syscall(SEC_NR_MAX + 1, -1, 0, 0, -1, 0, 0)) == ENOSYS);
	PROBE(13, errno_of(syscall(SEC_NR_MAX + 300, 0, 0, 0, 0, 0, 0)) == ENOSYS);
	PROBE(14, socket(AF_UNIX, SOCK_STREAM, 0) >= 0);
	return bad;
}

TEST(default_filter)
{
	struct nb_container c;

	memset(&c, 0, sizeof(c));
	c.namespaces = NB_NS_DEFAULT;
	c.security.caps = NB_CAPS_DEFAULT;
	EXPECT_EQ(0, run_child(&c, default_probes));
}

/* Ptrace-class and NUMA calls lifted with the capability Docker ties them to; the others stay. */
static int ptrace_nice_probes(void)
{
	int bad = 0;

	PROBE(0, errno_of(syscall(SYS_kcmp, getpid(), getpid(), KCMP_VM, 0, 0)) == 0);
	PROBE(1, errno_of(syscall(SYS_get_mempolicy, NULL, NULL, 0, NULL, 0)) != EPERM);
	PROBE(2, errno_of(socket(40 /* AF_VSOCK */, SOCK_STREAM, 0)) == EPERM);
	PROBE(3, errno_of(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, -3, 0)) == EPERM);
	return bad;
}

TEST(default_filter_lifts_ptrace_and_numa_calls_with_their_caps)
{
	struct nb_container c;

	memset(&c, 0, sizeof(c));
	c.namespaces = NB_NS_DEFAULT;
	c.security.caps = NB_CAPS_DEFAULT | 1ULL << 19 /* SYS_PTRACE */ | 1ULL << 23 /* SYS_NICE */;
	EXPECT_EQ(0, run_child(&c, ptrace_nice_probes));
}

static int admin_probes(void)
{
	int bad = 0;

	/* CAP_SYS_ADMIN kept: mount passes the filter (and fails later for other reasons) */
	PROBE(0, errno_of(syscall(SYS_mount, NULL, "/nonexistent", NULL, 0, NULL)) != EPERM);
	PROBE(1, errno_of(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, -3, 0)) == EPERM);
	return bad;
}

TEST(default_filter_follows_cap_add)
{
	struct nb_container c;

	memset(&c, 0, sizeof(c));
	c.namespaces = NB_NS_DEFAULT;
	c.security.caps = NB_CAPS_DEFAULT | 1ULL << NB_CAP_SYS_ADMIN;
	EXPECT_EQ(0, run_child(&c, admin_probes));
}

static int policy_probes(void)
{
	int bad = 0;

	PROBE(0, errno_of(syscall(SYS_getppid)) == ENOSYS); /* not listed: the default */
	PROBE(1, errno_of(syscall(SYS_getpid)) == 0);
	PROBE(2, errno_of(syscall(SYS_getuid)) == EACCES); /* the later rule wins */
	return bad;
}

/* A deny-list policy cannot name what nestbox does not know: numbers above it are ENOSYS. */
static int deny_list_probes(void)
{
	int bad = 0;

	PROBE(0, errno_of(syscall(SYS_getppid)) == 0);
	PROBE(1, errno_of(syscall(SYS_getpid)) == EACCES);
	PROBE(2, errno_of(syscall(SEC_NR_MAX + 1, -1, 0, 0, -1, 0, 0)) == ENOSYS);
	return bad;
}

TEST(policy_filter_newer_syscalls_enosys)
{
	struct nb_container c;
	struct nb_error err;

	memset(&c, 0, sizeof(c));
	ASSERT_EQ(0, parse("default allow\ngetpid EACCES\n", &c.security, &err));
	c.security.seccomp = NB_SECCOMP_FILE;
	EXPECT_EQ(0, run_child(&c, deny_list_probes));
	free(c.security.rules);
}

static int empty_policy(const char *text)
{
	struct nb_security_spec s;
	struct nb_error err;
	int rc = parse(text, &s, &err);

	free(s.rules);
	return rc == -EINVAL && strstr(err.msg, "no rules") ? 0 : -1;
}

/* Issue 19.8: nothing to load is an error, never an allow-all filter; 'default allow' alone
 * says allow-all on purpose. */
TEST(policy_without_rules_is_refused)
{
	struct nb_security_spec s;
	struct nb_error err;

	EXPECT_EQ(0, empty_policy(""));
	EXPECT_EQ(0, empty_policy("# nothing\n\n  \t\n"));
	memset(&s, 0, sizeof(s));
	EXPECT_EQ(-EISDIR, seccomp_parse_file("/tmp", &s, &err));
	EXPECT_NE(NULL, strstr(err.msg, "/tmp: a directory")) TH_LOG("%s", err.msg);
	EXPECT_EQ(-EINVAL, seccomp_parse_file("/dev/null", &s, &err));
	EXPECT_EQ(-EIO, seccomp_parse_file("/proc/self/mem", &s, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(0, parse("default allow\n", &s, &err));
	free(s.rules);
}

TEST(policy_filter)
{
	struct nb_container c;
	struct nb_error err;

	memset(&c, 0, sizeof(c));
	/* the sanitizer runtime's own calls are allowed too */
	ASSERT_EQ(0, parse("default ENOSYS\ngetpid allow\nexit_group allow\nexit allow\n"
			   "getuid allow\ngetuid EACCES\nwrite allow\nmmap allow\nmunmap allow\n"
			   "mprotect allow\nmadvise allow\nbrk allow\nfutex allow\n"
			   "rt_sigprocmask allow\nrt_sigaction allow\nsigaltstack allow\n",
			   &c.security, &err));
	c.security.seccomp = NB_SECCOMP_FILE;
	EXPECT_EQ(0, run_child(&c, policy_probes));
	free(c.security.rules);
}

TEST_HARNESS_MAIN
