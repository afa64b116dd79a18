/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_NETLINK_CONN_H
#define _KCT_NETLINK_CONN_H

#include <net/netlink.h>
#include <net/netfilter/nf_conntrack.h>

/*
 * One connection as a message: an answer or a dump's (@ipct 0), or an
 * event standing for @ipct (IPCT_* bits).
 */
int kct_nl_fill_conn(struct sk_buff *skb, u32 portid, u32 seq, u16 msg,
		     unsigned int flags, struct nf_conn *ct, unsigned int ipct);
size_t kct_nl_conn_size(void);
/* Its attributes alone, as NFQUEUE and NFLOG nest them with a packet. */
int kct_nl_put_conn_of_packet(struct sk_buff *skb, struct nf_conn *ct);

/* A request's labels: 0 if they can be set on @ct, else -errno. */
int kct_nl_check_labels(const struct nlattr * const cda[],
			const struct nf_conn *ct);
/* A request's checked labels, set on @ct. */
void kct_nl_set_labels(const struct nlattr * const cda[], struct nf_conn *ct);
/* A request's checked timeout, labels and mark, set on @ct. */
void kct_nl_set_conn(const struct nlattr * const cda[], struct nf_conn *ct);

/*
 * A request's change to the protocol's state (CTA_PROTOINFO): checked
 * whole first, then, with @commit, checked again and applied.
 */
int kct_nl_protoinfo(const struct nlattr *attr, struct nf_conn *ct,
		     bool commit);

#endif /* _KCT_NETLINK_CONN_H */
