/* nestbox inside nestbox (issue 9): three levels, each with its own overlay root (tmpfs upper:
 * overlayfs takes no upper on overlayfs), pid namespace with a fresh /proc, hostname and reaper;
 * exit codes and SIGTERM through every level; nothing left on the host. And when the outer
 * container withholds what a nested nestbox needs, one line naming it, not a bare EPERM.
 *
 * Each level binds the busybox rootfs and nestbox read-only at /nb/rootfs and /nb/nestbox for the
 * next one, so every level's lower layer is the host's directory, never an overlay (overlayfs
 * stacks at most two deep). */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

/* level.sh N MAX CMD: say what this level sees, then start level N+1, or run CMD at MAX. Each
 * level's grace is one second longer than the next one's (3, 2, 1): a level that is told to stop
 * gives the levels inside it the time their own grace periods take. Inner levels share the
 * outermost level's network namespace (--net host): a namespace of their own would need
 * CAP_NET_ADMIN for lo (nest_diag.no_net_admin). */
static const char level_sh[] =
    "n=$1 max=$2; shift 2\n"
    "root=$(awk '$5==\"/\"{for(i=7;i<NF;i++)if($i==\"-\")t=$(i+1)}END{print t}' "
    "/proc/self/mountinfo)\n"
    "procs=$(ls /proc | grep -c '^[0-9]')\n"
    "echo \"level $n hostname=$(hostname) pid=$$ root=$root procs=$procs\"\n"
    "if [ \"$n\" -lt \"$max\" ]; then\n"
    "  exec /nb/nestbox run --cap-add SYS_ADMIN --net host --grace $((max-n)) \\\n"
    "    --hostname level$((n+1)) \\\n"
    "    --rootfs /nb/rootfs --bind /nb/rootfs:/nb/rootfs:ro --bind /nb/nestbox:/nb/nestbox:ro \\\n"
    "    --bind /nb/level.sh:/nb/level.sh:ro --bind /nb/out:/nb/out \\\n"
    "    -- /bin/sh /nb/level.sh $((n+1)) \"$max\" \"$@\"\n"
    "fi\n"
    "exec /bin/sh -c \"$1\"\n";

/* Paths of one test: its temp dir, level.sh, the marker dir and the bind arguments. */
struct nest_paths {
	char *dir;
	char out[512], log[512], script[512], policy[512];
	char b_rootfs[PATH_MAX + 16], b_nestbox[PATH_MAX + 16], b_level[600], b_out[600];
	pid_t bg; /* a nestbox started in the background, killed in teardown */
};

static int paths_setup(struct nest_paths *p)
{
	char real[PATH_MAX], real2[PATH_MAX];

	p->dir = nbt_tempdir("nest");
	if (!p->dir)
		return -1;
	snprintf(p->out, sizeof(p->out), "%s/out", p->dir);
	snprintf(p->log, sizeof(p->log), "%s/log", p->dir);
	snprintf(p->script, sizeof(p->script), "%s/level.sh", p->dir);
	snprintf(p->policy, sizeof(p->policy), "%s/seccomp.policy", p->dir);
	/* Bind sources are resolved inside the container's scratch root: no symlinks (the VMs'
	 * /bin/nestbox links to /init). */
	if (!realpath(nbt_rootfs(), real) || !realpath(nbt_nestbox(), real2))
		return -1;
	snprintf(p->b_rootfs, sizeof(p->b_rootfs), "%s:/nb/rootfs:ro", real);
	snprintf(p->b_nestbox, sizeof(p->b_nestbox), "%s:/nb/nestbox:ro", real2);
	snprintf(p->b_level, sizeof(p->b_level), "%s:/nb/level.sh:ro", p->script);
	snprintf(p->b_out, sizeof(p->b_out), "%s:/nb/out", p->out);
	p->bg = 0;
	if (mkdir(p->out, 0755) || nbt_write_file(p->script, level_sh))
		return -1;
	return 0;
}

static void paths_teardown(struct nest_paths *p)
{
	if (p->bg > 0) {
		kill(p->bg, SIGKILL);
		waitpid(p->bg, NULL, 0);
	}
	nbt_rm_rf(p->dir);
}

FIXTURE(nest)
{
	struct nest_paths p;
};

FIXTURE_SETUP(nest)
{
	ASSERT_EQ(0, paths_setup(&self->p));
}

FIXTURE_TEARDOWN(nest)
{
	paths_teardown(&self->p);
}

/* argv of the outermost level running level.sh 1 3 CMD; argv must hold 32. */
static void three_levels(const struct nest_paths *p, const char **argv, const char *cmd)
{
	const char *a[] = { "run",	  "--cap-add", "SYS_ADMIN",  "--grace",	   "3",
			    "--hostname", "level1",    "--rootfs",   nbt_rootfs(), "--bind",
			    p->b_rootfs,  "--bind",    p->b_nestbox, "--bind",	   p->b_level,
			    "--bind",	  p->b_out,    "--",	     "/bin/sh",	   "/nb/level.sh",
			    "1",	  "3",	       cmd,	     NULL };

	memcpy(argv, a, sizeof(a));
}

/* Processes of the nested containers still alive on the host. */
static int leftovers(void)
{
	return nbt_count_procs("/nb/nestbox") + nbt_count_procs("sleep 987");
}

TEST_F(nest, three_levels_each_with_own_root_proc_hostname_and_reaper)
{
	static struct nbt_result r;
	const char *argv[32];
	char line[128], path[600];

	three_levels(&self->p, argv,
		     "touch /written-in-level3 && echo upper-writable; "
		     "tr '\\0' ' ' < /proc/1/cmdline; echo; exit 42");
	nbt_runv(&r, argv);
	ASSERT_EQ(42, r.status) TH_LOG("out: %s\nerr: %s", r.out, r.err);
	for (int n = 1; n <= 3; n++) {
		const char *p;
		int procs = 0;

		/* PID 2 under a reaper of its own, on an overlay root, with its own hostname. */
		snprintf(line, sizeof(line),
			 "level %d hostname=level%d pid=2 root=overlay procs=", n, n);
		p = strstr(r.out, line);
		ASSERT_NE(NULL, p) TH_LOG("no '%s' in:\n%s", line, r.out);
		/* A fresh /proc: the reaper, the level's shell and its subshell, not the host's. */
		procs = atoi(p + strlen(line));
		EXPECT_GE(5, procs) TH_LOG("level %d sees %d processes", n, procs);
	}
	/* The innermost root takes writes (its upper is the scratch tmpfs), its PID 1 is the
	 * innermost nestbox's reaper, and the lower layer shared by all levels is untouched. */
	EXPECT_NE(NULL, strstr(r.out, "upper-writable"));
	EXPECT_NE(NULL, strstr(r.out, "nestbox-init")) TH_LOG("%s", r.out);
	snprintf(path, sizeof(path), "%s/written-in-level3", nbt_rootfs());
	EXPECT_NE(0, access(path, F_OK));
	EXPECT_EQ(0, leftovers());
}

TEST_F(nest, innermost_exit_code_comes_back_out)
{
	static const struct {
		const char *cmd;
		int status;
	} cases[] = { { "exit 0", 0 },
		      { "exit 1", 1 },
		      { "exit 255", 255 },
		      { "kill -KILL $$", 128 + SIGKILL } };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct nbt_result r;
		const char *argv[32];

		three_levels(&self->p, argv, cases[i].cmd);
		nbt_runv(&r, argv);
		EXPECT_EQ(cases[i].status, r.status) TH_LOG("%s: %s", cases[i].cmd, r.err);
	}
}

TEST_F(nest, sigterm_to_outermost_reaches_innermost_and_all_is_gone)
{
	const char *argv[32];
	char *before = nbt_mountinfo(), *after, marker[600];
	double start, took;
	int status;

	/* The innermost workload exits 3 on TERM and leaves an orphan that ignores TERM: the
	 * innermost reaper KILLs it after its 1 s grace, then every level exits in turn, each
	 * within its own grace. */
	three_levels(&self->p, argv,
		     "(trap '' TERM; exec sleep 987) & "
		     "trap 'echo term > /nb/out/term; exit 3' TERM; "
		     "echo ready; while :; do sleep 0.05; done");
	self->p.bg = nbt_spawn(argv, self->p.log);
	ASSERT_TRUE(nbt_wait_for_text(self->p.log, "ready", 10000)) TH_LOG("never ready");
	/* "ready" may come before the orphan has exec'd sleep. */
	for (int i = 0; i < 250 && nbt_count_procs("sleep 987") != 1; i++)
		usleep(20000);
	ASSERT_EQ(1, nbt_wait_procs("sleep 987", 1, 5000));
	start = nbt_now();
	kill(self->p.bg, SIGTERM);
	status = nbt_wait_exit(self->p.bg);
	took = nbt_now() - start;
	self->p.bg = 0;
	EXPECT_EQ(3, status);
	snprintf(marker, sizeof(marker), "%s/term", self->p.out);
	EXPECT_TRUE(nbt_wait_for_text(marker, "term", 10000));
	/* One grace period (1 s) is spent on the orphan; the levels add little. */
	EXPECT_LT(0.9, took);
	EXPECT_GT(4.0, took) TH_LOG("took %.2f s", took);
	EXPECT_EQ(0, leftovers());
	after = nbt_mountinfo();
	EXPECT_STREQ(before, after);
	free(before);
	free(after);
}

TEST_F(nest, sigkill_to_outermost_leaves_nothing)
{
	const char *argv[32];
	char *before = nbt_mountinfo(), *after;

	three_levels(&self->p, argv, "sleep 987 & echo ready; wait");
	self->p.bg = nbt_spawn(argv, self->p.log);
	ASSERT_TRUE(nbt_wait_for_text(self->p.log, "ready", 10000));
	kill(self->p.bg, SIGKILL);
	nbt_wait_exit(self->p.bg);
	self->p.bg = 0;
	for (int i = 0; i < 100 && leftovers(); i++)
		usleep(20000);
	EXPECT_EQ(0, leftovers());
	after = nbt_mountinfo();
	EXPECT_STREQ(before, after);
	free(before);
	free(after);
}

/* Under a cgroup it was not given (the common case in a pod), nestbox runs what needs no cgroup
 * of its own and says why it cannot apply a limit. nestbox shows its containers the cgroup tree
 * read-only, like docker and podman. */
/* Seccomp profiles older than clone3 (containerd's) refuse it with EPERM, not ENOSYS: nestbox
 * falls back to clone(2), which they allow with CAP_SYS_ADMIN. */
TEST_F(nest, clone3_refused_with_eperm_falls_back_to_clone)
{
	static struct nbt_result r;
	const char *argv[] = { "run",
			       "--cap-add",
			       "SYS_ADMIN",
			       "--seccomp",
			       self->p.policy,
			       "--rootfs",
			       nbt_rootfs(),
			       "--bind",
			       self->p.b_rootfs,
			       "--bind",
			       self->p.b_nestbox,
			       "--",
			       "/nb/nestbox",
			       "run",
			       "--net",
			       "host",
			       "--rootfs",
			       "/nb/rootfs",
			       "--",
			       "echo",
			       "nested ok",
			       NULL };

	ASSERT_EQ(0, nbt_write_file(self->p.policy, "default allow\nclone3 EPERM\n"));
	nbt_runv(&r, argv);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "nested ok"));
}

/* outer --cap-add SYS_ADMIN ... -- /nb/nestbox run --net host [LIMIT VALUE] --rootfs /nb/rootfs
 * -- echo */
static void nested_with_limit(const struct nest_paths *p, const char *limit, const char *value,
			      struct nbt_result *r)
{
	const char *argv[24] = { "run",	       "--cap-add", "SYS_ADMIN",   "--rootfs",
				 nbt_rootfs(), "--bind",    p->b_rootfs,   "--bind",
				 p->b_nestbox, "--",	    "/nb/nestbox", "run",
				 "--net",      "host" };
	int n = 14;

	if (limit) {
		argv[n++] = limit;
		argv[n++] = value;
	}
	argv[n++] = "--rootfs";
	argv[n++] = "/nb/rootfs";
	argv[n++] = "--";
	argv[n++] = "echo";
	argv[n++] = "nested ok";
	argv[n] = NULL;
	nbt_runv(r, argv);
}

TEST_F(nest, cgroup_not_delegated_is_said_and_the_rest_works)
{
	static struct nbt_result r;

	/* Without a limit: works. */
	nested_with_limit(&self->p, NULL, NULL, &r);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	ASSERT_NE(NULL, strstr(r.out, "nested ok"));
	/* With one: a line saying the tree was not delegated, and what to do. */
	nested_with_limit(&self->p, "--pids", "50", &r);
	if (r.status == 125 &&
	    (strstr(r.err, "not available") || strstr(r.err, "no cgroup hierarchy")))
		SKIP(return, "no pids controller or cgroup hierarchy here: %.200s", r.err);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "this cgroup tree was not delegated to nestbox"))
	TH_LOG("%s", r.err);
	EXPECT_EQ(0, leftovers());
}

/* What the outer container withholds, what the nested nestbox must then say, and the outer
 * options with which the same nested run works (so the message is about that, and only that). */
FIXTURE(nest_diag)
{
	struct nest_paths p;
};

FIXTURE_SETUP(nest_diag)
{
	ASSERT_EQ(0, paths_setup(&self->p));
}

FIXTURE_TEARDOWN(nest_diag)
{
	paths_teardown(&self->p);
}

FIXTURE_VARIANT(nest_diag)
{
	const char *withhold[5];
	const char *grant[5];
	const char *inner_ns; /* --ns of the nested run, or NULL */
	bool inner_own_net; /* the nested run without --net host: a network namespace of its own */
	const char *policy; /* a --seccomp policy for the outer run, or NULL */
	const char *says;
};

FIXTURE_VARIANT_ADD(nest_diag, no_sys_admin){
	.withhold = { NULL },
	.grant = { "--cap-add", "SYS_ADMIN", NULL },
	.says = "clone namespaces: Operation not permitted: needs CAP_SYS_ADMIN",
};

FIXTURE_VARIANT_ADD(nest_diag, no_dac_override){
	.withhold = { "--cap-add", "SYS_ADMIN", "--cap-drop", "DAC_OVERRIDE", NULL },
	.grant = { "--cap-add", "SYS_ADMIN", NULL },
	.says = "mount overlay: ", /* and, below, the capability */
};

FIXTURE_VARIANT_ADD(nest_diag, no_setpcap){
	.withhold = { "--cap-add", "SYS_ADMIN", "--cap-drop", "SETPCAP", NULL },
	.grant = { "--cap-add", "SYS_ADMIN", NULL },
	.says = "capability bounding set: Operation not permitted: needs CAP_SETPCAP",
};

FIXTURE_VARIANT_ADD(nest_diag, seccomp_filter){
	.withhold = { "--cap-add", "SYS_ADMIN", NULL },
	.grant = { "--cap-add", "SYS_ADMIN", NULL },
	.policy = "default allow\nclone3 EPERM\nclone EPERM\n",
	.says = "clone namespaces: Operation not permitted: refused by the seccomp filter",
};

/* Docker's default profile has no pivot_root. */
FIXTURE_VARIANT_ADD(nest_diag, seccomp_no_pivot_root){
	.withhold = { "--cap-add", "SYS_ADMIN", NULL },
	.grant = { "--cap-add", "SYS_ADMIN", NULL },
	.policy = "default allow\npivot_root EPERM\n",
	.says = "scratch root: /nb/rootfs: Operation not permitted: refused by the seccomp filter",
};

/* A network namespace of its own (the default) is made with SYS_ADMIN, but lo is brought up
 * with NET_ADMIN, which docker's, podman's and nestbox's default capabilities lack. */
FIXTURE_VARIANT_ADD(nest_diag, no_net_admin){
	.withhold = { "--cap-add", "SYS_ADMIN", NULL },
	.grant = { "--cap-add", "SYS_ADMIN", "--cap-add", "NET_ADMIN", NULL },
	.inner_own_net = true,
	.says = "link up: lo: Operation not permitted: needs CAP_NET_ADMIN, which the runtime that "
		"started nestbox did not grant (e.g. --cap-add NET_ADMIN); or --net host",
};

FIXTURE_VARIANT_ADD(nest_diag, masked_proc_in_user_namespace){
	.withhold = { "--cap-add", "SYS_ADMIN", NULL },
	.grant = { "--privileged", NULL },
	/* No cgroup namespace: this case is about /proc alone. */
	.inner_ns = "mnt,pid,uts,ipc,user",
	.says = "mount /proc: /proc: the kernel refuses a new /proc in a user namespace "
		"while the /proc nestbox was given has masked paths",
};

/* outer OPTS... --rootfs R --bind ... -- /nb/nestbox run [--net host] [--ns NS] --rootfs
 * /nb/rootfs -- echo */
static void nested_once(const struct nest_paths *p, const FIXTURE_VARIANT(nest_diag) * variant,
			const char *const *opts, const char *policy, struct nbt_result *r)
{
	const char *argv[40];
	int n = 0;

	argv[n++] = "run";
	for (int i = 0; opts[i]; i++)
		argv[n++] = opts[i];
	if (policy) {
		if (nbt_write_file(p->policy, policy))
			return;
		argv[n++] = "--seccomp";
		argv[n++] = p->policy;
	}
	const char *rest[] = { "--rootfs",   nbt_rootfs(), "--bind",	  p->b_rootfs, "--bind",
			       p->b_nestbox, "--",	   "/nb/nestbox", "run",       NULL };
	for (int i = 0; rest[i]; i++)
		argv[n++] = rest[i];
	if (!variant->inner_own_net) {
		argv[n++] = "--net";
		argv[n++] = "host";
	}
	if (variant->inner_ns) {
		argv[n++] = "--ns";
		argv[n++] = variant->inner_ns;
	}
	argv[n++] = "--rootfs";
	argv[n++] = "/nb/rootfs";
	argv[n++] = "--";
	argv[n++] = "echo";
	argv[n++] = "nested ok";
	argv[n] = NULL;
	nbt_runv(r, argv);
}

TEST_F(nest_diag, missing_permission_is_named)
{
	static struct nbt_result r;
	char text[64] = "";

	if (variant->inner_ns && strstr(variant->inner_ns, "user") &&
	    nbt_read_file("/proc/sys/user/max_user_namespaces", text, sizeof(text)) > 0 &&
	    atoi(text) == 0)
		SKIP(return, "user namespaces are disabled (user.max_user_namespaces = 0)");
	/* With the permission, the nested run works ... */
	nested_once(&self->p, variant, variant->grant, NULL, &r);
	if (variant->inner_ns && r.status == 125 && strstr(r.err, "user namespace"))
		SKIP(return, "no user namespaces here: %.200s", r.err);
	ASSERT_EQ(0, r.status) TH_LOG("granted: %s", r.err);
	ASSERT_NE(NULL, strstr(r.out, "nested ok"));
	/* ... without it, one line naming what is missing, exit 125 through the outer run. */
	nested_once(&self->p, variant, variant->withhold, variant->policy, &r);
	if (variant->inner_ns && r.status == 0)
		SKIP(return,
			   "the kernel found a fully visible /proc in the mount namespace and let "
			   "a new one be mounted (an initramfs host root, as in the VMs, stays "
			   "beneath every container's root with the host's /proc on it)");
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_EQ(0, strncmp(r.err, "nestbox: ", 9)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, variant->says)) TH_LOG("%s", r.err);
	if (strstr(variant->says, "mount overlay"))
		EXPECT_NE(NULL, strstr(r.err, "needs CAP_DAC_OVERRIDE")) TH_LOG("%s", r.err);
	EXPECT_EQ(0, leftovers());
}

TEST_HARNESS_MAIN
