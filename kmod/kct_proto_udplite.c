// SPDX-License-Identifier: GPL-2.0
/*
 * UDP-Lite (RFC 3828): UDP whose checksum may cover only the first bytes
 * of the datagram; the header's length field says how many (0: all).
 * Tracked as stock tracks it: UDP's tuple, /proc and ctnetlink format
 * and timeouts (nf_conntrack_udp_timeout, _stream), but a flow is
 * a stream, ASSURED, as soon as a packet follows the first reply.  A
 * coverage shorter than the header or longer than the datagram, a
 * missing checksum (it is mandatory) or, at PREROUTING with
 * nf_conntrack_checksum, a wrong one over the covered bytes is INVALID.
 */
#include <linux/udp.h>
#include <linux/netfilter.h>
#include "kct_conn.h"
#include "kct_proto_udp.h"

static enum kct_invalid_reason kct_udplite_error(struct kct_pkt *p)
{
	unsigned int len = p->skb->len - p->l4off, cover;
	const struct udphdr *uh;
	struct udphdr _uh;

	uh = skb_header_pointer(p->skb, p->l4off, sizeof(_uh), &_uh);
	if (!uh)
		return KCT_INVALID_TRUNCATED;
	cover = ntohs(uh->len) ?: len;
	if (cover < sizeof(*uh) || cover > len)
		return KCT_INVALID_TRUNCATED;
	if (!uh->check)
		return KCT_INVALID_BAD_CHECKSUM;
	/*
	 * The pseudo-header names UDP-Lite (stock 6.1 sums it as UDP's and
	 * so finds every UDP-Lite checksum wrong).
	 */
	if (p->hook == NF_INET_PRE_ROUTING &&
	    READ_ONCE(p->net->ct.sysctl_checksum) &&
	    nf_checksum_partial(p->skb, p->hook, p->l4off, cover,
				IPPROTO_UDPLITE, p->pf))
		return KCT_INVALID_BAD_CHECKSUM;
	return KCT_VALID;
}

static enum kct_invalid_reason kct_udplite_packet(struct nf_conn *ct,
						  const struct kct_pkt *p,
						  enum ip_conntrack_info ctinfo)
{
	kct_udp_follow(ct, test_bit(IPS_SEEN_REPLY_BIT, &ct->status));
	return KCT_VALID;
}

const struct kct_proto kct_proto_udplite = {
	.l4num = IPPROTO_UDPLITE,
	.name = "udplite",
	.tuple = kct_ports_tuple,
	.invert = kct_ports_invert,
	.error = kct_udplite_error,
	.packet = kct_udplite_packet,
	.allow_clash = true,
	.print_tuple = kct_ports_print_tuple,
	.tuple_to_nlattr = kct_ports_to_nlattr,
	.nlattr_to_tuple = kct_ports_from_nlattr,
	.nl_tuple_fields = KCT_PORTS_NL_FIELDS,
};
