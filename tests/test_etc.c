/* The container's /etc/hosts and /etc/resolv.conf (runtime/net_etc.c, issue 28.8), as docker
 * makes them: /etc/hosts with localhost and the hostname in every network mode; resolv.conf
 * from --dns, or from the host's (verbatim on the host's network, without loopback servers
 * over veth, none with only lo). The image's layers never change. Each test runs in a mount
 * and network namespace of its own, with a tmpfs over /etc holding the "host's" resolv.conf. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

FIXTURE(etc)
{
	char *dir;
	struct nbt_result *r;
};

FIXTURE_SETUP(etc)
{
	if (geteuid())
		SKIP(return, "needs root");
	self->r = calloc(1, sizeof(*self->r));
	ASSERT_NE(NULL, self->r);
	self->dir = nbt_tempdir("etc");
	ASSERT_NE(NULL, self->dir);
	/* the veth's host end and every mount below live and die with this process */
	ASSERT_EQ(0, unshare(CLONE_NEWNS | CLONE_NEWNET));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	ASSERT_EQ(0, mount("nbt-etc", "/etc", "tmpfs", 0, "mode=0755"));
}

FIXTURE_TEARDOWN(etc)
{
	umount2("/etc", MNT_DETACH);
	if (self->dir)
		nbt_rm_rf(self->dir);
	free(self->r);
}

/* Neither file may appear in the image. */
static bool image_untouched(void)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/etc/hosts", nbt_rootfs());
	if (!stat(path, &st))
		return false;
	snprintf(path, sizeof(path), "%s/etc/resolv.conf", nbt_rootfs());
	return stat(path, &st) != 0;
}

static void run_cat(struct nbt_result *r, const char *net, const char *dns)
{
	const char *argv[16] = {
		"run", "--rootfs", nbt_rootfs(), "--hostname", "box", "--net", net
	};
	int n = 7;

	if (!strcmp(net, "veth")) {
		argv[n++] = "--ip";
		argv[n++] = "10.78.0.2/24";
	}
	if (dns) {
		argv[n++] = "--dns";
		argv[n++] = dns;
	}
	argv[n++] = "--";
	argv[n++] = "sh";
	argv[n++] = "-c";
	argv[n++] = "cat /etc/hosts; echo ---; cat /etc/resolv.conf 2>/dev/null || echo NONE";
	argv[n] = NULL;
	nbt_runv(r, argv);
}

TEST_F(etc, hosts_names_the_hostname_on_the_hosts_network)
{
	ASSERT_TRUE(image_untouched()) TH_LOG("the test rootfs already has the files");
	run_cat(self->r, "host", NULL);
	EXPECT_EQ(0, self->r->status) TH_LOG("%s", self->r->err);
	EXPECT_NE(NULL, strstr(self->r->out, "127.0.0.1\tlocalhost\n")) TH_LOG("%s", self->r->out);
	EXPECT_NE(NULL, strstr(self->r->out, "127.0.1.1\tbox\n")) TH_LOG("%s", self->r->out);
	EXPECT_TRUE(image_untouched());
}

/* The host's network namespace: its loopback is the container's, so a stub resolver on it
 * (systemd-resolved's 127.0.0.53) is kept, with search and options. */
TEST_F(etc, host_network_gets_the_hosts_resolv_conf_as_it_is)
{
	ASSERT_EQ(0, nbt_write_file("/etc/resolv.conf", "nameserver 127.0.0.53\nsearch lan\n"));
	run_cat(self->r, "host", NULL);
	EXPECT_EQ(0, self->r->status) TH_LOG("%s", self->r->err);
	EXPECT_NE(NULL, strstr(self->r->out, "---\nnameserver 127.0.0.53\nsearch lan\n"))
	TH_LOG("%s", self->r->out);
	EXPECT_EQ(0, self->r->err[0]) TH_LOG("%s", self->r->err);
	EXPECT_TRUE(image_untouched());
}

/* systemd makes /etc/resolv.conf an absolute symlink: followed inside the host's root, not
 * in the scratch root where nestbox builds the container's. */
TEST_F(etc, host_resolv_conf_behind_an_absolute_symlink)
{
	char target[4096];

	snprintf(target, sizeof(target), "%s/stub-resolv.conf", self->dir);
	ASSERT_EQ(0, nbt_write_file(target, "nameserver 10.78.0.53\n"));
	ASSERT_EQ(0, symlink(target, "/etc/resolv.conf"));
	run_cat(self->r, "host", NULL);
	EXPECT_EQ(0, self->r->status) TH_LOG("%s", self->r->err);
	EXPECT_NE(NULL, strstr(self->r->out, "---\nnameserver 10.78.0.53\n"))
	TH_LOG("%s", self->r->out);
}

/* Over veth the container's loopback is its own: the host's loopback servers are dropped,
 * each with a warning, the others kept. */
TEST_F(etc, veth_drops_loopback_servers_with_a_warning)
{
	ASSERT_EQ(0,
		  nbt_write_file("/etc/resolv.conf", "nameserver 127.0.0.53\nnameserver "
						     "10.78.0.53\nnameserver ::1\nsearch lan\n"));
	run_cat(self->r, "veth", NULL);
	if (self->r->status == 125 && strstr(self->r->err, "veth"))
		SKIP(return, "the kernel has no veth (load the veth module)");
	EXPECT_EQ(0, self->r->status) TH_LOG("%s", self->r->err);
	EXPECT_NE(NULL, strstr(self->r->out, "10.78.0.2\tbox\n")) TH_LOG("%s", self->r->out);
	EXPECT_NE(NULL, strstr(self->r->out, "---\nnameserver 10.78.0.53\nsearch lan\n"))
	TH_LOG("%s", self->r->out);
	EXPECT_EQ(NULL, strstr(self->r->out, "127.0.0.53"));
	EXPECT_EQ(2, nbt_count_lines(self->r->err)) TH_LOG("%s", self->r->err);
	EXPECT_NE(NULL, strstr(self->r->err, "warning: resolv.conf: 127.0.0.53:"))
	TH_LOG("%s", self->r->err);
	EXPECT_NE(NULL, strstr(self->r->err, "warning: resolv.conf: ::1:"));
	EXPECT_TRUE(image_untouched());
}

TEST_F(etc, veth_with_only_loopback_servers_writes_none_and_says_so)
{
	ASSERT_EQ(0, nbt_write_file("/etc/resolv.conf", "nameserver 127.0.0.53\n"));
	run_cat(self->r, "veth", NULL);
	if (self->r->status == 125 && strstr(self->r->err, "veth"))
		SKIP(return, "the kernel has no veth (load the veth module)");
	EXPECT_EQ(0, self->r->status) TH_LOG("%s", self->r->err);
	EXPECT_NE(NULL, strstr(self->r->out, "---\nNONE\n")) TH_LOG("%s", self->r->out);
	EXPECT_NE(NULL, strstr(self->r->err, "give --dns")) TH_LOG("%s", self->r->err);
}

/* -q: nothing but errors, so no warning either. */
TEST_F(etc, quiet_keeps_the_warning_to_itself)
{
	const char *argv[] = { "run",  "-q",	       "--rootfs", nbt_rootfs(), "--net", "veth",
			       "--ip", "10.78.0.2/24", "--",	   "true",	 NULL };

	ASSERT_EQ(0, nbt_write_file("/etc/resolv.conf", "nameserver 127.0.0.53\n"));
	nbt_runv(self->r, argv);
	if (self->r->status == 125 && strstr(self->r->err, "veth"))
		SKIP(return, "the kernel has no veth (load the veth module)");
	EXPECT_EQ(0, self->r->status) TH_LOG("%s", self->r->err);
	EXPECT_EQ(0, self->r->err[0]) TH_LOG("%s", self->r->err);
}

/* Only lo: no server can be reached, so no file (a resolver then fails at once). */
TEST_F(etc, none_network_has_hosts_but_no_resolv_conf)
{
	ASSERT_EQ(0, nbt_write_file("/etc/resolv.conf", "nameserver 10.78.0.53\n"));
	run_cat(self->r, "none", NULL);
	EXPECT_EQ(0, self->r->status) TH_LOG("%s", self->r->err);
	EXPECT_NE(NULL, strstr(self->r->out, "127.0.1.1\tbox\n---\nNONE\n"))
	TH_LOG("%s", self->r->out);
}

TEST_F(etc, dns_replaces_the_hosts_servers)
{
	ASSERT_EQ(0, nbt_write_file("/etc/resolv.conf", "nameserver 10.78.0.53\n"));
	run_cat(self->r, "host", "10.78.9.9");
	EXPECT_EQ(0, self->r->status) TH_LOG("%s", self->r->err);
	EXPECT_NE(NULL, strstr(self->r->out, "---\nnameserver 10.78.9.9\n"))
	TH_LOG("%s", self->r->out);
	EXPECT_EQ(NULL, strstr(self->r->out, "10.78.0.53"));
}

TEST_HARNESS_MAIN
