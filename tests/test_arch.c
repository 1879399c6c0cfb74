/* The architecture-specific pieces of nestbox on the architecture it was built for (issue 24):
 * the seccomp filter checks the calling ABI (AUDIT_ARCH) before any number, so a call through
 * the 32-bit compat ABI (i386 on x86_64, arm32 on aarch64), whose numbers mean other syscalls,
 * kills the process; and the syscall numbers nestbox uses are this architecture's. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"
#include "../runtime/syscalls.h" /* the filter's name table for this architecture */

#define OPTS(...) ((const char *const[]){ __VA_ARGS__, NULL })

FIXTURE(arch){};
FIXTURE_SETUP(arch)
{
}
FIXTURE_TEARDOWN(arch)
{
}

static void compat_call(struct nbt_result *r, const char *const *opts)
{
	const char *const cmd[] = { "/nbt/compat_call", "/tmp", NULL };

	nbt_run_container(r, "/nbt", opts, cmd);
}

/* With the filter off the compat call works (so the kill below is the filter's); by default
 * the filter's arch check kills the whole process with SIGSYS. */
TEST_F(arch, compat_abi_call_is_killed_by_the_filter)
{
	static struct nbt_result r;

	compat_call(&r, OPTS("--seccomp", "off"));
	if (r.status == 3)
		SKIP(return, "no 32-bit compat ABI to call here: %.200s", r.out);
	ASSERT_EQ(0, r.status) TH_LOG("%s %s", r.out, r.err);
	compat_call(&r, NULL);
	EXPECT_EQ(128 + SIGSYS, r.status) TH_LOG("%s %s", r.out, r.err);
	EXPECT_EQ(NULL, strstr(r.out, "compat getpid")) TH_LOG("%s", r.out);
}

/* A text policy, too: the arch check comes before the rules, "default allow" included. */
TEST_F(arch, compat_abi_call_is_killed_under_a_policy_file)
{
	static struct nbt_result r;
	char path[] = "/tmp/test_arch.XXXXXX";
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	ASSERT_EQ(15, write(fd, "default allow\n\n", 15));
	close(fd);
	compat_call(&r, OPTS("--seccomp", "off"));
	if (r.status == 3) {
		unlink(path);
		SKIP(return, "no 32-bit compat ABI to call here: %.200s", r.out);
	}
	compat_call(&r, OPTS("--seccomp", path));
	unlink(path);
	EXPECT_EQ(128 + SIGSYS, r.status) TH_LOG("%s %s", r.out, r.err);
}

/* A --seccomp policy names syscalls as this architecture does: aarch64 has no open or fork
 * (only openat, clone), so a policy naming them is refused there, and accepted on x86_64. */
TEST_F(arch, policy_names_are_this_architectures)
{
	static struct nbt_result r;
	char path[] = "/tmp/test_arch.XXXXXX";
	int fd = mkstemp(path);
	const char *const cmd[] = { "/bin/true", NULL };

	ASSERT_LE(0, fd);
	ASSERT_EQ(21, write(fd, "openat allow\nopen 1\n", 21));
	close(fd);
	nbt_run_container(&r, NULL, OPTS("--seccomp", path), cmd);
	unlink(path);
#ifdef SYS_open
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
#else
	EXPECT_EQ(125, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, ":2: unknown syscall 'open'")) TH_LOG("%s", r.err);
#endif
}

/* The table gen-syscalls.sh made from this architecture's kernel headers has the C library's
 * numbers for the same architecture, also for asm-generic's aliased names (fcntl, mmap, fstat
 * are __NR3264_* on arm64). */
static const char *table_name(long nr)
{
	static char s[SYSCALL_NAME_MAX];
	unsigned at = 0;

	if (nr < 0 || nr >= SYSCALL_NAMES_COUNT)
		return "(out of the table)";
	do
		syscall_name_next(&at, s);
	while (nr--);
	return s;
}

TEST(syscall_table_is_this_architectures)
{
	static const struct {
		long nr;
		const char *name;
	} calls[] = {
		{ SYS_openat, "openat" },
		{ SYS_clone, "clone" },
		{ SYS_execve, "execve" },
		{ SYS_mknodat, "mknodat" },
		{ SYS_seccomp, "seccomp" },
		{ SYS_getpid, "getpid" },
		{ SYS_fcntl, "fcntl" },
		{ SYS_fstat, "fstat" },
		{ SYS_pidfd_open, "pidfd_open" },
#ifdef SYS_mmap /* 32-bit arm has only mmap2 */
		{ SYS_mmap, "mmap" },
#endif
	};

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		EXPECT_STREQ(calls[i].name, table_name(calls[i].nr));
}

TEST_HARNESS_MAIN
