// SPDX-License-Identifier: GPL-2.0
/*
 * Stock's net.netfilter.nf_conntrack_log_invalid (0 off, a protocol
 * number, or 255 for all) makes kct log too, but the message names the
 * reason.
 * As stock's packet loggers, kct logs from the initial namespace only,
 * unless the host allows all (net.netfilter.nf_log_all_netns): any
 * container can set its own log_invalid, and the kernel log is the
 * host's.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <net/netfilter/nf_log.h>
#include "kct_log.h"

const char *const kct_invalid_names[KCT_INVALID_MAX] = {
	[KCT_VALID] = "valid",
	[KCT_INVALID_TRUNCATED] = "truncated",
	[KCT_INVALID_BAD_CHECKSUM] = "bad_checksum",
	[KCT_INVALID_BAD_HEADER] = "bad_header",
	[KCT_INVALID_TCP_BAD_FLAGS] = "tcp_bad_flags",
	[KCT_INVALID_TCP_NOT_SYN] = "tcp_not_syn",
	[KCT_INVALID_TCP_OUT_OF_WINDOW] = "tcp_out_of_window",
	[KCT_INVALID_TCP_BAD_RST] = "tcp_bad_rst",
	[KCT_INVALID_TCP_BAD_STATE] = "tcp_bad_state",
	[KCT_INVALID_TCP_BAD_ACK] = "tcp_bad_ack",
	[KCT_INVALID_ICMP_NO_MATCH] = "icmp_no_match",
	[KCT_INVALID_ICMP_BAD_TYPE] = "icmp_bad_type",
	[KCT_INVALID_TABLE_FULL] = "table_full",
	[KCT_INVALID_NO_MEMORY] = "no_memory",
	[KCT_INVALID_CLASH] = "clash",
	[KCT_INVALID_SCTP_BAD_CHUNKS] = "sctp_bad_chunks",
	[KCT_INVALID_SCTP_BAD_VTAG] = "sctp_bad_vtag",
	[KCT_INVALID_SCTP_BAD_STATE] = "sctp_bad_state",
};

void kct_log_invalid(const struct kct_pkt *p, enum kct_invalid_reason why)
{
	int level = READ_ONCE(p->net->ct.sysctl_log_invalid);
	const struct sk_buff *skb = p->skb;

	if (!level || (level != 255 && level != p->l4num))
		return;
	if (!net_eq(p->net, &init_net) && !READ_ONCE(sysctl_nf_log_all_netns))
		return;
	if (p->pf == NFPROTO_IPV4)
		net_info_ratelimited("kct: invalid packet (%s): proto=%u src=%pI4 dst=%pI4 dev=%s\n",
				     kct_invalid_names[why], p->l4num,
				     &ip_hdr(skb)->saddr, &ip_hdr(skb)->daddr,
				     skb->dev ? skb->dev->name : "-");
	else
		net_info_ratelimited("kct: invalid packet (%s): proto=%u src=%pI6c dst=%pI6c dev=%s\n",
				     kct_invalid_names[why], p->l4num,
				     &ipv6_hdr(skb)->saddr,
				     &ipv6_hdr(skb)->daddr,
				     skb->dev ? skb->dev->name : "-");
}
