/* config.json's linux.seccomp (issue 22): a bundle made by `nestbox spec`, the profile put into
 * its linux object, then `nestbox run`. An allow-list with an errno default runs busybox and
 * refuses the rest with that errno; argument rules decide by the whole 64-bit value (EQ above
 * 2^32, MASKED_EQ); KILL_PROCESS kills; names this architecture lacks are skipped; Docker's own
 * default profile (tests/docker_seccomp.h) runs an ordinary workload, with and without
 * no_new_privs; bad profiles are refused with one line, exit 125 and nothing made. The calls
 * are made by tests/helpers/raw_syscall, bound into the container at /mnt. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

#include "docker_seccomp.h" /* tests/gen-docker-seccomp.sh */

#if defined(__x86_64__)
#define ARCHES "\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\""
#elif defined(__aarch64__)
#define ARCHES "\"SCMP_ARCH_AARCH64\",\"SCMP_ARCH_ARM\""
#elif defined(__arm__)
#define ARCHES "\"SCMP_ARCH_ARM\""
#endif

FIXTURE(seccomp)
{
	char *dir;
	char root[512];
	char bundle[512];
	char config[600];
	char id[64];
	char *mounts;
};

FIXTURE_SETUP(seccomp)
{
	self->dir = nbt_tempdir("ocisec");
	ASSERT_NE(NULL, self->dir);
	snprintf(self->root, sizeof(self->root), "%s/root", self->dir);
	snprintf(self->bundle, sizeof(self->bundle), "%s/bundle", self->dir);
	snprintf(self->config, sizeof(self->config), "%s/config.json", self->bundle);
	ASSERT_EQ(0, mkdir(self->bundle, 0755));
	snprintf(self->id, sizeof(self->id), "nbtsec%d", (int)getpid());
	self->mounts = nbt_mountinfo();
}

FIXTURE_TEARDOWN(seccomp)
{
	static struct nbt_result r;

	nbt_run(&r, "--root", self->root, "delete", "--force", self->id, NULL);
	free(self->mounts);
	nbt_rm_rf(self->dir);
}

/* Replace the first `from` in text (of size bytes) by `to`: 0, or -1 when it is not there. */
static int subst(char *text, size_t size, const char *from, const char *to)
{
	static char out[1 << 15];
	char *at = strstr(text, from);

	if (!at)
		return -1;
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	snprintf(text, size, "%s", out);
	return 0;
}

static int edit(const char *path, const char *from, const char *to)
{
	static char text[1 << 15];

	if (nbt_read_file(path, text, sizeof(text)) < 0 || subst(text, sizeof(text), from, to))
		return -1;
	return nbt_write_file(path, text);
}

/* `nestbox spec`, the test rootfs, the helpers at /mnt, linux.seccomp = profile, and the
 * workload `sh -c script`. */
static int make_bundle(FIXTURE_DATA(seccomp) * self, const char *profile, const char *script)
{
	static struct nbt_result r;
	static char text[1 << 15];
	char link[600], real[PATH_MAX], helpers[PATH_MAX];

	nbt_run(&r, "spec", "--bundle", self->bundle, NULL);
	if (r.status || !realpath(nbt_rootfs(), real) || !realpath(nbt_helpers(), helpers))
		return -1;
	snprintf(link, sizeof(link), "%s/rootfs", self->bundle);
	if (symlink(real, link))
		return -1;
	snprintf(
	    text, sizeof(text),
	    "\"mounts\": [ { \"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"%s\", "
	    "\"options\": [ \"rbind\", \"ro\" ] },",
	    helpers);
	if (edit(self->config, "\"mounts\": [", text))
		return -1;
	snprintf(text, sizeof(text), "\"args\": [ \"sh\", \"-c\", \"%s\" ]", script);
	if (edit(self->config, "\"args\": [ \"sh\" ]", text))
		return -1;
	snprintf(text, sizeof(text), "\"linux\": { \"seccomp\": %s,", profile);
	return edit(self->config, "\"linux\": {", text);
}

static void run(FIXTURE_DATA(seccomp) * self, struct nbt_result *r)
{
	nbt_run(r, "--root", self->root, "run", "--bundle", self->bundle, self->id, NULL);
}

/* Docker's profile for this architecture (a buffer of the caller's to edit further). */
static char *docker_profile(void)
{
	static char text[sizeof(docker_seccomp) + 256];

	snprintf(text, sizeof(text), "%s", docker_seccomp);
	subst(text, sizeof(text), "[ARCHES]", "[" ARCHES "]");
	return text;
}

/* defaultAction ERRNO (defaultErrnoRet 13) with Docker's allow-list less mkdir and mkdirat:
 * busybox runs, mkdirat fails with 13 before reaching the kernel, and a rule's own errnoRet
 * wins over the default. */
TEST_F(seccomp, an_allow_list_runs_busybox_and_refuses_the_rest_with_errno_ret)
{
	static struct nbt_result r;
	char *profile = docker_profile();

	ASSERT_EQ(0, subst(profile, sizeof(docker_seccomp) + 256, "\"mkdir\",\"mkdirat\",", ""));
	ASSERT_EQ(0, subst(profile, sizeof(docker_seccomp) + 256, "\"defaultErrnoRet\": 1",
			   "\"defaultErrnoRet\": 13"));
	ASSERT_EQ(0, make_bundle(self, profile,
				 "echo ran-$((6*7)); /mnt/raw_syscall mkdirat 0; "
				 "/mnt/raw_syscall getpid; /mnt/raw_syscall clone3 0 0; echo end"));
	run(self, &r);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "ran-42")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "mkdirat: errno 13")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "getpid: ok")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "clone3: errno 38")) TH_LOG("%s", r.out); /* its errnoRet */
}

/* Argument rules on the whole 64-bit value: personality(0x100000008) is refused by an EQ on
 * it while personality(8), the same low word, passes; getpgid by MASKED_EQ on bits above 32
 * (the kernel takes the low word: both calls would succeed unfiltered); names this
 * architecture lacks (and none at all) are skipped; sync kills the process. */
TEST_F(seccomp, argument_rules_decide_by_the_whole_value_and_kill_process_kills)
{
	static struct nbt_result r;

	ASSERT_EQ(
	    0, make_bundle(self,
			   "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": "
			   "[" ARCHES "], \"syscalls\": ["
			   "{ \"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\", "
			   "\"errnoRet\": 22, \"args\": [ { \"index\": 0, \"value\": "
			   "4294967304, \"op\": \"SCMP_CMP_EQ\" } ] },"
			   "{ \"names\": [\"getpgid\"], \"action\": \"SCMP_ACT_ERRNO\", "
			   "\"errnoRet\": 34, \"args\": [ { \"index\": 0, \"value\": "
			   "1095216660480, \"valueTwo\": 77309411328, "
			   "\"op\": \"SCMP_CMP_MASKED_EQ\" } ] },"
			   "{ \"names\": [\"no_such_call\", \"socketcall_of_nowhere\"], "
			   "\"action\": \"SCMP_ACT_KILL\" },"
			   "{ \"names\": [], \"action\": \"SCMP_ACT_KILL\" },"
			   "{ \"names\": [\"sync\"], \"action\": \"SCMP_ACT_KILL_PROCESS\" } ] }",
			   "/mnt/raw_syscall personality 0x100000008; /mnt/raw_syscall personality "
			   "0xffffffff; /mnt/raw_syscall getpgid 0x1200000000; /mnt/raw_syscall "
			   "getpgid 0x1300000000; /mnt/raw_syscall sync; echo status=$?"));
	run(self, &r);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
#if __SIZEOF_LONG__ == 8 /* a 32-bit task's arguments have no high word (seccomp_data) */
	EXPECT_NE(NULL, strstr(r.out, "personality: errno 22\npersonality: ok"))
	TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "getpgid: errno 34\ngetpgid: ok")) TH_LOG("%s", r.out);
#endif
	EXPECT_NE(NULL, strstr(r.out, "status=159")) TH_LOG("%s", r.out); /* 128 + SIGSYS */
	EXPECT_EQ(NULL, strstr(r.out, "sync: ok")) TH_LOG("%s", r.out);
}

/* Docker's own default profile (as containerd passes it) with an ordinary workload: files,
 * pipes, a socket, a child; unshare of a user namespace refused as Docker refuses it. Once with
 * no_new_privs, once without (the filter is then loaded before the capabilities are cut, and
 * capset and prctl must pass it: Docker's profile allows them). */
TEST_F(seccomp, dockers_default_profile_runs_an_ordinary_workload)
{
	static struct nbt_result r;

	for (int nnp = 1; nnp >= 0; nnp--) {
		nbt_rm_rf(self->bundle);
		ASSERT_EQ(0, mkdir(self->bundle, 0755));
		ASSERT_EQ(0,
			  make_bundle(self, docker_profile(),
				      "grep Seccomp: /proc/self/status; ls /bin | grep -c sh; "
				      "echo a b | sed s/a/x/ | cat; mkdir /dev/shm/d && echo mk; "
				      "/mnt/raw_syscall socket 1 1 0 >/dev/null && echo sock; "
				      "unshare -U true 2>/dev/null || echo no-userns; exit 3"));
		if (!nnp)
			ASSERT_EQ(0, edit(self->config, "\"noNewPrivileges\": true",
					  "\"noNewPrivileges\": false"));
		run(self, &r);
		EXPECT_EQ(3, r.status) TH_LOG("%s", r.err);
		EXPECT_NE(NULL, strstr(r.out, "Seccomp:\t2")) TH_LOG("%s", r.out);
		EXPECT_NE(NULL, strstr(r.out, "x b\nmk\nsock\nno-userns\n"))
		TH_LOG("no_new_privs %d: %s", nnp, r.out);
	}
}

/* create --bundle: refused with one line containing want, exit 125, nothing made. */
static void expect_refused(struct __test_metadata *_metadata, FIXTURE_DATA(seccomp) * self,
			   const char *want)
{
	static struct nbt_result r;
	char state_dir[700];
	char *after;

	nbt_run(&r, "--root", self->root, "create", "--bundle", self->bundle, self->id, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, want)) TH_LOG("got %s, want %s", r.err, want);
	snprintf(state_dir, sizeof(state_dir), "%s/%s", self->root, self->id);
	EXPECT_NE(0, access(state_dir, F_OK)) TH_LOG("state directory made");
	EXPECT_FALSE(nbt_cgroup_named(self->id)) TH_LOG("cgroup made");
	after = nbt_mountinfo();
	EXPECT_STREQ(self->mounts, after);
	free(after);
}

TEST_F(seccomp, bad_profiles_are_refused_by_field_leaving_nothing)
{
	static const struct {
		const char *rule, *want;
	} cases[] = {
		{ "\"action\": \"SCMP_ACT_SOMETIMES\"",
		  "linux.seccomp.syscalls[0].action: unknown action" },
		{ "\"action\": \"SCMP_ACT_NOTIFY\"",
		  "syscalls[0].action: SCMP_ACT_NOTIFY: not supported" },
		{ "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [ { \"index\": 0, \"value\": 1, "
		  "\"op\": \"SCMP_CMP_ABOUT\" } ]",
		  "linux.seccomp.syscalls[0].args[0].op: unknown operator" },
		{ "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [ { \"index\": 6, \"value\": 1, "
		  "\"op\": \"SCMP_CMP_EQ\" } ]",
		  "linux.seccomp.syscalls[0].args[0].index: expected a whole number from 0 to 5" },
	};
	char profile[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		nbt_rm_rf(self->bundle);
		ASSERT_EQ(0, mkdir(self->bundle, 0755));
		snprintf(profile, sizeof(profile),
			 "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [ { \"names\": "
			 "[\"getcwd\"], %s } ] }",
			 cases[i].rule);
		ASSERT_EQ(0, make_bundle(self, profile, "true"));
		expect_refused(_metadata, self, cases[i].want);
	}
	nbt_rm_rf(self->bundle);
	ASSERT_EQ(0, mkdir(self->bundle, 0755));
	ASSERT_EQ(0, make_bundle(self,
				 "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": "
				 "\"/run/agent.sock\" }",
				 "true"));
	expect_refused(_metadata, self, "linux.seccomp.listenerPath: not supported");
}

TEST_HARNESS_MAIN
