/* config.json's linux.seccomp without a container: oci_seccomp.c's checks and messages, and
 * seccomp_profile.c's BPF run by a small classic-BPF interpreter here (every operator against
 * its 64-bit definition, first match, AND and OR, chains longer than a jump reaches), then
 * Docker's default profile loaded for real in a forked child and probed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/keyctl.h>
#include <linux/seccomp.h>

#include "kselftest_harness.h"
#include "container.h"
#include "json.h"
#include "oci_seccomp.h"
#include "seccomp_bpf.h"

#include "docker_seccomp.h"	 /* tests/gen-docker-seccomp.sh */
#include "../runtime/syscalls.h" /* syscall_name_next */

#if defined(__x86_64__)
#define ARCHES "\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\""
#define ARCH   AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCHES "\"SCMP_ARCH_AARCH64\",\"SCMP_ARCH_ARM\""
#define ARCH   AUDIT_ARCH_AARCH64
#endif

static struct seccomp_prog prog;
static struct nb_container c;
static struct nb_error err;

/* linux.seccomp = text: 0 with the profile in c, or the walker's error (err.msg). */
static int walk(const char *text)
{
	static char buf[1 << 16];
	struct oci_walk w = { .c = &c, .bundle = "/", .err = &err };
	struct json_value *root;
	int rc;

	oci_seccomp_free(c.security.profile);
	memset(&c, 0, sizeof(c));
	memset(&err, 0, sizeof(err));
	snprintf(buf, sizeof(buf), "%s", text);
	root = json_parse(buf, strlen(buf), "config.json", &err);
	if (!root)
		return -1;
	rc = oci_walk_seccomp(&w, root, "linux.seccomp");
	json_free(root);
	return rc;
}

static int compile(const char *text)
{
	if (walk(text))
		return -1;
	prog.n = 0;
	seccomp_prologue(&prog);
	return seccomp_profile_build(c.security.profile, &prog);
}

/* Classic BPF as the kernel runs a seccomp filter, for the instructions nestbox emits. */
static uint32_t run(unsigned nr, const uint64_t *args)
{
	struct seccomp_data d = { .nr = (int)nr, .arch = ARCH };
	uint32_t a = 0;

	if (args)
		memcpy(d.args, args, sizeof(d.args));
	for (unsigned pc = 0; pc < prog.n && pc < BPF_MAXINSNS;) {
		const struct sock_filter *f = &prog.insn[pc++];
		bool t = false;

		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			memcpy(&a, (const char *)&d + f->k, 4);
			break;
		case BPF_ALU:
			a &= f->k;
			break;
		case BPF_RET:
			return f->k;
		case BPF_JMP:
			switch (BPF_OP(f->code)) {
			case BPF_JA:
				pc += f->k;
				continue;
			case BPF_JEQ:
				t = a == f->k;
				break;
			case BPF_JGT:
				t = a > f->k;
				break;
			case BPF_JGE:
				t = a >= f->k;
				break;
			case BPF_JSET:
				t = a & f->k;
				break;
			}
			pc += t ? f->jt : f->jf;
		}
	}
	return 0xdeadbeef; /* ran off the end: the kernel's verifier refuses such a program */
}

#define ALLOW	  SECCOMP_RET_ALLOW
#define EPERM_RET (SECCOMP_RET_ERRNO | EPERM)

TEST(every_operator_on_64_bit_values)
{
	static const char *ops[] = { "NE", "LT", "LE", "EQ", "GE", "GT", "MASKED_EQ" };
	static const uint64_t v[] = { 0,
				      1,
				      5,
				      0xffffffffu,
				      0x100000000u,
				      0x100000005u,
				      0x500000000u,
				      0xffffffff00000000u,
				      ~0ull };
	const size_t nv = sizeof(v) / sizeof(v[0]);
	char text[512];

	for (int op = 0; op < 7; op++)
		for (size_t i = 0; i < nv; i++) {
			snprintf(
			    text, sizeof(text),
			    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":"
			    "[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":3,"
			    "\"value\":%llu,\"valueTwo\":%llu,\"op\":\"SCMP_CMP_%s\"}]}]}",
			    (unsigned long long)v[i], (unsigned long long)(v[i] & 0x1ffffffffu),
			    ops[op]);
			ASSERT_EQ(0, compile(text)) TH_LOG("%s", err.msg);
			for (size_t j = 0; j < nv; j++) {
				uint64_t args[6] = { 0, 0, 0, v[j], 0, 0 }, x = v[j], y = v[i];
				bool want[] = { x != y, x<y, x <= y, x == y, x >= y, x> y,
						(x & y) == (y & 0x1ffffffffu) };

				EXPECT_EQ(want[op] ? ALLOW : EPERM_RET, run(SYS_getpid, args))
				TH_LOG("%s: arg %#llx, value %#llx", ops[op], (unsigned long long)x,
				       (unsigned long long)y);
			}
		}
}

/* First matching rule wins, comparisons ANDed, rules ORed, other calls get the default;
 * names this architecture lacks are skipped; a rule with the default action is dropped. */
TEST(rules_in_order_args_anded_unknown_names_skipped)
{
	uint64_t a[6] = { 0 };

	ASSERT_EQ(
	    0, compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
		       "{\"names\":[\"no_such_call\",\"getppid\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		       "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":7,"
		       "\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_GE\"},"
		       "{\"index\":1,\"value\":10,\"op\":\"SCMP_CMP_LT\"}]},"
		       "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_KILL_PROCESS\","
		       "\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]},"
		       "{\"names\":[\"getpid\",\"getuid\"],\"action\":\"SCMP_ACT_TRACE\"},"
		       "{\"names\":[\"getuid\"],\"action\":\"SCMP_ACT_TRAP\"},"
		       "{\"names\":[\"getgid\"],\"action\":\"SCMP_ACT_LOG\"},"
		       "{\"names\":[\"gettid\"],\"action\":\"SCMP_ACT_KILL\"}]}"))
	TH_LOG("%s", err.msg);
	EXPECT_EQ(8, c.security.profile->n); /* no_such_call skipped */
	a[0] = 1, a[1] = 9;
	EXPECT_EQ(SECCOMP_RET_ERRNO | 7, run(SYS_getpid, a));
	a[1] = 10; /* second comparison fails: the next rules */
	EXPECT_EQ(SECCOMP_RET_TRACE | EPERM, run(SYS_getpid, a));
	a[0] = 0;
	EXPECT_EQ(SECCOMP_RET_KILL_PROCESS, run(SYS_getpid, a));
	EXPECT_EQ(SECCOMP_RET_TRACE | EPERM, run(SYS_getuid, a)); /* its first rule */
	EXPECT_EQ(SECCOMP_RET_LOG, run(SYS_getgid, a));
	EXPECT_EQ(SECCOMP_RET_KILL_THREAD, run(SYS_gettid, a));
	EXPECT_EQ(ALLOW, run(SYS_getppid, a));
	EXPECT_EQ(ALLOW, run(SYS_read, a));
	/* the preamble is kept: ENOSYS above the table, x32 refused */
	EXPECT_EQ(SECCOMP_RET_ERRNO | ENOSYS, run(1000, a));
#ifdef __x86_64__
	EXPECT_EQ(EPERM_RET, run(0x40000000u | SYS_read, a));
#endif
}

/* An allow-list of every other syscall: more tests than one chain's jumps reach. */
TEST(long_allow_lists_are_cut_into_chains)
{
	static char text[1 << 15];
	char name[SYSCALL_NAME_MAX];
	unsigned at = 0;
	size_t len;
	int nr;

	len = (size_t)snprintf(text, sizeof(text),
			       "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":99,"
			       "\"syscalls\":[{\"names\":[\"read\"");
	for (nr = 0; nr < SYSCALL_NAMES_COUNT; nr++)
		if (syscall_name_next(&at, name), nr % 2 == 0 && *name)
			len += (size_t)snprintf(text + len, sizeof(text) - len, ",\"%s\"", name);
	snprintf(text + len, sizeof(text) - len, "],\"action\":\"SCMP_ACT_ALLOW\"}]}");
	ASSERT_EQ(0, compile(text)) TH_LOG("%s", err.msg);
	at = 0;
	for (nr = 0; nr < SYSCALL_NAMES_COUNT && (syscall_name_next(&at, name), 1); nr++)
		EXPECT_EQ((nr % 2 == 0 && *name) || nr == SYS_read ? ALLOW : SECCOMP_RET_ERRNO | 99,
			  run((unsigned)nr, NULL))
	TH_LOG("%d %s", nr, name);
}

/* Bad input: one message naming the field. */
TEST(bad_profiles_are_refused_by_field)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		/* clang-format off */
		{ "{\"defaultAction\":\"SCMP_ACT_FOO\"}",
		  "linux.seccomp.defaultAction: unknown action" },
		{ "{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}",
		  "defaultAction: SCMP_ACT_NOTIFY: not supported" },
		{ "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/s\"}",
		  "linux.seccomp.listenerPath: not supported" },
		{ "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_S390X\"]}",
		  "architectures: does not list this machine" },
		{ "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"x86\"]}",
		  "architectures[0]: expected an SCMP_ARCH_ name" },
		{ "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_NEW_LISTENER\"]}",
		  "flags[0]: unknown flag" },
		{ "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"bogus\":1}",
		  "linux.seccomp.bogus: unknown field" },
		{ "{\"syscalls\":[]}",
		  "linux.seccomp.defaultAction: missing" },
		{ "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
		  "syscalls[0].action: SCMP_ACT_NOTIFY" },
		{ "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"]}]}",
		  "syscalls[0].action: missing" },
		{ "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		  "args[0].index: expected a whole number from 0 to 5" },
		{ "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_SAME\"}]}]}",
		  "args[0].op: unknown operator" },
		{ "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		  "args[0].value: missing" },
		{ "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":65536}]}",
		  "errnoRet: expected a whole number from 0 to 65535" },
		{ "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":\"read\",\"action\":\"SCMP_ACT_ERRNO\"}]}",
		  "syscalls[0].names: expected an array" },
		/* clang-format on */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EXPECT_EQ(-EINVAL, walk(cases[i].text)) TH_LOG("%s", cases[i].text);
		EXPECT_NE(NULL, strstr(err.msg, cases[i].want))
		TH_LOG("got '%s', want '%s'", err.msg, cases[i].want);
		EXPECT_EQ(NULL, c.security.profile);
	}
}

static char *docker_profile(void)
{
	static char text[sizeof(docker_seccomp) + 128];
	const char *at = strstr(docker_seccomp, "[ARCHES]");

	snprintf(text, sizeof(text), "%.*s[" ARCHES "]%s", (int)(at - docker_seccomp),
		 docker_seccomp, at + strlen("[ARCHES]"));
	return text;
}

static int errno_of(long rc)
{
	return rc < 0 ? errno : 0;
}

#define PROBE(i, cond)                 \
	do {                           \
		if (!(cond) && !bad)   \
			bad = (i) + 1; \
	} while (0)

static int docker_probes(void)
{
	int bad = 0;

	PROBE(0, errno_of(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, -3, 0)) == EPERM);
	PROBE(1, errno_of(syscall(SYS_getpid)) == 0);
	PROBE(2, errno_of(personality(0xffffffff)) == 0);
	PROBE(3, errno_of(personality(PER_BSD)) == EPERM);
	PROBE(4, errno_of(syscall(SYS_clone3, NULL, 0)) == ENOSYS);
	PROBE(5, errno_of(socket(40 /* AF_VSOCK */, SOCK_STREAM, 0)) == EPERM);
	PROBE(6, socket(AF_UNIX, SOCK_STREAM, 0) >= 0);
	PROBE(7, errno_of(syscall(SYS_unshare, 0x10000000 /* CLONE_NEWUSER */)) == EPERM);
	return bad;
}

/* Docker's profile as containerd passes it: within BPF's 4096 instructions, and loaded for real. */
TEST(docker_default_profile_loads_and_refuses_what_docker_refuses)
{
	pid_t pid;
	int ws;

	ASSERT_EQ(0, compile(docker_profile())) TH_LOG("%s", err.msg);
	EXPECT_LT(prog.n, 512u) TH_LOG("%u instructions", prog.n);
	printf("# Docker's default profile: %u BPF instructions, %d rules\n", prog.n,
	       c.security.profile->n);
	EXPECT_EQ(ALLOW, run(SYS_read, NULL));
	EXPECT_EQ(EPERM_RET, run(SYS_keyctl, NULL));
	c.security.seccomp = NB_SECCOMP_OCI;
	pid = fork();
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || seccomp_load(&c, &err))
			_exit(255);
		_exit(docker_probes());
	}
	ASSERT_EQ(pid, waitpid(pid, &ws, 0));
	EXPECT_TRUE(WIFEXITED(ws));
	EXPECT_EQ(0, WEXITSTATUS(ws)) TH_LOG("probe %d failed", WEXITSTATUS(ws) - 1);
}

TEST_HARNESS_MAIN
