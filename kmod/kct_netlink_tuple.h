/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_NETLINK_TUPLE_H
#define _KCT_NETLINK_TUPLE_H

#include <net/netlink.h>
#include <net/netfilter/nf_conntrack_tuple.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include "kct_proto.h"

/* Tuples to and from attributes. */
extern const struct nla_policy kct_nl_tuple_policy[];
int kct_nl_put_tuple(struct sk_buff *skb, int type,
		     const struct nf_conntrack_tuple *t);
int kct_nl_put_tuple_zone(struct sk_buff *skb, int type,
			  const struct nf_conntrack_tuple *t,
			  const struct nf_conntrack_zone *zone, u8 dir);
int kct_nl_parse_tuple(const struct nlattr *attr, u8 l3num,
		       struct nf_conntrack_tuple *t, u32 *present);

/* Zones to and from attributes. */
int kct_nl_parse_zone(const struct nlattr *zone_attr,
		      const struct nlattr *tuple_attr, int type,
		      struct nf_conntrack_zone *zone);
int kct_nl_put_zone(struct sk_buff *skb, int type,
		    const struct nf_conntrack_zone *zone, u8 dir);
bool kct_nl_tuple_match(const struct nf_conntrack_tuple *ct_tuple,
			const struct nf_conntrack_tuple *filter, u32 flags);

#endif /* _KCT_NETLINK_TUPLE_H */
