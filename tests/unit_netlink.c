/* runtime/netlink.c without a kernel: messages built byte for byte, answers parsed, and every
 * truncated or malformed answer refused. Byte arrays are little-endian (x86_64, like the VMs). */
#include <errno.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "kselftest_harness.h"
#include "netlink.h"

#define ALIGNED __attribute__((aligned(4)))

TEST(builds_nested_newlink_byte_exact)
{
	char buf[256] ALIGNED;
	struct nl_msg m;
	struct nlattr *nest;
	/* clang-format off */
	static const unsigned char want[] = {
		0x38, 0, 0, 0,  16, 0,  0x05, 0x06,  0, 0, 0, 0,  0, 0, 0, 0, /* nlmsghdr */
		0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,             /* ifinfomsg */
		7, 0, 3, 0,  'a', 'b', 0, 0,                                   /* IFLA_IFNAME "ab" */
		16, 0, 18, 0x80,                                               /* IFLA_LINKINFO|NESTED */
		9, 0, 1, 0,  'v', 'e', 't', 'h',  0, 0, 0, 0,                  /* IFLA_INFO_KIND */
	};
	/* clang-format on */

	nl_msg_init(&m, buf, sizeof(buf), RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	ASSERT_NE(NULL, nl_put_extra(&m, sizeof(struct ifinfomsg)));
	nl_put_str(&m, IFLA_IFNAME, "ab");
	nest = nl_nest_start(&m, IFLA_LINKINFO);
	nl_put_str(&m, IFLA_INFO_KIND, "veth");
	nl_nest_end(&m, nest);
	ASSERT_FALSE(m.overflow);
	ASSERT_EQ(sizeof(want), m.nlh->nlmsg_len);
	ASSERT_EQ(0, memcmp(want, buf, sizeof(want)));
}

TEST(u32_and_empty_attributes)
{
	char buf[64] ALIGNED;
	struct nl_msg m;
	static const unsigned char want[] = { 8, 0, 4, 0, 0xdc, 0x05, 0, 0, 4, 0, 9, 0 };

	nl_msg_init(&m, buf, sizeof(buf), RTM_NEWLINK, 0);
	nl_put_u32(&m, IFLA_MTU, 1500);
	nl_put_attr(&m, 9, NULL, 0);
	ASSERT_EQ(NLMSG_HDRLEN + sizeof(want), m.nlh->nlmsg_len);
	ASSERT_EQ(NLM_F_REQUEST, m.nlh->nlmsg_flags);
	ASSERT_EQ(0, memcmp(want, buf + NLMSG_HDRLEN, sizeof(want)));
}

TEST(nested_three_deep_lengths)
{
	char buf[256] ALIGNED;
	struct nl_msg m;
	struct nlattr *a, *b, *c;

	nl_msg_init(&m, buf, sizeof(buf), RTM_NEWLINK, 0);
	a = nl_nest_start(&m, 1);
	b = nl_nest_start(&m, 2);
	c = nl_nest_start(&m, 3);
	nl_put_u32(&m, 4, 7);
	nl_nest_end(&m, c);
	nl_nest_end(&m, b);
	nl_put_str(&m, 5, "x"); /* 4 + 2, padded to 8 */
	nl_nest_end(&m, a);
	ASSERT_EQ(4 + 8, c->nla_len);
	ASSERT_EQ(4 + 12, b->nla_len);
	ASSERT_EQ(4 + 16 + 8, a->nla_len);
	ASSERT_EQ(NLMSG_HDRLEN + 28, m.nlh->nlmsg_len);
}

TEST(overflow_is_sticky_and_never_writes_past_the_buffer)
{
	char buf[40 + 8] ALIGNED;
	struct nl_msg m;
	struct nl_sock s = { .fd = -1 };

	memset(buf, 0xaa, sizeof(buf));
	nl_msg_init(&m, buf, 40, RTM_NEWLINK, 0);
	ASSERT_NE(NULL, nl_put_extra(&m, 16));
	nl_put_str(&m, IFLA_IFNAME, "0123456789"); /* 4 + 11 > 8 left */
	ASSERT_TRUE(m.overflow);
	ASSERT_EQ(32, m.nlh->nlmsg_len);
	nl_put_u32(&m, IFLA_MTU, 1); /* would fit, but the message is already broken */
	ASSERT_EQ(32, m.nlh->nlmsg_len);
	ASSERT_EQ(NULL, nl_nest_start(&m, 1));
	for (size_t i = 40; i < sizeof(buf); i++)
		ASSERT_EQ((char)0xaa, buf[i]);
	ASSERT_EQ(-EMSGSIZE, nl_talk(&s, &m, NULL, NULL, 0));
}

/* An NLMSG_ERROR answer to seq: code, then optionally TLVs (capped: no request echoed). */
static size_t error_msg(char *buf, uint32_t seq, int code, uint16_t flags, const char *ext)
{
	struct nlmsghdr *nlh = (void *)buf;
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t len = NLMSG_HDRLEN + sizeof(*e);

	memset(buf, 0, 256);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	e->error = code;
	e->msg.nlmsg_len = NLMSG_HDRLEN;
	e->msg.nlmsg_seq = seq;
	if (ext) {
		struct nlattr *a = (void *)(buf + len);

		a->nla_type = NLMSGERR_ATTR_MSG;
		a->nla_len = (uint16_t)(NLA_HDRLEN + strlen(ext) + 1);
		strcpy((char *)a + NLA_HDRLEN, ext);
		len += NLA_ALIGN(a->nla_len);
	}
	nlh->nlmsg_len = (uint32_t)len;
	return len;
}

TEST(ack_is_zero)
{
	char buf[256] ALIGNED, why[64] = "stale";
	const struct nlmsghdr *msg = NULL;
	size_t len = error_msg(buf, 7, 0, NLM_F_CAPPED, NULL);

	ASSERT_EQ(0, nl_parse_answer(buf, len, 7, &msg, why, sizeof(why)));
	ASSERT_STREQ("", why);
}

TEST(error_with_extended_ack_message)
{
	char buf[256] ALIGNED, why[64];
	const struct nlmsghdr *msg = NULL;
	size_t len = error_msg(buf, 3, -EEXIST, NLM_F_CAPPED | NLM_F_ACK_TLVS, "name taken");

	ASSERT_EQ(-EEXIST, nl_parse_answer(buf, len, 3, &msg, why, sizeof(why)));
	ASSERT_STREQ("name taken", why);
}

TEST(error_message_truncated_to_callers_buffer)
{
	char buf[256] ALIGNED, why[5];
	const struct nlmsghdr *msg = NULL;
	size_t len = error_msg(buf, 3, -EINVAL, NLM_F_CAPPED | NLM_F_ACK_TLVS, "long reason");

	ASSERT_EQ(-EINVAL, nl_parse_answer(buf, len, 3, &msg, why, sizeof(why)));
	ASSERT_STREQ("long", why);
}

TEST(error_uncapped_skips_the_echoed_request)
{
	char buf[256] ALIGNED, why[64];
	const struct nlmsghdr *msg = NULL;
	struct nlmsghdr *nlh = (void *)buf;
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	struct nlattr *a;
	size_t len = NLMSG_HDRLEN + sizeof(*e) + 8; /* 8 bytes of echoed request payload */

	memset(buf, 0, sizeof(buf));
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_ACK_TLVS;
	nlh->nlmsg_seq = 1;
	e->error = -ENODEV;
	e->msg.nlmsg_len = NLMSG_HDRLEN + 8;
	memset(buf + NLMSG_HDRLEN + sizeof(*e), 0x5a, 8); /* not attributes */
	a = (void *)(buf + len);
	a->nla_type = NLMSGERR_ATTR_MSG;
	a->nla_len = NLA_HDRLEN + 3;
	memcpy((char *)a + NLA_HDRLEN, "no", 3);
	len += 8;
	nlh->nlmsg_len = (uint32_t)len;
	ASSERT_EQ(-ENODEV, nl_parse_answer(buf, len, 1, &msg, why, sizeof(why)));
	ASSERT_STREQ("no", why);
}

TEST(error_without_tlvs_has_empty_reason)
{
	char buf[256] ALIGNED, why[64];
	const struct nlmsghdr *msg = NULL;
	size_t len = error_msg(buf, 9, -EPERM, 0, NULL);

	ASSERT_EQ(-EPERM, nl_parse_answer(buf, len, 9, &msg, why, sizeof(why)));
	ASSERT_STREQ("", why);
}

TEST(data_answer_and_other_sequence_numbers)
{
	char buf[256] ALIGNED, why[64];
	const struct nlmsghdr *msg = NULL;
	struct nlmsghdr *first = (void *)buf, *second;
	size_t len = error_msg(buf, 1, -EPERM, 0, NULL); /* an old answer, seq 1 */

	second = (void *)(buf + NLMSG_ALIGN(len));
	memset(second, 0, 32);
	second->nlmsg_len = NLMSG_HDRLEN + 16;
	second->nlmsg_type = RTM_NEWLINK;
	second->nlmsg_seq = 2;
	len = NLMSG_ALIGN(len) + second->nlmsg_len;
	ASSERT_EQ(1, nl_parse_answer(buf, len, 2, &msg, why, sizeof(why)));
	ASSERT_EQ(second, msg);
	ASSERT_EQ(-EAGAIN, nl_parse_answer(buf, len, 3, &msg, why, sizeof(why)));
	ASSERT_EQ(-EPERM, nl_parse_answer(first, len, 1, &msg, why, sizeof(why)));
}

TEST(truncated_and_malformed_answers_are_refused)
{
	char buf[256] ALIGNED, why[64];
	const struct nlmsghdr *msg = NULL;
	struct nlmsghdr *nlh = (void *)buf;
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	struct nlattr *a;
	size_t len;

	/* fewer bytes than a header */
	len = error_msg(buf, 1, -EPERM, 0, NULL);
	ASSERT_EQ(-EBADMSG, nl_parse_answer(buf, 10, 1, &msg, why, sizeof(why)));
	/* nlmsg_len beyond what was received */
	ASSERT_EQ(-EBADMSG, nl_parse_answer(buf, len - 4, 1, &msg, why, sizeof(why)));
	/* nlmsg_len shorter than the header itself */
	nlh->nlmsg_len = 8;
	ASSERT_EQ(-EBADMSG, nl_parse_answer(buf, len, 1, &msg, why, sizeof(why)));
	/* an error message too short to hold the error code */
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	ASSERT_EQ(-EBADMSG, nl_parse_answer(buf, len, 1, &msg, why, sizeof(why)));
	/* a positive or out-of-range error code */
	len = error_msg(buf, 1, 5, 0, NULL);
	ASSERT_EQ(-EBADMSG, nl_parse_answer(buf, len, 1, &msg, why, sizeof(why)));
	len = error_msg(buf, 1, -100000, 0, NULL);
	ASSERT_EQ(-EBADMSG, nl_parse_answer(buf, len, 1, &msg, why, sizeof(why)));
	/* ACK_TLVS on an error too short for struct nlmsgerr */
	len = error_msg(buf, 1, -EPERM, NLM_F_CAPPED | NLM_F_ACK_TLVS, NULL);
	nlh->nlmsg_len = NLMSG_HDRLEN + 8;
	ASSERT_EQ(-EBADMSG, nl_parse_answer(buf, nlh->nlmsg_len, 1, &msg, why, sizeof(why)));
	/* an extended ack attribute running past the message */
	len = error_msg(buf, 1, -EPERM, NLM_F_CAPPED | NLM_F_ACK_TLVS, "abc");
	a = (void *)(buf + NLMSG_HDRLEN + sizeof(*e));
	a->nla_len = 60;
	ASSERT_EQ(-EBADMSG, nl_parse_answer(buf, len, 1, &msg, why, sizeof(why)));
	/* a message string without its NUL */
	len = error_msg(buf, 1, -EPERM, NLM_F_CAPPED | NLM_F_ACK_TLVS, "abc");
	a->nla_len = NLA_HDRLEN + 3;
	ASSERT_EQ(-EBADMSG, nl_parse_answer(buf, len, 1, &msg, why, sizeof(why)));
	/* an uncapped error whose echoed request claims more than there is */
	len = error_msg(buf, 1, -EPERM, NLM_F_ACK_TLVS, NULL);
	e->msg.nlmsg_len = 200;
	ASSERT_EQ(-EBADMSG, nl_parse_answer(buf, len, 1, &msg, why, sizeof(why)));
	/* DONE for our request is not an answer to a single request */
	len = error_msg(buf, 1, 0, 0, NULL);
	nlh->nlmsg_type = NLMSG_DONE;
	ASSERT_EQ(-EBADMSG, nl_parse_answer(buf, len, 1, &msg, why, sizeof(why)));
	/* trailing bytes shorter than a header after a message for someone else */
	len = error_msg(buf, 2, 0, 0, NULL);
	ASSERT_EQ(-EBADMSG, nl_parse_answer(buf, len + 6, 1, &msg, why, sizeof(why)));
}

TEST(attribute_walk_bounds)
{
	unsigned char attrs[32] ALIGNED = {
		8, 0, 1, 0, 1,	 2,   3, 4, /* type 1 */
		5, 0, 9, 0, 'x', 0,   0, 0, /* type 9: above max, skipped */
		6, 0, 2, 0, 'h', 'i',	    /* type 2, last one without padding */
	};
	const struct nlattr *tb[3];

	ASSERT_EQ(0, nl_attr_parse(attrs, 22, tb, 2));
	ASSERT_NE(NULL, tb[1]);
	ASSERT_EQ(4, nl_attr_len(tb[1]));
	ASSERT_NE(NULL, tb[2]);
	ASSERT_EQ(0, memcmp("hi", nl_attr_data(tb[2]), 2));
	ASSERT_EQ(NULL, tb[0]);
	/* runs past the end */
	ASSERT_EQ(-EBADMSG, nl_attr_parse(attrs, 20, tb, 2));
	/* shorter than its own header */
	attrs[0] = 3;
	ASSERT_EQ(-EBADMSG, nl_attr_parse(attrs, 22, tb, 2));
	attrs[0] = 8;
	/* stray bytes after the last attribute */
	ASSERT_EQ(-EBADMSG, nl_attr_parse(attrs, 3, tb, 2));
	ASSERT_EQ(0, nl_attr_parse(attrs, 0, tb, 2));
}

TEST(message_attributes_after_family_header)
{
	char buf[128] ALIGNED;
	const struct nlattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1];
	struct nl_msg m;
	struct nlattr *nest;

	nl_msg_init(&m, buf, sizeof(buf), RTM_NEWLINK, 0);
	nl_put_extra(&m, sizeof(struct ifinfomsg));
	nest = nl_nest_start(&m, IFLA_LINKINFO);
	nl_put_str(&m, IFLA_INFO_KIND, "bridge");
	nl_nest_end(&m, nest);
	ASSERT_EQ(0, nl_msg_attrs(m.nlh, sizeof(struct ifinfomsg), tb, IFLA_MAX));
	ASSERT_NE(NULL, tb[IFLA_LINKINFO]);
	ASSERT_EQ(0, nl_attr_parse(nl_attr_data(tb[IFLA_LINKINFO]), nl_attr_len(tb[IFLA_LINKINFO]),
				   info, IFLA_INFO_MAX));
	ASSERT_STREQ("bridge", nl_attr_data(info[IFLA_INFO_KIND]));
	m.nlh->nlmsg_len = NLMSG_HDRLEN + 8; /* shorter than its ifinfomsg */
	ASSERT_EQ(-EBADMSG, nl_msg_attrs(m.nlh, sizeof(struct ifinfomsg), tb, IFLA_MAX));
}

TEST_HARNESS_MAIN
