// SPDX-License-Identifier: GPL-2.0
/*
 * The protocol registry, and the generic tracker that handles every
 * protocol without one of its own: addresses and protocol number only,
 * one timeout.
 */
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <net/netlink.h>
#include "kct_timeout.h"
#include "kct_conn.h"

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

/* As /proc/net/nf_conntrack prints them, in host order. */
void kct_ports_print_tuple(struct seq_file *s,
			   const struct nf_conntrack_tuple *t)
{
	seq_printf(s, "sport=%u dport=%u ", ntohs(t->src.u.all),
		   ntohs(t->dst.u.all));
}

int kct_ports_to_nlattr(struct sk_buff *skb,
			const struct nf_conntrack_tuple *t)
{
	if (nla_put_be16(skb, CTA_PROTO_SRC_PORT, t->src.u.all) ||
	    nla_put_be16(skb, CTA_PROTO_DST_PORT, t->dst.u.all))
		return -EMSGSIZE;
	return 0;
}

void kct_ports_from_nlattr(struct nlattr *tb[], struct nf_conntrack_tuple *t,
			   u32 *present)
{
	if (tb[CTA_PROTO_SRC_PORT]) {
		t->src.u.all = nla_get_be16(tb[CTA_PROTO_SRC_PORT]);
		*present |= KCT_FILTER_PROTO_SRC_PORT;
	}
	if (tb[CTA_PROTO_DST_PORT]) {
		t->dst.u.all = nla_get_be16(tb[CTA_PROTO_DST_PORT]);
		*present |= KCT_FILTER_PROTO_DST_PORT;
	}
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

static unsigned int kct_generic_timeout(struct nf_conn *ct)
{
	return READ_ONCE(*kct_timeouts(ct,
				       &nf_generic_pernet(nf_ct_net(ct))->timeout));
}

static enum kct_invalid_reason kct_generic_packet(struct nf_conn *ct,
						  const struct kct_pkt *p,
						  enum ip_conntrack_info ctinfo)
{
	kct_refresh(ct, kct_generic_timeout(ct));
	return KCT_VALID;
}

const struct kct_proto kct_proto_generic = {
	.l4num = 0,
	.name = "unknown",
	.tuple = kct_generic_tuple,
	.invert = kct_generic_invert,
	.packet = kct_generic_packet,
	.allow_clash = true,
};

/*
 * The registry: each protocol with a tracker of its own, by number.
 * Adding a protocol is its file and one line here.
 */
static const struct kct_proto *const kct_protos[U8_MAX + 1] = {
	[IPPROTO_TCP] = &kct_proto_tcp,
	[IPPROTO_UDP] = &kct_proto_udp,
	[IPPROTO_UDPLITE] = &kct_proto_udplite,
	[IPPROTO_SCTP] = &kct_proto_sctp,
	[IPPROTO_ICMP] = &kct_proto_icmp,
	[IPPROTO_ICMPV6] = &kct_proto_icmpv6,
};

const struct kct_proto *kct_proto_find(u8 l4num)
{
	return kct_protos[l4num] ?: &kct_proto_generic;
}
