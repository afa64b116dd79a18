// SPDX-License-Identifier: GPL-2.0
/*
 * Tuples: what identifies a connection in each direction.  kct fills the
 * stock struct nf_conntrack_tuple (it is part of the nf_conn every stock
 * consumer reads) with its own parsers, and hashes it with its own keyed
 * siphash.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/siphash.h>
#include <linux/seq_file.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include "kct_tuple.h"

static siphash_aligned_key_t kct_hash_key;

void kct_tuple_init_key(void)
{
	get_random_bytes(&kct_hash_key, sizeof(kct_hash_key));
}

/* Addresses and protocol from the network header; the transport offset. */
static bool kct_parse_l3(const struct sk_buff *skb, unsigned int nhoff,
			 u8 pf, struct nf_conntrack_tuple *t,
			 unsigned int *l4off, u8 *l4num)
{
	memset(t, 0, sizeof(*t));
	t->src.l3num = pf;

	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph;
		struct iphdr _iph;

		iph = skb_header_pointer(skb, nhoff, sizeof(_iph), &_iph);
		if (!iph || iph->ihl < 5)
			return false;
		/* Later fragments carry no transport header. */
		if (iph->frag_off & htons(IP_OFFSET))
			return false;
		t->src.u3.ip = iph->saddr;
		t->dst.u3.ip = iph->daddr;
		*l4off = nhoff + iph->ihl * 4;
		*l4num = iph->protocol;
		return true;
	}
	if (pf == NFPROTO_IPV6) {
		const struct ipv6hdr *ip6h;
		struct ipv6hdr _ip6h;
		__be16 frag_off;
		u8 nexthdr;
		int off;

		ip6h = skb_header_pointer(skb, nhoff, sizeof(_ip6h), &_ip6h);
		if (!ip6h)
			return false;
		t->src.u3.in6 = ip6h->saddr;
		t->dst.u3.in6 = ip6h->daddr;
		nexthdr = ip6h->nexthdr;
		off = ipv6_skip_exthdr(skb, nhoff + sizeof(_ip6h), &nexthdr,
				       &frag_off);
		if (off < 0 || (frag_off & htons(~0x7)) != 0)
			return false;
		*l4off = off;
		*l4num = nexthdr;
		return true;
	}
	return false;
}

/*
 * The one parse of a packet's network header: addresses and protocol
 * into @p->tuple, the transport header's offset into @p->l4off.  The
 * transport part of the tuple is the tracker's (kct_tuple_finish()), as it
 * may first have to reject the packet.
 */
bool kct_tuple_parse_l3(struct kct_pkt *p, unsigned int nhoff)
{
	if (!kct_parse_l3(p->skb, nhoff, p->pf, &p->tuple, &p->l4off,
			  &p->l4num))
		return false;
	p->tuple.dst.protonum = p->l4num;
	p->tuple.dst.dir = IP_CT_DIR_ORIGINAL;
	return true;
}

/* The transport part of @p->tuple, from the header kct_tuple_parse_l3 found. */
bool kct_tuple_finish(struct kct_pkt *p, const struct kct_proto *proto)
{
	return kct_proto_tuple(proto, p->skb, p->l4off, &p->tuple);
}

/*
 * The full tuple of the packet whose network header is at @nhoff: the
 * one quoted inside an ICMP error, which no hook has parsed.
 */
bool kct_tuple_from_skb(const struct sk_buff *skb, unsigned int nhoff,
			u8 pf, struct nf_conntrack_tuple *t,
			unsigned int *l4off)
{
	const struct kct_proto *proto;
	u8 l4num;

	if (!kct_parse_l3(skb, nhoff, pf, t, l4off, &l4num))
		return false;
	t->dst.protonum = l4num;
	t->dst.dir = IP_CT_DIR_ORIGINAL;
	proto = kct_proto_find(l4num);
	return kct_proto_tuple(proto, skb, *l4off, t);
}

bool kct_tuple_invert(struct nf_conntrack_tuple *inv,
		      const struct nf_conntrack_tuple *orig)
{
	const struct kct_proto *proto = kct_proto_find(orig->dst.protonum);

	memset(inv, 0, sizeof(*inv));
	inv->src.l3num = orig->src.l3num;
	inv->src.u3 = orig->dst.u3;
	inv->dst.u3 = orig->src.u3;
	inv->dst.protonum = orig->dst.protonum;
	inv->dst.dir = !orig->dst.dir;
	return kct_proto_invert(proto, inv, orig);
}

/*
 * @t as /proc/net/nf_conntrack and nf_conntrack_expect print a tuple:
 * the addresses, then the protocol's own fields.
 */
void kct_tuple_print(struct seq_file *s, const struct nf_conntrack_tuple *t)
{
	const struct kct_proto *proto = kct_proto_find(t->dst.protonum);

	if (t->src.l3num == NFPROTO_IPV4)
		seq_printf(s, "src=%pI4 dst=%pI4 ", &t->src.u3.ip, &t->dst.u3.ip);
	else
		seq_printf(s, "src=%pI6 dst=%pI6 ", t->src.u3.ip6, t->dst.u3.ip6);
	if (proto->print_tuple)
		proto->print_tuple(s, t);
}

/*
 * One hash over everything that identifies a direction of a connection
 * (what kct_tuple_equal() compares), with the namespace and the conntrack
 * zone mixed into the key so that equal tuples in different namespaces
 * or zones spread over different buckets.  Every packet's lookup and
 * every insert runs it, so it hashes no more than it must: an IPv4 tuple
 * as two words (its addresses' other twelve bytes are zero, which
 * kct_tuple_equal() relies on too), an IPv6 one where it lies, from the
 * first address to the protocol number (the direction is left out: both
 * tuples of a connection carry their own).  SipHash-2-4 with a per-boot
 * key, as stock's.
 */
u32 kct_tuple_hash(const struct net *net, const struct nf_conntrack_tuple *t,
		   u16 zone_id)
{
	siphash_key_t key = kct_hash_key;

	/* No padding: every byte hashed is one kct_tuple_equal() compares. */
	BUILD_BUG_ON(offsetof(struct nf_conntrack_tuple, dst) !=
		     offsetofend(struct nf_conntrack_tuple, src.l3num));
	BUILD_BUG_ON(offsetof(struct nf_conntrack_tuple, dst.u) !=
		     offsetofend(struct nf_conntrack_tuple, dst.u3));
	BUILD_BUG_ON(offsetof(struct nf_conntrack_tuple, dst.protonum) !=
		     offsetofend(struct nf_conntrack_tuple, dst.u));
	key.key[0] ^= zone_id;
	key.key[1] ^= net_hash_mix(net);
	if (t->src.l3num == NFPROTO_IPV4)
		return (u32)siphash_2u64((u64)(__force u32)t->src.u3.ip << 32 |
					 (__force u32)t->dst.u3.ip,
					 (u64)t->dst.protonum << 32 |
					 (__force u32)t->src.u.all << 16 |
					 (__force u16)t->dst.u.all, &key);
	return (u32)siphash(t, offsetofend(struct nf_conntrack_tuple,
					   dst.protonum), &key);
}
