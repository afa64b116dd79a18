/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_NETLINK_TUPLE_H
#define _KCT_NETLINK_TUPLE_H

#include <net/netlink.h>
#include <net/netfilter/nf_conntrack_tuple.h>

/* The CTA_FILTER_*_FLAGS bits of the uapi (one per tuple field). */
#define KCT_FILTER_IP_SRC		BIT(0)
#define KCT_FILTER_IP_DST		BIT(1)
#define KCT_FILTER_TUPLE_ZONE		BIT(2)
#define KCT_FILTER_PROTO_NUM		BIT(3)
#define KCT_FILTER_PROTO_SRC_PORT	BIT(4)
#define KCT_FILTER_PROTO_DST_PORT	BIT(5)
#define KCT_FILTER_ICMP_TYPE		BIT(6)
#define KCT_FILTER_ICMP_CODE		BIT(7)
#define KCT_FILTER_ICMP_ID		BIT(8)
#define KCT_FILTER_ICMPV6_TYPE		BIT(9)
#define KCT_FILTER_ICMPV6_CODE		BIT(10)
#define KCT_FILTER_ICMPV6_ID		BIT(11)
#define KCT_FILTER_ALL			(BIT(12) - 1)

/* Tuples to and from attributes. */
extern const struct nla_policy kct_nl_tuple_policy[];
int kct_nl_put_tuple(struct sk_buff *skb, int type,
		     const struct nf_conntrack_tuple *t);
int kct_nl_parse_tuple(const struct nlattr *attr, u8 l3num,
		       struct nf_conntrack_tuple *t, u32 *present);
bool kct_nl_tuple_match(const struct nf_conntrack_tuple *ct_tuple,
			const struct nf_conntrack_tuple *filter, u32 flags);

#endif /* _KCT_NETLINK_TUPLE_H */
