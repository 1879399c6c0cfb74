/* A small netlink layer on libmnl's model: messages are built over a caller's buffer (header,
 * fixed-size family header, attributes, nested attributes), sent with a sequence number and an
 * ACK request, and the kernel's answer (NLMSG_ERROR with its extended ack message) is turned
 * into a negative errno and a readable reason. No allocation. */
#ifndef NB_NETLINK_H
#define NB_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "nb_error.h"

/* Big enough for any request or single answer nestbox makes (a RTM_NEWLINK answer carries
 * stats and link info: a few KiB). */
#define NL_BUF_SIZE 8192

struct nl_msg {
	struct nlmsghdr *nlh;
	size_t cap;    /* bytes available at nlh */
	bool overflow; /* sticky: some put did not fit; nl_talk refuses to send */
};

/* Start a message of type with flags (NLM_F_REQUEST is added) over buf. */
void nl_msg_init(struct nl_msg *m, void *buf, size_t cap, uint16_t type, uint16_t flags);
/* Reserve len zeroed bytes (the family header, e.g. struct ifinfomsg); NULL on overflow. */
void *nl_put_extra(struct nl_msg *m, size_t len);
void nl_put_attr(struct nl_msg *m, uint16_t type, const void *data, size_t len);
void nl_put_u32(struct nl_msg *m, uint16_t type, uint32_t value);
void nl_put_str(struct nl_msg *m, uint16_t type, const char *s);
/* Nested attributes: start returns the nest (NULL on overflow), end fixes its length. */
struct nlattr *nl_nest_start(struct nl_msg *m, uint16_t type);
void nl_nest_end(struct nl_msg *m, struct nlattr *nest);

/* Attributes in [data, data + len) into tb[type] (tb has max + 1 entries; later duplicates win,
 * types above max are skipped). -EBADMSG when an attribute's length runs past the end or is
 * shorter than its header. */
int nl_attr_parse(const void *data, size_t len, const struct nlattr **tb, unsigned max);
static inline const void *nl_attr_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}
static inline size_t nl_attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}
/* The attributes after a message's family header of hdrlen bytes; -EBADMSG when too short. */
int nl_msg_attrs(const struct nlmsghdr *nlh, size_t hdrlen, const struct nlattr **tb, unsigned max);

/* One answer in buf[0, len) to request seq: 0 for an ACK, 1 for a data message (*msg set),
 * -errno for a kernel error (why gets the extended ack message when there is one, else ""),
 * -EBADMSG for a truncated or malformed answer, -EAGAIN when nothing in it is for seq. */
int nl_parse_answer(const void *buf, size_t len, uint32_t seq, const struct nlmsghdr **msg,
		    char *why, size_t why_size);

struct nl_sock {
	int fd;
	uint32_t seq;
};

/* A NETLINK_ROUTE socket in the caller's network namespace, with extended acks asked for. */
int nl_open(struct nl_sock *s, struct nb_error *err);
void nl_close(struct nl_sock *s);

/* Send m with the next sequence number and wait for its answer. With NLM_F_ACK: returns 0 or
 * -errno. Without (a GET): returns 1 with the answer copied into reply (NL_BUF_SIZE bytes),
 * or -errno. why gets the kernel's extended ack message, or "". */
int nl_talk(struct nl_sock *s, struct nl_msg *m, void *reply, char *why, size_t why_size);

#endif
