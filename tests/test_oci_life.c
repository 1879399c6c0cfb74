/* The OCI lifecycle and cgroup points runtime-tools checks (issue 22): the create-time hooks
 * see "created"; `start` returns only once the startContainer hooks have run and fails when
 * one does; resources.cpu.shares/period as given on v1; systemd's slice:prefix:name under
 * --systemd-cgroup as the cgroupfs path systemd would use, colons a plain path without it; the
 * pty slave owned by process.user. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

FIXTURE(life)
{
	char *dir;
	char root[512];
	char bundle[512];
	char config[600];
	char out[600]; /* the hooks' and workload's files; /mnt in the container */
	char id[64];
	char pid[32];
	struct nbt_result r;
};

FIXTURE_SETUP(life)
{
	self->dir = nbt_tempdir("life");
	ASSERT_NE(NULL, self->dir);
	snprintf(self->root, sizeof(self->root), "%s/root", self->dir);
	snprintf(self->bundle, sizeof(self->bundle), "%s/bundle", self->dir);
	snprintf(self->config, sizeof(self->config), "%s/config.json", self->bundle);
	snprintf(self->out, sizeof(self->out), "%s/mnt", self->dir);
	ASSERT_EQ(0, mkdir(self->bundle, 0755));
	ASSERT_EQ(0, mkdir(self->out, 0777));
	ASSERT_EQ(0, chmod(self->out, 0777));
	snprintf(self->id, sizeof(self->id), "nbtlife%d", (int)getpid());
}

FIXTURE_TEARDOWN(life)
{
	static struct nbt_result r;

	nbt_run(&r, "--root", self->root, "delete", "--force", self->id, NULL);
	nbt_rm_rf(self->dir);
}

/* Replace the first `from` in the file by `to`. */
static int edit(const char *path, const char *from, const char *to)
{
	static char text[32768], out[40000];
	char *at;

	if (nbt_read_file(path, text, sizeof(text)) < 0 || !(at = strstr(text, from)))
		return -1;
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return nbt_write_file(path, out);
}

/* `nestbox spec`, the test rootfs, the workload a sh -c script, out bound at /mnt, and linux
 * members (with their trailing comma) put before "namespaces", hooks when not NULL. */
static int make_bundle(FIXTURE_DATA(life) * self, const char *script, const char *linux_members,
		       const char *hooks)
{
	static struct nbt_result r;
	static char text[16384];
	char link[600], real[PATH_MAX];

	nbt_run(&r, "spec", "--bundle", self->bundle, NULL);
	if (r.status || !realpath(nbt_rootfs(), real))
		return -1;
	snprintf(link, sizeof(link), "%s/rootfs", self->bundle);
	if (symlink(real, link))
		return -1;
	snprintf(text, sizeof(text), "\"args\": [ \"sh\", \"-c\", \"%s\" ]", script);
	if (edit(self->config, "\"args\": [ \"sh\" ]", text))
		return -1;
	snprintf(text, sizeof(text),
		 "\"mounts\": [ { \"destination\": \"/mnt\", \"type\": \"bind\", "
		 "\"source\": \"%s\", \"options\": [ \"rbind\" ] },",
		 self->out);
	if (edit(self->config, "\"mounts\": [", text))
		return -1;
	snprintf(text, sizeof(text), "%s\"namespaces\"", linux_members ? linux_members : "");
	if (edit(self->config, "\"namespaces\"", text))
		return -1;
	snprintf(text, sizeof(text), "\"hooks\": { %s },\n\t\"hostname\"", hooks ? hooks : "");
	return edit(self->config, "\"hostname\"", text);
}

/* nestbox [--systemd-cgroup] create [--console-socket S]: its output to a file (create's
 * stdio stays the container's), what it said into r.err, the pid into self->pid. */
static int create(FIXTURE_DATA(life) * self, bool systemd, const char *console)
{
	char pidfile[600], log[600];
	const char *argv[12] = { "--root", self->root };
	int n = 2;

	snprintf(pidfile, sizeof(pidfile), "%s/pid", self->dir);
	snprintf(log, sizeof(log), "%s/create.log", self->dir);
	if (systemd)
		argv[n++] = "--systemd-cgroup";
	argv[n++] = "create";
	if (console) {
		argv[n++] = "--console-socket";
		argv[n++] = console;
	}
	argv[n++] = "--bundle";
	argv[n++] = self->bundle;
	argv[n++] = "--pid-file";
	argv[n++] = pidfile;
	argv[n++] = self->id;
	self->r.status = nbt_wait_exit(nbt_spawn(argv, log));
	if (nbt_read_file(log, self->r.err, sizeof(self->r.err)) < 0)
		self->r.err[0] = '\0';
	if (nbt_read_file(pidfile, self->pid, sizeof(self->pid)) < 0)
		self->pid[0] = '\0';
	return self->r.status;
}

static const char *out_file(FIXTURE_DATA(life) * self, const char *name, char *buf, size_t size)
{
	static char path[700];

	snprintf(path, sizeof(path), "%s/%s", self->out, name);
	if (buf && nbt_read_file(path, buf, size) < 0)
		buf[0] = '\0';
	return buf ? buf : path;
}

static const char *hook(const char *kind, const char *script)
{
	static char buf[2048];

	snprintf(buf, sizeof(buf),
		 "\"%s\": [ { \"path\": \"/bin/sh\", \"args\": [ \"sh\", \"-c\", \"%s\" ] } ]",
		 kind, script);
	return buf;
}

static bool state_dir_left(FIXTURE_DATA(life) * self)
{
	char path[700];

	snprintf(path, sizeof(path), "%s/%s", self->root, self->id);
	return access(path, F_OK) == 0;
}

TEST_F(life, create_time_hooks_see_created)
{
	char script[700], buf[4096];

	snprintf(script, sizeof(script), "cat > %s/prestart.state", self->out);
	ASSERT_EQ(0, make_bundle(self, "exit 0", NULL, hook("prestart", script)));
	ASSERT_EQ(0, create(self, false, NULL)) TH_LOG("%s", self->r.err);
	/* runtime-tools' hooks_stdin and crun: "created"; runc says "creating" */
	out_file(self, "prestart.state", buf, sizeof(buf));
	EXPECT_NE(NULL, strstr(buf, "\"status\":\"created\"")) TH_LOG("%s", buf);
}

static ino_t record_inode(FIXTURE_DATA(life) * self)
{
	char path[700];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s/record", self->root, self->id);
	return stat(path, &st) ? 0 : st.st_ino;
}

/* Issue 22 (Speed): start writes no record (a file made and renamed cost it 1-5 ms on ext4):
 * the one create wrote reads created, then running once started. */
TEST_F(life, start_leaves_the_record_as_create_wrote_it)
{
	ino_t created;

	ASSERT_EQ(0, make_bundle(self, "sleep 30", NULL, NULL));
	ASSERT_EQ(0, create(self, false, NULL)) TH_LOG("%s", self->r.err);
	created = record_inode(self);
	ASSERT_NE(0, created);
	nbt_run(&self->r, "--root", self->root, "state", self->id, NULL);
	EXPECT_NE(NULL, strstr(self->r.out, "\"status\":\"created\"")) TH_LOG("%s", self->r.out);
	nbt_run(&self->r, "--root", self->root, "start", self->id, NULL);
	ASSERT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	EXPECT_EQ(created, record_inode(self)) TH_LOG("start rewrote the record");
	nbt_run(&self->r, "--root", self->root, "state", self->id, NULL);
	EXPECT_NE(NULL, strstr(self->r.out, "\"status\":\"running\"")) TH_LOG("%s", self->r.out);
}

TEST_F_TIMEOUT(life, start_returns_after_the_start_container_hooks, 60)
{
	char buf[64];

	ASSERT_EQ(0, make_bundle(self, "echo ran > /mnt/workload; sleep 30", NULL,
				 hook("startContainer", "sleep 1; echo done > /mnt/hook")));
	ASSERT_EQ(0, create(self, false, NULL)) TH_LOG("%s", self->r.err);
	nbt_run(&self->r, "--root", self->root, "start", self->id, NULL);
	ASSERT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	/* runtime.md: startContainer runs as part of start, so it is done when start is */
	EXPECT_STREQ("done\n", out_file(self, "hook", buf, sizeof(buf)));
	EXPECT_TRUE(nbt_wait_for_text(out_file(self, "workload", NULL, 0), "ran", 5000));
	nbt_run(&self->r, "--root", self->root, "state", self->id, NULL);
	EXPECT_NE(NULL, strstr(self->r.out, "\"status\":\"running\"")) TH_LOG("%s", self->r.out);
}

TEST_F_TIMEOUT(life, a_failing_start_container_hook_fails_start, 60)
{
	char script[700], buf[4096];

	snprintf(script, sizeof(script), "cat > %s/poststart.state", self->out);
	snprintf(buf, sizeof(buf), "%s, ", hook("poststart", script));
	strcat(buf, hook("startContainer", "exit 5"));
	ASSERT_EQ(0, make_bundle(self, "echo ran > /mnt/workload", NULL, buf));
	ASSERT_EQ(0, create(self, false, NULL)) TH_LOG("%s", self->r.err);
	nbt_run(&self->r, "--root", self->root, "start", self->id, NULL);
	EXPECT_EQ(125, self->r.status);
	EXPECT_EQ(1, nbt_count_lines(self->r.err)) TH_LOG("%s", self->r.err);
	EXPECT_NE(NULL, strstr(self->r.err, "the container stopped before its workload ran"))
	TH_LOG("%s", self->r.err);
	EXPECT_NE(0, access(out_file(self, "workload", NULL, 0), F_OK)) TH_LOG("the workload ran");
	EXPECT_NE(0, access(out_file(self, "poststart.state", NULL, 0), F_OK))
	TH_LOG("poststart ran after a failed start");
	/* stopped: its PID 1 is on its way out (start saw its end of the fifo close) */
	for (int i = 0; i < 100; i++) {
		nbt_run(&self->r, "--root", self->root, "state", self->id, NULL);
		if (strstr(self->r.out, "\"status\":\"stopped\""))
			break;
		nbt_sleep_ms(50);
	}
	EXPECT_NE(NULL, strstr(self->r.out, "\"status\":\"stopped\"")) TH_LOG("%s", self->r.out);
	nbt_run(&self->r, "--root", self->root, "delete", self->id, NULL);
	EXPECT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	EXPECT_FALSE(state_dir_left(self));
	EXPECT_FALSE(nbt_cgroup_named(self->id)) TH_LOG("cgroup left");
}

/* A foreground run waits too: no poststart for a workload that never ran. */
TEST_F_TIMEOUT(life, run_has_no_poststart_after_a_failing_start_container_hook, 60)
{
	char script[700], buf[4096];

	snprintf(script, sizeof(script), "cat > %s/poststart.state", self->out);
	snprintf(buf, sizeof(buf), "%s, ", hook("poststart", script));
	strcat(buf, hook("startContainer", "exit 5"));
	ASSERT_EQ(0, make_bundle(self, "echo ran > /mnt/workload", NULL, buf));
	nbt_run(&self->r, "--root", self->root, "run", "--bundle", self->bundle, self->id, NULL);
	EXPECT_EQ(125, self->r.status) TH_LOG("%s", self->r.err);
	EXPECT_NE(NULL, strstr(self->r.err, "startContainer hook: /bin/sh: exit status 5"))
	TH_LOG("%s", self->r.err);
	EXPECT_NE(0, access(out_file(self, "poststart.state", NULL, 0), F_OK))
	TH_LOG("poststart ran after a failed start");
	EXPECT_FALSE(state_dir_left(self));
}

/* The value of the container's line in /proc/PID/cgroup for a hierarchy with `controller`
 * ("" for v2's "0::"), into buf. */
static const char *cgroup_of(const char *pid, const char *controller, char *buf, size_t size)
{
	static char text[4096];
	char path[64], want[64];
	const char *at, *end;

	snprintf(path, sizeof(path), "/proc/%s/cgroup", pid);
	snprintf(want, sizeof(want), controller[0] ? ":%s:" : "0::", controller);
	buf[0] = '\0';
	if (nbt_read_file(path, text, sizeof(text)) < 0 || !(at = strstr(text, want)))
		return buf;
	at += strlen(want);
	end = strchr(at, '\n');
	snprintf(buf, size, "%.*s", end ? (int)(end - at) : (int)strlen(at), at);
	return buf;
}

static bool v1_cpu(void)
{
	return access("/sys/fs/cgroup/cpu/cpu.shares", F_OK) == 0;
}

static bool v2_cpu(void)
{
	char buf[512];

	return nbt_read_file("/sys/fs/cgroup/cgroup.subtree_control", buf, sizeof(buf)) > 0 &&
	       strstr(buf, "cpu");
}

TEST_F(life, cpu_shares_and_period_as_given)
{
	char members[400], path[700], buf[128];

	if (!v1_cpu() && !v2_cpu())
		SKIP(return, "no cpu controller (v1 cpu or v2 cpu in the root's subtree_control)");
	snprintf(members, sizeof(members),
		 "\"cgroupsPath\": \"/%s\", \"resources\": { \"cpu\": { \"shares\": 1024, "
		 "\"quota\": 50000, \"period\": 500000 } },",
		 self->id);
	ASSERT_EQ(0, make_bundle(self, "exit 0", members, NULL));
	ASSERT_EQ(0, create(self, false, NULL)) TH_LOG("%s", self->r.err);
	if (v1_cpu()) { /* as runc writes it; 1024 through the weight would be 998 */
		snprintf(path, sizeof(path), "/sys/fs/cgroup/cpu/%s/cpu.shares", self->id);
		EXPECT_STREQ("1024\n", nbt_read_file(path, buf, sizeof(buf)) > 0 ? buf : "");
		snprintf(path, sizeof(path), "/sys/fs/cgroup/cpu/%s/cpu.cfs_period_us", self->id);
		EXPECT_STREQ("500000\n", nbt_read_file(path, buf, sizeof(buf)) > 0 ? buf : "");
		snprintf(path, sizeof(path), "/sys/fs/cgroup/cpu/%s/cpu.cfs_quota_us", self->id);
		EXPECT_STREQ("50000\n", nbt_read_file(path, buf, sizeof(buf)) > 0 ? buf : "");
		return;
	}
	/* v2: runc's mapping of shares onto cpu.weight, the period kept */
	snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/cpu.weight", self->id);
	EXPECT_STREQ("39\n", nbt_read_file(path, buf, sizeof(buf)) > 0 ? buf : "");
	snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/cpu.max", self->id);
	EXPECT_STREQ("50000 500000\n", nbt_read_file(path, buf, sizeof(buf)) > 0 ? buf : "");
}

/* Remove the slices a systemd path made (nestbox removes only the container's own group). */
static void rm_slices(const char *top)
{
	static const char *const bases[] = { "/sys/fs/cgroup/pids", "/sys/fs/cgroup/unified",
					     "/sys/fs/cgroup/memory", "/sys/fs/cgroup/cpu",
					     "/sys/fs/cgroup" };
	char path[700];

	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		snprintf(path, sizeof(path), "%s/nbt.slice/%s", bases[i], top);
		rmdir(path);
		snprintf(path, sizeof(path), "%s/nbt.slice", bases[i]);
		rmdir(path);
	}
}

TEST_F(life, systemd_cgroups_path_is_the_units_cgroupfs_path)
{
	char members[400], want[200], buf[512];

	snprintf(members, sizeof(members), "\"cgroupsPath\": \"nbt-life.slice:test:%s\",",
		 self->id);
	ASSERT_EQ(0, make_bundle(self, "exit 0", members, NULL));
	ASSERT_EQ(0, create(self, true, NULL)) TH_LOG("%s", self->r.err);
	snprintf(want, sizeof(want), "/nbt.slice/nbt-life.slice/test-%s.scope", self->id);
	cgroup_of(self->pid, access("/sys/fs/cgroup/pids", F_OK) ? "" : "pids", buf, sizeof(buf));
	EXPECT_STREQ(want, buf);
	nbt_run(&self->r, "--root", self->root, "delete", self->id, NULL);
	EXPECT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	EXPECT_FALSE(nbt_cgroup_named(self->id)) TH_LOG("cgroup left");
	rm_slices("nbt-life.slice");
}

TEST_F(life, systemd_empty_slice_is_system_slice_and_a_slice_name_is_the_unit)
{
	char members[400], want[200], buf[512];
	const char *hier = access("/sys/fs/cgroup/pids", F_OK) ? "" : "pids";

	snprintf(members, sizeof(members), "\"cgroupsPath\": \":test:%s\",", self->id);
	ASSERT_EQ(0, make_bundle(self, "exit 0", members, NULL));
	ASSERT_EQ(0, create(self, true, NULL)) TH_LOG("%s", self->r.err);
	snprintf(want, sizeof(want), "/system.slice/test-%s.scope", self->id);
	EXPECT_STREQ(want, cgroup_of(self->pid, hier, buf, sizeof(buf)));
	nbt_run(&self->r, "--root", self->root, "delete", self->id, NULL);
	EXPECT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	/* the name a slice: that slice under the parent, no scope */
	nbt_rm_rf(self->bundle);
	ASSERT_EQ(0, mkdir(self->bundle, 0755));
	snprintf(members, sizeof(members), "\"cgroupsPath\": \"nbt.slice:x:nbt-%s.slice\",",
		 self->id);
	ASSERT_EQ(0, make_bundle(self, "exit 0", members, NULL));
	ASSERT_EQ(0, create(self, true, NULL)) TH_LOG("%s", self->r.err);
	snprintf(want, sizeof(want), "/nbt.slice/nbt-%s.slice", self->id);
	EXPECT_STREQ(want, cgroup_of(self->pid, hier, buf, sizeof(buf)));
	nbt_run(&self->r, "--root", self->root, "delete", self->id, NULL);
	EXPECT_EQ(0, self->r.status) TH_LOG("%s", self->r.err);
	rm_slices("");
}

TEST_F(life, bad_systemd_cgroups_paths_are_refused)
{
	static const char *const bad[] = { "a.slice:p",	    "a.slice:p:n:x", "a--b.slice:p:n",
					   "-a.slice:p:n",  "a-.slice:p:n",  "a:p:n",
					   ".slice:p:n",    "a.slice:p:",    "a/b.slice:p:n",
					   "a.slice:p:../n" };
	char members[400];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		nbt_rm_rf(self->bundle);
		ASSERT_EQ(0, mkdir(self->bundle, 0755));
		snprintf(members, sizeof(members), "\"cgroupsPath\": \"%s\",", bad[i]);
		ASSERT_EQ(0, make_bundle(self, "exit 0", members, NULL));
		EXPECT_EQ(125, create(self, true, NULL)) TH_LOG("%s", bad[i]);
		EXPECT_EQ(1, nbt_count_lines(self->r.err)) TH_LOG("%s: %s", bad[i], self->r.err);
		EXPECT_NE(NULL, strstr(self->r.err, "linux.cgroupsPath: want systemd's "
						    "slice:prefix:name (--systemd-cgroup)"))
		TH_LOG("%s: %s", bad[i], self->r.err);
		EXPECT_FALSE(state_dir_left(self)) TH_LOG("%s", bad[i]);
	}
}

/* runc without --systemd-cgroup: a path with colons is a cgroupfs path like any other. */
TEST_F(life, colons_without_systemd_cgroup_are_a_cgroupfs_path)
{
	char members[400], want[200], buf[512];

	snprintf(members, sizeof(members), "\"cgroupsPath\": \"/nbt:life:%s\",", self->id);
	ASSERT_EQ(0, make_bundle(self, "exit 0", members, NULL));
	ASSERT_EQ(0, create(self, false, NULL)) TH_LOG("%s", self->r.err);
	snprintf(want, sizeof(want), "/nbt:life:%s", self->id);
	EXPECT_STREQ(want, cgroup_of(self->pid, access("/sys/fs/cgroup/pids", F_OK) ? "" : "pids",
				     buf, sizeof(buf)));
}

TEST_F(life, the_pty_slave_is_the_process_users)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[64];
	struct stat st;
	int sock;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/console.sock", self->dir);
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, sock);
	ASSERT_EQ(0, bind(sock, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, listen(sock, 1)); /* the master waits in the backlog: nobody reads it */
	ASSERT_EQ(0, make_bundle(self, "exit 0", NULL, NULL));
	ASSERT_EQ(0, edit(self->config, "\"terminal\": false", "\"terminal\": true"));
	ASSERT_EQ(0, edit(self->config, "\"uid\": 0, \"gid\": 0", "\"uid\": 1000, \"gid\": 1000"));
	ASSERT_EQ(0, create(self, false, sa.sun_path)) TH_LOG("%s", self->r.err);
	/* PID 1's stdio is the slave (console_socket.c); runc: the uid, devpts' gid=5 (tty) */
	snprintf(path, sizeof(path), "/proc/%s/fd/0", self->pid);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(1000, (int)st.st_uid);
	EXPECT_EQ(5, (int)st.st_gid);
	close(sock);
}

TEST_HARNESS_MAIN
