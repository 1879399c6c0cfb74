/* --net none|host|veth: the pair, addresses (IPv4 and IPv6), routes, lo, bridges, /etc files,
 * bad input, and nothing left behind. Every test runs in a network namespace of its own made
 * in FIXTURE_SETUP (the "host" side is that throwaway namespace, never the machine's): no
 * packet leaves loopback and these namespaces. Host-side tools are the rootfs's busybox. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

#define MAX_SPAWNED 4

/* Host-side busybox command (sh -c), in the test's namespace; returns its exit status. */
static int bb(const char *fmt, ...)
{
	char cmd[1024], busybox[4096];
	va_list ap;
	pid_t pid;
	int ws;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(busybox, sizeof(busybox), "%s/bin/busybox", nbt_rootfs());
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		setenv("BB", busybox, 1);
		execl(busybox, "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &ws, 0) != pid)
		return -1;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

/* Same, capturing stdout into out. */
static int bb_out(char *out, size_t size, const char *cmd)
{
	char path[64];
	int rc;

	snprintf(path, sizeof(path), "/tmp/nbt-net-out.%d", (int)getpid());
	rc = bb("%s >%s 2>&1", cmd, path);
	if (nbt_read_file(path, out, size) < 0)
		out[0] = '\0';
	unlink(path);
	return rc;
}

/* snprintf into a PATH_MAX buffer. */
__attribute__((format(printf, 2, 3))) static char *fmt(char *buf, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, PATH_MAX, f, ap);
	va_end(ap);
	return buf;
}

static int count_interfaces(void)
{
	struct if_nameindex *list = if_nameindex(), *p;
	int n = 0;

	if (!list)
		return -1;
	for (p = list; p->if_index; p++)
		n++;
	if_freenameindex(list);
	return n;
}

/* Wait up to ms for an interface to disappear; true when it is gone. */
static bool gone_within(const char *name, long ms)
{
	for (long t = 0; t <= ms; t += 20) {
		if (!if_nametoindex(name))
			return true;
		nbt_sleep_ms(20);
	}
	return false;
}

FIXTURE(net)
{
	char *dir;
	char log[4096];
	int ifaces_before;
	pid_t spawned[MAX_SPAWNED];
	int n_spawned;
};

FIXTURE_SETUP(net)
{
	if (geteuid())
		SKIP(return, "needs root");
	/* The test's own "host" namespace: everything below lives and dies with this process. */
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, bb("$BB ip link set lo up"));
	if (bb("$BB ip link add nbtprobe0 type veth peer name nbtprobe1"))
		SKIP(return, "the kernel has no veth (load the veth module)");
	ASSERT_EQ(0, bb("$BB ip link del nbtprobe0"));
	self->dir = nbt_tempdir("net");
	ASSERT_NE(NULL, self->dir);
	snprintf(self->log, sizeof(self->log), "%s/log", self->dir);
	self->ifaces_before = count_interfaces();
	ASSERT_EQ(1, self->ifaces_before); /* lo */
}

FIXTURE_TEARDOWN(net)
{
	/* nestbox's death takes its container along (PR_SET_PDEATHSIG) */
	for (int i = 0; i < self->n_spawned; i++) {
		kill(self->spawned[i], SIGKILL);
		waitpid(self->spawned[i], NULL, 0);
	}
	if (self->dir)
		nbt_rm_rf(self->dir);
}

static pid_t spawn(FIXTURE_DATA(net) * self, const char *log, const char *const *argv)
{
	pid_t pid = nbt_spawn(argv, log);

	if (pid > 0 && self->n_spawned < MAX_SPAWNED)
		self->spawned[self->n_spawned++] = pid;
	return pid;
}

/* Wait up to 10 s for "READY" in a spawned container's log. */
static bool ready(const char *log)
{
	char buf[8192];

	for (int t = 0; t < 500; t++) {
		if (nbt_read_file(log, buf, sizeof(buf)) > 0 && strstr(buf, "READY"))
			return true;
		nbt_sleep_ms(20);
	}
	return false;
}

/* SIGTERM to nestbox (forwarded to the container), then its exit status. */
static int stop(FIXTURE_DATA(net) * self, pid_t pid)
{
	int ws;

	kill(pid, SIGTERM);
	if (waitpid(pid, &ws, 0) != pid)
		return -1;
	for (int i = 0; i < self->n_spawned; i++)
		if (self->spawned[i] == pid)
			self->spawned[i] = self->spawned[--self->n_spawned];
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

TEST_F(net, veth_ping_container_to_host_and_back)
{
	const char *argv[] = { "run",
			       "--rootfs",
			       nbt_rootfs(),
			       "--name",
			       "nbtping",
			       "--net",
			       "veth",
			       "--ip",
			       "10.77.0.2/24",
			       "--host-ip",
			       "10.77.0.1/24",
			       "--grace",
			       "1",
			       "--",
			       "sh",
			       "-c",
			       "ping -c1 -W3 10.77.0.1 && echo READY; exec sleep 27",
			       NULL };
	char log[8192];
	pid_t pid = spawn(self, self->log, argv);

	ASSERT_GT(pid, 0);
	ASSERT_TRUE(ready(self->log))
	{
		nbt_read_file(self->log, log, sizeof(log));
		TH_LOG("container: %s", log);
	}
	/* the host end's default name, derived from --name */
	ASSERT_NE(0, if_nametoindex("nb-nbtping"));
	ASSERT_EQ(0, bb("$BB ping -c1 -W3 10.77.0.2"));
	stop(self, pid);
	/* deleted by nestbox itself on the way out: gone at once */
	ASSERT_TRUE(gone_within("nb-nbtping", 5000)); /* with its namespace (issue 21) */
	ASSERT_EQ(self->ifaces_before, count_interfaces());
}

TEST_F(net, veth_ipv6_ping_container_to_host_and_back)
{
	const char *argv[] = { "run",
			       "--rootfs",
			       nbt_rootfs(),
			       "--net",
			       "veth",
			       "--veth",
			       "nbt6",
			       "--ip",
			       "fd77::2/64",
			       "--host-ip",
			       "fd77::1/64",
			       "--grace",
			       "1",
			       "--",
			       "sh",
			       "-c",
			       "ping6 -c1 -W3 fd77::1 && echo READY; exec sleep 27",
			       NULL };
	char log[8192];
	pid_t pid;

	if (access("/proc/net/if_inet6", F_OK))
		SKIP(return, "the kernel has no IPv6");
	pid = spawn(self, self->log, argv);
	ASSERT_GT(pid, 0);
	ASSERT_TRUE(ready(self->log))
	{
		nbt_read_file(self->log, log, sizeof(log));
		TH_LOG("container: %s", log);
	}
	ASSERT_EQ(0, bb("$BB ping6 -c1 -W3 fd77::2"));
	stop(self, pid);
	ASSERT_TRUE(gone_within("nbt6", 5000));
}

/* The default routes work: addresses outside eth0's subnets (on the host namespace's lo) are
 * reached through --gateway, for both families. */
TEST_F(net, gateway_default_routes)
{
	struct nbt_result *r = calloc(1, sizeof(*r));
	bool v6 = !access("/proc/net/if_inet6", F_OK);

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, bb("$BB ip addr add 10.99.0.1/32 dev lo"));
	if (v6)
		ASSERT_EQ(0, bb("$BB ip addr add fd99::1/128 dev lo"));
	nbt_run(r, "run", "--rootfs", nbt_rootfs(), "--net", "veth", "--veth", "nbtgw", "--ip",
		"10.77.0.2/24", "--host-ip", "10.77.0.1/24", "--gateway", "10.77.0.1", "--ip",
		"fd77::2/64", "--host-ip", "fd77::1/64", "--gateway", "fd77::1", "--", "sh", "-c",
		v6 ? "ip route; ip -6 route; ping -c1 -W3 10.99.0.1 && ping6 -c1 -W3 fd99::1"
		   : "ip route; ping -c1 -W3 10.99.0.1",
		NULL);
	EXPECT_EQ(0, r->status) TH_LOG("stdout: %s\nstderr: %s", r->out, r->err);
	EXPECT_NE(NULL, strstr(r->out, "default via 10.77.0.1 dev eth0"));
	if (v6)
		EXPECT_NE(NULL, strstr(r->out, "default via fd77::1 dev eth0"));
	EXPECT_TRUE(gone_within("nbtgw", 5000));
	free(r);
}

/* --net veth without --gateway has no default route: the same address is unreachable. */
TEST_F(net, no_gateway_no_default_route)
{
	struct nbt_result *r = calloc(1, sizeof(*r));

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, bb("$BB ip addr add 10.99.0.1/32 dev lo"));
	nbt_run(r, "run", "--rootfs", nbt_rootfs(), "--net", "veth", "--ip", "10.77.0.2/24",
		"--host-ip", "10.77.0.1/24", "--", "sh", "-c",
		"ping -c1 -W1 10.77.0.1 || exit 3; ping -c1 -W1 10.99.0.1 && exit 4; ip route",
		NULL);
	EXPECT_EQ(0, r->status) TH_LOG("stdout: %s\nstderr: %s", r->out, r->err);
	EXPECT_EQ(NULL, strstr(r->out, "default"));
	free(r);
}

/* Under TCG in the QEMU matrix a round of nc tries can outlast the default 30 s. */
TEST_F_TIMEOUT(net, tcp_round_trip_with_nc, 90)
{
	const char *argv[] = { "run",
			       "--rootfs",
			       nbt_rootfs(),
			       "--net",
			       "veth",
			       "--veth",
			       "nbttcp",
			       "--ip",
			       "10.77.0.2/24",
			       "--host-ip",
			       "10.77.0.1/24",
			       "--grace",
			       "1",
			       "--",
			       "sh",
			       "-c",
			       "echo READY; while :; do nc -l -p 7777 -e tr a-z A-Z; done",
			       NULL };
	char out[256] = "";
	pid_t pid = spawn(self, self->log, argv);
	int rc = -1;

	ASSERT_GT(pid, 0);
	ASSERT_TRUE(ready(self->log));
	/* READY comes just before nc listens: retry while the connection is refused. A listener
	 * serves one connection and the loop starts the next one, so a try whose answer was lost
	 * (seen under CI load in the 6.1 VM: every later try then found the container gone) does
	 * not end the test; the client must wait long enough for the answer (-w 10):
	 * under TCG a 3 s wait missed it, and every later try then waited out an unanswered
	 * connect to a container already gone, past the test's timeout. Each try is also bounded
	 * by timeout(1): a connected nc whose peer never closes would otherwise wait forever. */
	double start = nbt_now();

	for (int i = 0; i < 50 && !strstr(out, "HELLO") && nbt_now() - start < 40; i++) {
		rc = bb_out(out, sizeof(out),
			    "echo hello | $BB timeout 12 $BB nc -w 10 10.77.0.2 7777");
		if (!strstr(out, "HELLO"))
			nbt_sleep_ms(100);
	}
	EXPECT_EQ(0, rc);
	EXPECT_NE(NULL, strstr(out, "HELLO")) TH_LOG("nc said: %s", out);
	stop(self, pid);
}

TEST_F(net, two_containers_on_one_bridge)
{
	const char *a[] = { "run",
			    "--rootfs",
			    nbt_rootfs(),
			    "--net",
			    "veth",
			    "--bridge",
			    "nbtbr0",
			    "--veth",
			    "nbta",
			    "--ip",
			    "10.78.0.2/24",
			    "--ip",
			    "fd78::2/64",
			    "--grace",
			    "1",
			    "--",
			    "sh",
			    "-c",
			    "echo READY; exec sleep 27",
			    NULL };
	struct nbt_result *r = calloc(1, sizeof(*r));
	char out[4096];
	pid_t pid;

	ASSERT_NE(NULL, r);
	if (bb("$BB ip link add nbtbr0 type bridge"))
		SKIP(return, "the kernel has no bridge (load the bridge module)");
	ASSERT_EQ(0, bb("$BB ip link set nbtbr0 up"));
	pid = spawn(self, self->log, a);
	ASSERT_GT(pid, 0);
	ASSERT_TRUE(ready(self->log));
	ASSERT_EQ(0, bb_out(out, sizeof(out), "$BB ip link show nbta"));
	EXPECT_NE(NULL, strstr(out, "master nbtbr0")) TH_LOG("%s", out);
	nbt_run(r, "run", "--rootfs", nbt_rootfs(), "--net", "veth", "--bridge", "nbtbr0", "--veth",
		"nbtb", "--ip", "10.78.0.3/24", "--ip", "fd78::3/64", "--", "sh", "-c",
		access("/proc/net/if_inet6", F_OK)
		    ? "ping -c1 -W3 10.78.0.2"
		    : "ping -c1 -W3 10.78.0.2 && ping6 -c1 -W3 fd78::2",
		NULL);
	EXPECT_EQ(0, r->status) TH_LOG("stdout: %s\nstderr: %s", r->out, r->err);
	EXPECT_TRUE(gone_within("nbtb", 5000));
	stop(self, pid);
	EXPECT_TRUE(gone_within("nbta", 5000));
	/* the bridge is the test's: still there, without ports */
	EXPECT_NE(0, if_nametoindex("nbtbr0"));
	free(r);
}

TEST_F(net, mtu_on_both_ends)
{
	const char *argv[] = {
		"run",	   "--rootfs", nbt_rootfs(),
		"--net",   "veth",     "--veth",
		"nbtmtu",  "--mtu",    "1400",
		"--grace", "1",	       "--",
		"sh",	   "-c",       "cat /sys/class/net/eth0/mtu; echo READY; exec sleep 27",
		NULL
	};
	char out[4096], log[4096];
	pid_t pid = spawn(self, self->log, argv);

	ASSERT_GT(pid, 0);
	ASSERT_TRUE(ready(self->log));
	ASSERT_GT(nbt_read_file(self->log, log, sizeof(log)), 0);
	EXPECT_EQ(0, strncmp(log, "1400\n", 5)) TH_LOG("container: %s", log);
	ASSERT_EQ(0, bb_out(out, sizeof(out), "$BB ip link show nbtmtu"));
	EXPECT_NE(NULL, strstr(out, "mtu 1400")) TH_LOG("%s", out);
	stop(self, pid);
}

/* lo only, up; nothing else reachable: --net none, net in --ns, and the default (as Docker's,
 * issue 19.6), while the test's "host" namespace has an interface more than lo. */
TEST_F(net, none_has_only_lo_up)
{
	static const char *const how[][2] = { { "--net", "none" },
					      { "--ns", "mnt,pid,uts,ipc,net" },
					      { "--hostname", "by-default" } };
	struct nbt_result *r = calloc(1, sizeof(*r));

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, bb("$BB ip link add nbthost0 type veth"));
	for (int i = 0; i < 3; i++) {
		nbt_run(r, "run", "--rootfs", nbt_rootfs(), how[i][0], how[i][1], "--", "sh", "-c",
			"ip -o link; ping -c1 -W1 127.0.0.1 >/dev/null || exit 3;"
			"ping -c1 -W1 10.77.0.1 >/dev/null 2>&1 && exit 4; exit 0",
			NULL);
		EXPECT_EQ(0, r->status) TH_LOG("%s: %s %s", how[i][1], r->out, r->err);
		EXPECT_EQ(1, nbt_count_lines(r->out)) TH_LOG("%s", r->out);
		EXPECT_NE(NULL, strstr(r->out, "lo: <LOOPBACK,UP"));
		EXPECT_EQ(NULL, strstr(r->out, "nbthost")) TH_LOG("%s: %s", how[i][1], r->out);
	}
	ASSERT_EQ(0, bb("$BB ip link del nbthost0"));
	EXPECT_EQ(self->ifaces_before, count_interfaces());
	free(r);
}

/* --net host shares the caller's namespace: its interfaces and lo address show inside, also
 * with net out of an explicit --ns list; and --net host with a net listed in --ns is refused. */
TEST_F(net, host_shares_the_namespace)
{
	static const char *const how[][2] = { { "--net", "host" }, { "--ns", "mnt,pid,uts,ipc" } };
	struct nbt_result *r = calloc(1, sizeof(*r));

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, bb("$BB ip addr add 10.99.0.7/32 dev lo"));
	ASSERT_EQ(0, bb("$BB ip link add nbthost0 type veth"));
	for (int i = 0; i < 2; i++) {
		nbt_run(r, "run", "--rootfs", nbt_rootfs(), how[i][0], how[i][1], "--", "sh", "-c",
			"ip -o addr show dev lo; ip -o link", NULL);
		EXPECT_EQ(0, r->status) TH_LOG("%s", r->err);
		EXPECT_NE(NULL, strstr(r->out, "10.99.0.7")) TH_LOG("%s: %s", how[i][1], r->out);
		EXPECT_NE(NULL, strstr(r->out, "nbthost0")) TH_LOG("%s: %s", how[i][1], r->out);
	}
	ASSERT_EQ(0, bb("$BB ip link del nbthost0"));
	free(r);
}

/* /etc/hosts and /etc/resolv.conf land in the writable layer, not in the image. */
TEST_F(net, etc_hosts_and_resolv_conf_in_the_writable_layer)
{
	struct nbt_result *r = calloc(1, sizeof(*r));
	char hosts[PATH_MAX], resolv[PATH_MAX];
	struct stat st;

	ASSERT_NE(NULL, r);
	snprintf(hosts, sizeof(hosts), "%s/etc/hosts", nbt_rootfs());
	snprintf(resolv, sizeof(resolv), "%s/etc/resolv.conf", nbt_rootfs());
	ASSERT_NE(0, stat(hosts, &st)) TH_LOG("the test rootfs already has /etc/hosts");
	nbt_run(r, "run", "--rootfs", nbt_rootfs(), "--hostname", "box", "--net", "veth", "--ip",
		"10.77.0.2/24", "--dns", "10.77.0.53", "--dns", "fd77::53", "--", "sh", "-c",
		"cat /etc/hosts /etc/resolv.conf", NULL);
	EXPECT_EQ(0, r->status) TH_LOG("%s", r->err);
	EXPECT_NE(NULL, strstr(r->out, "10.77.0.2\tbox\n")) TH_LOG("%s", r->out);
	EXPECT_NE(NULL, strstr(r->out, "127.0.0.1\tlocalhost\n"));
	EXPECT_NE(NULL, strstr(r->out, "nameserver 10.77.0.53\nnameserver fd77::53\n"));
	EXPECT_NE(0, stat(hosts, &st));
	EXPECT_NE(0, stat(resolv, &st));
	free(r);
}

/* A persistent --upper gets the files; the lower layer keeps its own. */
TEST_F(net, etc_files_go_to_upper_not_lower)
{
	struct nbt_result *r = calloc(1, sizeof(*r));
	char lower[PATH_MAX], upper[PATH_MAX], work[PATH_MAX], path[PATH_MAX], buf[PATH_MAX];

	ASSERT_NE(NULL, r);
	fmt(lower, "%s/lower", self->dir);
	fmt(upper, "%s/upper", self->dir);
	fmt(work, "%s/work", self->dir);
	fmt(path, "%s/etc", lower);
	ASSERT_EQ(0, mkdir(lower, 0755));
	ASSERT_EQ(0, mkdir(upper, 0755));
	ASSERT_EQ(0, mkdir(work, 0755));
	ASSERT_EQ(0, mkdir(path, 0755));
	fmt(path, "%s/etc/hosts", lower);
	ASSERT_EQ(0, nbt_write_file(path, "image\n"));
	fmt(buf, "%s:%s", lower, nbt_rootfs());
	nbt_run(r, "run", "--rootfs", buf, "--upper", upper, "--work", work, "--hostname", "up",
		"--net", "none", "--", "cat", "/etc/hosts", NULL);
	EXPECT_EQ(0, r->status) TH_LOG("%s", r->err);
	EXPECT_NE(NULL, strstr(r->out, "127.0.1.1\tup\n")) TH_LOG("%s", r->out);
	ASSERT_GT(nbt_read_file(path, buf, sizeof(buf)), 0);
	EXPECT_STREQ("image\n", buf);
	fmt(path, "%s/etc/hosts", upper);
	ASSERT_GT(nbt_read_file(path, buf, sizeof(buf)), 0);
	EXPECT_NE(NULL, strstr(buf, "127.0.1.1\tup\n"));
	free(r);
}

/* --read-only: the generated files are bound over the image's, which stay as they were; an
 * image without /etc/resolv.conf cannot take --dns. */
TEST_F(net, read_only_root_binds_the_files)
{
	struct nbt_result *r = calloc(1, sizeof(*r));
	char layer[PATH_MAX], path[PATH_MAX], buf[PATH_MAX];

	ASSERT_NE(NULL, r);
	fmt(layer, "%s/layer", self->dir);
	ASSERT_EQ(0, mkdir(layer, 0755));
	fmt(path, "%s/etc", layer);
	ASSERT_EQ(0, mkdir(path, 0755));
	fmt(path, "%s/etc/hosts", layer);
	ASSERT_EQ(0, nbt_write_file(path, "image\n"));
	fmt(path, "%s/etc/resolv.conf", layer);
	ASSERT_EQ(0, nbt_write_file(path, "image\n"));
	fmt(buf, "%s:%s", layer, nbt_rootfs());
	nbt_run(r, "run", "--rootfs", buf, "--read-only", "--hostname", "ro", "--net", "none",
		"--dns", "10.0.0.53", "--", "sh", "-c",
		"cat /etc/hosts /etc/resolv.conf; echo x >/etc/hosts && exit 3; exit 0", NULL);
	EXPECT_EQ(0, r->status) TH_LOG("%s %s", r->out, r->err);
	EXPECT_NE(NULL, strstr(r->out, "127.0.1.1\tro\n")) TH_LOG("%s", r->out);
	EXPECT_NE(NULL, strstr(r->out, "nameserver 10.0.0.53\n"));
	ASSERT_GT(nbt_read_file(path, buf, sizeof(buf)), 0);
	EXPECT_STREQ("image\n", buf);
	/* the plain busybox rootfs has no /etc/resolv.conf to bind over */
	nbt_run(r, "run", "--rootfs", nbt_rootfs(), "--read-only", "--net", "none", "--dns",
		"10.0.0.53", "--", "true", NULL);
	EXPECT_EQ(125, r->status);
	EXPECT_EQ(1, nbt_count_lines(r->err));
	EXPECT_NE(NULL, strstr(r->err, "resolv.conf")) TH_LOG("%s", r->err);
	free(r);
}

/* In a user namespace the container's root may not write an image owned by unmapped ids: the
 * pair still works, and /etc/hosts is bound over the image's instead. */
TEST_F(net, veth_in_a_user_namespace)
{
	struct nbt_result *r = calloc(1, sizeof(*r));
	char layer[PATH_MAX], path[PATH_MAX], buf[PATH_MAX];

	ASSERT_NE(NULL, r);
	if (access("/proc/self/ns/user", F_OK))
		SKIP(return, "the kernel has no user namespaces");
	ASSERT_EQ(0, chmod(self->dir, 0755));
	fmt(layer, "%s/layer", self->dir);
	ASSERT_EQ(0, mkdir(layer, 0755));
	ASSERT_EQ(0, mkdir(fmt(path, "%s/etc", layer), 0755));
	ASSERT_EQ(0, nbt_write_file(fmt(path, "%s/etc/hosts", layer), "image\n"));
	nbt_run(r, "run", "--rootfs", fmt(buf, "%s:%s", layer, nbt_rootfs()), "--ns",
		"mnt,pid,uts,ipc,user", "--uidmap", "0:100000:65536", "--gidmap", "0:100000:65536",
		"--hostname", "uns", "--net", "veth", "--veth", "nbtuns", "--ip", "10.77.0.2/24",
		"--host-ip", "10.77.0.1/24", "--", "sh", "-c",
		"ping -c1 -W3 10.77.0.1 >/dev/null && cat /etc/hosts", NULL);
	if (r->status == 125 && strstr(r->err, "uidmap"))
		SKIP(return, "nestbox cannot map ids here (--uidmap refused)");
	EXPECT_EQ(0, r->status) TH_LOG("%s %s", r->out, r->err);
	EXPECT_NE(NULL, strstr(r->out, "10.77.0.2\tuns\n")) TH_LOG("%s", r->out);
	ASSERT_GT(nbt_read_file(path, buf, sizeof(buf)), 0);
	EXPECT_STREQ("image\n", buf);
	EXPECT_TRUE(gone_within("nbtuns", 5000));
	free(r);
}

TEST_F(net, nothing_left_after_normal_exit)
{
	struct nbt_result *r = calloc(1, sizeof(*r));

	ASSERT_NE(NULL, r);
	nbt_run(r, "run", "--rootfs", nbt_rootfs(), "--net", "veth", "--veth", "nbtexit", "--ip",
		"10.77.0.2/24", "--host-ip", "10.77.0.1/24", "--", "sh", "-c", "exit 7", NULL);
	EXPECT_EQ(7, r->status) TH_LOG("%s", r->err);
	/* issue 21: the pair goes with the namespace, shortly after; nestbox does not wait */
	EXPECT_TRUE(gone_within("nbtexit", 5000));
	EXPECT_EQ(self->ifaces_before, count_interfaces());
	free(r);
}

/* The host end of a run that just ended may still be going (issue 21): a run of the same name
 * right after it waits for the name instead of failing with "exists". */
TEST_F(net, same_name_right_after_a_run_does_not_collide)
{
	struct nbt_result *r = calloc(1, sizeof(*r));

	ASSERT_NE(NULL, r);
	for (int i = 0; i < 3; i++) {
		nbt_run(r, "run", "--rootfs", nbt_rootfs(), "--net", "veth", "--veth", "nbtagain",
			"--ip", "10.77.0.2/24", "--host-ip", "10.77.0.1/24", "--", "true", NULL);
		EXPECT_EQ(0, r->status) TH_LOG("run %d: %s", i, r->err);
	}
	EXPECT_TRUE(gone_within("nbtagain", 5000));
	EXPECT_EQ(self->ifaces_before, count_interfaces());
	free(r);
}

/* nestbox SIGKILLed: its container dies (PDEATHSIG), the container's namespace with it, and
 * the kernel deletes the pair, host end included, shortly after. */
TEST_F(net, nothing_left_after_sigkill)
{
	const char *argv[] = { "run",
			       "--rootfs",
			       nbt_rootfs(),
			       "--net",
			       "veth",
			       "--veth",
			       "nbtkill",
			       "--ip",
			       "10.77.0.2/24",
			       "--",
			       "sh",
			       "-c",
			       "echo READY; exec sleep 29",
			       NULL };
	pid_t pid = spawn(self, self->log, argv);

	ASSERT_GT(pid, 0);
	ASSERT_TRUE(ready(self->log));
	ASSERT_NE(0, if_nametoindex("nbtkill"));
	ASSERT_LE(1, nbt_wait_procs("sleep 29", 1, 5000));
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	self->n_spawned = 0;
	EXPECT_TRUE(gone_within("nbtkill", 5000));
	for (int t = 0; t < 100 && nbt_count_procs("sleep 29"); t++)
		nbt_sleep_ms(20);
	EXPECT_EQ(0, nbt_count_procs("sleep 29"));
	EXPECT_EQ(self->ifaces_before, count_interfaces());
}

/* A failure after the pair exists (the second, duplicate host address) kills the child and
 * deletes the pair before nestbox returns. */
TEST_F(net, failure_after_clone_leaves_nothing)
{
	struct nbt_result *r = calloc(1, sizeof(*r));

	ASSERT_NE(NULL, r);
	nbt_run(r, "run", "--rootfs", nbt_rootfs(), "--net", "veth", "--veth", "nbtfail",
		"--host-ip", "10.77.0.1/24", "--host-ip", "10.77.0.1/24", "--", "sleep", "28",
		NULL);
	EXPECT_EQ(125, r->status);
	EXPECT_EQ(1, nbt_count_lines(r->err)) TH_LOG("%s", r->err);
	EXPECT_NE(NULL, strstr(r->err, "10.77.0.1/24")) TH_LOG("%s", r->err);
	EXPECT_EQ(0, if_nametoindex("nbtfail"));
	EXPECT_EQ(0, nbt_count_procs("sleep 28"));
	EXPECT_EQ(self->ifaces_before, count_interfaces());
	/* the same inside: a duplicate --ip fails on the container side */
	nbt_run(r, "run", "--rootfs", nbt_rootfs(), "--net", "veth", "--veth", "nbtfail", "--ip",
		"10.77.0.2/24", "--ip", "10.77.0.2/24", "--", "sleep", "28", NULL);
	EXPECT_EQ(125, r->status);
	EXPECT_EQ(1, nbt_count_lines(r->err)) TH_LOG("%s", r->err);
	EXPECT_EQ(0, if_nametoindex("nbtfail"));
	EXPECT_EQ(self->ifaces_before, count_interfaces());
	free(r);
}

/* Bad input: one line, 125, no interface made (the bridge nbtbr1 is the test's own). */
FIXTURE(bad_net)
{
	int ifaces_before;
};

FIXTURE_VARIANT(bad_net)
{
	const char *args[8];
	const char *says;
};

FIXTURE_SETUP(bad_net)
{
	if (geteuid())
		SKIP(return, "needs root");
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	if (bb("$BB ip link add nbtbr1 type bridge"))
		SKIP(return, "the kernel has no bridge (load the bridge module)");
	self->ifaces_before = count_interfaces();
}

FIXTURE_TEARDOWN(bad_net)
{
}

/* clang-format off */
FIXTURE_VARIANT_ADD(bad_net, bad_cidr) {
	.args = { "--net", "veth", "--ip", "10.0.0.300/24" }, .says = "10.0.0.300/24" };
FIXTURE_VARIANT_ADD(bad_net, cidr_without_prefix) {
	.args = { "--net", "veth", "--ip", "10.0.0.2" }, .says = "ADDR/PREFIX" };
FIXTURE_VARIANT_ADD(bad_net, prefix_too_long) {
	.args = { "--net", "veth", "--ip", "fd00::2/129" }, .says = "fd00::2/129" };
FIXTURE_VARIANT_ADD(bad_net, gateway_outside_the_subnet) {
	.args = { "--net", "veth", "--ip", "10.0.0.2/24", "--gateway", "10.0.1.1" },
	.says = "not inside any --ip subnet" };
FIXTURE_VARIANT_ADD(bad_net, gateway_of_the_other_family) {
	.args = { "--net", "veth", "--ip", "10.0.0.2/24", "--gateway", "fd00::1" },
	.says = "not inside any --ip subnet" };
FIXTURE_VARIANT_ADD(bad_net, missing_bridge) {
	.args = { "--net", "veth", "--bridge", "nbtnobridge" }, .says = "no such interface" };
FIXTURE_VARIANT_ADD(bad_net, bridge_not_a_bridge) {
	.args = { "--net", "veth", "--bridge", "lo" }, .says = "not a bridge" };
FIXTURE_VARIANT_ADD(bad_net, name_too_long) {
	.args = { "--net", "veth", "--veth", "nbt456789abcdef0" }, .says = "IFNAMSIZ" };
FIXTURE_VARIANT_ADD(bad_net, bridge_name_too_long) {
	.args = { "--net", "veth", "--bridge", "nbt456789abcdef0" }, .says = "IFNAMSIZ" };
FIXTURE_VARIANT_ADD(bad_net, name_in_use) {
	.args = { "--net", "veth", "--veth", "nbtbr1" }, .says = "exists" };
FIXTURE_VARIANT_ADD(bad_net, name_with_slash) {
	.args = { "--net", "veth", "--veth", "nbt/0" }, .says = "not a valid interface name" };
FIXTURE_VARIANT_ADD(bad_net, ip_without_net_veth) {
	.args = { "--ip", "10.0.0.2/24" }, .says = "--ip: needs --net veth" };
FIXTURE_VARIANT_ADD(bad_net, bridge_with_net_none) {
	.args = { "--net", "none", "--bridge", "nbtbr1" }, .says = "--bridge: needs --net veth" };
FIXTURE_VARIANT_ADD(bad_net, host_ip_with_bridge) {
	.args = { "--net", "veth", "--bridge", "nbtbr1", "--host-ip", "10.0.0.1/24" },
	.says = "not with --bridge" };
FIXTURE_VARIANT_ADD(bad_net, unknown_mode) {
	.args = { "--net", "bogus" }, .says = "none, host or veth" };
FIXTURE_VARIANT_ADD(bad_net, net_host_with_ns_net) {
	.args = { "--net", "host", "--ns", "mnt,pid,net" }, .says = "conflicts with --ns net" };
FIXTURE_VARIANT_ADD(bad_net, mtu_too_small) {
	.args = { "--net", "veth", "--mtu", "67" }, .says = "68 to 65535" };
FIXTURE_VARIANT_ADD(bad_net, bad_dns) {
	.args = { "--dns", "10.0.0" }, .says = "expected an IPv4 or IPv6 address" };
/* clang-format on */

TEST_F(bad_net, one_line_125_nothing_made)
{
	const char *argv[20] = { "run", "--rootfs", nbt_rootfs() };
	struct nbt_result *r = calloc(1, sizeof(*r));
	int n = 3;

	ASSERT_NE(NULL, r);
	for (int i = 0; variant->args[i]; i++)
		argv[n++] = variant->args[i];
	argv[n++] = "--";
	argv[n++] = "true";
	nbt_runv(r, argv);
	EXPECT_EQ(125, r->status);
	EXPECT_EQ(1, nbt_count_lines(r->err)) TH_LOG("%s", r->err);
	EXPECT_NE(NULL, strstr(r->err, variant->says)) TH_LOG("%s", r->err);
	EXPECT_EQ(0, strncmp(r->err, "nestbox: ", 9));
	EXPECT_EQ(self->ifaces_before, count_interfaces());
	free(r);
}

TEST_HARNESS_MAIN
