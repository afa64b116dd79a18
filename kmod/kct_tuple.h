/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_TUPLE_H
#define _KCT_TUPLE_H

#include <net/netfilter/nf_conntrack_tuple.h>
#include "kct_proto.h"

bool kct_tuple_parse_l3(struct kct_pkt *p, unsigned int nhoff);
bool kct_tuple_finish(struct kct_pkt *p, const struct kct_proto *proto);
bool kct_tuple_from_skb(const struct sk_buff *skb, unsigned int nhoff,
			u8 pf, struct nf_conntrack_tuple *t,
			unsigned int *l4off);
bool kct_tuple_invert(struct nf_conntrack_tuple *inv,
		      const struct nf_conntrack_tuple *orig);
u32 kct_tuple_hash(const struct net *net, const struct nf_conntrack_tuple *t,
		   u16 zone_id);
void kct_tuple_print(struct seq_file *s, const struct nf_conntrack_tuple *t);
void kct_tuple_init_key(void);

/* Same connection direction: addresses, ports/ids, protocols. */
static inline bool kct_tuple_equal(const struct nf_conntrack_tuple *a,
				   const struct nf_conntrack_tuple *b)
{
	return nf_inet_addr_cmp(&a->src.u3, &b->src.u3) &&
	       a->src.u.all == b->src.u.all &&
	       a->src.l3num == b->src.l3num &&
	       nf_inet_addr_cmp(&a->dst.u3, &b->dst.u3) &&
	       a->dst.u.all == b->dst.u.all &&
	       a->dst.protonum == b->dst.protonum;
}

#endif /* _KCT_TUPLE_H */
