/* The container's network (net.h): options, checks, the veth pair made from the host side,
 * the container side's lo/eth0/route (the /etc files are net_etc.c's). All of it talks
 * rtnetlink through netlink.c: no `ip` binary. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "option.h"
#include "container.h"
#include "net.h"
#include "nested.h"
#include "netlink.h"

#define MTU_MIN 68 /* RFC 791: every IPv4 host must take 68-byte datagrams */
#define MTU_MAX 65535
/* A run's host end goes with its namespace a little after the run ends (below): how long a
 * name of an ended run may still be in use, in 5 ms steps (measured 12-30 ms, more under load). */
#define GONE_TRIES 200

/* --- options ------------------------------------------------------------------------------- */

static int opt_net(struct nb_container *c, const char *arg, struct nb_error *err)
{
	static const char *const modes[] = {
		[NB_NET_NONE] = "none", [NB_NET_HOST] = "host", [NB_NET_VETH] = "veth"
	};

	for (unsigned i = NB_NET_NONE; i <= NB_NET_VETH; i++) {
		if (!strcmp(arg, modes[i])) {
			c->net.mode = i;
			return 0;
		}
	}
	return nb_fail(err, EINVAL, "--net", arg, "expected none, host or veth");
}

static int add_addr(const char *opt, struct nb_net_addr *list, int *n, const char *arg,
		    struct nb_error *err)
{
	if (*n == NET_MAX_ADDRS)
		return nb_fail(err, EINVAL, opt, arg, "at most 4 addresses");
	if (net_parse_addr(arg, true, &list[*n]))
		return nb_fail(err, EINVAL, opt, arg, "expected ADDR/PREFIX (IPv4 or IPv6)");
	(*n)++;
	return 0;
}

static int opt_ip(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return add_addr("--ip", c->net.ip, &c->net.n_ip, arg, err);
}

/* docker's --ip6: an --ip that must be IPv6 */
static int opt_ip6(struct nb_container *c, const char *arg, struct nb_error *err)
{
	int rc = add_addr("--ip6", c->net.ip, &c->net.n_ip, arg, err);

	if (!rc && c->net.ip[c->net.n_ip - 1].family != AF_INET6)
		rc = nb_fail(err, EINVAL, "--ip6", arg, "not an IPv6 address");
	return rc;
}

static int opt_host_ip(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return add_addr("--host-ip", c->net.host_ip, &c->net.n_host_ip, arg, err);
}

static int opt_gateway(struct nb_container *c, const char *arg, struct nb_error *err)
{
	struct nb_net_addr *gw = &c->net.gateway[c->net.n_gateway];

	if (c->net.n_gateway == 2 || net_parse_addr(arg, false, gw))
		return nb_fail(err, EINVAL, "--gateway", arg,
			       "expected one IPv4 and/or one IPv6 address, no prefix");
	if (c->net.n_gateway && c->net.gateway[0].family == gw->family)
		return nb_fail(err, EINVAL, "--gateway", arg, "one gateway per address family");
	c->net.n_gateway++;
	return 0;
}

static int check_ifname(const char *opt, const char *name, struct nb_error *err)
{
	size_t len = strlen(name);

	if (!len || len >= NET_IFNAME_SIZE)
		return nb_fail(err, EINVAL, opt, name,
			       "interface names are 1 to 15 bytes (IFNAMSIZ)");
	/* dev_valid_name() in net/core/dev.c */
	if (strpbrk(name, "/: \t\n") || !strcmp(name, ".") || !strcmp(name, ".."))
		return nb_fail(err, EINVAL, opt, name, "not a valid interface name");
	return 0;
}

static int opt_bridge(struct nb_container *c, const char *arg, struct nb_error *err)
{
	c->net.bridge = arg;
	return check_ifname("--bridge", arg, err);
}

static int opt_veth(struct nb_container *c, const char *arg, struct nb_error *err)
{
	c->net.veth = arg;
	return check_ifname("--veth", arg, err);
}

static int opt_mtu(struct nb_container *c, const char *arg, struct nb_error *err)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end || errno || v < MTU_MIN || v > MTU_MAX)
		return nb_fail(err, EINVAL, "--mtu", arg, "expected 68 to 65535");
	c->net.mtu = (unsigned)v;
	return 0;
}

static int opt_dns(struct nb_container *c, const char *arg, struct nb_error *err)
{
	struct nb_net_addr a;

	if (c->net.n_dns == NET_MAX_DNS)
		return nb_fail(err, EINVAL, "--dns", arg, "at most 3 (resolv.conf MAXNS)");
	if (net_parse_addr(arg, false, &a))
		return nb_fail(err, EINVAL, "--dns", arg, "expected an IPv4 or IPv6 address");
	c->net.dns[c->net.n_dns++] = arg;
	return 0;
}

const struct cli_option net_options[] = {
	OPT("net", " ", 1, opt_net,
	    "MODE          none|host|veth (default none: own namespace, lo)"),
	OPT("ip", " ", 1, opt_ip,
	    "ADDR/PREFIX   eth0's address (--net veth), IPv4/IPv6, repeatable"),
	OPT("gateway", " ", 1, opt_gateway,
	    "ADDR          default route via ADDR, inside an --ip subnet"),
	OPT("host-ip", " ", 1, opt_host_ip, "ADDR/PREFIX   host end's address, repeatable"),
	OPT("bridge", " ", 1, opt_bridge, "NAME          attach the host end to this bridge"),
	OPT("veth", " ", 1, opt_veth, "NAME          host end's name (default nb-<name>)"),
	OPT("mtu", " ", 1, opt_mtu, "N             MTU of both ends"),
	OPT("dns", " ", 1, opt_dns, "ADDR          nameserver for /etc/resolv.conf, repeatable"),
	OPT("network", " ", 1, opt_net, ""), /* docker's */
	OPT("ip6", " ", 1, opt_ip6, ""),
	{ NULL },
};

/* --- addresses and names ----------------------------------------------------------------- */

int net_parse_addr(const char *text, bool need_prefix, struct nb_net_addr *a)
{
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	char buf[INET6_ADDRSTRLEN];
	unsigned max;

	memset(a, 0, sizeof(*a));
	if (!len || len >= sizeof(buf) || (slash != NULL) != need_prefix)
		return -EINVAL;
	memcpy(buf, text, len);
	buf[len] = '\0';
	a->family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(a->family, buf, a->addr) != 1)
		return -EINVAL;
	max = a->family == AF_INET ? 32 : 128;
	a->prefix = max;
	a->text = text;
	if (!slash)
		return 0;
	/* 1 to 3 digits, 1..max: no sign, no spaces, no "/" alone */
	if (!slash[1] || strspn(slash + 1, "0123456789") != strlen(slash + 1) ||
	    strlen(slash + 1) > 3)
		return -EINVAL;
	a->prefix = (unsigned)atoi(slash + 1);
	return a->prefix >= 1 && a->prefix <= max ? 0 : -EINVAL;
}

bool net_addr_in_subnet(const struct nb_net_addr *a, const struct nb_net_addr *net)
{
	unsigned bytes = net->prefix / 8, bits = net->prefix % 8;

	if (a->family != net->family || memcmp(a->addr, net->addr, bytes))
		return false;
	return !bits || !((a->addr[bytes] ^ net->addr[bytes]) & (0xff00 >> bits));
}

void net_host_ifname(const struct nb_container *c, char name[NET_IFNAME_SIZE])
{
	uint32_t h = 2166136261u; /* FNV-1a */

	if (c->net.veth) {
		snprintf(name, NET_IFNAME_SIZE, "%s", c->net.veth);
		return;
	}
	if (strlen(c->name) + 3 < NET_IFNAME_SIZE) {
		snprintf(name, NET_IFNAME_SIZE, "nb-%.12s", c->name);
		return;
	}
	/* Too long: keep a readable start and tell long names apart by a hash. */
	for (const char *p = c->name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	snprintf(name, NET_IFNAME_SIZE, "nb-%.4s-%07x", c->name, h & 0xfffffff);
}

int net_newlink_error(int rc, const char *kind, const char *name, const char *why,
		      struct nb_error *err)
{
	char msg[96];

	/* rtnl_newlink(): no rtnl_link_ops for the kind even after request_module() */
	if (rc == -EOPNOTSUPP && (!why[0] || strstr(why, "Unknown device type"))) {
		snprintf(msg, sizeof(msg), "the kernel has no %s (load the %s module)", kind, kind);
		return nb_fail(err, EOPNOTSUPP, kind, name, msg);
	}
	if (rc == -EEXIST)
		return nb_fail(err, EEXIST, kind, name, "an interface of that name exists");
	return nb_fail(err, -rc, kind, name, why[0] ? why : strerror(-rc));
}

/* --- rtnetlink requests ------------------------------------------------------------------ */

static struct ifinfomsg *link_msg(struct nl_msg *m, void *buf, uint16_t type, uint16_t flags,
				  int index)
{
	struct ifinfomsg *ifi;

	nl_msg_init(m, buf, NL_BUF_SIZE, type, flags);
	ifi = nl_put_extra(m, sizeof(*ifi));
	if (ifi) {
		ifi->ifi_family = AF_UNSPEC;
		ifi->ifi_index = index;
	}
	return ifi;
}

/* The kind of an interface (IFLA_LINKINFO/IFLA_INFO_KIND) into kind, "" when it has none. */
static int link_kind(struct nl_sock *s, const char *name, char *kind, size_t size)
{
	char req[NL_BUF_SIZE], reply[NL_BUF_SIZE], why[128];
	const struct nlattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1];
	struct nl_msg m;
	int rc;

	link_msg(&m, req, RTM_GETLINK, 0, 0);
	nl_put_str(&m, IFLA_IFNAME, name);
	rc = nl_talk(s, &m, reply, why, sizeof(why));
	if (rc < 0)
		return rc;
	kind[0] = '\0';
	if (nl_msg_attrs((void *)reply, sizeof(struct ifinfomsg), tb, IFLA_MAX))
		return -EBADMSG;
	if (!tb[IFLA_LINKINFO])
		return 0;
	if (nl_attr_parse(nl_attr_data(tb[IFLA_LINKINFO]), nl_attr_len(tb[IFLA_LINKINFO]), info,
			  IFLA_INFO_MAX))
		return -EBADMSG;
	if (info[IFLA_INFO_KIND])
		snprintf(kind, size, "%.*s", (int)nl_attr_len(info[IFLA_INFO_KIND]),
			 (const char *)nl_attr_data(info[IFLA_INFO_KIND]));
	return 0;
}

static int add_veth(struct nl_sock *s, const struct nb_container *c, const char *name, pid_t child,
		    struct nb_error *err)
{
	char buf[NL_BUF_SIZE], why[128];
	struct nlattr *info, *data, *peer;
	struct ifinfomsg *ifi;
	struct nl_msg m;
	int rc;

	/* The host end is created up (rtnl_configure_link applies ifi_flags) and, with --bridge,
	 * already a port of it (IFLA_MASTER at creation). */
	ifi = link_msg(&m, buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 0);
	if (ifi) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	nl_put_str(&m, IFLA_IFNAME, name);
	if (c->net.mtu)
		nl_put_u32(&m, IFLA_MTU, c->net.mtu);
	if (c->net.bridge) {
		unsigned master = if_nametoindex(c->net.bridge);

		if (!master)
			return nb_fail(err, ENODEV, "--bridge", c->net.bridge, "no such interface");
		nl_put_u32(&m, IFLA_MASTER, master);
	}
	info = nl_nest_start(&m, IFLA_LINKINFO);
	nl_put_str(&m, IFLA_INFO_KIND, "veth");
	data = nl_nest_start(&m, IFLA_INFO_DATA);
	/* veth_newlink(): VETH_INFO_PEER is a struct ifinfomsg and the peer's own attributes;
	 * IFLA_NET_NS_PID there creates the peer directly in the child's namespace. */
	peer = nl_nest_start(&m, VETH_INFO_PEER);
	nl_put_extra(&m, sizeof(struct ifinfomsg));
	nl_put_str(&m, IFLA_IFNAME, NET_CONTAINER_IF);
	nl_put_u32(&m, IFLA_NET_NS_PID, (uint32_t)child);
	if (c->net.mtu)
		nl_put_u32(&m, IFLA_MTU, c->net.mtu);
	nl_nest_end(&m, peer);
	nl_nest_end(&m, data);
	nl_nest_end(&m, info);
	rc = nl_talk(s, &m, NULL, why, sizeof(why));
	return rc ? net_newlink_error(rc, "veth", name, why, err) : 0;
}

static int add_address(struct nl_sock *s, unsigned index, const struct nb_net_addr *a,
		       const char *ifname, struct nb_error *err)
{
	char buf[NL_BUF_SIZE], why[128];
	size_t len = a->family == AF_INET ? 4 : 16;
	struct ifaddrmsg *ifa;
	struct nl_msg m;
	int rc;

	nl_msg_init(&m, buf, sizeof(buf), RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	ifa = nl_put_extra(&m, sizeof(*ifa));
	if (ifa) {
		ifa->ifa_family = (uint8_t)a->family;
		ifa->ifa_prefixlen = (uint8_t)a->prefix;
		/* Both ends are ours and new: duplicate address detection would only delay
		 * IPv6 by a second or two (the address stays "tentative" meanwhile). */
		ifa->ifa_flags = a->family == AF_INET6 ? IFA_F_NODAD : 0;
		ifa->ifa_index = index;
	}
	nl_put_attr(&m, IFA_LOCAL, a->addr, len);
	if (a->family == AF_INET)
		nl_put_attr(&m, IFA_ADDRESS, a->addr, len);
	rc = nl_talk(s, &m, NULL, why, sizeof(why));
	if (rc)
		return nb_fail(err, -rc, ifname, a->text, why[0] ? why : strerror(-rc));
	return 0;
}

static int link_up(struct nl_sock *s, unsigned index, const char *ifname, struct nb_error *err)
{
	char buf[NL_BUF_SIZE], why[128];
	struct ifinfomsg *ifi;
	struct nl_msg m;
	int rc;

	ifi = link_msg(&m, buf, RTM_NEWLINK, NLM_F_ACK, (int)index);
	if (ifi) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	rc = nl_talk(s, &m, NULL, why, sizeof(why));
	if (rc)
		return nb_fail(err, -rc, "link up", ifname, why[0] ? why : strerror(-rc));
	return 0;
}

static int add_default_route(struct nl_sock *s, unsigned index, const struct nb_net_addr *gw,
			     struct nb_error *err)
{
	char buf[NL_BUF_SIZE], why[128];
	struct rtmsg *rt;
	struct nl_msg m;
	int rc;

	nl_msg_init(&m, buf, sizeof(buf), RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	rt = nl_put_extra(&m, sizeof(*rt));
	if (rt) {
		rt->rtm_family = (uint8_t)gw->family;
		rt->rtm_table = RT_TABLE_MAIN;
		rt->rtm_protocol = RTPROT_BOOT;
		rt->rtm_scope = RT_SCOPE_UNIVERSE;
		rt->rtm_type = RTN_UNICAST;
	}
	nl_put_attr(&m, RTA_GATEWAY, gw->addr, gw->family == AF_INET ? 4 : 16);
	nl_put_u32(&m, RTA_OIF, index);
	rc = nl_talk(s, &m, NULL, why, sizeof(why));
	if (rc)
		return nb_fail(err, -rc, "--gateway", gw->text, why[0] ? why : strerror(-rc));
	return 0;
}

static void del_link(struct nl_sock *s, unsigned index)
{
	char buf[NL_BUF_SIZE], why[128];
	struct nl_msg m;

	link_msg(&m, buf, RTM_DELLINK, NLM_F_ACK, (int)index);
	nl_talk(s, &m, NULL, why, sizeof(why)); /* ENODEV: already gone with the namespace */
}

/* --- checks -------------------------------------------------------------------------------- */

unsigned net_namespaces(const struct nb_container *c)
{
	switch (c->net.mode) {
	case NB_NET_NONE:
	case NB_NET_VETH:
		return c->namespaces | NB_NS_NET;
	case NB_NET_HOST:
		return c->namespaces & ~(unsigned)NB_NS_NET;
	default:
		return c->namespaces;
	}
}

static int check_bridge(const char *bridge, struct nb_error *err)
{
	struct nl_sock s;
	char kind[32];
	int rc = nl_open(&s, err);

	if (rc)
		return rc;
	rc = link_kind(&s, bridge, kind, sizeof(kind));
	nl_close(&s);
	/* br.c has a MODULE_VERSION: /sys/module/bridge exists whenever the kernel has bridges,
	 * built in or loaded. */
	if (rc == -ENODEV && access("/sys/module/bridge", F_OK))
		return nb_fail(err, ENODEV, "--bridge", bridge,
			       "no such interface, and the kernel has no bridge (load the bridge "
			       "module)");
	if (rc == -ENODEV)
		return nb_fail(err, ENODEV, "--bridge", bridge, "no such interface");
	if (rc)
		return nb_fail(err, -rc, "--bridge", bridge, strerror(-rc));
	if (strcmp(kind, "bridge"))
		return nb_fail(err, EINVAL, "--bridge", bridge, "not a bridge");
	return 0;
}

int net_validate(const struct nb_container *c, struct nb_error *err)
{
	const struct nb_net_spec *n = &c->net;
	const char *veth_only = n->n_ip	       ? "--ip"
				: n->n_host_ip ? "--host-ip"
				: n->n_gateway ? "--gateway"
				: n->bridge    ? "--bridge"
				: n->veth      ? "--veth"
				: n->mtu       ? "--mtu"
					       : NULL;

	if (n->mode != NB_NET_VETH && veth_only)
		return nb_fail(err, EINVAL, veth_only, NULL, "needs --net veth");
	if (n->mode == NB_NET_HOST && n->ns_listed && (c->namespaces & NB_NS_NET))
		return nb_fail(err, EINVAL, "--net", "host", "conflicts with --ns net");
	if (n->mode != NB_NET_VETH)
		return 0;
	if (n->bridge && n->n_host_ip)
		return nb_fail(err, EINVAL, "--host-ip", n->host_ip[0].text,
			       "not with --bridge (address the bridge instead)");
	for (int g = 0; g < n->n_gateway; g++) {
		int i = 0;

		while (i < n->n_ip && !net_addr_in_subnet(&n->gateway[g], &n->ip[i]))
			i++;
		if (i == n->n_ip)
			return nb_fail(err, EINVAL, "--gateway", n->gateway[g].text,
				       "not inside any --ip subnet");
	}
	return n->bridge ? check_bridge(n->bridge, err) : 0;
}

/* Not in net_validate: while another run holds the container's name, its host end exists, and
 * the answer must be the name lock's ("in use by PID N", issue 27), not this one. */
int net_host_name_free(const struct nb_container *c, struct nb_error *err)
{
	char name[NET_IFNAME_SIZE];

	if (c->net.mode != NB_NET_VETH)
		return 0;
	net_host_ifname(c, name);
	for (int i = 0; if_nametoindex(name); i++) {
		if (i == GONE_TRIES)
			return nb_fail(err, EEXIST, "--veth", name,
				       "an interface of that name exists");
		nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
	}
	return 0;
}

/* --- host side ----------------------------------------------------------------------------- */

/* The host end made by net_host_setup (one container per nestbox process). Deleted by index:
 * the kernel does not reuse an ifindex soon, a name could be anyone's. */
static unsigned host_ifindex;

int net_host_setup(const struct nb_container *c, pid_t child, struct nb_error *err)
{
	char name[NET_IFNAME_SIZE];
	struct nl_sock s;
	int rc;

	if (c->net.mode != NB_NET_VETH)
		return 0;
	net_host_ifname(c, name);
	rc = nl_open(&s, err);
	if (rc)
		return rc;
	rc = add_veth(&s, c, name, child, err);
	if (!rc) {
		host_ifindex = if_nametoindex(name);
		if (!host_ifindex)
			rc = nb_fail_errno(err, "veth", name);
	}
	for (int i = 0; !rc && i < c->net.n_host_ip; i++)
		rc = add_address(&s, host_ifindex, &c->net.host_ip[i], name, err);
	if (rc && host_ifindex) {
		del_link(&s, host_ifindex);
		host_ifindex = 0;
	}
	nl_close(&s);
	return rc;
}

void net_host_teardown(const struct nb_container *c)
{
	struct nb_error err;
	struct nl_sock s;

	(void)c;
	if (!host_ifindex || nl_open(&s, &err))
		return;
	del_link(&s, host_ifindex);
	host_ifindex = 0;
	nl_close(&s);
}

void net_delete_host_end(const char *ifname)
{
	unsigned index = ifname[0] ? if_nametoindex(ifname) : 0;
	struct nb_error err;
	struct nl_sock s;

	if (!index || nl_open(&s, &err))
		return;
	del_link(&s, index);
	nl_close(&s);
}

/* --- container side ------------------------------------------------------------------------ */

/* SIOCGIFFLAGS, SIOCSIFFLAGS with IFF_UP added (netdevice(7)), on a socket of any family made
 * in the namespace: sock_do_ioctl hands both to dev_ioctl. Not rtnetlink: a container without a
 * veth then makes no netlink socket, whose kernel paths (socket, bind, request, ack, release)
 * are ~2,000 instructions QEMU translates for the first time in a boot (issue 23). */
static int loopback_ioctl_up(void)
{
	/* lo: its name in every namespace (loopback_net_init) */
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) ||
	    (ifr.ifr_flags |= IFF_UP, ioctl(fd, SIOCSIFFLAGS, &ifr)))
		rc = -errno;
	close(fd);
	return rc;
}

/* lo up in the container's new namespace. Changing a link takes CAP_NET_ADMIN over the user
 * namespace that owns the network namespace (dev_ioctl: ns_capable), the caller's one unless
 * --ns user: a nestbox nested in docker, podman or runc made the namespace with CAP_SYS_ADMIN
 * but is not granted CAP_NET_ADMIN by their defaults. Say so, and the way without it. */
static int loopback_up(struct nb_error *err)
{
	int rc = loopback_ioctl_up();
	size_t len;

	if (rc && rc != -EPERM)
		return nb_fail(err, -rc, "link up", "lo", strerror(-rc));
	if (rc != -EPERM)
		return rc;
	nested_fail(err, EPERM, "link up", "lo", NB_NEED_NET_ADMIN);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len,
		 "; or --net host, to share the network of the container nestbox runs in");
	return rc;
}

int net_container_setup(const struct nb_container *c, struct nb_error *err)
{
	struct nl_sock s;
	unsigned eth;
	int rc;

	if (!(net_namespaces(c) & NB_NS_NET))
		return 0;
	rc = loopback_up(err);
	if (rc || c->net.mode != NB_NET_VETH)
		return rc;
	rc = nl_open(&s, err);
	if (rc)
		return rc;
	eth = if_nametoindex(NET_CONTAINER_IF);
	if (!eth) {
		rc = nb_fail_errno(err, "network interface", NET_CONTAINER_IF);
		goto out;
	}
	for (int i = 0; !rc && i < c->net.n_ip; i++)
		rc = add_address(&s, eth, &c->net.ip[i], NET_CONTAINER_IF, err);
	if (!rc)
		rc = link_up(&s, eth, NET_CONTAINER_IF, err);
	/* After the link is up: a gateway must be reachable through a connected route. */
	for (int i = 0; !rc && i < c->net.n_gateway; i++)
		rc = add_default_route(&s, eth, &c->net.gateway[i], err);
out:
	nl_close(&s);
	return rc;
}
