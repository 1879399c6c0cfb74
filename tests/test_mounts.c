/* The container's mount namespace: pivot_root leaves no way back (chroot escape), nothing
 * propagates to the host, /proc is the container's own, /sys is read-only, /dev is minimal. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
};

FIXTURE_SETUP(mounts)
{
	self->dir = nbt_tempdir("mounts");
	ASSERT_NE(NULL, self->dir);
	snprintf(self->marker, sizeof(self->marker), "%s/host-only-marker", self->dir);
	ASSERT_EQ(0, nbt_write_file(self->marker, "host\n"));
	snprintf(self->helpers, sizeof(self->helpers), "%s:/nbt:ro", nbt_helpers());
}

FIXTURE_TEARDOWN(mounts)
{
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

TEST_HARNESS_MAIN
