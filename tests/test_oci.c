/* The OCI front end: a bundle made by `nestbox spec`, edited, then create --bundle, state,
 * start, its output and exit, delete, leaving nothing; runc's run; and bad bundles (missing,
 * no config.json, invalid JSON, a wrong type, an unknown field), each refused with one line and
 * exit 125, having made nothing: no state directory, no cgroup, no mount. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

FIXTURE(oci)
{
	char *dir;
	char root[512];
	char bundle[512];
	char config[600];
	char id[64];
	char *mounts;
};

FIXTURE_SETUP(oci)
{
	self->dir = nbt_tempdir("oci");
	ASSERT_NE(NULL, self->dir);
	snprintf(self->root, sizeof(self->root), "%s/root", self->dir);
	snprintf(self->bundle, sizeof(self->bundle), "%s/bundle", self->dir);
	snprintf(self->config, sizeof(self->config), "%s/config.json", self->bundle);
	ASSERT_EQ(0, mkdir(self->bundle, 0755));
	snprintf(self->id, sizeof(self->id), "nbtoci%d", (int)getpid());
	self->mounts = nbt_mountinfo();
}

FIXTURE_TEARDOWN(oci)
{
	static struct nbt_result r;

	nbt_run(&r, "--root", self->root, "delete", "--force", self->id, NULL);
	free(self->mounts);
	nbt_rm_rf(self->dir);
}

/* `nestbox spec` in the bundle, rootfs linked to the test rootfs. */
static int make_bundle(const char *bundle)
{
	static struct nbt_result r;
	char link[600], real[PATH_MAX];

	nbt_run(&r, "spec", "--bundle", bundle, NULL);
	if (r.status || !realpath(nbt_rootfs(), real))
		return -1;
	snprintf(link, sizeof(link), "%s/rootfs", bundle);
	return symlink(real, link);
}

/* Replace the first `from` in the file by `to`. */
static int edit(const char *path, const char *from, const char *to)
{
	static char text[16384], out[20000];
	char *at;

	if (nbt_read_file(path, text, sizeof(text)) < 0 || !(at = strstr(text, from)))
		return -1;
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return nbt_write_file(path, out);
}

static const char *json_field(const char *json, const char *key, char *buf, size_t size)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (!p)
		return "";
	p += strlen(pat);
	if (*p == '"')
		p++;
	snprintf(buf, size, "%.*s", (int)strcspn(p, "\",}"), p);
	return buf;
}

static const char *status_of(const char *root, const char *id, char *buf, size_t size)
{
	static struct nbt_result r;

	nbt_run(&r, "--root", root, "state", id, NULL);
	return r.status ? "" : json_field(r.out, "status", buf, size);
}

TEST_F_TIMEOUT(oci, spec_create_state_start_delete_leaves_nothing, 60)
{
	static struct nbt_result r;
	char log[600], pidfile[600], pid[32], st[32], buf[4096], state_dir[700], real[PATH_MAX];
	const char *argv[] = { "--root",     self->root, "create", "--bundle", self->bundle,
			       "--pid-file", pidfile,	 self->id, NULL };
	pid_t create;

	ASSERT_EQ(0, make_bundle(self->bundle));
	ASSERT_EQ(0, edit(self->config, "\"args\": [ \"sh\" ]",
			  "\"args\": [ \"sh\", \"-c\", \"echo oci-hello $(hostname); exit 3\" ]"));
	snprintf(log, sizeof(log), "%s/log", self->dir);
	snprintf(pidfile, sizeof(pidfile), "%s/pid", self->dir);
	/* create's stdout stays the container's (as with runc): a file, not nbt_run's pipe. */
	create = nbt_spawn(argv, log);
	ASSERT_GT(create, 0);
	ASSERT_EQ(0, nbt_wait_exit(create))
	TH_LOG("%s", nbt_read_file(log, buf, sizeof(buf)) > 0 ? buf : "");
	EXPECT_STREQ("created", status_of(self->root, self->id, st, sizeof(st)));
	/* issue 21: a plain run has no group; the OCI front end makes one, as runc and crun do */
	EXPECT_TRUE(nbt_cgroup_named(self->id)) TH_LOG("no cgroup for an OCI container");
	nbt_run(&r, "--root", self->root, "state", self->id, NULL);
	ASSERT_GT(nbt_read_file(pidfile, pid, sizeof(pid)), 0);
	EXPECT_STREQ(pid, json_field(r.out, "pid", buf, sizeof(buf))) TH_LOG("%s", r.out);
	ASSERT_NE(NULL, realpath(self->bundle, real));
	EXPECT_STREQ(real, json_field(r.out, "bundle", buf, sizeof(buf))) TH_LOG("%s", r.out);
	EXPECT_FALSE(nbt_wait_for_text(log, "oci-hello", 300)) TH_LOG("ran before start");
	nbt_run(&r, "--root", self->root, "start", self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_TRUE(nbt_wait_for_text(log, "oci-hello nestbox", 5000))
	TH_LOG("no output (hostname from config.json)");
	for (int i = 0;
	     i < 250 && strcmp(status_of(self->root, self->id, st, sizeof(st)), "stopped"); i++)
		usleep(20 * 1000);
	EXPECT_STREQ("stopped", st);
	nbt_run(&r, "--root", self->root, "delete", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	snprintf(state_dir, sizeof(state_dir), "%s/%s", self->root, self->id);
	EXPECT_NE(0, access(state_dir, F_OK)) TH_LOG("state directory left");
	EXPECT_FALSE(nbt_cgroup_named(self->id)) TH_LOG("cgroup left");
	free(nbt_mountinfo()); /* the read settles nothing; compare a fresh one */
	{
		char *after = nbt_mountinfo();

		EXPECT_STREQ(self->mounts, after);
		free(after);
	}
}

/* What containerd does after create and start: exec --process, ps, kill, delete. The exec'd
 * process has config.json's capabilities and hostname, not nestbox's defaults. */
TEST_F_TIMEOUT(oci, exec_process_kill_delete_as_containerd_calls_them, 60)
{
	static struct nbt_result r;
	char log[600], process[600], buf[4096];
	const char *argv[] = { "--root",     self->root, "create", "--bundle",
			       self->bundle, self->id,	 NULL };
	pid_t create;

	ASSERT_EQ(0, make_bundle(self->bundle));
	ASSERT_EQ(0, edit(self->config, "\"args\": [ \"sh\" ]",
			  "\"args\": [ \"sh\", \"-c\", \"sleep 60\" ]"));
	snprintf(log, sizeof(log), "%s/log", self->dir);
	create = nbt_spawn(argv, log);
	ASSERT_EQ(0, nbt_wait_exit(create))
	TH_LOG("%s", nbt_read_file(log, buf, sizeof(buf)) > 0 ? buf : "");
	nbt_run(&r, "--root", self->root, "start", self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	snprintf(process, sizeof(process), "%s/process.json", self->dir);
	ASSERT_EQ(0, nbt_write_file(process, "{\"args\":[\"sh\",\"-c\",\"hostname; grep CapEff "
					     "/proc/self/status\"],\"cwd\":\"/\","
					     "\"user\":{\"uid\":0,\"gid\":0}}"));
	nbt_run(&r, "--root", self->root, "exec", "--process", process, self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	/* spec's default: CAP_AUDIT_WRITE (29), CAP_KILL (5), CAP_NET_BIND_SERVICE (10) */
	EXPECT_STREQ("nestbox\nCapEff:\t0000000020000420\n", r.out);
	nbt_run(&r, "--root", self->root, "ps", "--format", "json", self->id, NULL);
	EXPECT_EQ('[', r.out[0]) TH_LOG("%s", r.out);
	nbt_run(&r, "--root", self->root, "kill", self->id, "9", NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	for (int i = 0; i < 250 && strcmp(status_of(self->root, self->id, buf, 32), "stopped"); i++)
		usleep(20 * 1000);
	EXPECT_STREQ("stopped", buf);
	nbt_run(&r, "--root", self->root, "delete", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_FALSE(nbt_cgroup_named(self->id)) TH_LOG("cgroup left");
}

TEST_F(oci, run_bundle_is_create_start_wait_delete)
{
	static struct nbt_result r;
	char state_dir[700];

	ASSERT_EQ(0, make_bundle(self->bundle));
	ASSERT_EQ(0, edit(self->config, "\"args\": [ \"sh\" ]",
			  "\"args\": [ \"sh\", \"-c\", \"echo ran-$((6*7)); exit 7\" ]"));
	nbt_run(&r, "--root", self->root, "run", "--bundle", self->bundle, self->id, NULL);
	EXPECT_EQ(7, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "ran-42")) TH_LOG("%s", r.out);
	snprintf(state_dir, sizeof(state_dir), "%s/%s", self->root, self->id);
	EXPECT_NE(0, access(state_dir, F_OK)) TH_LOG("run left its state");
}

/* run --preserve-fds 1 (as conmon passes it): the caller's fd 3 is the workload's fd 3. */
TEST_F(oci, run_preserve_fds_passes_the_callers_fd)
{
	char three[700], log[700];
	pid_t pid;
	int ws;

	ASSERT_EQ(0, make_bundle(self->bundle));
	ASSERT_EQ(0, edit(self->config, "\"args\": [ \"sh\" ]",
			  "\"args\": [ \"sh\", \"-c\", \"cat <&3; test -e /proc/self/fd/4 || "
			  "echo no-four\" ]"));
	snprintf(three, sizeof(three), "%s/three", self->dir);
	snprintf(log, sizeof(log), "%s/log", self->dir);
	ASSERT_EQ(0, nbt_write_file(three, "three\n"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (out < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0 ||
		    dup2(open(three, O_RDONLY), 3) != 3 || dup2(open(three, O_RDONLY), 4) != 4)
			_exit(124);
		execl(nbt_nestbox(), "nestbox", "--root", self->root, "run", "--preserve-fds", "1",
		      "--bundle", self->bundle, self->id, (char *)NULL);
		_exit(124);
	}
	ASSERT_EQ(pid, waitpid(pid, &ws, 0));
	EXPECT_EQ(0, WEXITSTATUS(ws));
	EXPECT_TRUE(nbt_wait_for_text(log, "three\nno-four\n", 0));
}

/* The paths of nestbox and the rootfs made absolute, then into dir (the harness forks each test:
 * the chdir is this test's own). */
static int enter(const char *dir)
{
	char nestbox[PATH_MAX], rootfs[PATH_MAX];

	if (!realpath(nbt_nestbox(), nestbox) || !realpath(nbt_rootfs(), rootfs))
		return -1;
	setenv("NESTBOX", nestbox, 1);
	setenv("NESTBOX_ROOTFS", rootfs, 1);
	return chdir(dir);
}

TEST_F(oci, run_with_a_lone_id_takes_config_json_from_the_current_directory)
{
	static struct nbt_result r;

	ASSERT_EQ(0, make_bundle(self->bundle));
	ASSERT_EQ(0, edit(self->config, "\"args\": [ \"sh\" ]",
			  "\"args\": [ \"sh\", \"-c\", \"exit 5\" ]"));
	ASSERT_EQ(0, enter(self->bundle));
	nbt_run(&r, "--root", self->root, "run", self->id, NULL);
	EXPECT_EQ(5, r.status) TH_LOG("%s", r.err);
}

TEST_F(oci, create_with_a_lone_id_takes_config_json_from_the_current_directory)
{
	static struct nbt_result r;
	char st[32];
	const char *argv[] = { "--root", self->root, "create", self->id, NULL };
	pid_t pid;

	ASSERT_EQ(0, make_bundle(self->bundle));
	ASSERT_EQ(0, enter(self->bundle));
	pid = nbt_spawn(argv, "/dev/null");
	ASSERT_GT(pid, 0);
	ASSERT_EQ(0, nbt_wait_exit(pid));
	EXPECT_STREQ("created", status_of(self->root, self->id, st, sizeof(st)));
	nbt_run(&r, "--root", self->root, "delete", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
}

TEST_F(oci, run_detach_leaves_it_running)
{
	static struct nbt_result r;
	char st[32];
	const char *argv[] = { "--root",   self->root,	 "run",	   "--detach",
			       "--bundle", self->bundle, self->id, NULL };
	pid_t pid;

	ASSERT_EQ(0, make_bundle(self->bundle));
	ASSERT_EQ(0, edit(self->config, "\"args\": [ \"sh\" ]", "\"args\": [ \"sleep\", \"30\" ]"));
	pid = nbt_spawn(argv, "/dev/null");
	ASSERT_GT(pid, 0);
	ASSERT_EQ(0, nbt_wait_exit(pid));
	EXPECT_STREQ("running", status_of(self->root, self->id, st, sizeof(st)));
	nbt_run(&r, "--root", self->root, "delete", self->id, NULL);
	EXPECT_EQ(125, r.status); /* running: delete wants --force */
	nbt_run(&r, "--root", self->root, "delete", "--force", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_FALSE(nbt_cgroup_named(self->id)) TH_LOG("cgroup left");
}

/* What config.json says reaches the workload: user, cwd, env, an rlimit, a read-only bind,
 * the capability set, the hostname. */
TEST_F(oci, config_fields_reach_the_workload)
{
	static struct nbt_result r;
	char data[600], mount[900];

	ASSERT_EQ(0, make_bundle(self->bundle));
	snprintf(data, sizeof(data), "%s/data", self->dir);
	ASSERT_EQ(0, mkdir(data, 0755));
	snprintf(mount, sizeof(mount),
		 "\"mounts\": [ { \"destination\": \"/mnt\", \"type\": \"bind\", "
		 "\"source\": \"%s\", \"options\": [ \"rbind\", \"ro\" ] },",
		 data);
	ASSERT_EQ(0, edit(self->config, "\"mounts\": [", mount));
	ASSERT_EQ(0, edit(self->config, "\"hostname\": \"nestbox\"", "\"hostname\": \"cfg-host\""));
	ASSERT_EQ(0, edit(self->config, "\"uid\": 0, \"gid\": 0", "\"uid\": 1234, \"gid\": 99"));
	ASSERT_EQ(0, edit(self->config, "\"cwd\": \"/\"", "\"cwd\": \"/tmp\""));
	ASSERT_EQ(0, edit(self->config, "\"TERM=xterm\"", "\"TERM=xterm\", \"FROM_CONFIG=yes\""));
	ASSERT_EQ(
	    0, edit(self->config, "\"hard\": 1024, \"soft\": 1024", "\"hard\": 77, \"soft\": 66"));
	ASSERT_EQ(0, edit(self->config, "\"args\": [ \"sh\" ]",
			  "\"args\": [ \"sh\", \"-c\", \"echo id=$(id -u):$(id -g) pwd=$(pwd) "
			  "env=$FROM_CONFIG nofile=$(ulimit -n):$(ulimit -Hn) host=$(hostname) "
			  "$(grep CapBnd /proc/self/status); touch /mnt/x 2>/dev/null || echo "
			  "data-ro\" ]"));
	nbt_run(&r, "--root", self->root, "run", "--bundle", self->bundle, self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "id=1234:99 ")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "pwd=/tmp ")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "env=yes ")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "nofile=66:77 ")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "host=cfg-host ")) TH_LOG("%s", r.out);
	/* CAP_KILL (5), CAP_NET_BIND_SERVICE (10), CAP_AUDIT_WRITE (29); the tab is word-split */
	EXPECT_NE(NULL, strstr(r.out, "CapBnd: 0000000020000420")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "data-ro")) TH_LOG("%s", r.out);
}

TEST_F(oci, spec_does_not_overwrite_a_config)
{
	static struct nbt_result r;

	ASSERT_EQ(0, nbt_write_file(self->config, "mine\n"));
	nbt_run(&r, "spec", "--bundle", self->bundle, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "exists")) TH_LOG("%s", r.err);
	{
		char buf[16] = "";

		nbt_read_file(self->config, buf, sizeof(buf));
		EXPECT_STREQ("mine\n", buf);
	}
}

TEST(features_and_version_say_the_spec)
{
	static struct nbt_result r;

	nbt_run(&r, "features", NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "\"ociVersionMax\":\"1.2.0\"")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "\"CAP_SYS_ADMIN\"")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "\"mount\"")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "\"seccomp\":{\"enabled\":true,")) TH_LOG("%s", r.out);
	nbt_run(&r, "--version", NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "\nspec: 1.2.0\n")) TH_LOG("%s", r.out);
}

/* create --bundle bundle ID: refused with one line containing want, nothing made. */
static void expect_refused(struct __test_metadata *_metadata, FIXTURE_DATA(oci) * self,
			   const char *bundle, const char *want)
{
	static struct nbt_result r;
	char state_dir[700];
	char *after;

	nbt_run(&r, "--root", self->root, "create", "--bundle", bundle, self->id, NULL);
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

TEST_F(oci, a_missing_bundle_is_refused)
{
	char nope[600];

	snprintf(nope, sizeof(nope), "%s/nope", self->dir);
	expect_refused(_metadata, self, nope, "--bundle");
}

TEST_F(oci, a_bundle_without_config_json_is_refused)
{
	expect_refused(_metadata, self, self->bundle, "config.json: No such file or directory");
}

TEST_F(oci, invalid_json_is_refused_with_line_and_column)
{
	ASSERT_EQ(0, nbt_write_file(self->config, "{\n  \"ociVersion\": \"1.2.0\",\n}\n"));
	expect_refused(_metadata, self, self->bundle, "nestbox: config.json:3:1: trailing comma");
}

TEST_F(oci, a_wrong_type_is_refused_by_path)
{
	ASSERT_EQ(0, make_bundle(self->bundle));
	ASSERT_EQ(0, edit(self->config, "\"hostname\": \"nestbox\"", "\"hostname\": 42"));
	expect_refused(_metadata, self, self->bundle, "hostname: expected a string, got a number");
}

TEST_F(oci, an_unknown_field_is_refused_by_path)
{
	ASSERT_EQ(0, make_bundle(self->bundle));
	ASSERT_EQ(0, edit(self->config, "\"noNewPrivileges\"", "\"noNewPrivilege\""));
	expect_refused(_metadata, self, self->bundle, "process.noNewPrivilege: unknown field");
}

TEST_F(oci, an_unsupported_field_is_refused_by_path)
{
	ASSERT_EQ(0, make_bundle(self->bundle));
	ASSERT_EQ(0, edit(self->config, "\"linux\": {", "\"linux\": { \"intelRdt\": {},"));
	expect_refused(_metadata, self, self->bundle, "linux.intelRdt: not supported yet");
}

TEST_F(oci, a_missing_root_is_refused)
{
	static struct nbt_result r;

	nbt_run(&r, "spec", "--bundle", self->bundle, NULL);
	ASSERT_EQ(0, r.status);
	expect_refused(_metadata, self, self->bundle, "root.path");
}

/* runc's global options as containerd's shim passes them: --log FILE --log-format json before
 * the verb; a failure is one JSON object a line in FILE ({"level":"error","msg":...}, what the
 * shim reads back), not on stderr. */
TEST_F(oci, log_format_json_puts_the_error_in_the_log_file)
{
	static struct nbt_result r;
	char log[600], buf[2048], nope[600];

	snprintf(log, sizeof(log), "%s/log.json", self->dir);
	snprintf(nope, sizeof(nope), "%s/nope", self->dir);
	nbt_run(&r, "--root", self->root, "--log", log, "--log-format", "json", "--systemd-cgroup",
		"create", "--bundle", nope, "--pid-file", nope, self->id, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_STREQ("", r.err);
	ASSERT_GT(nbt_read_file(log, buf, sizeof(buf)), 0);
	EXPECT_EQ(0, strncmp(buf, "{\"level\":\"error\",\"msg\":\"nestbox: --bundle: ", 43))
	TH_LOG("%s", buf);
	EXPECT_EQ(1, nbt_count_lines(buf)) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "\"}\n")) TH_LOG("%s", buf);
	nbt_run(&r, "--log-format", "yaml", "state", self->id, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "--log-format: yaml: want text or json")) TH_LOG("%s", r.err);
	nbt_run(&r, "--log=", "state", self->id, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "--log")) TH_LOG("%s", r.err);
}

/* containerd's shim passes --root <runc-root>/<namespace>, neither of which may exist yet (runc
 * makes the whole path); with --log, a failure after start (the exec of a missing command) is
 * the container's own stderr, not a --log line nobody reads any more. */
TEST_F_TIMEOUT(oci, a_deep_root_is_made_and_late_errors_go_to_stderr, 60)
{
	static struct nbt_result r;
	char deep[600], log[600], buf[1024];

	ASSERT_EQ(0, make_bundle(self->bundle));
	ASSERT_EQ(0, edit(self->config, "\"args\": [ \"sh\" ]", "\"args\": [ \"/nonexistent\" ]"));
	snprintf(deep, sizeof(deep), "%s/a/b", self->root);
	snprintf(log, sizeof(log), "%s/log.json", self->dir);
	nbt_run(&r, "--root", deep, "--log", log, "--log-format", "json", "run", "--bundle",
		self->bundle, self->id, NULL);
	EXPECT_EQ(127, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "/nonexistent")) TH_LOG("stderr: %s", r.err);
	buf[0] = '\0';
	nbt_read_file(log, buf, sizeof(buf));
	EXPECT_EQ(NULL, strstr(buf, "nonexistent")) TH_LOG("in the log: %s", buf);
}

/* What containerd's default spec (ctr run) adds to nestbox's: supplementary groups, a tmpfs
 * /run and /dev/mqueue with options, a deny-all device list and a cgroupfs cgroupsPath. The
 * workload sees them, the group is at cgroupsPath and goes with delete. */
TEST_F_TIMEOUT(oci, a_containerd_spec_runs, 60)
{
	static struct nbt_result r;
	char cgpath[128], cgdir[300];
	bool v1;

	ASSERT_EQ(0, make_bundle(self->bundle));
	snprintf(cgpath, sizeof(cgpath), "/nbtoci-ctr/%s", self->id);
	ASSERT_EQ(0, edit(self->config, "\"uid\": 0, \"gid\": 0",
			  "\"uid\": 0, \"gid\": 0, \"additionalGids\": [ 0, 10 ]"));
	ASSERT_EQ(0,
		  edit(self->config, "\"mounts\": [",
		       "\"mounts\": [ { \"destination\": \"/run\", \"type\": \"tmpfs\", "
		       "\"source\": \"tmpfs\", \"options\": [ \"nosuid\", \"strictatime\", "
		       "\"mode=755\", \"size=65536k\" ] }, { \"destination\": \"/dev/mqueue\", "
		       "\"type\": \"mqueue\", \"source\": \"mqueue\", \"options\": [ \"nosuid\", "
		       "\"noexec\", \"nodev\" ] },"));
	snprintf(cgdir, sizeof(cgdir),
		 "\"linux\": { \"cgroupsPath\": \"%s\", \"resources\": { \"devices\": [ { "
		 "\"allow\": false, \"access\": \"rwm\" }, { \"allow\": true, \"type\": \"c\", "
		 "\"major\": 1, \"minor\": 3, \"access\": \"rwm\" } ] },",
		 cgpath);
	ASSERT_EQ(0, edit(self->config, "\"linux\": {", cgdir));
	/* no cgroup namespace, as ctr's spec: /proc/self/cgroup shows the group's real path */
	ASSERT_EQ(0, edit(self->config, ", { \"type\": \"cgroup\" }", ""));
	ASSERT_EQ(
	    0, edit(self->config, "\"args\": [ \"sh\" ]",
		    "\"args\": [ \"sh\", \"-c\", \"id -G; grep -E ' /(run|dev/mqueue) ' "
		    "/proc/self/mounts | cut -d' ' -f1-4; grep -E ':pids:|^0::' /proc/self/cgroup; "
		    "awk '$5 == "
		    "\\\"/dev/mqueue\\\" { m = NR } $5 == \\\"/sys\\\" { s = NR } END { print "
		    "(m && m < s) ? \\\"mqueue-before-sys\\\" : \\\"out-of-order\\\" }' "
		    "/proc/self/mountinfo\" ]"));
	nbt_run(&r, "--root", self->root, "run", "--bundle", self->bundle, self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "0 10\n")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "tmpfs /run tmpfs rw,nosuid,nodev,")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec"))
	TH_LOG("%s", r.out);
	/* the spec's order (runtime-tools checks it): /proc, /dev and its mounts, then /sys */
	EXPECT_NE(NULL, strstr(r.out, "mqueue-before-sys")) TH_LOG("%s", r.out);
	/* v1 (and hybrid): the pids hierarchy's line; v2 (the VMs): the one hierarchy's */
	v1 = access("/sys/fs/cgroup/pids", F_OK) == 0;
	snprintf(cgdir, sizeof(cgdir), "%s%s\n", v1 ? ":pids:" : "0::", cgpath);
	EXPECT_NE(NULL, strstr(r.out, cgdir)) TH_LOG("%s", r.out);
	snprintf(cgdir, sizeof(cgdir), "/sys/fs/cgroup%s%s", v1 ? "/pids" : "", cgpath);
	EXPECT_NE(0, access(cgdir, F_OK)) TH_LOG("%s left", cgdir);
	rmdir(v1 ? "/sys/fs/cgroup/pids/nbtoci-ctr" : "/sys/fs/cgroup/nbtoci-ctr");
}

/* What podman's spec adds: process.user.umask, linux.sysctl, memory.swap, maskedPaths and
 * readonlyPaths beyond nestbox's own list (a masked file reads empty, a read-only one cannot
 * be written), and one of nestbox's masks given as read-only (masked is the stronger). */
TEST_F_TIMEOUT(oci, a_podman_spec_runs, 60)
{
	static struct nbt_result r;

	ASSERT_EQ(0, make_bundle(self->bundle));
	ASSERT_EQ(0, edit(self->config, "\"uid\": 0, \"gid\": 0",
			  "\"uid\": 0, \"gid\": 0, \"umask\": 23" /* 027 */));
	ASSERT_EQ(0, edit(self->config, "\"linux\": {",
			  "\"linux\": { \"sysctl\": { \"net.ipv4.ping_group_range\": \"0 0\" }, "
			  "\"resources\": { \"memory\": { \"limit\": 67108864, "
			  "\"swap\": 134217728 } },"));
	ASSERT_EQ(0, edit(self->config, "\"maskedPaths\": [",
			  "\"maskedPaths\": [ \"/proc/cpuinfo\", \"/sys/fs/nope\","));
	ASSERT_EQ(0, edit(self->config, "\"readonlyPaths\": [",
			  "\"readonlyPaths\": [ \"/proc/asound\", \"/proc/driver\","));
	ASSERT_EQ(
	    0, edit(self->config, "\"args\": [ \"sh\" ]",
		    "\"args\": [ \"sh\", \"-c\", \"umask; cat /proc/sys/net/ipv4/ping_group_range; "
		    "wc -c </proc/cpuinfo; grep -c ' /proc/driver .*ro,' /proc/self/mounts\" ]"));
	nbt_run(&r, "--root", self->root, "run", "--bundle", self->bundle, self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("0027\n0\t0\n0\n1\n", r.out);
}

TEST_HARNESS_MAIN
