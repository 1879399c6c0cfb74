/* The container's mount namespace: pivot_root leaves no way back (chroot escape), nothing
 * propagates to the host, /proc is the container's own, /sys is read-only, /dev is minimal. */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

FIXTURE(mounts)
{
	char *dir;
	char marker[256]; /* exists only on the host */
	char helpers[512];
	char submount[600]; /* a tmpfs the test mounted on the host, unmounted in teardown */
};

FIXTURE_SETUP(mounts)
{
	self->dir = nbt_tempdir("mounts");
	ASSERT_NE(NULL, self->dir);
	snprintf(self->marker, sizeof(self->marker), "%s/host-only-marker", self->dir);
	ASSERT_EQ(0, nbt_write_file(self->marker, "host\n"));
	snprintf(self->helpers, sizeof(self->helpers), "%s:/nbt:ro", nbt_helpers());
	self->submount[0] = '\0';
}

FIXTURE_TEARDOWN(mounts)
{
	if (self->submount[0])
		umount2(self->submount, MNT_DETACH);
	nbt_rm_rf(self->dir);
}

/* The escape program must be able to escape a plain chroot, or its "contained" proves nothing. */
TEST_F(mounts, escape_program_escapes_a_plain_chroot)
{
	char escape[512];
	int status;
	pid_t pid;

	snprintf(escape, sizeof(escape), "%s/escape", nbt_helpers());
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = open(escape, O_RDONLY | O_CLOEXEC);
		char *argv[] = { "escape", self->marker, NULL };

		if (fd < 0 || chroot(nbt_rootfs()) || chdir("/"))
			_exit(3);
		syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
		_exit(4);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(mounts, chroot_escape_does_not_reach_the_host)
{
	static struct nbt_result r;

	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--bind", self->helpers, "--", "/nbt/escape",
		self->marker, NULL);
	EXPECT_EQ(1, r.status) TH_LOG("out: %s err: %s", r.out, r.err);
	EXPECT_NE(NULL, strstr(r.out, "contained")) TH_LOG("%s", r.out);
}

TEST_F(mounts, mounts_inside_do_not_propagate_to_the_host)
{
	const char *argv[] = {
		"run",
		"--rootfs",
		nbt_rootfs(),
		"--cap-add", /* mounting inside needs it (security.c) */
		"SYS_ADMIN",
		"--",
		"sh",
		"-c",
		"mkdir -p /mnt && mount -t tmpfs nbtprop /mnt && echo mounted && sleep 30",
		NULL
	};
	char log[512], out[4096], *before = nbt_mountinfo(), *during;
	pid_t pid;

	snprintf(log, sizeof(log), "%s/log", self->dir);
	pid = nbt_spawn(argv, log);
	ASSERT_LT(0, pid);
	for (int i = 0; i < 100; i++) {
		nbt_read_file(log, out, sizeof(out));
		if (strstr(out, "mounted"))
			break;
		usleep(20000);
	}
	during = nbt_mountinfo();
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ASSERT_NE(NULL, strstr(out, "mounted")) TH_LOG("%s", out);
	EXPECT_STREQ(before, during);
	EXPECT_EQ(NULL, strstr(during, "nbtprop"));
	free(before);
	free(during);
}

TEST_F(mounts, proc_shows_only_the_container)
{
	static struct nbt_result r;

	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--", "sh", "-c",
		"ls -d /proc/[0-9]* | wc -l; cat /proc/1/cmdline | tr '\\0' ' '", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	/* PID 1 (the reaper), 2 (sh), and the pipeline's ls and wc */
	EXPECT_GE(4, atoi(r.out)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "nestbox")) TH_LOG("%s", r.out);
}

TEST_F(mounts, sys_is_read_only)
{
	static struct nbt_result r;

	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--", "sh", "-c",
		"grep ' /sys ' /proc/mounts; echo 1 > /sys/kernel/uevent_helper 2>/dev/null && "
		"echo wrote",
		NULL);
	EXPECT_NE(NULL, strstr(r.out, "sysfs /sys sysfs ro")) TH_LOG("%s", r.out);
	EXPECT_EQ(NULL, strstr(r.out, "wrote"));
}

TEST_F(mounts, dev_is_minimal)
{
	static struct nbt_result r;

	nbt_run(
	    &r, "run", "--rootfs", nbt_rootfs(), "--", "sh", "-c",
	    "ls -A /dev | tr '\\n' ' '; echo; ls -A /dev/pts | tr '\\n' ' '; echo;"
	    "echo x > /dev/null && head -c 4 /dev/zero | wc -c && head -c 4 /dev/urandom | wc -c;"
	    "for l in fd stdin ptmx; do readlink /dev/$l; done",
	    NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_EQ(0,
		  strncmp(r.out,
			  "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero \n"
			  "ptmx \n4\n4\n/proc/self/fd\n/proc/self/fd/0\npts/ptmx\n",
			  strlen(r.out)))
	TH_LOG("%s", r.out);
}

/* The nodes are made with umask 0 and not chmodded after (dev.c: as_made): whatever the
 * caller's umask, each is 0666 and root's, and the workload still gets the caller's umask. */
TEST_F(mounts, dev_nodes_are_0666_and_roots_whatever_the_umask)
{
	static struct nbt_result r;
	mode_t was = umask(077);

	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--", "sh", "-c",
		"stat -c '%n %a %u:%g %t,%T' /dev/null /dev/zero /dev/full /dev/random "
		"/dev/urandom /dev/tty; umask",
		NULL);
	umask(was);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("/dev/null 666 0:0 1,3\n/dev/zero 666 0:0 1,5\n/dev/full 666 0:0 1,7\n"
		     "/dev/random 666 0:0 1,8\n/dev/urandom 666 0:0 1,9\n/dev/tty 666 0:0 5,0\n"
		     "0077\n",
		     r.out);
}

TEST_F(mounts, bind_mounts_read_write_and_read_only)
{
	static struct nbt_result r;
	char rw[600], ro[600], path[512];

	snprintf(rw, sizeof(rw), "%s:/data", self->dir);
	snprintf(ro, sizeof(ro), "%s:/rodata:ro", self->dir);
	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--bind", rw, "--bind", ro, "--", "sh", "-c",
		"echo inside > /data/from-container && cat /rodata/host-only-marker;"
		"touch /rodata/x 2>/dev/null || echo ro-refused",
		NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("host\nro-refused\n", r.out);
	snprintf(path, sizeof(path), "%s/from-container", self->dir);
	nbt_read_file(path, r.out, sizeof(r.out));
	EXPECT_STREQ("inside\n", r.out);
}

/* --bind SRC:DST:ro covers SRC's submounts too (mount_setattr AT_RECURSIVE): before, only the
 * top mount was read-only and a tmpfs below it stayed writable. The read-write bind shows the
 * submount is there and writable, so the test can fail. */
TEST_F(mounts, read_only_bind_is_read_only_below_too)
{
	static struct nbt_result r;
	const char *script =
	    "touch /data/sub/x 2>/dev/null && echo sub-written || echo sub-refused; "
	    "touch /data/y 2>/dev/null && echo top-written || echo top-refused";
	char src[300], bind[400];

	snprintf(src, sizeof(src), "%s/src", self->dir);
	ASSERT_EQ(0, mkdir(src, 0755));
	snprintf(self->submount, sizeof(self->submount), "%s/sub", src);
	ASSERT_EQ(0, mkdir(self->submount, 0755));
	ASSERT_EQ(0, mount("nbtsub", self->submount, "tmpfs", 0, "size=64k"));
	snprintf(bind, sizeof(bind), "%s:/data:ro", src);
	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--bind", bind, "--", "sh", "-c", script,
		NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("sub-refused\ntop-refused\n", r.out);
	snprintf(bind, sizeof(bind), "%s:/data", src);
	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--bind", bind, "--", "sh", "-c", script,
		NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("sub-written\ntop-written\n", r.out);
}

/* The same for --read-only with one layer (a read-only bind of it). */
TEST_F(mounts, read_only_root_is_read_only_below_too)
{
	static struct nbt_result r;
	char real[PATH_MAX], layer[300], cmd[PATH_MAX + 400];

	ASSERT_NE(NULL, realpath(nbt_rootfs(), real));
	snprintf(layer, sizeof(layer), "%s/layer", self->dir);
	snprintf(cmd, sizeof(cmd), "cp -a %s %s", real, layer);
	ASSERT_EQ(0, system(cmd));
	snprintf(self->submount, sizeof(self->submount), "%s/mnt", layer);
	ASSERT_EQ(0, mount("nbtsub", self->submount, "tmpfs", 0, "size=64k"));
	nbt_run(&r, "run", "--read-only", "--rootfs", layer, "--", "sh", "-c",
		"touch /mnt/x 2>/dev/null && echo sub-written || echo sub-refused", NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("sub-refused\n", r.out);
}

/* --shm-size and --upper-size set the tmpfs limits; the defaults are 64m and 25% of memory. */
TEST_F(mounts, tmpfs_sizes_default_and_overridden)
{
	static struct nbt_result r;
	const char *script = "df -k /dev/shm / | awk 'NR>1 {print $2}'";
	long shm, upper, pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	long quarter_kib = pages / 4 * (page / 1024);

	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--", "sh", "-c", script, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	ASSERT_EQ(2, sscanf(r.out, "%ld %ld", &shm, &upper)) TH_LOG("%s", r.out);
	EXPECT_EQ(65536, shm);
	/* the overlay's size is its upper layer's: the scratch tmpfs */
	EXPECT_LE(quarter_kib - 1024, upper) TH_LOG("%ld vs %ld", upper, quarter_kib);
	EXPECT_GE(quarter_kib + 1024, upper) TH_LOG("%ld vs %ld", upper, quarter_kib);
	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--shm-size", "8m", "--upper-size", "16m",
		"--", "sh", "-c", script, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("8192\n16384\n", r.out);
	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--shm-size", "0", "--", "true", NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_STREQ("nestbox: --shm-size: 0: expected a size above 0: bytes with k, m or g, or a "
		     "percentage of memory (e.g. 64m, 25%)\n",
		     r.err);
}

/* devpts as Docker's: gid=5 (tty), mode=620, ptmxmode=666; without gid=5 where it is unmapped. */
TEST_F(mounts, devpts_options)
{
	static struct nbt_result r;

	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--", "sh", "-c",
		"grep ' /dev/pts ' /proc/mounts", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "gid=5,mode=620,ptmxmode=666")) TH_LOG("%s", r.out);
	/* a user namespace that maps only root has no gid 5: devpts without it */
	nbt_run(&r, "run", "--ns", "mnt,pid,uts,ipc,user", "--rootfs", nbt_rootfs(), "--", "sh",
		"-c", "grep ' /dev/pts ' /proc/mounts", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "relatime,mode=620,ptmxmode=666")) TH_LOG("%s", r.out);
}

TEST_HARNESS_MAIN
