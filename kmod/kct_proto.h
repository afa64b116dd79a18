/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_PROTO_H
#define _KCT_PROTO_H

#include <linux/skbuff.h>
#include <linux/seq_file.h>
#include <net/netfilter/nf_conntrack.h>
#include "kct_netns.h"

/* What the hooks learned about one packet before any tracker sees it. */
struct kct_pkt {
	struct sk_buff *skb;
	struct net *net;
	struct kct_net *kn;
	unsigned int l4off;	/* offset of the transport header */
	u8 pf;			/* NFPROTO_IPV4 or NFPROTO_IPV6 */
	u8 l4num;		/* IPPROTO_* after IPv6 extension headers */
	u8 hook;		/* NF_INET_* */
};

/*
 * One transport protocol's tracker.  new() and packet() run with the
 * connection's lock held only where the tracker asks for it (TCP takes
 * ct->lock itself); both return KCT_VALID or why the packet is INVALID.
 */
struct kct_proto {
	u8 l4num;
	const char *name;	/* as /proc/net/nf_conntrack prints it */
	/* Fill the transport part of @t; false when the header is short. */
	bool (*tuple)(const struct sk_buff *skb, unsigned int l4off,
		      struct nf_conntrack_tuple *t);
	/* The transport part of the reply tuple; false if it has none. */
	bool (*invert)(struct nf_conntrack_tuple *inv,
		       const struct nf_conntrack_tuple *orig);
	/* Checks on the packet alone (checksum, ICMP errors, flags). */
	enum kct_invalid_reason (*error)(struct kct_pkt *p);
	/* May this first packet create a connection?  Sets up ct->proto. */
	enum kct_invalid_reason (*new)(struct nf_conn *ct,
				       const struct kct_pkt *p);
	/* Every packet of a connection: state, flags and timeout. */
	enum kct_invalid_reason (*packet)(struct nf_conn *ct,
					  const struct kct_pkt *p,
					  enum ip_conntrack_info ctinfo);
	/* The protocol's own text in /proc/net/kct (TCP: its state). */
	void (*print)(struct seq_file *s, struct nf_conn *ct);
};

/* Returned by a tracker's packet(): close this connection, retry as new. */
#define KCT_REOPEN KCT_INVALID_MAX

extern const struct kct_proto kct_proto_tcp;
extern const struct kct_proto kct_proto_udp;
extern const struct kct_proto kct_proto_sctp;
extern const struct kct_proto kct_proto_icmp;
extern const struct kct_proto kct_proto_icmpv6;
extern const struct kct_proto kct_proto_generic;

const struct kct_proto *kct_proto_find(u8 l4num);

/* tuple() and invert() of the protocols whose tuple is two ports. */
bool kct_ports_tuple(const struct sk_buff *skb, unsigned int l4off,
		     struct nf_conntrack_tuple *t);
bool kct_ports_invert(struct nf_conntrack_tuple *inv,
		      const struct nf_conntrack_tuple *orig);

/* Set or refresh a connection's timeout (relative until confirmed). */
void kct_refresh(struct nf_conn *ct, unsigned long extra_jiffies);

static inline unsigned int kct_timeout(const struct nf_conn *ct,
				       enum kct_timeout which)
{
	return READ_ONCE(kct_pernet(nf_ct_net(ct))->sysctl.timeouts[which]);
}

#endif /* _KCT_PROTO_H */
