/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_NETLINK_CONN_H
#define _KCT_NETLINK_CONN_H

#include <net/netlink.h>
#include <net/netfilter/nf_conntrack.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

/* One connection as a message. */
int kct_nl_fill_conn(struct sk_buff *skb, u32 portid, u32 seq, u16 msg,
		     unsigned int flags, struct nf_conn *ct, bool destroy);
size_t kct_nl_conn_size(void);

/* A request's change to the TCP state: checked whole, then applied. */
struct kct_nl_tcp_change {
	bool set[2];
	struct nf_ct_tcp_flags flags[2];
};

int kct_nl_tcp_parse(const struct nlattr *attr, struct nf_conn *ct,
		     struct kct_nl_tcp_change *c);
void kct_nl_tcp_apply(struct nf_conn *ct, const struct kct_nl_tcp_change *c);

#endif /* _KCT_NETLINK_CONN_H */
