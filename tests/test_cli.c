/* Command line contract and bad input: every bad input gives one clear line on stderr and
 * exit 125, and leaves nothing behind (host mounts identical, no process, no temp dir). */
#include <dirent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "lib.h"

#define ROOTFS "@ROOTFS" /* replaced by the busybox rootfs path */

FIXTURE(bad_input)
{
	char *mounts_before;
	char *tmpdir; /* nestbox's TMPDIR: any temp file it made would land here */
};

FIXTURE_VARIANT(bad_input)
{
	const char *args[12];
	const char *says; /* the stderr line must contain this */
};

FIXTURE_SETUP(bad_input)
{
	self->mounts_before = nbt_mountinfo();
	self->tmpdir = nbt_tempdir("cli");
	setenv("TMPDIR", self->tmpdir, 1);
}

FIXTURE_TEARDOWN(bad_input)
{
	free(self->mounts_before);
	nbt_rm_rf(self->tmpdir);
}

/* clang-format off */
FIXTURE_VARIANT_ADD(bad_input, missing_layer) {
	.args = { "run", "--rootfs", "/nonexistent/layer", "--", "true" }, .says = "/nonexistent/layer" };
FIXTURE_VARIANT_ADD(bad_input, layer_not_a_directory) {
	.args = { "run", "--rootfs", "/etc/passwd", "--", "true" }, .says = "not a directory" };
FIXTURE_VARIANT_ADD(bad_input, relative_layer) {
	.args = { "run", "--rootfs", "no/such/rootfs", "--", "true" }, .says = "--rootfs: no/such/rootfs: No such file" };
FIXTURE_VARIANT_ADD(bad_input, empty_layer) {
	.args = { "run", "--rootfs", "", "--", "true" }, .says = "empty" };
FIXTURE_VARIANT_ADD(bad_input, empty_layer_in_list) {
	.args = { "run", "--rootfs", ROOTFS "::" ROOTFS, "--", "true" }, .says = "empty layer" };
FIXTURE_VARIANT_ADD(bad_input, unknown_namespace) {
	.args = { "run", "--rootfs", ROOTFS, "--ns", "mnt,pid,bogus", "--", "true" }, .says = "bogus" };
FIXTURE_VARIANT_ADD(bad_input, bind_without_target) {
	.args = { "run", "--rootfs", ROOTFS, "--bind", "/tmp", "--", "true" }, .says = "SRC:DST" };
FIXTURE_VARIANT_ADD(bad_input, bind_bad_mode) {
	.args = { "run", "--rootfs", ROOTFS, "--bind", "/tmp:/mnt:rx", "--", "true" }, .says = "ro or rw" };
FIXTURE_VARIANT_ADD(bad_input, bind_relative_source) {
	.args = { "run", "--rootfs", ROOTFS, "--bind", "no/such:/mnt", "--", "true" }, .says = "--bind: no/such: No such file" };
FIXTURE_VARIANT_ADD(bad_input, bind_missing_source) {
	.args = { "run", "--rootfs", ROOTFS, "--bind", "/nonexistent:/mnt", "--", "true" }, .says = "/nonexistent" };
FIXTURE_VARIANT_ADD(bad_input, bind_dotdot_target) {
	.args = { "run", "--rootfs", ROOTFS, "--bind", "/tmp:/mnt/../../x", "--", "true" }, .says = ".." };
FIXTURE_VARIANT_ADD(bad_input, upper_without_work) {
	.args = { "run", "--rootfs", ROOTFS, "--upper", "/tmp", "--", "true" }, .says = "together" };
FIXTURE_VARIANT_ADD(bad_input, read_only_with_upper) {
	.args = { "run", "--rootfs", ROOTFS, "--read-only", "--upper", "/tmp", "--work", "/var/tmp", "--", "true" },
	.says = "--read-only" };
FIXTURE_VARIANT_ADD(bad_input, hostname_too_long) {
	.args = { "run", "--rootfs", ROOTFS, "--hostname",
		  "h2345678901234567890123456789012345678901234567890123456789012345", "--", "true" },
	.says = "64" };
FIXTURE_VARIANT_ADD(bad_input, bad_name) {
	.args = { "run", "--rootfs", ROOTFS, "--name", "a/b", "--", "true" }, .says = "--name" };
FIXTURE_VARIANT_ADD(bad_input, unknown_option) {
	.args = { "run", "--rootfs", ROOTFS, "--frobnicate", "--", "true" }, .says = "--frobnicate" };
/* getopt_long would take a prefix of --pids (issue 28.7): long options match only exactly */
FIXTURE_VARIANT_ADD(bad_input, abbreviated_long_option) {
	.args = { "run", "--rootfs", ROOTFS, "--cap", "ALL", "--", "true" }, .says = "--cap: unknown option" };
FIXTURE_VARIANT_ADD(bad_input, abbreviated_long_option_with_value) {
	.args = { "run", "--rootfs", ROOTFS, "--mem=1m", "--", "true" }, .says = "--mem=1m: unknown option" };
FIXTURE_VARIANT_ADD(bad_input, option_without_value) {
	.args = { "run", "--rootfs" }, .says = "needs a value" };
FIXTURE_VARIANT_ADD(bad_input, no_command) {
	.args = { "run", "--rootfs", ROOTFS, "--" }, .says = "no CMD" };
FIXTURE_VARIANT_ADD(bad_input, no_rootfs) {
	.args = { "run", "--", "true" }, .says = "--rootfs" };
FIXTURE_VARIANT_ADD(bad_input, bad_user) {
	.args = { "run", "--rootfs", ROOTFS, "--user", "root:x:y", "--", "true" }, .says = "UID" }; /* names are valid since issue 26 */
FIXTURE_VARIANT_ADD(bad_input, bad_grace) {
	.args = { "run", "--rootfs", ROOTFS, "--grace", "-1", "--", "true" }, .says = "--grace" };
FIXTURE_VARIANT_ADD(bad_input, relative_workdir) {
	.args = { "run", "--rootfs", ROOTFS, "--workdir", "tmp", "--", "true" }, .says = "absolute" };
/* a missing -w is made in the writable layer (issue 28.7): under --read-only it cannot be */
FIXTURE_VARIANT_ADD(bad_input, missing_workdir_read_only) {
	.args = { "run", "--rootfs", ROOTFS, "--read-only", "--workdir", "/does/not/exist", "--", "true" }, .says = "/does/not/exist" };
FIXTURE_VARIANT_ADD(bad_input, unknown_command) {
	.args = { "frobnicate" }, .says = "frobnicate" };
/* clang-format on */

TEST_F(bad_input, exits_125_with_one_line_and_leaves_nothing)
{
	static struct nbt_result r;
	const char *argv[13];
	char *after;
	int i;

	for (i = 0; variant->args[i]; i++)
		argv[i] = !strcmp(variant->args[i], ROOTFS) ? nbt_rootfs() : variant->args[i];
	argv[i] = NULL;
	nbt_runv(&r, argv);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("stderr: %s", r.err);
	EXPECT_EQ(0, strncmp(r.err, "nestbox", 7)) TH_LOG("stderr: %s", r.err);
	EXPECT_NE(NULL, strstr(r.err, variant->says)) TH_LOG("stderr: %s", r.err);
	EXPECT_EQ(0, r.out[0]) TH_LOG("stdout: %s", r.out);
	after = nbt_mountinfo();
	ASSERT_NE(NULL, after);
	EXPECT_STREQ(self->mounts_before, after);
	free(after);
	EXPECT_EQ(0, nbt_count_entries(self->tmpdir));
}

FIXTURE(cli)
{
	int unused;
};
FIXTURE_SETUP(cli)
{
}
FIXTURE_TEARDOWN(cli)
{
}

/* Issue 28.4: one usage for every verb: --help and help (exit 0) and the unknown-command line
 * name every verb, boot included; --version names a release and the commit. */
TEST_F(cli, one_usage_names_every_verb)
{
	static const char *const verbs[] = { "run",   "create",	  "start", "state", "delete",
					     "rm",    "kill",	  "stop",  "list",  "ps",
					     "pause", "resume",	  "exec",  "init",  "boot",
					     "help",  "--version" };
	static struct nbt_result r;

	for (int form = 0; form < 3; form++) {
		nbt_run(&r, form == 0 ? "--help" : form == 1 ? "help" : "no-such-verb", NULL);
		EXPECT_EQ(form == 2 ? 125 : 0, r.status);
		for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
			EXPECT_NE(NULL, strstr(form == 2 ? r.err : r.out, verbs[i]))
			TH_LOG("form %d lacks %s: %s%s", form, verbs[i], r.out, r.err);
		}
	}
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	nbt_run(&r, "--version", NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_EQ(0, strncmp(r.out, "nestbox 0.", 10)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "(git ")) TH_LOG("%s", r.out);
}

/* Issue 28.5: a default run's -v says only what was done: no veth, no id maps, no user or
 * time namespace, no id-mapped layers; the reaper says the exit in words. */
TEST_F(cli, verbose_says_only_what_was_done)
{
	static const char *const not_done[] = { "network: veth", "id maps", "namespace: user, time",
						"id-mapped layers", "wait status" };
	static struct nbt_result r;

	nbt_run(&r, "run", "--verbose", "--rootfs", nbt_rootfs(), "--", "sh", "-c", "exit 3", NULL);
	EXPECT_EQ(3, r.status);
	EXPECT_NE(NULL, strstr(r.err, "mount: overlay")) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "workload exited 3")) TH_LOG("%s", r.err);
	for (size_t i = 0; i < sizeof(not_done) / sizeof(not_done[0]); i++) {
		EXPECT_EQ(NULL, strstr(r.err, not_done[i]))
		TH_LOG("says %s:\n%s", not_done[i], r.err);
	}
	/* and with a user namespace, its step is said */
	nbt_run(&r, "run", "--verbose", "--ns", "mnt,pid,user", "--uidmap", "0:100000:65536",
		"--gidmap", "0:100000:65536", "--rootfs", nbt_rootfs(), "--", "true", NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "id maps")) TH_LOG("%s", r.err);
}

/* Issue 23: each -v step says when it was done, in ms since nestbox started (CLOCK_MONOTONIC),
 * so a slow step reads off the differences ("nestbox: NAME: 1.234 ms: STEP"). */
TEST_F(cli, verbose_steps_say_their_time)
{
	static struct nbt_result r;
	double first = -1, last = -1;
	int steps = 0;

	nbt_run(&r, "run", "--verbose", "--name", "timed", "--rootfs", nbt_rootfs(), "--", "true",
		NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	for (char *p = r.err; (p = strstr(p, "nestbox: timed: ")); p++) {
		double ms;
		char unit[4] = "";

		ASSERT_EQ(2, sscanf(p + strlen("nestbox: timed: "), "%lf %3[a-z]:", &ms, unit))
		TH_LOG("a step line without its time: %.60s", p);
		ASSERT_STREQ("ms", unit);
		EXPECT_LE(0, ms);
		EXPECT_GT(60000, ms) TH_LOG("%f ms: not since this nestbox started", ms);
		if (first < 0)
			first = ms;
		last = ms;
		steps++;
	}
	EXPECT_LT(5, steps) TH_LOG("%s", r.err);
	EXPECT_LE(first, last) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, " ms: mount: overlay\n")) TH_LOG("%s", r.err);
}

TEST_F(cli, run_help_lists_every_option)
{
	static struct nbt_result r;
	const char *opts[] = { "--rootfs",   "--upper", "--work",   "--read-only", "--name",
			       "--hostname", "--ns",	"--bind",   "--env",	   "--workdir",
			       "--user",     "--grace", "--no-init" };

	nbt_run(&r, "run", "--help", NULL);
	ASSERT_EQ(0, r.status);
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		const char *opt = opts[i];

		EXPECT_NE(NULL, strstr(r.out, opt)) TH_LOG("missing %s", opt);
	}
}

/* A fixture of its own for writable layers: a temp dir, and a tmpfs inside it mounted in a
 * mount namespace of the test's own (the host never sees it). */
FIXTURE(layers)
{
	char *dir;
	char upper[256], work[256], other_fs[256];
};

FIXTURE_SETUP(layers)
{
	self->dir = nbt_tempdir("layers");
	ASSERT_NE(NULL, self->dir);
	snprintf(self->upper, sizeof(self->upper), "%s/upper", self->dir);
	snprintf(self->work, sizeof(self->work), "%s/upper/work", self->dir);
	snprintf(self->other_fs, sizeof(self->other_fs), "%s/other", self->dir);
	ASSERT_EQ(0, mkdir(self->upper, 0755));
	ASSERT_EQ(0, mkdir(self->work, 0755));
	ASSERT_EQ(0, mkdir(self->other_fs, 0755));
	ASSERT_EQ(0, unshare(CLONE_NEWNS));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	ASSERT_EQ(0, mount("nbt", self->other_fs, "tmpfs", 0, NULL));
}

FIXTURE_TEARDOWN(layers)
{
	umount2(self->other_fs, MNT_DETACH);
	nbt_rm_rf(self->dir);
	free(self->dir);
}

/* overlayfs(5) wants workdir on upperdir's filesystem; the kernel says only EINVAL, late
 * (issue 28.6): refused up front, by name. */
TEST_F(layers, upper_and_work_on_different_filesystems_refused_early)
{
	static struct nbt_result r;

	nbt_run(&r, "run", "--verbose", "--rootfs", nbt_rootfs(), "--upper", self->upper, "--work",
		self->other_fs, "--", "true", NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("stderr: %s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "must be on the same filesystem")) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, self->other_fs)) TH_LOG("%s", r.err);
}

/* A failure inside the container side (work inside upper: the overlay mount refuses it)
 * names the user's paths, not where nestbox sees them while it builds the root. */
TEST_F(layers, late_error_names_the_users_paths)
{
	static struct nbt_result r;

	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--upper", self->upper, "--work", self->work,
		"--", "true", NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, self->upper)) TH_LOG("%s", r.err);
	EXPECT_EQ(NULL, strstr(r.err, "/oldroot")) TH_LOG("%s", r.err);
	EXPECT_EQ(NULL, strstr(r.err, "/newroot")) TH_LOG("%s", r.err);
}

TEST_F(cli, init_help)
{
	static struct nbt_result r;

	nbt_run(&r, "init", "--help", NULL);
	ASSERT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "--grace"));
}

TEST_F(cli, version)
{
	static struct nbt_result r;

	nbt_run(&r, "--version", NULL);
	ASSERT_EQ(0, r.status);
	EXPECT_EQ(0, strncmp(r.out, "nestbox ", 8)) TH_LOG("%s", r.out);
}

TEST_HARNESS_MAIN
