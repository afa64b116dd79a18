// SPDX-License-Identifier: GPL-2.0
/*
 * UDP: no state on the wire, so a connection is a pair of ports seen in
 * one or both directions.  30 s while only one side has spoken (and just
 * after the first reply); a flow still talking both ways two seconds
 * after it began is a stream: ASSURED, 120 s.
 */
#include <linux/udp.h>
#include <linux/netfilter.h>
#include "kct_timeout.h"
#include "kct_conn.h"
#include "kct_proto_udp.h"

/* How long a two-way UDP flow must live before it counts as a stream. */
#define KCT_UDP_STREAM_DELAY (2 * HZ)

INDIRECT_CALLABLE_SCOPE enum kct_invalid_reason kct_udp_error(struct kct_pkt *p)
{
	unsigned int len = p->skb->len - p->l4off;
	const struct udphdr *uh;
	struct udphdr _uh;

	uh = skb_header_pointer(p->skb, p->l4off, sizeof(_uh), &_uh);
	if (!uh)
		return KCT_INVALID_TRUNCATED;
	if (ntohs(uh->len) > len || ntohs(uh->len) < sizeof(*uh))
		return KCT_INVALID_TRUNCATED;
	/*
	 * Checksums are verified once, on the way in; locally generated
	 * packets may still carry a partial checksum.
	 */
	if (uh->check && p->hook == NF_INET_PRE_ROUTING &&
	    READ_ONCE(p->net->ct.sysctl_checksum) &&
	    nf_checksum(p->skb, p->hook, p->l4off, IPPROTO_UDP, p->pf))
		return KCT_INVALID_BAD_CHECKSUM;
	return KCT_VALID;
}

INDIRECT_CALLABLE_SCOPE
enum kct_invalid_reason kct_udp_new(struct nf_conn *ct, const struct kct_pkt *p)
{
	kct_proto_data(ct)->udp.stream_ts = jiffies + KCT_UDP_STREAM_DELAY;
	return KCT_VALID;
}

/* Two-way and still talking two seconds after it began. */
static bool kct_udp_is_stream(struct nf_conn *ct)
{
	return test_bit(IPS_SEEN_REPLY_BIT, &ct->status) &&
	       time_after(jiffies, kct_proto_data(ct)->udp.stream_ts);
}

void kct_udp_follow(struct nf_conn *ct, bool stream)
{
	const unsigned int *timeouts =
		kct_timeouts(ct, nf_udp_pernet(nf_ct_net(ct))->timeouts);

	kct_refresh(ct, READ_ONCE(timeouts[stream ? UDP_CT_REPLIED :
					       UDP_CT_UNREPLIED]));
	if (stream && !test_bit(IPS_ASSURED_BIT, &ct->status))
		set_bit(IPS_ASSURED_BIT, &ct->status);
}

/* The core marks the reply seen after this runs, as stock does. */
INDIRECT_CALLABLE_SCOPE
enum kct_invalid_reason kct_udp_packet(struct nf_conn *ct,
				       const struct kct_pkt *p,
				       enum ip_conntrack_info ctinfo)
{
	kct_udp_follow(ct, kct_udp_is_stream(ct));
	return KCT_VALID;
}

const struct kct_proto kct_proto_udp = {
	.l4num = IPPROTO_UDP,
	.name = "udp",
	.tuple = kct_ports_tuple,
	.invert = kct_ports_invert,
	.error = kct_udp_error,
	.new = kct_udp_new,
	.packet = kct_udp_packet,
	.allow_clash = true,
	.print_tuple = kct_ports_print_tuple,
	.tuple_to_nlattr = kct_ports_to_nlattr,
	.nlattr_to_tuple = kct_ports_from_nlattr,
	.nl_tuple_fields = KCT_PORTS_NL_FIELDS,
};
