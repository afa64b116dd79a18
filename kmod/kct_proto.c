// SPDX-License-Identifier: GPL-2.0
/*
 * The protocol registry, and the generic tracker that handles every
 * protocol without one of its own: addresses and protocol number only,
 * one timeout.
 */
#include "kct_proto.h"

/*
 * TCP and UDP tuples: the two ports, which sit at the same place in both
 * headers and in the tuple's union.  Only the ports are read, as ICMP
 * errors quote just 8 bytes of the transport header.
 */
bool kct_ports_tuple(const struct sk_buff *skb, unsigned int l4off,
		     struct nf_conntrack_tuple *t)
{
	__be16 _ports[2];
	const __be16 *ports;

	ports = skb_header_pointer(skb, l4off, sizeof(_ports), _ports);
	if (!ports)
		return false;
	t->src.u.all = ports[0];
	t->dst.u.all = ports[1];
	return true;
}

bool kct_ports_invert(struct nf_conntrack_tuple *inv,
		      const struct nf_conntrack_tuple *orig)
{
	inv->src.u.all = orig->dst.u.all;
	inv->dst.u.all = orig->src.u.all;
	return true;
}

static bool kct_generic_tuple(const struct sk_buff *skb, unsigned int l4off,
			      struct nf_conntrack_tuple *t)
{
	t->src.u.all = 0;
	t->dst.u.all = 0;
	return true;
}

static bool kct_generic_invert(struct nf_conntrack_tuple *inv,
			       const struct nf_conntrack_tuple *orig)
{
	inv->src.u.all = 0;
	inv->dst.u.all = 0;
	return true;
}

static enum kct_invalid_reason kct_generic_new(struct nf_conn *ct,
					       const struct kct_pkt *p)
{
	return KCT_VALID;
}

static enum kct_invalid_reason kct_generic_packet(struct nf_conn *ct,
						  const struct kct_pkt *p,
						  enum ip_conntrack_info ctinfo)
{
	kct_refresh(ct, kct_timeout(ct, KCT_TIMEOUT_GENERIC));
	return KCT_VALID;
}

const struct kct_proto kct_proto_generic = {
	.l4num = 0,
	.name = "unknown",
	.tuple = kct_generic_tuple,
	.invert = kct_generic_invert,
	.new = kct_generic_new,
	.packet = kct_generic_packet,
};

const struct kct_proto *kct_proto_find(u8 l4num)
{
	switch (l4num) {
	case IPPROTO_TCP:
		return &kct_proto_tcp;
	case IPPROTO_UDP:
		return &kct_proto_udp;
	case IPPROTO_SCTP:
		return &kct_proto_sctp;
	case IPPROTO_ICMP:
		return &kct_proto_icmp;
	case IPPROTO_ICMPV6:
		return &kct_proto_icmpv6;
	default:
		return &kct_proto_generic;
	}
}
