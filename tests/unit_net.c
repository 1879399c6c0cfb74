/* runtime/net.c's pure parts without a kernel: addresses and prefixes, subnets, the host end's
 * derived name, and the message for a kernel without veth. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "container.h"
#include "kselftest_harness.h"
#include "net.h"

TEST(parses_ipv4_and_ipv6_with_prefix)
{
	struct nb_net_addr a;

	ASSERT_EQ(0, net_parse_addr("10.1.2.3/24", true, &a));
	ASSERT_EQ(AF_INET, a.family);
	ASSERT_EQ(24, a.prefix);
	ASSERT_EQ(0, memcmp(a.addr, "\x0a\x01\x02\x03", 4));
	ASSERT_EQ(0, net_parse_addr("fd00::2/64", true, &a));
	ASSERT_EQ(AF_INET6, a.family);
	ASSERT_EQ(64, a.prefix);
	ASSERT_EQ(0xfd, a.addr[0]);
	ASSERT_EQ(2, a.addr[15]);
	ASSERT_EQ(0, net_parse_addr("fd00::1", false, &a));
	ASSERT_EQ(128, a.prefix);
}

TEST(refuses_bad_cidrs)
{
	static const char *const bad_with_prefix[] = {
		"10.1.2.3",	"10.1.2.3/", "10.1.2.3/33",   "10.1.2.3/0", "10.1.2.3/-1",
		"10.1.2.3/ 8",	"10.1.2/24", "10.1.2.256/24", "/24",	    "fd00::1/129",
		"fd00::1/0064", "x/8",	     "10.0.0.1/8/8",  "",
	};
	static const char *const bad_without_prefix[] = { "10.0.0.1/24", "fd00::g", "1.2.3", "" };
	struct nb_net_addr a;

	/* EXPECT_* expand to two statements: braces. */
	for (size_t i = 0; i < sizeof(bad_with_prefix) / sizeof(*bad_with_prefix); i++) {
		EXPECT_EQ(-EINVAL, net_parse_addr(bad_with_prefix[i], true, &a))
		TH_LOG("accepted %s", bad_with_prefix[i]);
	}
	for (size_t i = 0; i < sizeof(bad_without_prefix) / sizeof(*bad_without_prefix); i++) {
		EXPECT_EQ(-EINVAL, net_parse_addr(bad_without_prefix[i], false, &a))
		TH_LOG("accepted %s", bad_without_prefix[i]);
	}
}

TEST(subnet_membership)
{
	struct nb_net_addr net, a;

	ASSERT_EQ(0, net_parse_addr("10.1.2.3/23", true, &net));
	ASSERT_EQ(0, net_parse_addr("10.1.3.254", false, &a));
	ASSERT_TRUE(net_addr_in_subnet(&a, &net));
	ASSERT_EQ(0, net_parse_addr("10.1.4.1", false, &a));
	ASSERT_FALSE(net_addr_in_subnet(&a, &net));
	ASSERT_EQ(0, net_parse_addr("fd00::1", false, &a));
	ASSERT_FALSE(net_addr_in_subnet(&a, &net)); /* other family */
	ASSERT_EQ(0, net_parse_addr("fd00::2/64", true, &net));
	ASSERT_TRUE(net_addr_in_subnet(&a, &net));
	ASSERT_EQ(0, net_parse_addr("fd00:0:0:1::1", false, &a));
	ASSERT_FALSE(net_addr_in_subnet(&a, &net));
}

TEST(host_end_name_fits_ifnamsiz)
{
	struct nb_container c;
	char name[NET_IFNAME_SIZE], other[NET_IFNAME_SIZE];

	memset(&c, 0, sizeof(c));
	strcpy(c.name, "web");
	net_host_ifname(&c, name);
	ASSERT_STREQ("nb-web", name);
	strcpy(c.name, "nestbox-4194304");
	net_host_ifname(&c, name);
	ASSERT_LE(strlen(name), NET_IFNAME_SIZE - 1);
	ASSERT_EQ(0, strncmp(name, "nb-nest-", 8));
	strcpy(c.name, "nestbox-4194305");
	net_host_ifname(&c, other);
	ASSERT_STRNE(name, other); /* long names differ by their hash */
	c.net.veth = "mine0";
	net_host_ifname(&c, name);
	ASSERT_STREQ("mine0", name);
}

TEST(kernel_without_veth_names_the_module)
{
	struct nb_error err = { 0 };

	ASSERT_EQ(-EOPNOTSUPP, net_newlink_error(-EOPNOTSUPP, "veth", "nb-x", "", &err));
	ASSERT_NE(NULL, strstr(err.msg, "load the veth module")) TH_LOG("%s", err.msg);
	ASSERT_EQ(-EOPNOTSUPP,
		  net_newlink_error(-EOPNOTSUPP, "veth", "nb-x", "Unknown device type", &err));
	ASSERT_NE(NULL, strstr(err.msg, "the kernel has no veth"));
	/* another EOPNOTSUPP keeps the kernel's reason */
	net_newlink_error(-EOPNOTSUPP, "veth", "nb-x", "Master is not a bridge", &err);
	ASSERT_NE(NULL, strstr(err.msg, "Master is not a bridge"));
	ASSERT_EQ(-EEXIST, net_newlink_error(-EEXIST, "veth", "nb-x", "", &err));
	ASSERT_NE(NULL, strstr(err.msg, "exists"));
}

TEST_HARNESS_MAIN
