/* User namespaces (--ns user, --uidmap/--gidmap, setgroups), rootless runs by a non-root user,
 * and the time namespace's offsets (--boottime/--monotonic). Root-owned lower layers show up as
 * the overflow id under a shifted map, so the tests run on a copy of the rootfs owned by the
 * host ids that map to root inside (as a rootless user's own rootfs would be). */
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

#define SHIFT	       "100000"
#define ROOTLESS_UID   1000
#define ROOTLESS_UID_S "1000"

static struct nbt_result r;

/* Copy the rootfs into dir/rootfs owned by uid:gid (busybox cp and chown: also in the VMs). */
static int owned_rootfs(const char *dir, const char *owner, char *out, size_t size)
{
	char cmd[2048];

	snprintf(out, size, "%s/rootfs", dir);
	snprintf(cmd, sizeof(cmd), "cp -a '%s' '%s' && chown -R %s '%s' && chmod 755 '%s'",
		 nbt_rootfs(), out, owner, out, dir);
	return system(cmd);
}

static bool have(const char *ns_file)
{
	return access(ns_file, F_OK) == 0;
}

/* In a forked child: become ROOTLESS_UID (like a login user), run nestbox, pass on what it
 * printed and its status. */
static void run_rootless(const char *const *argv)
{
	if (setgroups(0, NULL) || setgid(ROOTLESS_UID) || setuid(ROOTLESS_UID))
		_exit(99);
	nbt_runv(&r, argv);
	fputs(r.out, stdout);
	fputs(r.err, stderr);
	fflush(NULL);
	_exit(r.status);
}

FIXTURE(userns)
{
	char *dir;
	char rootfs[512];
};

FIXTURE_SETUP(userns)
{
	if (!have("/proc/self/ns/user"))
		SKIP(return, "kernel without user namespaces");
	self->dir = nbt_tempdir("userns");
	ASSERT_NE(NULL, self->dir);
	ASSERT_EQ(0, chmod(self->dir, 0755));
}

FIXTURE_TEARDOWN(userns)
{
	if (self->dir)
		nbt_rm_rf(self->dir);
}

TEST_F(userns, default_map_is_the_caller_as_root)
{
	nbt_run(&r, "run", "--ns", "mnt,pid,uts,ipc,user", "--rootfs", nbt_rootfs(), "--", "sh",
		"-c", "id -u; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups",
		NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("0\n         0          0          1\n         0          0          1\n"
		     "allow\n",
		     r.out);
}

/* A shifted range: root inside is SHIFT outside; overlay copy-up, /proc and /sys work; what
 * the container writes to a bind mount is owned by the shifted ids on the host. */
TEST_F(userns, shifted_map_overlay_and_proc_work)
{
	char data[600], file[700];
	struct stat st;

	ASSERT_EQ(0, owned_rootfs(self->dir, SHIFT ":" SHIFT, self->rootfs, sizeof(self->rootfs)));
	snprintf(data, sizeof(data), "%s/data", self->dir);
	ASSERT_EQ(0, mkdir(data, 0777));
	ASSERT_EQ(0, chown(data, 100000, 100000));
	snprintf(file, sizeof(file), "%s:/data", data);
	nbt_run(&r, "run", "--ns", "mnt,pid,uts,ipc,user", "--uidmap", "0:" SHIFT ":65536",
		"--gidmap", "0:" SHIFT ":65536", "--rootfs", self->rootfs, "--bind", file, "--",
		"sh", "-c",
		"id -u; cat /proc/self/uid_map; echo hi > /etc/copied-up && cat /etc/copied-up; "
		"ls /proc/1/status >/dev/null && echo proc; ls /sys/kernel >/dev/null && echo sys; "
		"echo x > /data/f; chown 1000:1000 /data/f; grep -c ' /proc/keys ' "
		"/proc/self/mountinfo",
		NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("0\n         0     100000      65536\nhi\nproc\nsys\n1\n", r.out);
	snprintf(file, sizeof(file), "%s/data/f", self->dir);
	ASSERT_EQ(0, stat(file, &st));
	EXPECT_EQ(101000, (int)st.st_uid);
	EXPECT_EQ(101000, (int)st.st_gid);
}

/* The image as it is (root-owned) under a shifted map: nestbox idmaps the layers, so root
 * inside owns them and copy-up works; nothing of it stays on the host. */
TEST_F(userns, shifted_map_on_a_root_owned_rootfs)
{
	char *before = nbt_mountinfo(), *after;

	nbt_run(&r, "run", "--ns", "mnt,pid,uts,ipc,user", "--uidmap", "0:" SHIFT ":65536",
		"--gidmap", "0:" SHIFT ":65536", "--rootfs", nbt_rootfs(), "--", "sh", "-c",
		"stat -c '%u %g' /bin/busybox; echo x > /etc/x && cat /etc/x", NULL);
	after = nbt_mountinfo();
	EXPECT_STREQ(before, after);
	free(before);
	free(after);
	if (!strncmp(r.out, "65534 ", 6)) /* the layers could not be idmapped */
		SKIP(return, "the rootfs's filesystem cannot be idmapped here (initramfs, tmpfs "
			     "before 6.3)");
	ASSERT_EQ(0, r.status) TH_LOG("%s%s", r.out, r.err);
	EXPECT_STREQ("0 0\nx\n", r.out);
}

/* --- idmapped writable layer and binds (issue 20.6) ----------------------------------------- */

#define SHIFTED_USERNS                                                               \
	"--ns", "mnt,pid,uts,ipc,user", "--uidmap", "0:" SHIFT ":65536", "--gidmap", \
	    "0:" SHIFT ":65536"

static const char *path_in(const char *dir, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", dir, name);
	return buf;
}

static bool cannot_idmap(const struct nbt_result *res)
{
	return res->status == 125 && strstr(res->err, "cannot be idmapped");
}

/* A root-owned persistent upper layer: idmapped, so root inside writes it and the files it
 * makes are root's on the host (without: "Read-only file system" at the first copy-up). */
TEST_F(userns, persistent_upper_owned_by_root_is_idmapped)
{
	char wl[600], up[640], wk[640], file[700];
	char *before = nbt_mountinfo(), *after;
	struct stat st;

	path_in(self->dir, "wl", wl, sizeof(wl));
	ASSERT_EQ(0, mkdir(wl, 0755));
	ASSERT_EQ(0, mkdir(path_in(wl, "up", up, sizeof(up)), 0755));
	ASSERT_EQ(0, mkdir(path_in(wl, "wk", wk, sizeof(wk)), 0755));
	nbt_run(&r, "run", SHIFTED_USERNS, "--rootfs", nbt_rootfs(), "--upper", up, "--work", wk,
		"--", "sh", "-c", "echo x > /etc/x && cat /etc/x && stat -c '%u %g' /etc/x", NULL);
	after = nbt_mountinfo();
	EXPECT_STREQ(before, after);
	free(before);
	free(after);
	if (cannot_idmap(&r))
		SKIP(return, "this filesystem cannot be idmapped here: %.200s", r.err);
	ASSERT_EQ(0, r.status) TH_LOG("%s%s", r.out, r.err);
	EXPECT_STREQ("x\n0 0\n", r.out);
	ASSERT_EQ(0, stat(path_in(up, "etc/x", file, sizeof(file)), &st));
	EXPECT_EQ(0, (int)st.st_uid);
	EXPECT_EQ(0, (int)st.st_gid);
}

/* A root-owned writable bind: root inside owns it and what it writes is root's on the host. */
TEST_F(userns, writable_bind_owned_by_root_is_idmapped)
{
	char data[600], bind[700], file[700];
	struct stat st;

	ASSERT_EQ(0, mkdir(path_in(self->dir, "data", data, sizeof(data)), 0755));
	snprintf(bind, sizeof(bind), "%s:/data", data);
	nbt_run(&r, "run", SHIFTED_USERNS, "--rootfs", nbt_rootfs(), "--bind", bind, "--", "sh",
		"-c", "stat -c '%u %g' /data && echo y > /data/f", NULL);
	if (cannot_idmap(&r))
		SKIP(return, "this filesystem cannot be idmapped here: %.200s", r.err);
	ASSERT_EQ(0, r.status) TH_LOG("%s%s", r.out, r.err);
	EXPECT_STREQ("0 0\n", r.out);
	ASSERT_EQ(0, stat(path_in(data, "f", file, sizeof(file)), &st));
	EXPECT_EQ(0, (int)st.st_uid);
}

/* ramfs cannot be idmapped: a writable layer or bind there is refused up front, naming the
 * kernel feature; a read-only bind stays as it is (readable, owned by the overflow id). Runs
 * in a mount namespace of the test's own. */
TEST_F(userns, what_cannot_be_idmapped_is_refused_by_name)
{
	char ram[600], up[640], wk[640], data[640], bind[700];

	path_in(self->dir, "ram", ram, sizeof(ram));
	ASSERT_EQ(0, mkdir(ram, 0755));
	ASSERT_EQ(0, unshare(CLONE_NEWNS));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	ASSERT_EQ(0, mount("nbt", ram, "ramfs", 0, "mode=0755"));
	ASSERT_EQ(0, mkdir(path_in(ram, "up", up, sizeof(up)), 0755));
	ASSERT_EQ(0, mkdir(path_in(ram, "wk", wk, sizeof(wk)), 0755));
	ASSERT_EQ(0, mkdir(path_in(ram, "data", data, sizeof(data)), 0755));
	nbt_run(&r, "run", SHIFTED_USERNS, "--rootfs", nbt_rootfs(), "--upper", up, "--work", wk,
		"--", "true", NULL);
	if (!r.status)
		SKIP(return, "ramfs can be idmapped on this kernel");
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "--upper")) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, up)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "MOUNT_ATTR_IDMAP")) TH_LOG("%s", r.err);

	snprintf(bind, sizeof(bind), "%s:/data", data);
	nbt_run(&r, "run", SHIFTED_USERNS, "--rootfs", nbt_rootfs(), "--bind", bind, "--", "true",
		NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "--bind")) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "MOUNT_ATTR_IDMAP")) TH_LOG("%s", r.err);

	snprintf(bind, sizeof(bind), "%s:/data:ro", data);
	nbt_run(&r, "run", SHIFTED_USERNS, "--rootfs", nbt_rootfs(), "--bind", bind, "--", "stat",
		"-c", "%u", "/data", NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("65534\n", r.out);
	umount2(ram, MNT_DETACH);
}

TEST_F(userns, user_inside_a_shifted_map)
{
	ASSERT_EQ(0, owned_rootfs(self->dir, SHIFT ":" SHIFT, self->rootfs, sizeof(self->rootfs)));
	nbt_run(&r, "run", "--ns", "mnt,pid,uts,ipc,user", "--uidmap", "0:" SHIFT ":65536",
		"--gidmap", "0:" SHIFT ":65536", "--user", "1000:1000", "--rootfs", self->rootfs,
		"--", "sh", "-c", "id -u; id -g; grep CapEff /proc/self/status", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("1000\n1000\nCapEff:\t0000000000000000\n", r.out);
}

/* Several ranges, and the hardening still holds inside a user namespace. */
TEST_F(userns, two_ranges_and_still_hardened)
{
	static char helpers[512];

	ASSERT_EQ(0, owned_rootfs(self->dir, SHIFT ":" SHIFT, self->rootfs, sizeof(self->rootfs)));
	snprintf(helpers, sizeof(helpers), "%s:/root:ro", nbt_helpers());
	nbt_run(&r, "run", "--ns", "mnt,pid,uts,ipc,user", "--uidmap", "0:" SHIFT ":1000",
		"--uidmap", "1000:300000:10", "--gidmap", "0:" SHIFT ":65536", "--rootfs",
		self->rootfs, "--bind", helpers, "--", "sh", "-c",
		"cat /proc/self/uid_map; /root/escape_try mount; /root/escape_try userns; "
		"grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status",
		NULL);
	EXPECT_STREQ("         0     100000       1000\n      1000     300000         10\n"
		     "mount: errno 1 (Operation not permitted)\n"
		     "userns: errno 1 (Operation not permitted)\nNoNewPrivs:\t1\nSeccomp:\t2\n",
		     r.out)
	TH_LOG("%s", r.err);
}

/* Rootless: a non-root user, its own rootfs, mapped to root inside (as unshare -r). */
TEST_F(userns, rootless)
{
	const char *argv[] = {
		"run",
		"--rootfs",
		self->rootfs,
		"--",
		"sh",
		"-c",
		"id -u; cat /proc/self/uid_map /proc/self/setgroups; "
		"touch /tmp/x && echo overlay-rw; ls /proc/1 >/dev/null && echo proc",
		NULL
	};
	int ws, pipefd[2];
	pid_t probe;
	char buf[4096] = "";
	ssize_t n;

	probe = fork();
	ASSERT_LE(0, probe);
	if (probe == 0) {
		if (setgroups(0, NULL) || setgid(ROOTLESS_UID) || setuid(ROOTLESS_UID))
			_exit(99);
		_exit(unshare(CLONE_NEWUSER) ? errno : 0);
	}
	ASSERT_EQ(probe, waitpid(probe, &ws, 0));
	if (WEXITSTATUS(ws))
		SKIP(return, "this kernel does not let a non-root user make a user namespace: %s",
			   strerror(WEXITSTATUS(ws)));
	ASSERT_EQ(0, owned_rootfs(self->dir, ROOTLESS_UID_S ":" ROOTLESS_UID_S, self->rootfs,
				  sizeof(self->rootfs)));
	ASSERT_EQ(0, pipe(pipefd));
	probe = fork();
	ASSERT_LE(0, probe);
	if (probe == 0) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		run_rootless(argv);
		_exit(98);
	}
	close(pipefd[1]);
	for (size_t len = 0; (n = read(pipefd[0], buf + len, sizeof(buf) - 1 - len)) > 0;)
		len += (size_t)n;
	close(pipefd[0]);
	ASSERT_EQ(probe, waitpid(probe, &ws, 0));
	if (strstr(buf, "mount overlay") && strstr(buf, "Operation not permitted"))
		SKIP(return, "no overlayfs in user namespaces on this kernel (5.11+)");
	EXPECT_EQ(0, WEXITSTATUS(ws)) TH_LOG("%s", buf);
	EXPECT_STREQ("0\n         0       1000          1\ndeny\noverlay-rw\nproc\n", buf);
}

TEST_F(userns, rootless_needs_a_user_namespace)
{
	const char *argv[] = { "run",	     "--ns", "mnt,pid", "--rootfs",
			       nbt_rootfs(), "--",   "true",	NULL };
	char buf[4096] = "";
	int ws, pipefd[2];
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		dup2(pipefd[1], 2);
		close(1);
		run_rootless(argv);
		_exit(98);
	}
	close(pipefd[1]);
	ASSERT_LE(0, read(pipefd[0], buf, sizeof(buf) - 1));
	close(pipefd[0]);
	ASSERT_EQ(pid, waitpid(pid, &ws, 0));
	EXPECT_EQ(125, WEXITSTATUS(ws));
	EXPECT_STREQ("nestbox: --ns: a non-root user needs a user namespace (add user to --ns)\n",
		     buf);
}

/* Where the kernel forbids unprivileged user namespaces: one clear line. Shown in a user
 * namespace of our own whose user.max_user_namespaces is 0 (those limits are per namespace),
 * with uid 1000 mapped in it, so the host's setting is never touched. */
TEST_F(userns, rootless_where_the_kernel_forbids_it)
{
	int to_child[2], to_parent[2], out[2], ws;
	char buf[1024] = "", path[64], byte = 0;
	pid_t pid;

	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(to_parent));
	ASSERT_EQ(0, pipe(out));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		const char *argv[] = { "run", "--rootfs", nbt_rootfs(), "--", "true", NULL };

		if (unshare(CLONE_NEWUSER) || write(to_parent[1], "u", 1) != 1 ||
		    read(to_child[0], &byte, 1) != 1)
			_exit(97);
		if (nbt_write_file("/proc/sys/user/max_user_namespaces", "0\n"))
			_exit(96);
		if (setresgid(ROOTLESS_UID, ROOTLESS_UID, ROOTLESS_UID) ||
		    setresuid(ROOTLESS_UID, ROOTLESS_UID, ROOTLESS_UID))
			_exit(95);
		dup2(out[1], 2);
		nbt_runv(&r, argv);
		fputs(r.err, stderr);
		_exit(r.status);
	}
	close(out[1]);
	ASSERT_EQ(1, read(to_parent[0], &byte, 1));
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	ASSERT_EQ(0, nbt_write_file(path, "0 0 1\n1000 1000 1\n"));
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	ASSERT_EQ(0, nbt_write_file(path, "0 0 1\n1000 1000 1\n"));
	ASSERT_EQ(1, write(to_child[1], "g", 1));
	ASSERT_LE(0, read(out[0], buf, sizeof(buf) - 1));
	ASSERT_EQ(pid, waitpid(pid, &ws, 0));
	EXPECT_EQ(125, WEXITSTATUS(ws)) TH_LOG("%s", buf);
	EXPECT_STREQ(
	    "nestbox: rootless: this kernel does not let non-root users make user namespaces "
	    "(sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone)\n",
	    buf);
}

/* --ns time: /proc/uptime counts CLOCK_BOOTTIME, shifted by --boottime inside. */
TEST_F(userns, time_namespace_offsets)
{
	char host[64];
	double before, inside, after;

	if (!have("/proc/self/ns/time"))
		SKIP(return, "kernel without time namespaces (5.6+)");
	ASSERT_LT(0, nbt_read_file("/proc/uptime", host, sizeof(host)));
	before = atof(host);
	nbt_run(&r, "run", "--ns", "mnt,pid,time", "--boottime", "86400", "--monotonic", "7",
		"--rootfs", nbt_rootfs(), "--", "sh", "-c",
		"cat /proc/uptime; tr -s ' ' < /proc/self/timens_offsets", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	ASSERT_LT(0, nbt_read_file("/proc/uptime", host, sizeof(host)));
	after = atof(host);
	inside = atof(r.out);
	/* /proc/uptime has centiseconds: allow one in either direction for the double sums. */
	EXPECT_LE(before + 86400 - 0.01, inside) TH_LOG("%s", r.out);
	EXPECT_GE(after + 86400 + 0.01, inside) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "monotonic 7 0\nboottime 86400 0\n"))
	TH_LOG("%s", r.out);
}

/* User and time namespaces together: the uid switch inside makes the process non-dumpable, and
 * /proc/self/timens_offsets then belongs to an unmapped root (EACCES) unless nestbox undoes it. */
TEST_F(userns, time_namespace_inside_a_user_namespace)
{
	if (!have("/proc/self/ns/time"))
		SKIP(return, "kernel without time namespaces (5.6+)");
	nbt_run(&r, "run", "--ns", "mnt,pid,user,time", "--uidmap", "0:100000:65536", "--gidmap",
		"0:100000:65536", "--boottime", "86400", "--rootfs", nbt_rootfs(), "--", "sh", "-c",
		"tr -s ' ' < /proc/self/timens_offsets; id -u", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("monotonic 0 0\nboottime 86400 0\n0\n", r.out);
}

TEST_HARNESS_MAIN
