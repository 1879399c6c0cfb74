/* config.json's filesystem and namespace side (issue 22, runtime-tools' conformance): root.path
 * is the container's root itself (writes reach it), linux.devices made as asked, namespaces
 * joined by path, linux.rootfsPropagation and the mounts' propagation options; and their bad
 * input refused with one line and exit 125, nothing made. Each test has a rootfs of its own (a
 * copy of the test rootfs): writes reach it now. */
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

FIXTURE(ocifs)
{
	char *dir;
	char root[512], bundle[512], rootfs[600], config[600];
	char id[64];
	char *mounts;
	pid_t holder; /* a process whose namespaces a test joins */
};

FIXTURE_SETUP(ocifs)
{
	static struct nbt_result r;
	char cmd[2 * PATH_MAX], real[PATH_MAX];

	self->holder = -1;
	self->dir = nbt_tempdir("ocifs");
	ASSERT_NE(NULL, self->dir);
	snprintf(self->root, sizeof(self->root), "%s/root", self->dir);
	snprintf(self->bundle, sizeof(self->bundle), "%s/bundle", self->dir);
	snprintf(self->rootfs, sizeof(self->rootfs), "%s/rootfs", self->bundle);
	snprintf(self->config, sizeof(self->config), "%s/config.json", self->bundle);
	snprintf(self->id, sizeof(self->id), "nbtocifs%d", (int)getpid());
	ASSERT_EQ(0, mkdir(self->bundle, 0755));
	ASSERT_NE(NULL, realpath(nbt_rootfs(), real));
	snprintf(cmd, sizeof(cmd), "cp -a '%s' '%s'", real, self->rootfs);
	ASSERT_EQ(0, system(cmd));
	nbt_run(&r, "spec", "--bundle", self->bundle, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	self->mounts = nbt_mountinfo();
}

FIXTURE_TEARDOWN(ocifs)
{
	static struct nbt_result r;

	nbt_run(&r, "--root", self->root, "delete", "--force", self->id, NULL);
	if (self->holder > 0) {
		kill(self->holder, SIGKILL);
		waitpid(self->holder, NULL, 0);
	}
	free(self->mounts);
	nbt_rm_rf(self->dir);
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

static int set_args(const char *config, const char *script)
{
	char args[1024];

	snprintf(args, sizeof(args), "\"args\": [ \"sh\", \"-c\", \"%s\" ]", script);
	return edit(config, "\"args\": [ \"sh\" ]", args);
}

/* Into the linux object, before its namespaces. */
static int add_linux(const char *config, const char *fields)
{
	char to[2048];

	snprintf(to, sizeof(to), "%s,\n\t\t\"namespaces\": [", fields);
	return edit(config, "\"namespaces\": [", to);
}

static int run(FIXTURE_DATA(ocifs) * self, struct nbt_result *r)
{
	return nbt_run(r, "--root", self->root, "run", "--bundle", self->bundle, self->id, NULL);
}

/* run: refused with one line containing want, exit 125, nothing made (no state, no mount). */
static void expect_refused(struct __test_metadata *_metadata, FIXTURE_DATA(ocifs) * self,
			   const char *want)
{
	static struct nbt_result r;
	char state_dir[700], *after;

	run(self, &r);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, want)) TH_LOG("got %s, want %s", r.err, want);
	EXPECT_EQ(0, strncmp(r.err, "nestbox: ", 9)) TH_LOG("%s", r.err);
	snprintf(state_dir, sizeof(state_dir), "%s/%s", self->root, self->id);
	EXPECT_NE(0, access(state_dir, F_OK)) TH_LOG("state directory made");
	EXPECT_FALSE(nbt_cgroup_named(self->id)) TH_LOG("cgroup made");
	after = nbt_mountinfo();
	EXPECT_STREQ(self->mounts, after);
	free(after);
}

/* runtime-spec config.md: root.path is the container's root filesystem (runc and crun bind it):
 * what the container writes is in the bundle's rootfs afterwards. */
TEST_F_TIMEOUT(ocifs, writes_reach_the_bundles_rootfs, 60)
{
	static struct nbt_result r;
	char path[700], buf[64];

	ASSERT_EQ(0, edit(self->config, "\"readonly\": true", "\"readonly\": false"));
	ASSERT_EQ(0, set_args(self->config, "echo kept > /written; echo new > /etc/motd-nb"));
	run(self, &r);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	snprintf(path, sizeof(path), "%s/written", self->rootfs);
	ASSERT_GT(nbt_read_file(path, buf, sizeof(buf)), 0) TH_LOG("the write did not reach it");
	EXPECT_STREQ("kept\n", buf);
	snprintf(path, sizeof(path), "%s/etc/motd-nb", self->rootfs);
	EXPECT_GT(nbt_read_file(path, buf, sizeof(buf)), 0);
	/* nestbox's own /etc/hosts is bound over the image's, never written into it */
	snprintf(path, sizeof(path), "%s/etc/hosts", self->rootfs);
	EXPECT_FALSE(nbt_read_file(path, buf, sizeof(buf)) > 0 && strstr(buf, "nestbox"));
	{
		char *after = nbt_mountinfo();

		EXPECT_STREQ(self->mounts, after);
		free(after);
	}
}

TEST_F_TIMEOUT(ocifs, a_readonly_root_takes_no_write, 60)
{
	static struct nbt_result r;
	char path[700];

	ASSERT_EQ(0, set_args(self->config, "echo x > /written && echo wrote"));
	run(self, &r);
	EXPECT_NE(0, r.status);
	EXPECT_EQ(NULL, strstr(r.out, "wrote")) TH_LOG("%s", r.out);
	snprintf(path, sizeof(path), "%s/written", self->rootfs);
	EXPECT_NE(0, access(path, F_OK));
}

/* config-linux.md "Devices": type, numbers, fileMode, uid and gid as given; a FIFO; a
 * directory that is missing is made. */
TEST_F_TIMEOUT(ocifs, devices_are_made_as_listed, 60)
{
	static struct nbt_result r;

	ASSERT_EQ(0, add_linux(self->config,
			       "\"devices\": [ { \"path\": \"/dev/test1\", \"type\": \"c\", "
			       "\"major\": 10, \"minor\": 666, \"fileMode\": 432, \"uid\": 1, "
			       "\"gid\": 2 }, { \"path\": \"/dev/sub/blk\", \"type\": \"b\", "
			       "\"major\": 8, \"minor\": 666 }, { \"path\": \"/dev/fifo\", "
			       "\"type\": \"p\", \"fileMode\": 384 } ]"));
	ASSERT_EQ(0, set_args(self->config, "stat -c '%F %t:%T %a %u:%g' /dev/test1 "
					    "/dev/sub/blk /dev/fifo"));
	run(self, &r);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("character special file a:29a 660 1:2\n"
		     "block special file 8:29a 666 0:0\n"
		     "fifo 0:0 600 0:0\n",
		     r.out);
}

/* The node's directory is resolved inside the root, never through a symlink of the image:
 * one pointing at a host directory makes nothing there. */
TEST_F_TIMEOUT(ocifs, a_device_through_an_image_symlink_is_refused, 60)
{
	char host[600], link[700];

	snprintf(host, sizeof(host), "%s/host", self->dir);
	ASSERT_EQ(0, mkdir(host, 0755));
	snprintf(link, sizeof(link), "%s/lnk", self->rootfs);
	ASSERT_EQ(0, symlink(host, link));
	ASSERT_EQ(0, add_linux(self->config, "\"devices\": [ { \"path\": \"/lnk/node\", "
					     "\"type\": \"c\", \"major\": 1, \"minor\": 3 } ]"));
	expect_refused(_metadata, self, "goes through a symbolic link in the image");
	EXPECT_EQ(0, nbt_count_entries(host));
}

TEST_F(ocifs, a_device_of_an_unknown_type_is_refused)
{
	ASSERT_EQ(0, add_linux(self->config, "\"devices\": [ { \"path\": \"/dev/x\", "
					     "\"type\": \"k\", \"major\": 1, \"minor\": 3 } ]"));
	expect_refused(_metadata, self, "linux.devices[0].type: unknown device type");
}

/* A process in namespaces of its own (uts, ipc, net, and pid with a process in it), for the
 * container to join. */
static pid_t hold_namespaces(void)
{
	int ready[2];
	char byte;
	pid_t pid;

	if (pipe(ready))
		return -1;
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (unshare(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID))
			_exit(1);
		if (fork() == 0) { /* the pid namespace's first process, so it can be joined */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (pid < 0 || read(ready[0], &byte, 1) != 1) {
		close(ready[0]);
		return -1;
	}
	close(ready[0]);
	return pid;
}

static void ns_link(pid_t pid, const char *ns, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
	n = readlink(path, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
}

/* config-linux.md "Namespaces": with path, the runtime MUST place the container's process in
 * that namespace. */
TEST_F_TIMEOUT(ocifs, namespaces_given_by_path_are_joined, 60)
{
	static struct nbt_result r;
	char fields[1024], want[1024], uts[128], ipc[128], net[128], pid[128];

	self->holder = hold_namespaces();
	ASSERT_GT(self->holder, 0);
	ns_link(self->holder, "uts", uts, sizeof(uts));
	ns_link(self->holder, "ipc", ipc, sizeof(ipc));
	ns_link(self->holder, "net", net, sizeof(net));
	ns_link(self->holder, "pid_for_children", pid, sizeof(pid));
	snprintf(fields, sizeof(fields),
		 "\"namespaces\": [ { \"type\": \"uts\", \"path\": \"/proc/%d/ns/uts\" }, "
		 "{ \"type\": \"ipc\", \"path\": \"/proc/%d/ns/ipc\" }, "
		 "{ \"type\": \"network\", \"path\": \"/proc/%d/ns/net\" }, "
		 "{ \"type\": \"pid\", \"path\": \"/proc/%d/ns/pid_for_children\" }, ",
		 (int)self->holder, (int)self->holder, (int)self->holder, (int)self->holder);
	ASSERT_EQ(0, edit(self->config,
			  "\"namespaces\": [\n\t\t\t{ \"type\": \"pid\" }, { \"type\": \"network\" "
			  "}, { \"type\": \"ipc\" },\n\t\t\t{ \"type\": \"uts\" },",
			  fields));
	ASSERT_EQ(0, set_args(self->config, "for n in uts ipc net pid; do readlink "
					    "/proc/self/ns/$n; done"));
	run(self, &r);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	snprintf(want, sizeof(want), "%s\n%s\n%s\n%s\n", uts, ipc, net, pid);
	EXPECT_STREQ(want, r.out);
}

/* runtime-tools linux_ns_path_type: a path that is not a namespace of the entry's type. */
TEST_F(ocifs, a_namespace_path_of_another_type_is_refused)
{
	ASSERT_EQ(0, edit(self->config, "{ \"type\": \"network\" }",
			  "{ \"type\": \"network\", \"path\": \"/proc/self/ns/uts\" }"));
	expect_refused(_metadata, self, "linux.namespaces[1].path: not a namespace of this type");
}

TEST_F(ocifs, a_namespace_path_that_is_no_namespace_is_refused)
{
	ASSERT_EQ(0, edit(self->config, "{ \"type\": \"ipc\" }",
			  "{ \"type\": \"ipc\", \"path\": \"/etc/passwd\" }"));
	expect_refused(_metadata, self, "linux.namespaces[2].path: not a namespace of this type");
}

/* The root mount's line of the container's own mountinfo: its fifth field is "/". */
static const char *root_line(const char *out)
{
	static char line[512];

	for (const char *l = out; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != '\0')) {
		const char *f = l;

		for (int i = 0; i < 4 && f; i++)
			f = strchr(f, ' ') ? strchr(f, ' ') + 1 : NULL;
		if (f && !strncmp(f, "/ ", 2)) {
			snprintf(line, sizeof(line), "%.*s", (int)strcspn(l, "\n"), l);
			return line;
		}
	}
	return "";
}

TEST_F_TIMEOUT(ocifs, rootfs_propagation_is_set_on_the_root, 60)
{
	static struct nbt_result r;

	ASSERT_EQ(0, add_linux(self->config, "\"rootfsPropagation\": \"shared\""));
	ASSERT_EQ(0, set_args(self->config, "cat /proc/self/mountinfo"));
	run(self, &r);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(root_line(r.out), " shared:")) TH_LOG("%s", r.out);
}

TEST_F_TIMEOUT(ocifs, rootfs_propagation_unbindable_refuses_a_bind_of_the_root, 60)
{
	static struct nbt_result r;

	ASSERT_EQ(0, add_linux(self->config, "\"rootfsPropagation\": \"unbindable\""));
	ASSERT_EQ(0, set_args(self->config, "cat /proc/self/mountinfo"));
	run(self, &r);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(root_line(r.out), " unbindable")) TH_LOG("%s", r.out);
}

/* mounts[].options "shared" on a tmpfs and "rshared" on a bind: in their peer groups (a group
 * of their own: nothing of it reaches the host's mounts, which stay as they were). */
TEST_F_TIMEOUT(ocifs, mount_propagation_options_are_set, 60)
{
	static struct nbt_result r;
	char mounts[1024];

	snprintf(mounts, sizeof(mounts),
		 "\"mounts\": [\n\t\t{ \"destination\": \"/mnt/t\", \"type\": \"tmpfs\", "
		 "\"source\": \"tmpfs\", \"options\": [ \"shared\", \"size=1k\" ] },\n"
		 "\t\t{ \"destination\": \"/mnt/b\", \"source\": \"%s\", \"options\": "
		 "[ \"rbind\", \"rshared\", \"size=1k\" ] },",
		 self->dir);
	ASSERT_EQ(0, edit(self->config, "\"readonly\": true", "\"readonly\": false"));
	ASSERT_EQ(0, edit(self->config, "\"mounts\": [", mounts));
	ASSERT_EQ(0, set_args(self->config, "grep -E ' /mnt/(t|b) ' /proc/self/mountinfo"));
	run(self, &r);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_EQ(2, nbt_count_lines(r.out)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, " /mnt/t ")) TH_LOG("%s", r.out);
	for (const char *l = r.out; *l; l = strchr(l, '\n') + 1) {
		EXPECT_NE(NULL, strstr(l, " shared:"));
	}
	{
		char *after = nbt_mountinfo();

		EXPECT_STREQ(self->mounts, after);
		free(after);
	}
}

TEST_F(ocifs, an_unknown_rootfs_propagation_is_refused)
{
	ASSERT_EQ(0, add_linux(self->config, "\"rootfsPropagation\": \"sideways\""));
	expect_refused(_metadata, self, "linux.rootfsPropagation: unknown");
}

TEST_F(ocifs, an_unknown_mount_propagation_is_refused)
{
	ASSERT_EQ(0, edit(self->config, "\"mounts\": [",
			  "\"mounts\": [ { \"destination\": \"/mnt/t\", \"type\": \"tmpfs\", "
			  "\"options\": [ \"rsharedish\" ] },"));
	expect_refused(_metadata, self, "mount option rsharedish: not supported yet");
}

TEST_HARNESS_MAIN
