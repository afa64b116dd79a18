/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_PROTO_H
#define _KCT_PROTO_H

#include <linux/indirect_call_wrapper.h>
#include <linux/skbuff.h>
#include <linux/seq_file.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_l4proto.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include "kct_pernet.h"

/*
 * What the hooks learned about one packet before any tracker sees it: its
 * headers are parsed once, here, and every later step reads them from
 * this.
 */
struct kct_pkt {
	struct sk_buff *skb;
	struct net *net;
	struct kct_net *kn;
	struct nf_conntrack_tuple tuple;	/* original direction */
	/* The zone a -j CT template gave, or the default one. */
	const struct nf_conntrack_zone *zone;
	struct nf_conntrack_zone zone_buf;	/* a zone taken from the mark */
	unsigned int l4off;	/* offset of the transport header */
	u8 pf;			/* NFPROTO_IPV4 or NFPROTO_IPV6 */
	u8 l4num;		/* IPPROTO_* after IPv6 extension headers */
	u8 hook;		/* NF_INET_* */
};

/*
 * The CTA_FILTER_*_FLAGS bits of the ctnetlink uapi, one per tuple field:
 * which fields a dump filter gives, and which a complete tuple has.
 */
#define KCT_FILTER_IP_SRC		BIT(0)
#define KCT_FILTER_IP_DST		BIT(1)
#define KCT_FILTER_TUPLE_ZONE		BIT(2)
#define KCT_FILTER_PROTO_NUM		BIT(3)
#define KCT_FILTER_PROTO_SRC_PORT	BIT(4)
#define KCT_FILTER_PROTO_DST_PORT	BIT(5)
#define KCT_FILTER_ICMP_TYPE		BIT(6)
#define KCT_FILTER_ICMP_CODE		BIT(7)
#define KCT_FILTER_ICMP_ID		BIT(8)
#define KCT_FILTER_ICMPV6_TYPE		BIT(9)
#define KCT_FILTER_ICMPV6_CODE		BIT(10)
#define KCT_FILTER_ICMPV6_ID		BIT(11)
#define KCT_FILTER_ALL			(BIT(12) - 1)

struct nlattr;

/*
 * One transport protocol's tracker: everything kct knows about the
 * protocol, for the packet path and for every client of the table
 * (/proc, ctnetlink, expectations, GC).  Found by kct_proto_find(); a
 * protocol without a tracker of its own gets kct_proto_generic.
 *
 * new() and packet() run with the connection's lock held only where the
 * tracker asks for it (TCP takes ct->lock itself); both return KCT_VALID
 * or why the packet is INVALID.  Every operation but tuple(), invert()
 * and packet() may be NULL: the protocol has nothing there.
 */
struct kct_proto {
	u8 l4num;
	const char *name;	/* as /proc/net/nf_conntrack prints it */

	/* --- the packet path --- */
	/* Fill the transport part of @t; false when the header is short. */
	bool (*tuple)(const struct sk_buff *skb, unsigned int l4off,
		      struct nf_conntrack_tuple *t);
	/* The transport part of the reply tuple; false if it has none. */
	bool (*invert)(struct nf_conntrack_tuple *inv,
		       const struct nf_conntrack_tuple *orig);
	/* Why a first packet with no reply tuple is INVALID (0: bad_header). */
	enum kct_invalid_reason no_reply;
	/* Checks on the packet alone (checksum, ICMP errors, flags). */
	enum kct_invalid_reason (*error)(struct kct_pkt *p);
	/* May this first packet create a connection?  Sets up ct->proto. */
	enum kct_invalid_reason (*new)(struct nf_conn *ct,
				       const struct kct_pkt *p);
	/* Every packet of a connection: state, flags and timeout. */
	enum kct_invalid_reason (*packet)(struct nf_conn *ct,
					  const struct kct_pkt *p,
					  enum ip_conntrack_info ctinfo);
	/*
	 * Two packets of one new flow raced to confirm it: the loser joins
	 * the winner's connection instead of being dropped (stock's
	 * allow_clash).
	 */
	bool allow_clash;
	/* May a nearly full table end this ASSURED connection early? */
	bool (*can_early_drop)(struct nf_conn *ct);
	/* The protocol state whose change is an UPDATE event (TCP's state). */
	u8 (*event_state)(struct nf_conn *ct);

	/* --- /proc/net/kct and /proc/net/kct_expect --- */
	/* The protocol's own text before the tuples (TCP: its state). */
	void (*print)(struct seq_file *s, struct nf_conn *ct);
	/* The transport part of a tuple ("sport=1 dport=2 "). */
	void (*print_tuple)(struct seq_file *s,
			    const struct nf_conntrack_tuple *t);

	/* --- ctnetlink --- */
	/* The transport part of @t as CTA_PROTO_* attributes. */
	int (*tuple_to_nlattr)(struct sk_buff *skb,
			       const struct nf_conntrack_tuple *t);
	/* CTA_PROTO_* @tb into @t, each one's KCT_FILTER_* bit in @present. */
	void (*nlattr_to_tuple)(struct nlattr *tb[],
				struct nf_conntrack_tuple *t, u32 *present);
	/* The KCT_FILTER_* bits of the fields a complete tuple has. */
	u32 nl_tuple_fields;
	/* The protocol's CTA_PROTOINFO_<PROTO> nest (inside CTA_PROTOINFO). */
	int (*protoinfo_to_nlattr)(struct sk_buff *skb, struct nf_conn *ct,
				   bool destroy);
	/*
	 * A request's CTA_PROTOINFO (@pi, parsed, CTA_PROTOINFO_MAX + 1
	 * entries), on a connection it updates or creates (then still out
	 * of the table, its ct->proto zeroed): check it against @ct, and
	 * with @commit also apply it (checked again under the connection's
	 * lock).  0 or -errno.
	 */
	int (*nlattr_to_protoinfo)(struct nlattr *pi[], struct nf_conn *ct,
				   bool commit);
};

/* Returned by a tracker's packet(): close this connection, retry as new. */
#define KCT_REOPEN KCT_INVALID_MAX

extern const struct kct_proto kct_proto_tcp;
extern const struct kct_proto kct_proto_udp;
extern const struct kct_proto kct_proto_udplite;
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
/* The other operations those protocols share. */
void kct_ports_print_tuple(struct seq_file *s,
			   const struct nf_conntrack_tuple *t);
int kct_ports_to_nlattr(struct sk_buff *skb,
			const struct nf_conntrack_tuple *t);
void kct_ports_from_nlattr(struct nlattr *tb[], struct nf_conntrack_tuple *t,
			   u32 *present);
#define KCT_PORTS_NL_FIELDS \
	(KCT_FILTER_PROTO_SRC_PORT | KCT_FILTER_PROTO_DST_PORT)

/*
 * The packet path calls the operations through these: TCP's, UDP's and
 * the port tuple's directly, which is most packets, the others through
 * the pointer.  With retpolines (Debian's kernel) an indirect call costs
 * a thunk on every packet; stock's own path switches on the protocol.
 */
INDIRECT_CALLABLE_DECLARE(enum kct_invalid_reason
			  kct_tcp_error(struct kct_pkt *p));
INDIRECT_CALLABLE_DECLARE(enum kct_invalid_reason
			  kct_udp_error(struct kct_pkt *p));
INDIRECT_CALLABLE_DECLARE(enum kct_invalid_reason
			  kct_tcp_new(struct nf_conn *ct, const struct kct_pkt *p));
INDIRECT_CALLABLE_DECLARE(enum kct_invalid_reason
			  kct_udp_new(struct nf_conn *ct, const struct kct_pkt *p));
INDIRECT_CALLABLE_DECLARE(enum kct_invalid_reason
			  kct_tcp_packet(struct nf_conn *ct, const struct kct_pkt *p,
					 enum ip_conntrack_info ctinfo));
INDIRECT_CALLABLE_DECLARE(enum kct_invalid_reason
			  kct_udp_packet(struct nf_conn *ct, const struct kct_pkt *p,
					 enum ip_conntrack_info ctinfo));

static inline bool kct_proto_tuple(const struct kct_proto *proto,
				   const struct sk_buff *skb,
				   unsigned int l4off,
				   struct nf_conntrack_tuple *t)
{
	return INDIRECT_CALL_1(proto->tuple, kct_ports_tuple, skb, l4off, t);
}

static inline bool kct_proto_invert(const struct kct_proto *proto,
				    struct nf_conntrack_tuple *inv,
				    const struct nf_conntrack_tuple *orig)
{
	return INDIRECT_CALL_1(proto->invert, kct_ports_invert, inv, orig);
}

/* The protocol must have an error(). */
static inline enum kct_invalid_reason
kct_proto_error(const struct kct_proto *proto, struct kct_pkt *p)
{
	return INDIRECT_CALL_2(proto->error, kct_tcp_error, kct_udp_error, p);
}

static inline enum kct_invalid_reason
kct_proto_new(const struct kct_proto *proto, struct nf_conn *ct,
	      const struct kct_pkt *p)
{
	if (!proto->new)
		return KCT_VALID;
	return INDIRECT_CALL_2(proto->new, kct_tcp_new, kct_udp_new, ct, p);
}

static inline enum kct_invalid_reason
kct_proto_packet(const struct kct_proto *proto, struct nf_conn *ct,
		 const struct kct_pkt *p, enum ip_conntrack_info ctinfo)
{
	return INDIRECT_CALL_2(proto->packet, kct_tcp_packet, kct_udp_packet,
			       ct, p, ctinfo);
}

/*
 * The settings the trackers obey are stock's net.netfilter.nf_conntrack_*
 * of the packet's or connection's namespace, read where stock keeps them
 * (net->ct, the nf_*_pernet() parts) at each use, so a change applies at
 * once: kct depends on nf_conntrack, whose pernet init has filled them in
 * every namespace before kct sees it.  Timeouts there are in jiffies.
 */

#endif /* _KCT_PROTO_H */
