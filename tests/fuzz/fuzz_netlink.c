/* Netlink answers as the kernel could send them (runtime/netlink.c): find our answer (the first
 * 4 bytes are the sequence number we wait for), acks, extended acks, then its attributes as
 * net.c walks them (an ifinfomsg header, then nested attributes). */
#include <linux/rtnetlink.h>

#include "fuzz.h"
#include "netlink.h"

#define MAX_ATTR 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nlattr *tb[MAX_ATTR + 1], *nested[MAX_ATTR + 1];
	const struct nlmsghdr *msg = NULL;
	uint32_t seq;
	char why[256];
	void *buf;

	if (size < sizeof(seq))
		return 0;
	memcpy(&seq, data, sizeof(seq));
	/* A receive buffer is aligned; keep the input's own size so overreads are caught. */
	buf = malloc(size - sizeof(seq) + 1);
	if (!buf)
		abort();
	memcpy(buf, data + sizeof(seq), size - sizeof(seq));
	if (nl_parse_answer(buf, size - sizeof(seq), seq, &msg, why, sizeof(why)) == 1 && msg &&
	    !nl_msg_attrs(msg, sizeof(struct ifinfomsg), tb, MAX_ATTR)) {
		for (int i = 0; i <= MAX_ATTR; i++)
			if (tb[i])
				nl_attr_parse(tb[i] + 1, tb[i]->nla_len - sizeof(*tb[i]), nested,
					      MAX_ATTR);
	}
	free(buf);
	return 0;
}
