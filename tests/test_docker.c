/* docker run's spellings (issue 26): each flag by its effect inside the container (the mount's
 * type and flags in /proc/mounts, the limit file, the ulimit, the environment, the namespace),
 * relative paths taken as a shell would, and bad values and the docker flags nestbox does not
 * do refused with one line and exit 125, nothing left behind. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

static struct nbt_result r;

FIXTURE(dk)
{
	char *dir;
	char vol[PATH_MAX];
};

FIXTURE_SETUP(dk)
{
	char f[PATH_MAX + 8];

	self->dir = nbt_tempdir("dk");
	ASSERT_NE(NULL, self->dir);
	snprintf(self->vol, sizeof(self->vol), "%s/vol", self->dir);
	ASSERT_EQ(0, mkdir(self->vol, 0755));
	snprintf(f, sizeof(f), "%s/f", self->vol);
	ASSERT_LE(0, nbt_write_file(f, "hi\n"));
}

FIXTURE_TEARDOWN(dk)
{
	nbt_rm_rf(self->dir);
	free(self->dir);
}

/* nestbox run --rootfs ROOTFS OPTS -- sh -c script */
static int sh(const char *const *opts, const char *script)
{
	const char *cmd[] = { "sh", "-c", script, NULL };

	return nbt_run_container(&r, NULL, opts, cmd);
}

/* The line of /proc/mounts for mount point at, from r.out. */
static const char *mount_line(const char *at)
{
	static char line[512];
	char key[128];
	const char *p;

	snprintf(key, sizeof(key), " %s ", at);
	p = strstr(r.out, key);
	if (!p)
		return "";
	while (p > r.out && p[-1] != '\n')
		p--;
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
	return line;
}

TEST_F(dk, volume_options_are_the_mounts_flags)
{
	char v[PATH_MAX + 64];
	const char *opts[] = { "-v", v, NULL };

	snprintf(v, sizeof(v), "%s:/mnt:ro,nosuid,noexec,z", self->vol);
	ASSERT_EQ(0, sh(opts, "cat /mnt/f; cat /proc/mounts")) TH_LOG("%s", r.err);
	EXPECT_EQ(0, strncmp(r.out, "hi\n", 3)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(mount_line("/mnt"), " ro,")) TH_LOG("%s", mount_line("/mnt"));
	EXPECT_NE(NULL, strstr(mount_line("/mnt"), "nosuid")) TH_LOG("%s", mount_line("/mnt"));
	EXPECT_NE(NULL, strstr(mount_line("/mnt"), "noexec")) TH_LOG("%s", mount_line("/mnt"));

	/* without options: read-write, exec */
	snprintf(v, sizeof(v), "--volume=%s:/mnt", self->vol);
	opts[0] = v;
	opts[1] = NULL;
	ASSERT_EQ(0, sh(opts, "echo x > /mnt/w && cat /mnt/w; cat /proc/mounts"))
	TH_LOG("%s", r.err);
	EXPECT_EQ(0, strncmp(r.out, "x\n", 2)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(mount_line("/mnt"), " rw,")) TH_LOG("%s", mount_line("/mnt"));
	EXPECT_EQ(NULL, strstr(mount_line("/mnt"), "noexec")) TH_LOG("%s", mount_line("/mnt"));
}

TEST_F(dk, mount_type_bind_readonly)
{
	char m[PATH_MAX + 64];
	const char *opts[] = { "--mount", m, NULL };

	snprintf(m, sizeof(m), "type=bind,src=%s,destination=/data,readonly", self->vol);
	ASSERT_EQ(0, sh(opts, "cat /data/f; echo x > /data/w || echo refused; cat /proc/mounts"))
	TH_LOG("%s", r.err);
	EXPECT_EQ(0, strncmp(r.out, "hi\nrefused\n", 11)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(mount_line("/data"), " ro,")) TH_LOG("%s", mount_line("/data"));
}

/* docker's tmpfs: noexec, nosuid, nodev, its size; --mount type=tmpfs the same */
TEST_F(dk, tmpfs_and_mount_type_tmpfs)
{
	const char *opts[] = { "--tmpfs", "/run/x:size=1m,exec", "--mount",
			       "type=tmpfs,dst=/t,tmpfs-size=2097152,tmpfs-mode=0700", NULL };

	ASSERT_EQ(0, sh(opts, "stat -c %a /t; cat /proc/mounts")) TH_LOG("%s", r.err);
	EXPECT_EQ(0, strncmp(r.out, "700\n", 4)) TH_LOG("%s", r.out);
	EXPECT_EQ(0, strncmp(mount_line("/run/x"), "tmpfs /run/x tmpfs rw,nosuid,nodev,", 35))
	TH_LOG("%s", mount_line("/run/x"));
	EXPECT_NE(NULL, strstr(mount_line("/run/x"), "size=1024k")) TH_LOG("%s", r.out);
	EXPECT_EQ(NULL, strstr(mount_line("/run/x"), "noexec")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(mount_line("/t"), "nosuid,nodev,noexec")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(mount_line("/t"), "size=2048k")) TH_LOG("%s", r.out);
}

TEST_F(dk, short_h_is_the_hostname_and_v_is_not_verbose)
{
	const char *opts[] = { "-h", "dockerish", NULL };
	const char *verbose[] = { "--verbose", NULL };

	ASSERT_EQ(0, sh(opts, "hostname")) TH_LOG("%s", r.err);
	EXPECT_STREQ("dockerish\n", r.out);
	ASSERT_EQ(0, sh(verbose, "true")) TH_LOG("%s", r.err);
	EXPECT_LT(2, nbt_count_lines(r.err)) TH_LOG("--verbose says each step: %s", r.err);
	/* issue 26's first report: -v SRC:DST is a volume, never verbose and never the command */
	nbt_run(&r, "run", "--rootfs", nbt_rootfs(), "-v", "/tmp", "--", "true", NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "--volume: /tmp: not supported: volumes"))
	TH_LOG("%s", r.err);
	nbt_run(&r, "run", "-h", NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "-h: option needs a value")) TH_LOG("%s", r.err);
}

/* The rootfs, a volume's source and an env file, relative to the caller's directory; a
 * message quotes a relative path as it was given. */
TEST_F(dk, relative_paths_are_taken_from_the_current_directory)
{
	char rootfs[PATH_MAX], nestbox[PATH_MAX], env[PATH_MAX + 8], rel[2 * PATH_MAX] = "";
	const char *argv[] = { "run",
			       "--rootfs",
			       rel,
			       "-v",
			       "./vol:/mnt",
			       "--env-file",
			       "env",
			       "--",
			       "sh",
			       "-c",
			       "cat /mnt/f; echo $REL",
			       NULL };

	ASSERT_NE(NULL, realpath(nbt_rootfs(), rootfs));
	ASSERT_NE(NULL, realpath(nbt_nestbox(), nestbox));
	setenv("NESTBOX", nestbox, 1);
	snprintf(env, sizeof(env), "%s/env", self->dir);
	ASSERT_LE(0, nbt_write_file(env, "REL=yes\n"));
	ASSERT_EQ(0, chdir(self->dir));
	for (const char *p = self->dir; *p; p++) /* ../../ up to /, then the rootfs */
		if (*p == '/')
			strcat(rel, "../");
	strcat(rel, rootfs + 1);
	ASSERT_EQ(0, nbt_runv(&r, argv)) TH_LOG("%s: %s", rel, r.err);
	EXPECT_STREQ("hi\nyes\n", r.out);

	argv[2] = "no/such/layer";
	nbt_runv(&r, argv);
	EXPECT_EQ(125, r.status);
	EXPECT_STREQ("nestbox: --rootfs: no/such/layer: No such file or directory\n", r.err);
	argv[2] = rel;
	argv[4] = "./nothing:/mnt";
	nbt_runv(&r, argv);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, ": ./nothing: No such file")) TH_LOG("%s", r.err);
}

TEST_F(dk, env_file_in_dockers_format)
{
	char env[PATH_MAX + 8];
	const char *opts[] = { "--env-file", env, "-e", "AFTER=1", NULL };

	snprintf(env, sizeof(env), "%s/env", self->dir);
	ASSERT_LE(0, nbt_write_file(env, "# a comment\n\n  A=one two \nFROM_CALLER\nUNSET_HERE\n"
					 "B=x=y\r\n"));
	setenv("FROM_CALLER", "caller's", 1);
	unsetenv("UNSET_HERE");
	ASSERT_EQ(0, sh(opts, "echo \"[$A][$FROM_CALLER][$B][${UNSET_HERE-unset}][$AFTER]\""))
	TH_LOG("%s", r.err);
	EXPECT_STREQ("[one two ][caller's][x=y][unset][1]\n", r.out);
}

static bool have_memory_cgroup(void)
{
	return !access("/sys/fs/cgroup/cgroup.controllers", F_OK) ||
	       !access("/sys/fs/cgroup/memory", F_OK);
}

/* The limit files, seen through the container's cgroup view (v2, or v1 and hybrid). */
TEST_F(dk, cgroup_spellings_set_the_limit_files)
{
	const char *opts[] = {
		"-m", "64mb", "--pids-limit", "20", "--cpu-shares", "1024", "--cpuset-cpus",
		"0",  NULL
	};
	const char *script =
	    "cd /sys/fs/cgroup; if [ -f memory.max ]; then cat memory.max pids.max cpu.weight "
	    "cpuset.cpus; else cat memory/memory.limit_in_bytes pids/pids.max cpu/cpu.shares "
	    "cpuset/cpuset.cpus; fi";

	if (!have_memory_cgroup())
		SKIP(return, "no cgroup memory controller");
	ASSERT_EQ(0, sh(opts, script)) TH_LOG("%s", r.err);
	/* v2: docker's 1024 shares are weight 39 (runc's conversion); v1: 39 back to 998 */
	EXPECT_TRUE(!strcmp(r.out, "67108864\n20\n39\n0\n") ||
		    !strcmp(r.out, "67108864\n20\n998\n0\n"))
	TH_LOG("%s", r.out);
}

TEST_F(dk, memory_units_swap_minus_one_and_pids_limit_zero)
{
	const char *opts[] = {
		"--memory", "1GiB", "--memory-swap", "-1", "--pids-limit", "0", NULL
	};
	/* v2: no limit means the pids controller is not enabled for the group, so no pids.max:
	 * the kernel's word for that is "max" */
	const char *script = "cd /sys/fs/cgroup; if [ -f memory.max ]; then cat memory.max; "
			     "cat pids.max 2>/dev/null || echo max; "
			     "else cat memory/memory.limit_in_bytes pids/pids.max; fi";

	if (!have_memory_cgroup())
		SKIP(return, "no cgroup memory controller");
	ASSERT_EQ(0, sh(opts, script)) TH_LOG("%s", r.err);
	EXPECT_STREQ("1073741824\nmax\n", r.out);
}

TEST_F(dk, ulimit_is_the_workloads_rlimit)
{
	const char *opts[] = { "--ulimit", "nofile=100:200", NULL };

	ASSERT_EQ(0, sh(opts, "ulimit -n; ulimit -Hn")) TH_LOG("%s", r.err);
	EXPECT_STREQ("100\n200\n", r.out);
}

static void host_ns(const char *ns, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", ns);
	n = readlink(path, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
}

TEST_F(dk, pid_ipc_uts_network_host_share_the_hosts_namespaces)
{
	const char *opts[] = { "--pid", "host",	     "--ipc", "host", "--uts",
			       "host",	"--network", "host",  NULL };
	const char *none[] = { "--network", "none", NULL };
	const char *script = "for n in pid ipc uts net; do readlink /proc/self/ns/$n; done";
	char want[512], ns[4][64];
	const char *names[] = { "pid", "ipc", "uts", "net" };

	for (int i = 0; i < 4; i++)
		host_ns(names[i], ns[i], sizeof(ns[i]));
	snprintf(want, sizeof(want), "%s\n%s\n%s\n%s\n", ns[0], ns[1], ns[2], ns[3]);
	ASSERT_EQ(0, sh(opts, script)) TH_LOG("%s", r.err);
	EXPECT_STREQ(want, r.out);
	ASSERT_EQ(0, sh(none, script)) TH_LOG("%s", r.err);
	for (int i = 0; i < 4; i++) { /* without them: its own */
		EXPECT_EQ(NULL, strstr(r.out, ns[i])) TH_LOG("%s: %s", names[i], r.out);
	}
}

TEST_F(dk, security_opt_no_new_privileges_and_seccomp)
{
	const char *nnp_off[] = { "--security-opt", "no-new-privileges=false", NULL };
	const char *nnp_on[] = { "--security-opt", "no-new-privileges", NULL };
	const char *unconfined[] = { "--security-opt", "seccomp=unconfined", NULL };

	ASSERT_EQ(0, sh(nnp_off, "grep NoNewPrivs /proc/self/status")) TH_LOG("%s", r.err);
	EXPECT_STREQ("NoNewPrivs:\t0\n", r.out);
	ASSERT_EQ(0, sh(nnp_on, "grep NoNewPrivs /proc/self/status")) TH_LOG("%s", r.err);
	EXPECT_STREQ("NoNewPrivs:\t1\n", r.out);
	ASSERT_EQ(0, sh(unconfined, "grep ^Seccomp: /proc/self/status")) TH_LOG("%s", r.err);
	EXPECT_STREQ("Seccomp:\t0\n", r.out);
	ASSERT_EQ(0, sh(NULL, "grep ^Seccomp: /proc/self/status")) TH_LOG("%s", r.err);
	EXPECT_STREQ("Seccomp:\t2\n", r.out); /* the default filter, for comparison */
}

/* --rm, --init, -i, --stop-timeout are accepted: a run keeps nothing, always has an init */
TEST_F(dk, accepted_flags_run_quietly)
{
	const char *opts[] = { "--rm", "--init", "-i", "--stop-timeout", "1", NULL };

	ASSERT_EQ(0, sh(opts, "cat /proc/1/cmdline | tr '\\0' ' '; echo")) TH_LOG("%s", r.err);
	EXPECT_EQ(NULL, strstr(r.out, "sh -c")) TH_LOG("PID 1 is the init, not sh: %s", r.out);
	EXPECT_STREQ("", r.err);
}

/* nestbox run --rootfs LAYER:ROOTFS OPTS -- sh -c script: an image layer of the test's own. */
static int sh_layer(const char *layer, const char *const *opts, const char *script)
{
	const char *argv[32];
	char layers[2 * PATH_MAX + 2];
	int n = 0;

	snprintf(layers, sizeof(layers), "%s:%s", layer, nbt_rootfs());
	argv[n++] = "run";
	argv[n++] = "--rootfs";
	argv[n++] = layers;
	for (int i = 0; opts && opts[i] && n < 26; i++)
		argv[n++] = opts[i];
	argv[n++] = "--";
	argv[n++] = "sh";
	argv[n++] = "-c";
	argv[n++] = script;
	argv[n] = NULL;
	return nbt_runv(&r, argv);
}

/* dir/etc, made, with file := text; "@target" makes file a symlink to target instead. */
static void image_file(const char *dir, const char *file, const char *text)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/etc", dir);
	mkdir(dir, 0755);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/etc/%s", dir, file);
	if (text[0] == '@')
		symlink(text + 1, path);
	else
		nbt_write_file(path, text);
}

/* -u NAME:GROUP and --group-add NAME|GID from the image's /etc/passwd and /etc/group, read
 * inside the container's root: the image's absolute symlink resolves there. */
TEST_F(dk, user_and_group_names_from_the_images_files)
{
	const char *opts[] = {
		"-u", "bob:staff", "--group-add", "wheel", "--group-add", "7", NULL
	};
	const char *nobody[] = { "-u", "nobody", NULL };
	char layer[PATH_MAX];

	snprintf(layer, sizeof(layer), "%s/img", self->dir);
	image_file(layer, "passwd.img",
		   "root:x:0:0::/root:/bin/sh\nbob:x:1234:1234::/home/bob:/bin/sh\n");
	image_file(layer, "passwd", "@/etc/passwd.img");
	image_file(layer, "group", "staff:x:50:\nwheel:x:10:bob\n");
	ASSERT_EQ(0, sh_layer(layer, opts, "id -u; id -g; id -G; echo $HOME")) TH_LOG("%s", r.err);
	EXPECT_STREQ("1234\n50\n50 7 10\n/home/bob\n", r.out);
	/* the image's own files: nobody is 65534, its group the passwd entry's */
	ASSERT_EQ(0, sh(nobody, "id -u; id -g; id -G")) TH_LOG("%s", r.err);
	EXPECT_STREQ("65534\n65534\n65534\n", r.out);
}

/* An image whose /etc/passwd is a /proc magic link to the host's root (with --pid host,
 * /proc/1/root is the host's /) gets no user from the host's file. */
TEST_F(dk, user_names_never_read_through_a_magic_link_out_of_the_root)
{
	const char *opts[] = { "--pid", "host", "-u", "evil", NULL };
	char layer[PATH_MAX], host_file[PATH_MAX + 8], link[2 * PATH_MAX];

	snprintf(host_file, sizeof(host_file), "%s/hostpw", self->dir);
	ASSERT_LE(0, nbt_write_file(host_file, "evil:x:4242:4242::/:/bin/sh\n"));
	snprintf(layer, sizeof(layer), "%s/img", self->dir);
	snprintf(link, sizeof(link), "@/proc/1/root%s", host_file);
	image_file(layer, "passwd", link);
	EXPECT_EQ(125, sh_layer(layer, opts, "id -u"));
	EXPECT_NE(NULL,
		  strstr(r.err, "nestbox: --user: evil: no such user in the image's /etc/passwd"))
	TH_LOG("%s", r.err);
	EXPECT_STREQ("", r.out);
}

/* --add-host lines in /etc/hosts; --dns-search and --dns-option replace resolv.conf's search
 * and options lines, "." as the search domain meaning none. */
TEST_F(dk, add_host_dns_search_and_dns_option_in_the_etc_files)
{
	const char *opts[] = {
		"--add-host",	"db:10.0.0.5",	"--add-host",  "v6=fd00::1",   "--dns",
		"10.0.0.53",	"--dns-search", "example.com", "--dns-search", "corp",
		"--dns-option", "ndots:2",	NULL
	};
	const char *none[] = {
		"--dns", "10.0.0.53", "--dns-search", ".", "--dns-opt", "edns0", NULL
	};

	ASSERT_EQ(
	    0, sh(opts, "grep -v localhost /etc/hosts | grep -v 127.0.1.1; cat /etc/resolv.conf"))
	TH_LOG("%s", r.err);
	EXPECT_STREQ("10.0.0.5\tdb\nfd00::1\tv6\nnameserver 10.0.0.53\nsearch example.com corp\n"
		     "options ndots:2\n",
		     r.out);
	ASSERT_EQ(0, sh(none, "cat /etc/resolv.conf")) TH_LOG("%s", r.err);
	EXPECT_STREQ("nameserver 10.0.0.53\noptions edns0\n", r.out);
}

/* --ip6 is eth0's IPv6 address (an --ip that must be IPv6). */
TEST_F(dk, ip6_is_eth0s_ipv6_address)
{
	const char *opts[] = { "--net", "veth",		 "--name", "nbt-dk-ip6",
			       "--ip6", "fd00:26::2/64", NULL };

	if (access("/proc/net/if_inet6", F_OK))
		SKIP(return, "the kernel has no IPv6");
	if (sh(opts, "grep eth0 /proc/net/if_inet6 | cut -d' ' -f1") == 125 &&
	    strstr(r.err, "veth"))
		SKIP(return, "the kernel has no veth");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "fd000026000000000000000000000002\n")) TH_LOG("%s", r.out);
}

/* A whole disk of this machine whose node is in /dev ("/dev/vda"), or "". */
static const char *whole_disk(void)
{
	static char dev[64];
	char line[256], name[32], part[128];
	FILE *f = fopen("/proc/partitions", "r");
	unsigned maj, min;

	dev[0] = '\0';
	while (f && !dev[0] && fgets(line, sizeof(line), f))
		if (sscanf(line, "%u %u %*u %31s", &maj, &min, name) == 3) {
			snprintf(part, sizeof(part), "/sys/dev/block/%u:%u/partition", maj, min);
			snprintf(dev, sizeof(dev), "/dev/%s", name);
			if (!access(part, F_OK) || access(dev, F_OK) || !strncmp(name, "zram", 4))
				dev[0] = '\0';
		}
	if (f)
		fclose(f);
	return dev;
}

/* --memory-reservation is memory.low (v1: the soft limit); --device-read-bps and
 * --device-write-iops are io.max (v1: the blkio throttle files) of the node's device. */
TEST_F(dk, memory_reservation_and_device_limits_set_the_limit_files)
{
	const char *dev = whole_disk();
	char rbps[80], wiops[80];
	const char *opts[] = { "--memory-reservation",
			       "32m",
			       "--device-read-bps",
			       rbps,
			       "--device-write-iops",
			       wiops,
			       NULL };
	const char *script =
	    "cd /sys/fs/cgroup; if [ -f memory.low ]; then cat memory.low; grep -v '^$' io.max; "
	    "else cat memory/memory.soft_limit_in_bytes blkio/blkio.throttle.read_bps_device "
	    "blkio/blkio.throttle.write_iops_device; fi";
	struct stat st;
	char v2[128], v1[128];

	if (!have_memory_cgroup())
		SKIP(return, "no cgroup memory controller");
	if (!dev[0] || stat(dev, &st))
		SKIP(return, "no whole disk in /dev");
	snprintf(rbps, sizeof(rbps), "%s:1mb", dev);
	snprintf(wiops, sizeof(wiops), "%s:100", dev);
	ASSERT_EQ(0, sh(opts, script)) TH_LOG("%s", r.err);
	snprintf(v2, sizeof(v2), "33554432\n%u:%u rbps=1048576 wbps=max riops=max wiops=100\n",
		 major(st.st_rdev), minor(st.st_rdev));
	snprintf(v1, sizeof(v1), "33554432\n%u:%u 1048576\n%u:%u 100\n", major(st.st_rdev),
		 minor(st.st_rdev), major(st.st_rdev), minor(st.st_rdev));
	EXPECT_TRUE(!strcmp(r.out, v2) || !strcmp(r.out, v1)) TH_LOG("%s", r.out);
}

/* --cgroup-parent P: the group is P/NAME, below nestbox's own group, removed at the end. */
TEST_F(dk, cgroup_parent_is_the_groups_parent)
{
	const char *opts[] = { "--cgroup-parent",
			       "nbt-dk-parent",
			       "--name",
			       "nbt-dk-child",
			       "--ns",
			       "mnt,pid,uts,ipc,net",
			       "--pids-limit",
			       "9",
			       NULL };

	if (!have_memory_cgroup())
		SKIP(return, "no cgroup controllers");
	ASSERT_EQ(0, sh(opts, "grep pids /proc/self/cgroup || grep ^0:: /proc/self/cgroup"))
	TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "/nbt-dk-parent/nbt-dk-child\n")) TH_LOG("%s", r.out);
	EXPECT_EQ(0, nbt_cgroup_named("nbt-dk-parent"));
}

static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f && !fgets(buf, (int)size, f))
		buf[0] = '\0';
	if (f)
		fclose(f);
}

/* --sysctl writes the container's own namespaces' files (net.*, kernel.shm*), never the
 * host's; --oom-score-adj is the container's first process's, the workload's by inheritance. */
TEST_F(dk, sysctl_and_oom_score_adj_inside_the_container_only)
{
	const char *opts[] = { "--sysctl",
			       "net.ipv4.ip_forward=1",
			       "--sysctl",
			       "kernel.shmmax=123456",
			       "--oom-score-adj",
			       "500",
			       NULL };
	char fwd[32], shm[64], fwd_after[32], shm_after[64];

	read_line("/proc/sys/net/ipv4/ip_forward", fwd, sizeof(fwd));
	read_line("/proc/sys/kernel/shmmax", shm, sizeof(shm));
	ASSERT_EQ(0, sh(opts, "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax "
			      "/proc/self/oom_score_adj /proc/1/oom_score_adj"))
	TH_LOG("%s", r.err);
	EXPECT_STREQ("1\n123456\n500\n500\n", r.out);
	read_line("/proc/sys/net/ipv4/ip_forward", fwd_after, sizeof(fwd_after));
	read_line("/proc/sys/kernel/shmmax", shm_after, sizeof(shm_after));
	EXPECT_STREQ(fwd, fwd_after);
	EXPECT_STREQ(shm, shm_after);
}

/* --stop-signal: a TERM to the reaper reaches the workload as that signal, and what remains
 * after the workload gets it in place of TERM. */
TEST_F(dk, stop_signal_is_the_workloads_term)
{
	const char *quit[] = { "--stop-signal", "SIGQUIT", NULL };
	const char *usr1[] = { "--stop-signal", "usr1", NULL };

	ASSERT_EQ(0, sh(quit, "trap 'echo quit; exit 0' QUIT; trap 'echo term; exit 0' TERM; "
			      "kill -TERM 1; sleep 5 & wait"))
	TH_LOG("%s", r.err);
	EXPECT_STREQ("quit\n", r.out);
	ASSERT_EQ(0, sh(usr1,
			"sh -c 'trap \"echo usr1; exit 0\" USR1; : > /tmp/set; sleep 5 & wait' & "
			"while [ ! -e /tmp/set ]; do sleep 0.05; done; exit 0"))
	TH_LOG("%s", r.err);
	EXPECT_STREQ("usr1\n", r.out);
}

/* --cidfile: the name written there once the container is created; a file there already is
 * refused, and a run that fails to start leaves none. */
TEST_F(dk, cidfile_holds_the_name)
{
	char cid[PATH_MAX + 8], text[128];
	const char *opts[] = { "--name", "nbt-dk-cid", "--cidfile", cid, NULL };
	const char *bad[] = { "--cidfile", cid, "--workdir", "rel", NULL };

	snprintf(cid, sizeof(cid), "%s/cid", self->dir);
	ASSERT_EQ(0, sh(opts, "true")) TH_LOG("%s", r.err);
	read_line(cid, text, sizeof(text));
	EXPECT_STREQ("nbt-dk-cid", text);
	EXPECT_EQ(125, sh(opts, "true"));
	EXPECT_NE(NULL, strstr(r.err, "--cidfile: ")) TH_LOG("%s", r.err);
	ASSERT_EQ(0, unlink(cid));
	EXPECT_EQ(125, sh(bad, "true"));
	EXPECT_NE(0, access(cid, F_OK));
}

/* --device: the host's node over the container's /dev, device access allowed there (tun's
 * read says EBADFD, "not attached": the open went through); without it no such node. */
TEST_F(dk, device_is_the_hosts_node_in_the_containers_dev)
{
	const char *opts[] = { "--device", "/dev/net/tun", "--device", "/dev/null:/dev/other:rwm",
			       NULL };
	const char *script = "cat /dev/net/tun 2>&1; grep -c ' /dev/net/tun .*nodev' "
			     "/proc/self/mountinfo; ls /dev/other";

	if (access("/dev/net/tun", F_OK))
		SKIP(return, "no /dev/net/tun on this host");
	sh(opts, script);
	EXPECT_STREQ("cat: read error: File descriptor in bad state\n0\n/dev/other\n", r.out)
	TH_LOG("%s", r.err);
	sh(NULL, "ls /dev/net/tun");
	EXPECT_NE(0, r.status);
}

/* --- refused ----------------------------------------------------------------------------- */

FIXTURE(refused)
{
	char *mounts;
	char *tmp;
};

FIXTURE_VARIANT(refused)
{
	const char *args[6];
	const char *says;
};

FIXTURE_SETUP(refused)
{
	self->mounts = nbt_mountinfo();
	self->tmp = nbt_tempdir("dkr");
	setenv("TMPDIR", self->tmp, 1);
}

FIXTURE_TEARDOWN(refused)
{
	free(self->mounts);
	nbt_rm_rf(self->tmp);
	free(self->tmp);
}

/* clang-format off */
FIXTURE_VARIANT_ADD(refused, named_volume) {
	.args = { "-v", "data:/data" }, .says = "--volume: data:/data: not supported: volumes" };
FIXTURE_VARIANT_ADD(refused, volume_relative_target) {
	.args = { "-v", "/tmp:mnt" }, .says = "--volume: /tmp:mnt: needs an absolute target" };
FIXTURE_VARIANT_ADD(refused, volume_propagation) {
	.args = { "-v", "/tmp:/mnt:rshared" }, .says = "--volume: /tmp:/mnt:rshared: not supported: every mount is private" };
FIXTURE_VARIANT_ADD(refused, volume_bad_option) {
	.args = { "-v", "/tmp:/mnt:rx" }, .says = "--volume: /tmp:/mnt:rx: unknown mount option" };
FIXTURE_VARIANT_ADD(refused, volume_missing_source) {
	.args = { "-v", "/no/such/dir:/mnt" }, .says = "/no/such/dir: No such file" };
FIXTURE_VARIANT_ADD(refused, mount_volume) {
	.args = { "--mount", "type=volume,source=x,target=/x" }, .says = "--mount: type=volume,source=x,target=/x: not supported: volumes" };
FIXTURE_VARIANT_ADD(refused, mount_bad_key) {
	.args = { "--mount", "type=bind,src=/tmp,dst=/x,bogus=1" }, .says = "--mount: type=bind,src=/tmp,dst=/x,bogus=1: expected" };
FIXTURE_VARIANT_ADD(refused, mount_no_source) {
	.args = { "--mount", "type=bind,target=/x" }, .says = "not supported: volumes" };
FIXTURE_VARIANT_ADD(refused, tmpfs_relative) {
	.args = { "--tmpfs", "run" }, .says = "--tmpfs: run: needs an absolute target" };
FIXTURE_VARIANT_ADD(refused, tmpfs_bad_size) {
	.args = { "--tmpfs", "/run:size=lots" }, .says = "/run" };
FIXTURE_VARIANT_ADD(refused, missing_env_file) {
	.args = { "--env-file", "no/such/env" }, .says = "--env-file: no/such/env: No such file" };
FIXTURE_VARIANT_ADD(refused, bad_memory) {
	.args = { "-m", "lots" }, .says = "--memory: lots: expected a size" };
FIXTURE_VARIANT_ADD(refused, bad_pids_limit) {
	.args = { "--pids-limit", "1x" }, .says = "--pids-limit: 1x: expected a number" };
FIXTURE_VARIANT_ADD(refused, bad_cpu_shares) {
	.args = { "--cpu-shares", "300000" }, .says = "--cpu-shares: 300000: expected 0 to 262144" };
FIXTURE_VARIANT_ADD(refused, bad_cpuset_cpus) {
	.args = { "--cpuset-cpus", "0-" }, .says = "--cpuset-cpus: 0-: expected a list" };
FIXTURE_VARIANT_ADD(refused, bad_ulimit) {
	.args = { "--ulimit", "bogus=1" }, .says = "--ulimit: bogus=1: unknown resource" };
FIXTURE_VARIANT_ADD(refused, bad_stop_timeout) {
	.args = { "--stop-timeout", "-1" }, .says = "--stop-timeout: -1: expected whole seconds" };
FIXTURE_VARIANT_ADD(refused, network_bridge) {
	.args = { "--network", "bridge" }, .says = "--network: bridge: expected none, host or veth" };
FIXTURE_VARIANT_ADD(refused, pid_container) {
	.args = { "--pid", "container:x" }, .says = "--pid: container:x: expected host" };
FIXTURE_VARIANT_ADD(refused, security_opt) {
	.args = { "--security-opt", "apparmor=x" }, .says = "--security-opt: apparmor=x: expected no-new-privileges" };
FIXTURE_VARIANT_ADD(refused, security_opt_bad_bool) {
	.args = { "--security-opt", "no-new-privileges=maybe" }, .says = "--security-opt: no-new-privileges=maybe: expected" };
FIXTURE_VARIANT_ADD(refused, security_opt_missing_seccomp_file) {
	.args = { "--security-opt", "seccomp=no/such.policy" }, .says = "--security-opt: no/such.policy: No such file" };
FIXTURE_VARIANT_ADD(refused, publish) {
	.args = { "-p", "8080:80" }, .says = "--publish: 8080:80: not supported: no ports; use --net veth and --ip" };
FIXTURE_VARIANT_ADD(refused, publish_long) {
	.args = { "--publish=8080:80" }, .says = "--publish: 8080:80: not supported: no ports" };
FIXTURE_VARIANT_ADD(refused, restart) {
	.args = { "--restart", "always" }, .says = "--restart: always: not supported: boot mode restarts (boot.conf restart=)" };
FIXTURE_VARIANT_ADD(refused, entrypoint) {
	.args = { "--entrypoint", "sh" }, .says = "--entrypoint: sh: not supported: no images" };
FIXTURE_VARIANT_ADD(refused, gpus) {
	.args = { "--gpus", "all" }, .says = "--gpus: all: not supported: bind the device nodes" };
FIXTURE_VARIANT_ADD(refused, health_cmd) {
	.args = { "--health-cmd", "true" }, .says = "--health-cmd: true: not supported: no health checks" };
FIXTURE_VARIANT_ADD(refused, health_interval) {
	.args = { "--health-interval=5s" }, .says = "--health-interval: 5s: not supported: no health checks" };
FIXTURE_VARIANT_ADD(refused, log_driver) {
	.args = { "--log-driver", "none" }, .says = "--log-driver: none: not supported: no log drivers" };
FIXTURE_VARIANT_ADD(refused, detach_with_tty) {
	.args = { "-d", "-t" }, .says = "run -d: -t: a detached run has no terminal to relay to" };
FIXTURE_VARIANT_ADD(refused, user_two_colons) {
	.args = { "-u", "a:b:c" }, .says = "--user: a:b:c: expected UID|NAME[:GID|GROUP]" };
FIXTURE_VARIANT_ADD(refused, user_not_in_the_image) {
	.args = { "-u", "nosuchuser" }, .says = "--user: nosuchuser: no such user in the image's /etc/passwd" };
FIXTURE_VARIANT_ADD(refused, group_add_not_in_the_image) {
	.args = { "--group-add", "nosuchgroup" }, .says = "--group-add: nosuchgroup: no such group in the image's /etc/group" };
FIXTURE_VARIANT_ADD(refused, group_add_empty) {
	.args = { "--group-add", "" }, .says = "--group-add: : expected a GID or a group name" };
FIXTURE_VARIANT_ADD(refused, add_host_no_ip) {
	.args = { "--add-host", "db" }, .says = "--add-host: db: expected HOST:IP" };
FIXTURE_VARIANT_ADD(refused, add_host_bad_ip) {
	.args = { "--add-host", "db:10.0.0" }, .says = "--add-host: db:10.0.0: expected an IPv4 or IPv6 address" };
FIXTURE_VARIANT_ADD(refused, add_host_gateway) {
	.args = { "--add-host", "h:host-gateway" }, .says = "--add-host: h:host-gateway: not supported: give the address" };
FIXTURE_VARIANT_ADD(refused, dns_search_blank) {
	.args = { "--dns-search", "a b" }, .says = "--dns-search: a b: expected one word" };
FIXTURE_VARIANT_ADD(refused, ip6_ipv4) {
	.args = { "--ip6", "10.0.0.2/24" }, .says = "--ip6: 10.0.0.2/24: not an IPv6 address" };
FIXTURE_VARIANT_ADD(refused, memory_reservation_above_memory) {
	.args = { "--memory-reservation", "64m", "-m", "32m" }, .says = "--memory-reservation: must be at most --memory" };
FIXTURE_VARIANT_ADD(refused, bad_memory_reservation) {
	.args = { "--memory-reservation", "lots" }, .says = "--memory-reservation: lots: expected a size" };
FIXTURE_VARIANT_ADD(refused, device_bps_not_a_block_device) {
	.args = { "--device-read-bps", "/dev/null:1mb" }, .says = "--device-read-bps: /dev/null: not a block device" };
FIXTURE_VARIANT_ADD(refused, device_iops_missing) {
	.args = { "--device-write-iops", "/dev/nosuchdisk:10" }, .says = "--device-write-iops: /dev/nosuchdisk: No such file" };
FIXTURE_VARIANT_ADD(refused, device_bps_no_rate) {
	.args = { "--device-write-bps", "/dev/null" }, .says = "--device-write-bps: /dev/null: expected DEVICE:RATE" };
FIXTURE_VARIANT_ADD(refused, cgroup_parent_dotdot) {
	.args = { "--cgroup-parent", "../x" }, .says = "--cgroup-parent: ../x: '..' is not allowed" };
FIXTURE_VARIANT_ADD(refused, sysctl_not_namespaced) {
	.args = { "--sysctl", "kernel.panic=1" }, .says = "--sysctl: kernel.panic=1: not a namespaced key: it would change the host" };
FIXTURE_VARIANT_ADD(refused, sysctl_net_with_host_network) {
	.args = { "--net", "host", "--sysctl", "net.ipv4.ip_forward=1" }, .says = "--sysctl: net.ipv4.ip_forward=1: needs the container's own namespace" };
FIXTURE_VARIANT_ADD(refused, sysctl_ipc_with_host_ipc) {
	.args = { "--ipc", "host", "--sysctl", "kernel.shmmax=1" }, .says = "--sysctl: kernel.shmmax=1: needs the container's own namespace" };
FIXTURE_VARIANT_ADD(refused, sysctl_no_value) {
	.args = { "--sysctl", "net.ipv4.ip_forward" }, .says = "--sysctl: net.ipv4.ip_forward: expected KEY=VALUE" };
FIXTURE_VARIANT_ADD(refused, sysctl_dotdot) {
	.args = { "--sysctl", "net..x=1" }, .says = "--sysctl: net..x=1: expected KEY=VALUE" };
FIXTURE_VARIANT_ADD(refused, sysctl_unknown_key) {
	.args = { "--sysctl", "net.nosuch=1" }, .says = "--sysctl: net.nosuch=1: no such key in this kernel" };
FIXTURE_VARIANT_ADD(refused, oom_score_adj_range) {
	.args = { "--oom-score-adj", "1001" }, .says = "--oom-score-adj: 1001: expected -1000 to 1000" };
FIXTURE_VARIANT_ADD(refused, stop_signal_unknown) {
	.args = { "--stop-signal", "SIGNOPE" }, .says = "--stop-signal: SIGNOPE: expected a signal" };
FIXTURE_VARIANT_ADD(refused, stop_signal_range) {
	.args = { "--stop-signal", "65" }, .says = "--stop-signal: 65: expected a signal" };
FIXTURE_VARIANT_ADD(refused, device_not_a_node) {
	.args = { "--device", "/etc/passwd" }, .says = "--device: /etc/passwd: not a device node of the host" };
FIXTURE_VARIANT_ADD(refused, device_read_only) {
	.args = { "--device", "/dev/null:/dev/null:r" }, .says = "--device: /dev/null:/dev/null:r: not supported: rwm only" };
FIXTURE_VARIANT_ADD(refused, device_relative_target) {
	.args = { "--device", "/dev/null:null" }, .says = "--device: /dev/null:null: needs an absolute target" };
FIXTURE_VARIANT_ADD(refused, not_docker_either) {
	.args = { "--frobnicate" }, .says = "run: --frobnicate: unknown option" };
/* clang-format on */

TEST_F(refused, exits_125_with_one_line_and_leaves_nothing)
{
	const char *argv[16];
	char *after;
	int n = 0;

	argv[n++] = "run";
	argv[n++] = "--rootfs";
	argv[n++] = nbt_rootfs();
	for (int i = 0; variant->args[i]; i++)
		argv[n++] = variant->args[i];
	argv[n++] = "--";
	argv[n++] = "true";
	argv[n] = NULL;
	nbt_runv(&r, argv);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("stderr: %s", r.err);
	EXPECT_NE(NULL, strstr(r.err, variant->says)) TH_LOG("stderr: %s", r.err);
	EXPECT_EQ(0, strncmp(r.err, "nestbox: ", 9)) TH_LOG("stderr: %s", r.err);
	after = nbt_mountinfo();
	ASSERT_NE(NULL, after);
	EXPECT_STREQ(self->mounts, after);
	free(after);
	EXPECT_EQ(0, nbt_count_entries(self->tmp));
}

TEST_HARNESS_MAIN
