/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_NETLINK_TUPLE_H
#define _KCT_NETLINK_TUPLE_H

#include <net/netlink.h>
#include <net/netfilter/nf_conntrack_tuple.h>
#include "kct_proto.h"

/* Tuples to and from attributes. */
extern const struct nla_policy kct_nl_tuple_policy[];
int kct_nl_put_tuple(struct sk_buff *skb, int type,
		     const struct nf_conntrack_tuple *t);
int kct_nl_parse_tuple(const struct nlattr *attr, u8 l3num,
		       struct nf_conntrack_tuple *t, u32 *present);
bool kct_nl_tuple_match(const struct nf_conntrack_tuple *ct_tuple,
			const struct nf_conntrack_tuple *filter, u32 flags);

#endif /* _KCT_NETLINK_TUPLE_H */
