/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_PROTO_SCTP_H
#define _KCT_PROTO_SCTP_H

#include <linux/seq_file.h>
#include <net/netlink.h>
#include <net/netfilter/nf_conntrack.h>

/*
 * The SCTP tracker's answers to the protocol switches outside it
 * (/proc, ctnetlink), until struct kct_proto carries them.
 */
void kct_sctp_print(struct seq_file *s, struct nf_conn *ct);
int kct_sctp_to_nlattr(struct sk_buff *skb, struct nf_conn *ct, bool destroy);
int kct_sctp_from_nlattr(const struct nlattr *info, struct nf_conn *ct,
			 bool apply);

#endif /* _KCT_PROTO_SCTP_H */
