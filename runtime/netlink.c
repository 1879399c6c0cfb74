/* Netlink messages over a caller's buffer, and one request/answer exchange (netlink.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netlink.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

void nl_msg_init(struct nl_msg *m, void *buf, size_t cap, uint16_t type, uint16_t flags)
{
	m->nlh = buf;
	m->cap = cap;
	m->overflow = cap < NLMSG_HDRLEN;
	if (m->overflow)
		return;
	memset(buf, 0, NLMSG_HDRLEN);
	m->nlh->nlmsg_len = NLMSG_HDRLEN;
	m->nlh->nlmsg_type = type;
	m->nlh->nlmsg_flags = NLM_F_REQUEST | flags;
}

/* Room for len bytes plus alignment padding at the tail, zeroed; NULL (and overflow) if none. */
static void *reserve(struct nl_msg *m, size_t len)
{
	size_t aligned = NLMSG_ALIGN(len);
	char *tail;

	if (m->overflow || aligned > m->cap - m->nlh->nlmsg_len || aligned > UINT16_MAX) {
		m->overflow = true;
		return NULL;
	}
	tail = (char *)m->nlh + m->nlh->nlmsg_len;
	memset(tail, 0, aligned);
	m->nlh->nlmsg_len += (uint32_t)aligned;
	return tail;
}

void *nl_put_extra(struct nl_msg *m, size_t len)
{
	return reserve(m, len);
}

void nl_put_attr(struct nl_msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = reserve(m, NLA_HDRLEN + len);

	if (!a)
		return;
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
}

void nl_put_u32(struct nl_msg *m, uint16_t type, uint32_t value)
{
	nl_put_attr(m, type, &value, sizeof(value));
}

void nl_put_str(struct nl_msg *m, uint16_t type, const char *s)
{
	nl_put_attr(m, type, s, strlen(s) + 1);
}

struct nlattr *nl_nest_start(struct nl_msg *m, uint16_t type)
{
	struct nlattr *nest = reserve(m, NLA_HDRLEN);

	if (nest)
		nest->nla_type = NLA_F_NESTED | type;
	return nest;
}

void nl_nest_end(struct nl_msg *m, struct nlattr *nest)
{
	if (!nest || m->overflow)
		return;
	nest->nla_len = (uint16_t)((char *)m->nlh + m->nlh->nlmsg_len - (char *)nest);
}

int nl_attr_parse(const void *data, size_t len, const struct nlattr **tb, unsigned max)
{
	const char *p = data;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;
		size_t step = NLA_ALIGN(a->nla_len);
		unsigned type = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return -EBADMSG;
		if (type <= max)
			tb[type] = a;
		if (step > len) /* the last attribute's padding may be missing */
			step = len;
		p += step;
		len -= step;
	}
	return len ? -EBADMSG : 0;
}

int nl_msg_attrs(const struct nlmsghdr *nlh, size_t hdrlen, const struct nlattr **tb, unsigned max)
{
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(hdrlen);

	if (nlh->nlmsg_len < off)
		return -EBADMSG;
	return nl_attr_parse((const char *)nlh + off, nlh->nlmsg_len - off, tb, max);
}

/* The extended ack's message (NLMSGERR_ATTR_MSG), when the kernel sent one. */
static int parse_ext_ack(const struct nlmsghdr *nlh, char *why, size_t why_size)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t data_len = nlh->nlmsg_len - NLMSG_HDRLEN, off = sizeof(*e);
	const char *msg;
	size_t len;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	if (data_len < sizeof(*e))
		return -EBADMSG;
	/* netlink_ack(): the request follows unless NLM_F_CAPPED, then the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return -EBADMSG;
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	off = NLMSG_ALIGN(off);
	if (off > data_len ||
	    nl_attr_parse((const char *)e + off, data_len - off, tb, NLMSGERR_ATTR_MAX))
		return -EBADMSG;
	if (!tb[NLMSGERR_ATTR_MSG])
		return 0;
	msg = nl_attr_data(tb[NLMSGERR_ATTR_MSG]);
	len = strnlen(msg, nl_attr_len(tb[NLMSGERR_ATTR_MSG]));
	if (len == nl_attr_len(tb[NLMSGERR_ATTR_MSG]))
		return -EBADMSG; /* not NUL-terminated */
	snprintf(why, why_size, "%s", msg);
	return 0;
}

static int parse_error(const struct nlmsghdr *nlh, char *why, size_t why_size)
{
	int code;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int))
		return -EBADMSG;
	memcpy(&code, NLMSG_DATA(nlh), sizeof(code));
	if (code > 0 || code < -4095)
		return -EBADMSG;
	if (code && parse_ext_ack(nlh, why, why_size))
		return -EBADMSG;
	return code;
}

int nl_parse_answer(const void *buf, size_t len, uint32_t seq, const struct nlmsghdr **msg,
		    char *why, size_t why_size)
{
	const char *p = buf;

	if (why_size)
		why[0] = '\0';
	while (len >= NLMSG_HDRLEN) {
		const struct nlmsghdr *nlh = (const void *)p;
		size_t step = NLMSG_ALIGN(nlh->nlmsg_len);

		if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len)
			return -EBADMSG;
		if (nlh->nlmsg_seq == seq) {
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return parse_error(nlh, why, why_size);
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE) /* NOOP, DONE, OVERRUN */
				return -EBADMSG;
			*msg = nlh;
			return 1;
		}
		if (step > len)
			step = len;
		p += step;
		len -= step;
	}
	return len ? -EBADMSG : -EAGAIN;
}

int nl_open(struct nl_sock *s, struct nb_error *err)
{
	const int on = 1;

	s->seq = 0;
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (s->fd < 0)
		return nb_fail_errno(err, "netlink", "NETLINK_ROUTE");
	/* Kernels before 4.12 lack extended acks, before 4.3 capped acks: errors then come
	 * without a message, which nl_talk handles. */
	setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof(on));
	setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof(on));
	return 0;
}

void nl_close(struct nl_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

int nl_talk(struct nl_sock *s, struct nl_msg *m, void *reply, char *why, size_t why_size)
{
	char local[NL_BUF_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	char *buf = reply ? reply : local;
	bool want_ack = m->nlh->nlmsg_flags & NLM_F_ACK;

	if (why_size)
		why[0] = '\0';
	if (m->overflow)
		return -EMSGSIZE;
	m->nlh->nlmsg_seq = ++s->seq;
	while (send(s->fd, m->nlh, m->nlh->nlmsg_len, 0) < 0)
		if (errno != EINTR)
			return -errno;
	for (;;) {
		const struct nlmsghdr *msg = NULL;
		ssize_t n = recv(s->fd, buf, NL_BUF_SIZE, MSG_TRUNC);
		int rc;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n > NL_BUF_SIZE)
			return -EMSGSIZE;
		rc = nl_parse_answer(buf, (size_t)n, s->seq, &msg, why, why_size);
		if (rc == -EAGAIN || (rc == 1 && want_ack))
			continue; /* an old answer, or data before the ACK */
		if (rc == 1 && (const char *)msg != buf)
			memmove(buf, msg, msg->nlmsg_len);
		return rc;
	}
}
