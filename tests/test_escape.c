/* The escape suite: each attempt runs as root inside a default container and must fail with
 * the exact failure the hardening gives (errno, or what was read). Each attempt also runs once
 * with the hardening turned off (--privileged, or the one relaxation that matters) to show
 * that the attempt works and the test can fail. Where even the relaxed run cannot succeed on
 * this kernel (no module support, no kexec), the test checks that the errno differs from the
 * hardened one and says so. The attempts are tests/helpers/escape_try.c's. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

#define PRIVILEGED "--privileged"
#define EPERM_LINE "errno 1 (" /* escape_try: "ATTEMPT: errno 1 (Operation not permitted)" */

static struct nbt_result r;

/* escape_try ATTEMPT [ARG] in a container with the given options (NULL-terminated). */
static void attempt(const char *const *opts, const char *what, const char *arg)
{
	const char *const cmd[] = { "/root/escape_try", what, arg, NULL };

	/* /root: a directory the rootfs has, so the bind works under --read-only too */
	nbt_run_container(&r, "/root", opts, cmd);
}

FIXTURE(escape)
{
	char *dir;
	char arg[64];
	char host_hostname[128];
};

FIXTURE_VARIANT(escape)
{
	const char *attempt;
	const char *hardened;  /* what the default container says after "ATTEMPT: " */
	const char *relax[4];  /* options that turn the hardening off */
	const char *extra;     /* an option both runs get (e.g. --read-only) */
	const char *needs;     /* a host path the attempt needs, else SKIP */
	bool relaxed_may_fail; /* kernel may lack the feature: then the errno must differ */
};

/* clang-format off */
FIXTURE_VARIANT_ADD(escape, write_sysrq_trigger) {
	.attempt = "sysrq", .hardened = "errno 30 (", .relax = { PRIVILEGED },
	.needs = "/proc/sysrq-trigger" };
FIXTURE_VARIANT_ADD(escape, read_kcore) {
	.attempt = "kcore", .hardened = "read 0 bytes", .relax = { PRIVILEGED }, .needs = "/proc/kcore" };
FIXTURE_VARIANT_ADD(escape, mount_new_fs) {
	.attempt = "mount", .hardened = EPERM_LINE, .relax = { PRIVILEGED } };
FIXTURE_VARIANT_ADD(escape, remount_read_only_root_rw) {
	.attempt = "remount", .hardened = EPERM_LINE, .relax = { PRIVILEGED }, .extra = "--read-only" };
FIXTURE_VARIANT_ADD(escape, mknod_host_block_device) {
	.attempt = "mknod", .hardened = EPERM_LINE, .relax = { PRIVILEGED } };
FIXTURE_VARIANT_ADD(escape, load_kernel_module) {
	.attempt = "module", .hardened = EPERM_LINE, .relax = { PRIVILEGED }, .relaxed_may_fail = true };
FIXTURE_VARIANT_ADD(escape, kexec) {
	.attempt = "kexec", .hardened = EPERM_LINE, .relax = { PRIVILEGED }, .relaxed_may_fail = true };
FIXTURE_VARIANT_ADD(escape, keyctl) {
	.attempt = "keyctl", .hardened = EPERM_LINE, .relax = { PRIVILEGED } };
FIXTURE_VARIANT_ADD(escape, bpf) {
	.attempt = "bpf", .hardened = EPERM_LINE, .relax = { PRIVILEGED } };
FIXTURE_VARIANT_ADD(escape, change_hostname) {
	.attempt = "hostname", .hardened = EPERM_LINE, .relax = { PRIVILEGED } };
FIXTURE_VARIANT_ADD(escape, change_time) {
	.attempt = "settime", .hardened = EPERM_LINE, .relax = { PRIVILEGED } };
FIXTURE_VARIANT_ADD(escape, signal_host_process) {
	.attempt = "kill", .hardened = "errno 3 (", .relax = { "--ns", "mnt,uts,ipc" } };
FIXTURE_VARIANT_ADD(escape, ptrace_pid_1) {
	.attempt = "ptrace", .hardened = EPERM_LINE, .relax = { PRIVILEGED } };
FIXTURE_VARIANT_ADD(escape, raise_dropped_capability) {
	.attempt = "capset", .hardened = EPERM_LINE, .relax = { PRIVILEGED } };
FIXTURE_VARIANT_ADD(escape, new_user_namespace) {
	.attempt = "userns", .hardened = EPERM_LINE, .relax = { PRIVILEGED } };
/* clang-format on */

/* A block device of the host that root can open there, as MAJ:MIN; 0 when there is none. */
static int host_block_device(char *out, size_t size)
{
	DIR *d = opendir("/dev");
	struct dirent *e;
	int found = 0;

	while (d && !found && (e = readdir(d))) {
		char path[300];
		struct stat st;
		int fd;

		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		if (lstat(path, &st) || !S_ISBLK(st.st_mode))
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		close(fd);
		snprintf(out, size, "%u:%u", major(st.st_rdev), minor(st.st_rdev));
		found = 1;
	}
	if (d)
		closedir(d);
	return found;
}

FIXTURE_SETUP(escape)
{
	/* SKIP before making anything: the harness runs no teardown after a setup SKIP */
	self->dir = NULL;
	gethostname(self->host_hostname, sizeof(self->host_hostname));
	self->arg[0] = '\0';
	if (variant->needs && access(variant->needs, F_OK))
		SKIP(return, "this kernel has no %s", variant->needs);
	if (!strcmp(variant->attempt, "mknod") && !host_block_device(self->arg, sizeof(self->arg)))
		SKIP(return, "no block device on this host that root can open");
	if (!strcmp(variant->attempt, "kill")) /* this test process, seen from the host */
		snprintf(self->arg, sizeof(self->arg), "%d", (int)getpid());
	self->dir = nbt_tempdir("escape");
	ASSERT_NE(NULL, self->dir);
}

FIXTURE_TEARDOWN(escape)
{
	char now[128] = "";

	gethostname(now, sizeof(now));
	EXPECT_STREQ(self->host_hostname, now); /* nothing changed the host's hostname */
	if (self->dir)
		nbt_rm_rf(self->dir);
}

TEST_F(escape, fails_hardened_works_relaxed)
{
	const char *opts[8] = { NULL };
	const char *arg = self->arg[0] ? self->arg : NULL;
	char prefix[64], hardened[128];
	int n = 0;

	snprintf(prefix, sizeof(prefix), "%s: ", variant->attempt);
	snprintf(hardened, sizeof(hardened), "%s%s", prefix, variant->hardened);
	if (variant->extra)
		opts[n++] = variant->extra;
	attempt(opts, variant->attempt, arg);
	EXPECT_EQ(1, r.status) TH_LOG("%s%s", r.out, r.err);
	EXPECT_EQ(0, strncmp(r.out, hardened, strlen(hardened)))
	TH_LOG("hardened: expected '%s...', got '%s' %s", hardened, r.out, r.err);

	for (int i = 0; variant->relax[i]; i++)
		opts[n++] = variant->relax[i];
	attempt(opts, variant->attempt, arg);
	if (variant->relaxed_may_fail && r.status == 1) {
		/* Not even root outside the filter can do it on this kernel: the errno must show
		 * that the hardening is what stopped the hardened run. */
		TH_LOG("relaxed run cannot succeed on this kernel: %s", r.out);
		EXPECT_EQ(0, strncmp(r.out, prefix, strlen(prefix)));
		EXPECT_NE(0, strncmp(r.out, hardened, strlen(hardened))) TH_LOG("%s", r.out);
		return;
	}
	snprintf(hardened, sizeof(hardened), "%sok\n", prefix);
	EXPECT_EQ(0, r.status) TH_LOG("relaxed: %s %s", r.out, r.err);
	EXPECT_STREQ(hardened, r.out) TH_LOG("%s", r.err);
}

/* --- attempts that need more than one escape_try line --------------------------------------- */

FIXTURE(special)
{
	char *dir;    /* a chroot for the unhardened escape, a setuid copy of the helper */
	char *marker; /* a host directory holding a file no container can see */
	char marker_file[512];
};

FIXTURE_SETUP(special)
{
	self->dir = nbt_tempdir("escape");
	self->marker = nbt_tempdir("marker");
	ASSERT_NE(NULL, self->dir);
	ASSERT_NE(NULL, self->marker);
	snprintf(self->marker_file, sizeof(self->marker_file), "%s/host-only", self->marker);
	ASSERT_EQ(0, nbt_write_file(self->marker_file, "host\n"));
}

FIXTURE_TEARDOWN(special)
{
	nbt_rm_rf(self->dir);
	nbt_rm_rf(self->marker);
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
	static char buf[1 << 20];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			n = -1;
	close(in);
	close(out);
	return n < 0 ? -1 : chmod(to, mode);
}

/* The classic chroot escape: contained by pivot_root in a container; a plain chroot (the
 * hardening off) lets it reach the host's file. */
TEST_F(special, chroot_escape)
{
	char helper[600], copy[600], tmp[600];
	pid_t pid;
	int ws;

	snprintf(helper, sizeof(helper), "%s/escape", nbt_helpers());
	{
		static char helpers[512];
		const char *argv[] = { "run", "--rootfs",    nbt_rootfs(),	"--bind", helpers,
				       "--",  "/nbt/escape", self->marker_file, NULL };

		snprintf(helpers, sizeof(helpers), "%s:/nbt:ro", nbt_helpers());
		nbt_runv(&r, argv);
	}
	EXPECT_EQ(1, r.status) TH_LOG("%s %s", r.out, r.err);
	EXPECT_EQ(0, strncmp(r.out, "contained: ", 11)) TH_LOG("%s", r.out);

	snprintf(copy, sizeof(copy), "%s/escape", self->dir);
	snprintf(tmp, sizeof(tmp), "%s/tmp", self->dir);
	ASSERT_EQ(0, copy_file(helper, copy, 0755));
	ASSERT_EQ(0, mkdir(tmp, 0755));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, 1);
		if (chroot(self->dir) || chdir("/"))
			_exit(3);
		execl("/escape", "escape", self->marker_file, (char *)NULL);
		_exit(4);
	}
	ASSERT_EQ(pid, waitpid(pid, &ws, 0));
	EXPECT_EQ(0, WEXITSTATUS(ws))
	TH_LOG("a plain chroot did not escape: the test proves nothing");
}

/* A setuid-root binary run by --user 1000: no_new_privs keeps it at euid 1000;
 * --allow-new-privs lets it become root. */
TEST_F(special, setuid_binary_gains_nothing)
{
	static char bind[600];
	char helper[600], copy[600];

	snprintf(helper, sizeof(helper), "%s/escape_try", nbt_helpers());
	snprintf(copy, sizeof(copy), "%s/escape_try", self->dir);
	ASSERT_EQ(0, copy_file(helper, copy, 0755));
	ASSERT_EQ(0, chown(copy, 0, 0));
	ASSERT_EQ(0, chmod(copy, 04755));
	ASSERT_EQ(0, chmod(self->dir, 0755));
	snprintf(bind, sizeof(bind), "%s:/sx:ro", self->dir);
	{
		const char *argv[] = { "run",	 "--rootfs", nbt_rootfs(), "--bind",	     bind,
				       "--user", "1000",     "--",	   "/sx/escape_try", "euid",
				       NULL };

		nbt_runv(&r, argv);
		EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
		EXPECT_STREQ("euid: 1000\n", r.out);
	}
	{
		const char *argv[] = { "run", "--rootfs",	nbt_rootfs(), "--bind",
				       bind,  "--user",		"1000",	      "--allow-new-privs",
				       "--",  "/sx/escape_try", "euid",	      NULL };

		nbt_runv(&r, argv);
		EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
		EXPECT_STREQ("euid: 0\n", r.out) TH_LOG("relaxed run did not gain root");
	}
}

/* Leaving the container's cgroup through cgroup.procs of its parent (or of the root) as the
 * container sees the hierarchy (cgroup.c's view). Relaxed: --privileged remounts that view
 * read-write (a bind remount: the host's superblocks keep their flags) and gets out. */
#define CGROUP_MOUNTS "awk '$9 ~ /^cgroup/ {print $5}' /proc/self/mountinfo"
#define CGROUP_TRY                                                                    \
	"for m in $(" CGROUP_MOUNTS "); do /root/escape_try cgroup $m/cgroup.procs; " \
	"/root/escape_try cgroup $m/../cgroup.procs; done; true"

static void cgroup_attempt(const char *relax, const char *script)
{
	static char helpers[512];
	const char *argv[] = { "run",	 "--rootfs", nbt_rootfs(),
			       "--bind", helpers,    relax ? relax : "--",
			       "--",	 "/bin/sh",  "-c",
			       script,	 NULL };

	snprintf(helpers, sizeof(helpers), "%s:/root:ro", nbt_helpers());
	if (!relax)
		memmove(&argv[5], &argv[6], 5 * sizeof(argv[0]));
	nbt_runv(&r, argv);
}

TEST_F(special, cgroup_parent_procs)
{
	cgroup_attempt(NULL, "[ -n \"$(" CGROUP_MOUNTS ")\" ] || echo no-cgroup; " CGROUP_TRY);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	if (!strcmp(r.out, "no-cgroup\n"))
		SKIP(return, "no cgroup filesystem inside the container (runtime/cgroup.c)");
	EXPECT_NE(NULL, strstr(r.out, "cgroup: errno")) TH_LOG("%s", r.out);
	EXPECT_EQ(NULL, strstr(r.out, "cgroup: ok")) TH_LOG("%s", r.out);
	cgroup_attempt(PRIVILEGED, "for m in $(" CGROUP_MOUNTS "); do "
				   "mount -o remount,bind,rw $m; done; " CGROUP_TRY);
	EXPECT_NE(NULL, strstr(r.out, "cgroup: ok")) TH_LOG("relaxed: %s %s", r.out, r.err);
}

/* --- a hostile image: its layers' symlinks and device nodes ---------------------------------- */

FIXTURE(image)
{
	char *dir;  /* the hostile top layer, on top of the busybox rootfs */
	char *host; /* a host directory a bind must not reach */
	char layers[PATH_MAX + 600];
	char *mounts_before;
};

FIXTURE_SETUP(image)
{
	char real[PATH_MAX];

	self->dir = nbt_tempdir("image");
	self->host = nbt_tempdir("host");
	ASSERT_NE(NULL, self->dir);
	ASSERT_NE(NULL, self->host);
	ASSERT_NE(NULL, realpath(nbt_rootfs(), real));
	snprintf(self->layers, sizeof(self->layers), "%s:%s", self->dir, real);
	self->mounts_before = nbt_mountinfo();
}

FIXTURE_TEARDOWN(image)
{
	char *now = nbt_mountinfo();

	EXPECT_STREQ(self->mounts_before, now); /* nothing left mounted on the host */
	free(now);
	free(self->mounts_before);
	nbt_rm_rf(self->dir);
	nbt_rm_rf(self->host);
}

static void layer_path(FIXTURE_DATA(image) * self, const char *name, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", self->dir, name);
}

#define PROC_SUPER_MAGIC 0x9fa0

/* What a mount onto the string path <root>/proc does when the image made proc a symlink: it
 * follows it. Shown in a mount namespace of this test's own, on the same two layers. */
static int naive_proc_lands_in(const char *layers, const char *merged, const char *landed)
{
	char options[PATH_MAX + 700];
	struct statfs sf;
	pid_t pid = fork();
	int ws;

	if (pid == 0) {
		snprintf(options, sizeof(options), "lowerdir=%s", layers);
		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("overlay", merged, "overlay", MS_RDONLY, options))
			_exit(2);
		snprintf(options, sizeof(options), "%s/proc", merged);
		if (mount("proc", options, "proc", 0, NULL))
			_exit(3);
		_exit(statfs(landed, &sf) || sf.f_type != PROC_SUPER_MAGIC);
	}
	if (pid < 0 || waitpid(pid, &ws, 0) != pid || !WIFEXITED(ws))
		return -1;
	return WEXITSTATUS(ws);
}

/* A layer whose /proc is a symlink into /sys: a path-based mount puts procfs in /sys/kernel
 * (where the masks and the read-only /proc/sys would then miss it); nestbox refuses the image. */
TEST_F(image, proc_symlink_into_sys_is_refused)
{
	char path[PATH_MAX + 100], merged[PATH_MAX + 100], landed[PATH_MAX + 200];

	layer_path(self, "sys", path, sizeof(path));
	ASSERT_EQ(0, mkdir(path, 0755));
	layer_path(self, "sys/kernel", path, sizeof(path));
	ASSERT_EQ(0, mkdir(path, 0755));
	layer_path(self, "proc", path, sizeof(path));
	ASSERT_EQ(0, symlink("sys/kernel", path));

	nbt_run(&r, "run", "--rootfs", self->layers, "--", "cat", "/proc/sys/kernel/hostname",
		NULL);
	EXPECT_EQ(125, r.status) TH_LOG("%s %s", r.out, r.err);
	EXPECT_STREQ("nestbox: mount target: /proc: goes through a symbolic link in the image "
		     "(nestbox never follows one for a mount target: name the real path)\n",
		     r.err);

	/* the hole, with the defence (resolving inside the root, no symlinks) off */
	snprintf(merged, sizeof(merged), "%s/merged", self->host);
	ASSERT_EQ(0, mkdir(merged, 0755));
	snprintf(landed, sizeof(landed), "%s/sys/kernel", merged);
	EXPECT_EQ(0, naive_proc_lands_in(self->layers, merged, landed))
	TH_LOG("a mount onto the string path did not follow the symlink: the test proves nothing");
}

/* An image whose /dev is a file, not a directory: refused, not mounted over. */
TEST_F(image, dev_that_is_not_a_directory_is_refused)
{
	char path[PATH_MAX + 100];

	layer_path(self, "dev", path, sizeof(path));
	ASSERT_EQ(0, nbt_write_file(path, "not a directory\n"));
	nbt_run(&r, "run", "--rootfs", self->layers, "--", "true", NULL);
	EXPECT_EQ(125, r.status) TH_LOG("%s %s", r.out, r.err);
	EXPECT_STREQ("nestbox: mount target: /dev: is not a directory in the image (refused: the "
		     "container's own filesystem goes there)\n",
		     r.err);
}

/* A --bind whose target goes through a symlink of the image to /oldroot/... (where the host's
 * root is while the container's is built): refused, nothing made on the host. */
TEST_F(image, bind_through_symlink_to_oldroot_is_refused)
{
	static char bind[PATH_MAX + 32];
	char path[PATH_MAX + 100], via[PATH_MAX + 100];

	layer_path(self, "data", path, sizeof(path));
	snprintf(via, sizeof(via), "/oldroot%s", self->host);
	ASSERT_EQ(0, symlink(via, path));
	snprintf(bind, sizeof(bind), "%s:/data/x/y:ro", nbt_helpers());
	nbt_run(&r, "run", "--rootfs", self->layers, "--bind", bind, "--", "true", NULL);
	EXPECT_EQ(125, r.status) TH_LOG("%s %s", r.out, r.err);
	EXPECT_STREQ("nestbox: bind target: /data/x/y: goes through a symbolic link in the image "
		     "(nestbox never follows one for a mount target: name the real path)\n",
		     r.err);
	EXPECT_EQ(0, nbt_count_entries(self->host)) TH_LOG("the bind made files on the host");
}

/* Device nodes shipped in a layer or a bound directory do not work (nodev): the container's
 * devices are its own /dev's. --privileged lifts it. */
TEST_F(image, device_nodes_in_layers_and_binds_do_not_work)
{
	static char bind[PATH_MAX + 32];
	const char *script = "for f in /nodes/zero /bound/zero; do head -c 4 $f >/dev/null 2>&1 "
			     "&& echo open || echo refused; done";
	char path[PATH_MAX + 100];

	layer_path(self, "nodes", path, sizeof(path));
	ASSERT_EQ(0, mkdir(path, 0755));
	layer_path(self, "nodes/zero", path, sizeof(path));
	ASSERT_EQ(0, mknod(path, S_IFCHR | 0666, makedev(1, 5)));
	snprintf(path, sizeof(path), "%s/zero", self->host);
	ASSERT_EQ(0, mknod(path, S_IFCHR | 0666, makedev(1, 5)));
	snprintf(bind, sizeof(bind), "%s:/bound", self->host);

	nbt_run(&r, "run", "--rootfs", self->layers, "--bind", bind, "--", "sh", "-c", script,
		NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("refused\nrefused\n", r.out);
	nbt_run(&r, "run", "--privileged", "--rootfs", self->layers, "--bind", bind, "--", "sh",
		"-c", script, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("open\nopen\n", r.out) TH_LOG("relaxed: the nodes did not work");
}

/* A masked file is an empty read-only file of nestbox's own: chmod and touch fail, and the
 * host's /dev/null (what masks used to bind, read-write: chmod there changed the host's) is
 * untouched. Before, /proc/keys and /proc/timer_list were the host's /dev/null. */
TEST_F(image, masked_file_is_read_only_and_not_the_hosts_null)
{
	struct stat before, after;

	ASSERT_EQ(0, stat("/dev/null", &before));
	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "--", "sh", "-c",
		"for f in /proc/timer_list /proc/kcore /proc/interrupts /proc/keys; do "
		"[ -e $f ] || continue; chmod 666 $f 2>&1; touch $f 2>&1; wc -c < $f; "
		"grep \" $f \" /proc/self/mountinfo | cut -d' ' -f6; done",
		NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "chmod")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "Read-only file system\n0\nro,nosuid,nodev,noexec"))
	TH_LOG("%s", r.out);
	ASSERT_EQ(0, stat("/dev/null", &after));
	EXPECT_EQ(before.st_ctim.tv_sec, after.st_ctim.tv_sec);
	EXPECT_EQ(before.st_ctim.tv_nsec, after.st_ctim.tv_nsec);
	EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
}

TEST_HARNESS_MAIN
