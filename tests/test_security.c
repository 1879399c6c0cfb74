/* Security defaults and their knobs: capability sets, no_new_privs, the seccomp filter and text
 * policies, masked and read-only /proc and /sys paths, rlimits; and bad input for each option
 * (one line, exit 125, nothing left). The escapes these defaults stop are test_escape.c's. */
#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

#define DOCKER_CAPS "00000000a80425fb" /* Docker's default set, as /proc/PID/status shows it */

/* Run `sh -c script` in a container with extra options (NULL-terminated list). */
static void sec_run(struct nbt_result *r, const char *const *opts, const char *script)
{
	const char *const cmd[] = { "/bin/sh", "-c", script, NULL };

	nbt_run_container(r, "/nbt", opts, cmd);
}

#define OPTS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define CAPS	  "grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status | tr -d '\\t'"

FIXTURE(sec)
{
	char *dir;
};

FIXTURE_SETUP(sec)
{
	self->dir = nbt_tempdir("sec");
	ASSERT_NE(NULL, self->dir);
}

FIXTURE_TEARDOWN(sec)
{
	nbt_rm_rf(self->dir);
}

TEST_F(sec, help_lists_the_security_options)
{
	static struct nbt_result r;
	const char *opts[] = { "--cap-add",    "--cap-drop", "--cap-ambient", "--allow-new-privs",
			       "--privileged", "--seccomp",  "--rlimit",      "--uidmap",
			       "--gidmap",     "--boottime", "--monotonic" };

	nbt_run(&r, "run", "--help", NULL);
	ASSERT_EQ(0, r.status);
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		EXPECT_NE(NULL, strstr(r.out, opts[i])) TH_LOG("missing %s", opts[i]);
	}
}

TEST_F(sec, default_caps_are_dockers)
{
	static struct nbt_result r;

	sec_run(&r, NULL, CAPS);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("CapInh:0000000000000000\nCapPrm:" DOCKER_CAPS "\nCapEff:" DOCKER_CAPS
		     "\nCapBnd:" DOCKER_CAPS "\nCapAmb:0000000000000000\n",
		     r.out);
}

TEST_F(sec, cap_drop_all_then_add_one)
{
	static struct nbt_result r;

	sec_run(&r, OPTS("--cap-drop", "ALL", "--cap-add", "net_admin"), CAPS);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("CapInh:0000000000000000\nCapPrm:0000000000001000\nCapEff:0000000000001000\n"
		     "CapBnd:0000000000001000\nCapAmb:0000000000000000\n",
		     r.out);
}

TEST_F(sec, cap_add_with_prefix_and_drop)
{
	static struct nbt_result r;

	sec_run(&r, OPTS("--cap-add", "CAP_SYS_ADMIN", "--cap-drop", "chown"),
		"grep CapBnd /proc/self/status");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("CapBnd:\t00000000a82425fa\n", r.out);
}

TEST_F(sec, no_new_privs_by_default)
{
	static struct nbt_result r;

	sec_run(&r, NULL, "grep NoNewPrivs /proc/self/status");
	ASSERT_EQ(0, r.status);
	EXPECT_STREQ("NoNewPrivs:\t1\n", r.out);
	sec_run(&r, OPTS("--allow-new-privs"), "grep NoNewPrivs /proc/self/status");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("NoNewPrivs:\t0\n", r.out);
}

TEST_F(sec, non_root_user_has_no_caps_unless_ambient)
{
	static struct nbt_result r;

	sec_run(&r, OPTS("--user", "1000"), CAPS);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("CapInh:0000000000000000\nCapPrm:0000000000000000\nCapEff:0000000000000000\n"
		     "CapBnd:" DOCKER_CAPS "\nCapAmb:0000000000000000\n",
		     r.out);
	sec_run(&r,
		OPTS("--user", "1000", "--cap-drop", "ALL", "--cap-add", "NET_BIND_SERVICE",
		     "--cap-ambient"),
		"id -u; " CAPS);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("1000\nCapInh:0000000000000400\nCapPrm:0000000000000400\n"
		     "CapEff:0000000000000400\nCapBnd:0000000000000400\nCapAmb:0000000000000400\n",
		     r.out);
}

TEST_F(sec, privileged_has_every_cap_we_have_and_no_filter)
{
	static struct nbt_result r;
	static char host[4096];
	char *bnd;

	ASSERT_LT(0, nbt_read_file("/proc/self/status", host, sizeof(host)));
	bnd = strstr(host, "CapBnd:");
	ASSERT_NE(NULL, bnd);
	bnd[strcspn(bnd, "\n") + 1] = '\0';
	sec_run(&r, OPTS("--privileged"), "grep -E 'CapBnd|Seccomp:|NoNewPrivs' /proc/self/status");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, bnd)) TH_LOG("host %s container %s", bnd, r.out);
	EXPECT_NE(NULL, strstr(r.out, "Seccomp:\t0\n")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "NoNewPrivs:\t0\n")) TH_LOG("%s", r.out);
}

/* Issue 19.3: once the workload is forked, PID 1 (the reaper) keeps CAP_KILL only, has
 * no_new_privs and a filter of its own; --privileged keeps the reaper as privileged as its
 * workload (the hardening off). */
TEST_F(sec, reaper_keeps_only_cap_kill)
{
	static struct nbt_result r;
	const char *script = "sleep 0.2; grep -E '^(CapPrm|CapEff|CapBnd|NoNewPrivs|Seccomp):' "
			     "/proc/1/status";

	sec_run(&r, NULL, script);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("CapPrm:\t0000000000000020\nCapEff:\t0000000000000020\n"
		     "CapBnd:\t0000000000000020\nNoNewPrivs:\t1\nSeccomp:\t2\n",
		     r.out);
	sec_run(&r, OPTS("--privileged"), script);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_EQ(NULL, strstr(r.out, "CapEff:\t0000000000000020\n")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "Seccomp:\t0\n")) TH_LOG("%s", r.out);
}

/* Issue 19.3, as an attacker: a workload given --cap-add SYS_PTRACE (the kernel lets it attach
 * to PID 1, non-dumpable or not: ptrace(2) access mode checking) makes the reaper run
 * unshare(CLONE_NEWUTS), which needs CAP_SYS_ADMIN the workload lacks. The hardened reaper
 * refuses it (EPERM); with the hardening off (--privileged) it is done. */
TEST_F(sec, ptrace_attached_reaper_cannot_act_as_root)
{
	static struct nbt_result r;

	sec_run(&r, OPTS("--cap-add", "SYS_PTRACE"), "/nbt/reaper_inject");
	if (r.status == 3)
		SKIP(return, "the injection is written for x86_64");
	ASSERT_EQ(0, r.status) TH_LOG("%s %s", r.out, r.err);
	EXPECT_STREQ("injected: errno 1\n", r.out);
	sec_run(&r, OPTS("--cap-add", "SYS_PTRACE", "--privileged"), "/nbt/reaper_inject");
	ASSERT_EQ(0, r.status) TH_LOG("%s %s", r.out, r.err);
	EXPECT_STREQ("injected: 0\n", r.out) TH_LOG("the relaxed run must show the attack works");
}

TEST_F(sec, seccomp_filter_by_default_off_on_request)
{
	static struct nbt_result r;

	sec_run(&r, NULL, "grep '^Seccomp:' /proc/self/status");
	ASSERT_EQ(0, r.status);
	EXPECT_STREQ("Seccomp:\t2\n", r.out);
	sec_run(&r, OPTS("--seccomp", "off"), "grep '^Seccomp:' /proc/self/status");
	ASSERT_EQ(0, r.status);
	EXPECT_STREQ("Seccomp:\t0\n", r.out);
}

#ifdef SYS_mkdir
#define MKDIR_RULE "mkdir EACCES\n"
#else
#define MKDIR_RULE ""
#endif
#ifdef SYS_arch_prctl
#define ARCH_PRCTL_RULE "arch_prctl allow\n" /* x86's thread pointer */
#else
#define ARCH_PRCTL_RULE ""
#endif
#ifdef SYS_mmap
#define MMAP_RULE "mmap allow\n"
#else
#define MMAP_RULE "mmap2 allow\n" /* 32-bit arm */
#endif
#ifdef SYS_geteuid32
#define GETEUID "geteuid32" /* 32-bit arm: musl's geteuid(); geteuid is the 16-bit one */
#else
#define GETEUID "geteuid"
#endif

/* Deny-list policy: mkdir refused with the errno the file names; the default filter lets it. */
TEST_F(sec, seccomp_file_deny_list)
{
	static struct nbt_result r;
	char path[512];

	snprintf(path, sizeof(path), "%s/deny", self->dir);
	/* aarch64 has no mkdir syscall, only mkdirat (a policy names this architecture's calls) */
	ASSERT_EQ(0, nbt_write_file(path, "# deny-list\ndefault allow\n" MKDIR_RULE
					  "mkdirat EACCES  # no dirs\n"));
	sec_run(&r, OPTS("--seccomp", path), "mkdir /tmp/x 2>&1; echo rc=$?");
	EXPECT_STREQ("mkdir: can't create directory '/tmp/x': Permission denied\nrc=1\n", r.out);
	sec_run(&r, NULL, "mkdir /tmp/x 2>&1; echo rc=$?");
	EXPECT_STREQ("rc=0\n", r.out);
}

/* Allow-list policy: what the static helper needs; geteuid left out fails with ENOSYS. */
TEST_F(sec, seccomp_file_allow_list)
{
	static const char base[] =
	    "default ENOSYS\nexecve allow\n" ARCH_PRCTL_RULE
	    "set_tid_address allow\nwrite allow\nwritev allow\nioctl allow\n"
	    "exit_group allow\nexit allow\nbrk allow\n" MMAP_RULE "mprotect allow\n";
	static struct nbt_result r;
	char path[512], policy[1024];

	snprintf(path, sizeof(path), "%s/allow", self->dir);
	snprintf(policy, sizeof(policy), "%s" GETEUID " allow\n", base);
	ASSERT_EQ(0, nbt_write_file(path, policy));
	sec_run(&r, OPTS("--seccomp", path, "--no-init"), "exec /nbt/escape_try euid");
	EXPECT_STREQ("euid: 0\n", r.out) TH_LOG("%s", r.err);
	ASSERT_EQ(0, nbt_write_file(path, base));
	sec_run(&r, OPTS("--seccomp", path, "--no-init"), "exec /nbt/escape_try euid");
	EXPECT_STREQ("euid: -38\n", r.out) TH_LOG("%s", r.err); /* -ENOSYS, raw */
}

TEST_F(sec, masked_and_read_only_paths)
{
	static struct nbt_result r;
	const char *script = "for p in /proc/kcore /proc/keys /proc/timer_list /proc/acpi "
			     "/sys/firmware /proc/sys /proc/sysrq-trigger; do "
			     "grep -q \" $p \" /proc/self/mountinfo && echo $p; done; "
			     "ls /proc/acpi /sys/firmware; cat /proc/keys; "
			     "echo 1 > /proc/sys/kernel/ns_last_pid 2>/dev/null || echo sys-ro";

	sec_run(&r, NULL, script);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	/* kcore, sysrq-trigger and acpi (none on arm64's -M virt) only where the kernel has them */
	EXPECT_NE(NULL,
		  strstr(r.out, access("/proc/acpi", F_OK) == 0
				    ? "/proc/keys\n/proc/timer_list\n/proc/acpi\n/sys/firmware\n"
				      "/proc/sys\n"
				    : "/proc/keys\n/proc/timer_list\n/sys/firmware\n/proc/sys\n"))
	TH_LOG("%s", r.out);
	EXPECT_EQ(access("/proc/kcore", F_OK) == 0, strstr(r.out, "/proc/kcore\n") != NULL);
	EXPECT_EQ(access("/proc/sysrq-trigger", F_OK) == 0,
		  strstr(r.out, "/proc/sysrq-trigger\n") != NULL);
	EXPECT_NE(NULL, strstr(r.out, "sys-ro\n")) TH_LOG("%s", r.out);
	sec_run(&r, OPTS("--privileged"), script);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_EQ(NULL, strstr(r.out, "/proc/keys\n")) TH_LOG("%s", r.out);
	EXPECT_EQ(NULL, strstr(r.out, "/proc/sys\n")) TH_LOG("%s", r.out);
}

/* moby's per-CPU thermal_throttle masks (issue 19.9): each cpuN's directory, where the kernel
 * has one. The path was built as .../cpu/cpu/cpu0/... before, so it was never masked. */
TEST_F(sec, thermal_throttle_masked_on_every_cpu)
{
	static struct nbt_result r;
	const char *script =
	    "grep -c ' /sys/devices/system/cpu/cpu[0-9]*/thermal_throttle ' "
	    "/proc/self/mountinfo; ls /sys/devices/system/cpu/cpu0/thermal_throttle";

	if (access("/sys/devices/system/cpu/cpu0/thermal_throttle", F_OK))
		SKIP(return, "this kernel has no cpu0/thermal_throttle (most virtual machines)");
	sec_run(&r, NULL, script);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_LE(1, atoi(r.out)) TH_LOG("%s", r.out);
	EXPECT_EQ(NULL, strchr(strchr(r.out, '\n') + 1, '\n')) TH_LOG("not empty: %s", r.out);
	sec_run(&r, OPTS("--privileged"), script);
	EXPECT_EQ(0, atoi(r.out)) TH_LOG("%s", r.out);
}

TEST_F(sec, rlimits)
{
	static struct nbt_result r;

	sec_run(
	    &r, OPTS("--rlimit", "nofile=1024:2048", "--rlimit", "core=0", "--rlimit", "nproc=500"),
	    "awk '/open files|core file|processes/ {print $(NF-2), $(NF-1)}' /proc/self/limits");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("0 0\n500 500\n1024 2048\n", r.out);
}

/* Raising a hard limit needs CAP_SYS_RESOURCE: nestbox says so and the workload never runs. */
TEST_F(sec, rlimit_that_cannot_be_set_is_an_error)
{
	static struct nbt_result r;

	sec_run(&r, OPTS("--rlimit", "nofile=unlimited"), "echo ran");
	if (r.status == 0)
		SKIP(return, "this root may raise RLIMIT_NOFILE to unlimited (CAP_SYS_RESOURCE)");
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(0, r.out[0]);
	EXPECT_NE(NULL, strstr(r.err, "--rlimit: nofile")) TH_LOG("%s", r.err);
}

/* --- what the default filter refuses beyond the old list (issue 19.9) ----------------------
 * Each call fails in a default container with the filter's errno and works (or at least gets
 * past the filter to the kernel, which may refuse it for its own reasons) with --seccomp off,
 * with --privileged, and with the capability Docker ties it to. The calls are
 * tests/helpers/syscall_try.c's, each on the caller itself. */

FIXTURE(refused){};

FIXTURE_VARIANT(refused)
{
	const char *call;
	const char *hardened;  /* after "CALL: " */
	const char *lift;      /* --cap-add that lifts the refusal, or NULL */
	bool relaxed_may_fail; /* the kernel itself refuses the call here: the errno must differ */
};

FIXTURE_SETUP(refused)
{
}

FIXTURE_TEARDOWN(refused)
{
}

#define REFUSED_EPERM "errno 1 ("
/* clang-format off */
FIXTURE_VARIANT_ADD(refused, socket_af_vsock) { /* moby: EPERM (default errno) */
	.call = "vsock", .hardened = REFUSED_EPERM, .relaxed_may_fail = true };
FIXTURE_VARIANT_ADD(refused, socket_af_alg) {
	.call = "alg", .hardened = REFUSED_EPERM, .relaxed_may_fail = true };
FIXTURE_VARIANT_ADD(refused, kcmp) {
	.call = "kcmp", .hardened = REFUSED_EPERM, .lift = "SYS_PTRACE" };
FIXTURE_VARIANT_ADD(refused, pidfd_getfd) {
	.call = "pidfd_getfd", .hardened = REFUSED_EPERM, .lift = "SYS_PTRACE" };
FIXTURE_VARIANT_ADD(refused, process_vm_readv) {
	.call = "process_vm_readv", .hardened = REFUSED_EPERM, .lift = "SYS_PTRACE" };
FIXTURE_VARIANT_ADD(refused, process_vm_writev) {
	.call = "process_vm_writev", .hardened = REFUSED_EPERM, .lift = "SYS_PTRACE" };
FIXTURE_VARIANT_ADD(refused, get_mempolicy) { /* ENOSYS relaxed on a kernel without NUMA */
	.call = "get_mempolicy", .hardened = REFUSED_EPERM, .lift = "SYS_NICE",
	.relaxed_may_fail = true };
FIXTURE_VARIANT_ADD(refused, set_mempolicy) {
	.call = "set_mempolicy", .hardened = REFUSED_EPERM, .lift = "SYS_NICE",
	.relaxed_may_fail = true };
FIXTURE_VARIANT_ADD(refused, mbind) {
	.call = "mbind", .hardened = REFUSED_EPERM, .lift = "SYS_NICE", .relaxed_may_fail = true };
FIXTURE_VARIANT_ADD(refused, migrate_pages) {
	.call = "migrate_pages", .hardened = REFUSED_EPERM, .lift = "SYS_NICE",
	.relaxed_may_fail = true };
FIXTURE_VARIANT_ADD(refused, move_pages) {
	.call = "move_pages", .hardened = REFUSED_EPERM, .lift = "SYS_NICE",
	.relaxed_may_fail = true };
FIXTURE_VARIANT_ADD(refused, set_mempolicy_home_node) {
	.call = "set_mempolicy_home_node", .hardened = REFUSED_EPERM, .lift = "SYS_NICE",
	.relaxed_may_fail = true };
/* Newer than the kernel headers nestbox was built with: ENOSYS, so the C library falls back. */
FIXTURE_VARIANT_ADD(refused, syscall_newer_than_the_headers) {
	.call = "newer", .hardened = "errno 38 (", .relaxed_may_fail = true };
/* clang-format on */

static void try_call(struct nbt_result *r, const char *const *opts, const char *call)
{
	const char *const cmd[] = { "/nbt/syscall_try", call, NULL };

	nbt_run_container(r, "/nbt", opts, cmd);
}

TEST_F(refused, fails_by_default_works_with_the_filter_off)
{
	static struct nbt_result r;
	const char *const *relaxed[] = { OPTS("--seccomp", "off"), OPTS("--privileged"),
					 OPTS("--cap-add", variant->lift ? variant->lift : "") };
	char hardened[128], ok[128];

	snprintf(hardened, sizeof(hardened), "%s: %s", variant->call, variant->hardened);
	snprintf(ok, sizeof(ok), "%s: ok\n", variant->call);
	try_call(&r, NULL, variant->call);
	ASSERT_EQ(0, strncmp(r.out, hardened, strlen(hardened))) TH_LOG("%s %s", r.out, r.err);
	for (int i = 0; i < (variant->lift ? 3 : 2); i++) {
		try_call(&r, relaxed[i], variant->call);
		if (!strcmp(variant->call, "newer") && strstr(r.out, "errno 38 ("))
			SKIP(return, "this kernel has no syscall above the headers' newest either");
		if (variant->relaxed_may_fail && strcmp(r.out, ok)) {
			EXPECT_EQ(NULL, strstr(r.out, hardened))
			TH_LOG("%s: %s", relaxed[i][0], r.out);
			EXPECT_NE(NULL, strstr(r.out, ": errno "))
			TH_LOG("%s: %s", relaxed[i][0], r.out);
		} else {
			EXPECT_STREQ(ok, r.out)
			TH_LOG("%s %s: %s", relaxed[i][0], relaxed[i][1], r.err);
		}
	}
}

/* --- bad input ---------------------------------------------------------------------------- */

FIXTURE(bad)
{
	char *mounts_before;
	char *tmpdir;
	char *policies;
};

FIXTURE_VARIANT(bad)
{
	const char *args[8];
	const char *says;
};

#define BAD_POLICY   "@BAD_POLICY"   /* replaced by a policy file with mistakes */
#define UNKNOWN_CALL "@UNKNOWN_CALL" /* replaced by a policy file with an unknown syscall */
#define POLICY_DIR   "@POLICY_DIR"   /* replaced by the directory of the policy files */
#define EMPTY_POLICY "@EMPTY_POLICY" /* an empty file */
#define COMMENTS     "@COMMENTS"     /* a file of comments and blank lines only */
#define LONG_PATH    "@LONG_PATH"    /* "/d/d/.../d": 4091 bytes, every component short */
#define LONG_SUFFIX  "@LONG_SUFFIX"  /* the rootfs, then "/." until 4091 bytes: exists */

static char long_path[PATH_MAX], long_suffix[PATH_MAX];

FIXTURE_SETUP(bad)
{
	char path[512];

	self->mounts_before = nbt_mountinfo();
	self->tmpdir = nbt_tempdir("secbad");
	self->policies = nbt_tempdir("secpol");
	ASSERT_NE(NULL, self->policies);
	setenv("TMPDIR", self->tmpdir, 1);
	snprintf(path, sizeof(path), "%s/bad", self->policies);
	ASSERT_EQ(0, nbt_write_file(path, "default allow\n# fine\nkeyctl\n"));
	snprintf(path, sizeof(path), "%s/unknown", self->policies);
	ASSERT_EQ(0, nbt_write_file(path, "default allow\nkeyctl EPERM\n\nfrobnicate EPERM\n"));
	snprintf(path, sizeof(path), "%s/empty", self->policies);
	ASSERT_EQ(0, nbt_write_file(path, ""));
	snprintf(path, sizeof(path), "%s/comments", self->policies);
	ASSERT_EQ(0, nbt_write_file(path, "# nothing but comments\n\n   # and blanks\n"));
	/* Before 19.8 a bind target or workdir this long was cut to PATH_MAX without a word. */
	memset(long_path, 0, sizeof(long_path));
	for (size_t n = 0; n + 2 <= 4091; n += 2)
		memcpy(long_path + n, "/d", 2);
	long_path[4090] = 'd';
	snprintf(long_suffix, sizeof(long_suffix), "%s", nbt_rootfs());
	for (size_t n = strlen(long_suffix); n + 2 <= 4091; n += 2)
		memcpy(long_suffix + n, "/.", 2);
	if (strlen(long_suffix) < 4091)
		strcat(long_suffix, "/");
}

/* The file a placeholder of the variants stands for, or arg itself. */
static const char *placeholder(FIXTURE_DATA(bad) * self, const char *arg, char *buf, size_t size)
{
	static const char *const files[][2] = { { BAD_POLICY, "bad" },
						{ UNKNOWN_CALL, "unknown" },
						{ EMPTY_POLICY, "empty" },
						{ COMMENTS, "comments" },
						{ POLICY_DIR, "" } };

	if (!strcmp(arg, LONG_PATH))
		return long_path;
	if (!strcmp(arg, LONG_SUFFIX))
		return long_suffix;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (!strcmp(arg, files[i][0])) {
			snprintf(buf, size, "%s/%s", self->policies, files[i][1]);
			return buf;
		}
	return arg;
}

FIXTURE_TEARDOWN(bad)
{
	free(self->mounts_before);
	nbt_rm_rf(self->tmpdir);
	nbt_rm_rf(self->policies);
}

/* clang-format off */
FIXTURE_VARIANT_ADD(bad, unknown_cap) {
	.args = { "--cap-add", "CAP_FLY" }, .says = "--cap-add: CAP_FLY: unknown capability" };
FIXTURE_VARIANT_ADD(bad, unknown_cap_drop) {
	.args = { "--cap-drop", "" }, .says = "unknown capability" };
FIXTURE_VARIANT_ADD(bad, uidmap_overlap) {
	.args = { "--ns", "mnt,pid,user", "--uidmap", "0:100000:1000", "--uidmap", "500:200000:10" },
	.says = "--uidmap: 500:200000:10: overlaps" };
FIXTURE_VARIANT_ADD(bad, uidmap_outside_overlap) {
	.args = { "--ns", "mnt,pid,user", "--gidmap", "0:100000:1000", "--gidmap", "2000:100999:10" },
	.says = "--gidmap: 2000:100999:10: overlaps" };
FIXTURE_VARIANT_ADD(bad, uidmap_out_of_range) {
	.args = { "--ns", "mnt,pid,user", "--uidmap", "0:4294967290:10" }, .says = "past the last id" };
FIXTURE_VARIANT_ADD(bad, uidmap_syntax) {
	.args = { "--ns", "mnt,pid,user", "--uidmap", "0:1000" }, .says = "INSIDE:OUTSIDE:COUNT" };
FIXTURE_VARIANT_ADD(bad, uidmap_zero_count) {
	.args = { "--ns", "mnt,pid,user", "--uidmap", "0:1000:0" }, .says = "range empty" };
FIXTURE_VARIANT_ADD(bad, uidmap_without_root) {
	.args = { "--ns", "mnt,pid,user", "--uidmap", "1:100000:10" }, .says = "--uidmap: must map id 0" };
FIXTURE_VARIANT_ADD(bad, uidmap_without_userns) {
	.args = { "--uidmap", "0:1000:1" }, .says = "needs a user namespace" };
FIXTURE_VARIANT_ADD(bad, boottime_without_timens) {
	.args = { "--boottime", "100" }, .says = "needs a time namespace" };
FIXTURE_VARIANT_ADD(bad, boottime_garbage) {
	.args = { "--ns", "mnt,pid,time", "--boottime", "1h" }, .says = "--boottime: 1h" };
FIXTURE_VARIANT_ADD(bad, rlimit_unknown) {
	.args = { "--rlimit", "files=10" }, .says = "--rlimit: files=10: unknown resource" };
FIXTURE_VARIANT_ADD(bad, rlimit_soft_above_hard) {
	.args = { "--rlimit", "nofile=100:10" }, .says = "soft limit above hard" };
FIXTURE_VARIANT_ADD(bad, rlimit_garbage) {
	.args = { "--rlimit", "nofile=lots" }, .says = "numbers or 'unlimited'" };
FIXTURE_VARIANT_ADD(bad, rlimit_no_value) {
	.args = { "--rlimit", "nofile" }, .says = "NAME=SOFT" };
FIXTURE_VARIANT_ADD(bad, seccomp_missing_file) {
	.args = { "--seccomp", "/nonexistent/policy" }, .says = "/nonexistent/policy: No such file" };
FIXTURE_VARIANT_ADD(bad, seccomp_bad_syntax) {
	.args = { "--seccomp", BAD_POLICY }, .says = "bad:3: expected 'SYSCALL ACTION'" };
FIXTURE_VARIANT_ADD(bad, seccomp_unknown_syscall) {
	.args = { "--seccomp", UNKNOWN_CALL }, .says = "unknown:4: unknown syscall 'frobnicate'" };
/* Issue 19.8: each of these loaded an allow-all filter before. */
FIXTURE_VARIANT_ADD(bad, seccomp_directory) {
	.args = { "--seccomp", POLICY_DIR }, .says = "a directory, not a policy file" };
FIXTURE_VARIANT_ADD(bad, seccomp_empty_file) {
	.args = { "--seccomp", EMPTY_POLICY }, .says = "empty: no rules (an empty policy would allow" };
FIXTURE_VARIANT_ADD(bad, seccomp_only_comments) {
	.args = { "--seccomp", COMMENTS }, .says = "comments: no rules" };
FIXTURE_VARIANT_ADD(bad, seccomp_read_error) { /* opens, then read(2) fails with EIO at 0 */
	.args = { "--seccomp", "/proc/self/mem" }, .says = "--seccomp: /proc/self/mem: I/O error" };
FIXTURE_VARIANT_ADD(bad, seccomp_device) { /* would never end */
	.args = { "--seccomp", "/dev/zero" }, .says = "/dev/zero: not a regular file or a pipe" };
FIXTURE_VARIANT_ADD(bad, hostname_with_newline) { /* would add a line to /etc/hosts */
	.args = { "--hostname", "box\n10.0.0.1 evil" },
	.says = "--hostname: box\\x0a10.0.0.1 evil: control characters and blanks" };
FIXTURE_VARIANT_ADD(bad, hostname_with_escape) {
	.args = { "--hostname", "box\033[2J" }, .says = "--hostname: box\\x1b[2J: control" };
FIXTURE_VARIANT_ADD(bad, name_with_newline) {
	.args = { "--name", "box\nx" }, .says = "--name: box\\x0ax: use letters" };
FIXTURE_VARIANT_ADD(bad, bind_target_too_long) {
	.args = { "--bind", "/tmp:" LONG_PATH }, .says = "longer than PATH_MAX allows" };
FIXTURE_VARIANT_ADD(bad, bind_source_too_long) {
	.args = { "--bind", LONG_PATH ":/mnt" }, .says = "--bind: /d/d/d" };
FIXTURE_VARIANT_ADD(bad, seccomp_long_path) { /* the reason stays in the one line */
	.args = { "--seccomp", LONG_PATH }, .says = "/d/d/d...: No such file or directory" };
FIXTURE_VARIANT_ADD(bad, workdir_too_long) {
	.args = { "-w", LONG_PATH }, .says = "--workdir: /d/d/d" };
FIXTURE_VARIANT_ADD(bad, rootfs_too_long) { /* a path to the rootfs that exists */
	.args = { "--rootfs", LONG_SUFFIX }, .says = "--rootfs: " };
/* clang-format on */

TEST_F(bad, exits_125_with_one_line_and_leaves_nothing)
{
	static struct nbt_result r;
	static char files[8][512], bind[PATH_MAX + 8], tag[64];
	const char *argv[16];
	char *after;
	int n = 0;

	argv[n++] = "run";
	argv[n++] = "--rootfs";
	argv[n++] = nbt_rootfs();
	/* a tag no other run has, to look for leftover processes */
	snprintf(tag, sizeof(tag), "nbt-secbad-%d", (int)getpid());
	argv[n++] = "--hostname";
	argv[n++] = tag;
	for (int i = 0; variant->args[i]; i++)
		argv[n++] = placeholder(self, variant->args[i], files[i], sizeof(files[i]));
	/* --bind SRC:@LONG_PATH, --bind @LONG_PATH:DST */
	for (int i = 0; i < n; i++)
		if (strstr(argv[i], ":" LONG_PATH)) {
			snprintf(bind, sizeof(bind), "/tmp:%s", long_path);
			argv[i] = bind;
		} else if (!strncmp(argv[i], LONG_PATH ":", strlen(LONG_PATH ":"))) {
			snprintf(bind, sizeof(bind), "%s%s", long_path,
				 argv[i] + strlen(LONG_PATH));
			argv[i] = bind;
		}
	argv[n++] = "--";
	argv[n++] = "true";
	argv[n] = NULL;
	nbt_runv(&r, argv);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("stderr: %s", r.err);
	EXPECT_EQ(0, strncmp(r.err, "nestbox: ", 9)) TH_LOG("stderr: %s", r.err);
	EXPECT_NE(NULL, strstr(r.err, variant->says)) TH_LOG("stderr: %s", r.err);
	if (strstr(variant->args[1] ? variant->args[1] : "", "@LONG") &&
	    strcmp(variant->args[0], "--seccomp"))
		EXPECT_NE(NULL, strstr(r.err, "longer than PATH_MAX")) TH_LOG("%s", r.err);
	EXPECT_EQ(0, r.out[0]);
	after = nbt_mountinfo();
	ASSERT_NE(NULL, after);
	EXPECT_STREQ(self->mounts_before, after);
	free(after);
	EXPECT_EQ(0, nbt_count_procs(tag));
	EXPECT_EQ(0, nbt_count_entries(self->tmpdir)) TH_LOG("something was left in TMPDIR");
}

TEST_HARNESS_MAIN
