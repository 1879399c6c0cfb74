/* The container's network: --net none|host|veth, a veth pair made over rtnetlink (netlink.h),
 * addresses, the default route, lo, a bridge for the host end, /etc/hosts and resolv.conf. */
#ifndef NB_NET_H
#define NB_NET_H

#include <stdbool.h>
#include <sys/types.h>

#include "nb_error.h"

#define NET_MAX_ADDRS	 4  /* --ip and --host-ip, each */
#define NET_MAX_DNS	 3  /* resolv.conf(5): MAXNS */
#define NET_MAX_HOSTS	 16 /* docker's --add-host lines */
#define NET_MAX_SEARCH	 6  /* resolv.conf(5): search domains (our cap on options too) */
#define NET_IFNAME_SIZE	 16 /* IFNAMSIZ */
#define NET_CONTAINER_IF "eth0"

enum nb_net_mode {
	NB_NET_DEFAULT = 0, /* as the namespace set says: own (lo only) with net in it */
	NB_NET_NONE,
	NB_NET_HOST,
	NB_NET_VETH,
};

struct nb_net_addr {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned prefix;
	const char *text; /* as given, for messages */
};

struct nb_net_spec {
	enum nb_net_mode mode;
	struct nb_net_addr ip[NET_MAX_ADDRS];
	struct nb_net_addr host_ip[NET_MAX_ADDRS];
	struct nb_net_addr gateway[2]; /* one per family */
	int n_ip, n_host_ip, n_gateway;
	const char *bridge; /* host end's master, or NULL */
	const char *veth;   /* host end's name, or NULL: derived from the container's name */
	unsigned mtu;	    /* 0: the kernel's default */
	const char *dns[NET_MAX_DNS];
	int n_dns;
	const char *search[NET_MAX_SEARCH];   /* --dns-search: replaces resolv.conf's search */
	const char *dns_opts[NET_MAX_SEARCH]; /* --dns-option: replaces its options */
	int n_search, n_dns_opts;
	const char *hosts[NET_MAX_HOSTS]; /* --add-host, as /etc/hosts lines "IP\tNAME" */
	int n_hosts;
	bool ns_listed; /* --ns was given: net in the set was asked for, not only the default */
};

/* The options --net ... --dns are net.c's net_options[], declared in cli.h (cli.h includes
 * container.h, which embeds the spec above: a declaration here would come before cli.h's
 * struct cli_option). */
struct nb_container;

/* c->namespaces with the net bit as --net decides: host takes it out of the default set. */
unsigned net_namespaces(const struct nb_container *c);

/* Checks before anything is made: option combinations, names, the bridge. */
int net_validate(const struct nb_container *c, struct nb_error *err);

/* Once the container's name is held (state_claim): the host end's name is free, or frees
 * within a second (a previous run's goes with its namespace, after its PID 1); else EEXIST. */
int net_host_name_free(const struct nb_container *c, struct nb_error *err);

/* The host end's name: --veth, or "nb-<name>" cut to IFNAMSIZ with a hash of the name. */
void net_host_ifname(const struct nb_container *c, char name[NET_IFNAME_SIZE]);

/* Parse "ADDR[/PREFIX]" (need_prefix: the prefix is required); 0 or -EINVAL. */
int net_parse_addr(const char *text, bool need_prefix, struct nb_net_addr *a);
/* Is a inside the subnet of net (same family, first net->prefix bits equal)? */
bool net_addr_in_subnet(const struct nb_net_addr *a, const struct nb_net_addr *net);
/* The error for a failed RTM_NEWLINK of kind ("veth", "bridge"): names the missing module. */
int net_newlink_error(int rc, const char *kind, const char *name, const char *why,
		      struct nb_error *err);

/* Host side, after the clone, before the go byte: the pair, its host end up, addressed or on
 * the bridge, the peer already in child's network namespace as eth0. On failure nothing is
 * left. */
int net_host_setup(const struct nb_container *c, pid_t child, struct nb_error *err);
/* Host side, after the container ended: delete the host end now rather than when the kernel
 * gets around to the dead namespace. */
void net_host_teardown(const struct nb_container *c);

/* `nestbox delete`: the host end of a container this process did not make, by name. */
void net_delete_host_end(const char *ifname);

/* Container side, after the go byte: lo up, and eth0's addresses, state and route. */
int net_container_setup(const struct nb_container *c, struct nb_error *err);

/* Container side, root mounted at NEWROOT: /etc/hosts (own network namespace) and
 * /etc/resolv.conf (--dns) in the writable layer, or bound from the scratch tmpfs when the
 * root is read-only. */
int net_write_etc(const struct nb_container *c, struct nb_error *err);

#endif
