// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP and ICMPv6.  Queries (echo, timestamp, information, address mask;
 * ICMPv6 echo and node information) are tracked as request/reply
 * connections keyed by type, code and id.  Errors are not connections of
 * their own: one that quotes a packet of a tracked connection is RELATED
 * to it; one that quotes nothing kct knows is INVALID.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/netfilter.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <net/netlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include "kct_timeout.h"
#include "kct_conn.h"
#include "kct_table.h"
#include "kct_tuple.h"

/* Reply type of each query type, plus one (zero: not a query). */
static const u8 kct_icmp_reply_of[] = {
	[ICMP_ECHO] = ICMP_ECHOREPLY + 1,
	[ICMP_ECHOREPLY] = ICMP_ECHO + 1,
	[ICMP_TIMESTAMP] = ICMP_TIMESTAMPREPLY + 1,
	[ICMP_TIMESTAMPREPLY] = ICMP_TIMESTAMP + 1,
	[ICMP_INFO_REQUEST] = ICMP_INFO_REPLY + 1,
	[ICMP_INFO_REPLY] = ICMP_INFO_REQUEST + 1,
	[ICMP_ADDRESS] = ICMP_ADDRESSREPLY + 1,
	[ICMP_ADDRESSREPLY] = ICMP_ADDRESS + 1,
};

/* The same for ICMPv6, indexed by type - 128. */
static const u8 kct_icmpv6_reply_of[] = {
	[ICMPV6_ECHO_REQUEST - 128] = ICMPV6_ECHO_REPLY + 1,
	[ICMPV6_ECHO_REPLY - 128] = ICMPV6_ECHO_REQUEST + 1,
	[ICMPV6_NI_QUERY - 128] = ICMPV6_NI_REPLY + 1,
	[ICMPV6_NI_REPLY - 128] = ICMPV6_NI_QUERY + 1,
};

/* Neighbour discovery and MLD: link-local plumbing, never tracked. */
static bool kct_icmpv6_untracked_type(u8 type)
{
	switch (type) {
	case ICMPV6_MGM_QUERY:
	case ICMPV6_MGM_REPORT:
	case ICMPV6_MGM_REDUCTION:
	case NDISC_ROUTER_SOLICITATION:
	case NDISC_ROUTER_ADVERTISEMENT:
	case NDISC_NEIGHBOUR_SOLICITATION:
	case NDISC_NEIGHBOUR_ADVERTISEMENT:
	case ICMPV6_MLD2_REPORT:
		return true;
	}
	return false;
}

static bool kct_icmp_tuple(const struct sk_buff *skb, unsigned int l4off,
			   struct nf_conntrack_tuple *t)
{
	const struct icmphdr *ih;
	struct icmphdr _ih;

	/* ICMP and ICMPv6 share the layout of these first 8 bytes. */
	ih = skb_header_pointer(skb, l4off, sizeof(_ih), &_ih);
	if (!ih)
		return false;
	t->dst.u.icmp.type = ih->type;
	t->dst.u.icmp.code = ih->code;
	t->src.u.icmp.id = ih->un.echo.id;
	return true;
}

static bool kct_icmp_invert(struct nf_conntrack_tuple *inv,
			    const struct nf_conntrack_tuple *orig)
{
	u8 type = orig->dst.u.icmp.type;

	if (type >= ARRAY_SIZE(kct_icmp_reply_of) || !kct_icmp_reply_of[type])
		return false;
	inv->src.u.icmp.id = orig->src.u.icmp.id;
	inv->dst.u.icmp.type = kct_icmp_reply_of[type] - 1;
	inv->dst.u.icmp.code = orig->dst.u.icmp.code;
	return true;
}

static bool kct_icmpv6_invert(struct nf_conntrack_tuple *inv,
			      const struct nf_conntrack_tuple *orig)
{
	int type = orig->dst.u.icmp.type - 128;

	if (type < 0 || type >= ARRAY_SIZE(kct_icmpv6_reply_of) ||
	    !kct_icmpv6_reply_of[type])
		return false;
	inv->src.u.icmp.id = orig->src.u.icmp.id;
	inv->dst.u.icmp.type = kct_icmpv6_reply_of[type] - 1;
	inv->dst.u.icmp.code = orig->dst.u.icmp.code;
	return true;
}

/*
 * An error quoting a packet at @inner_off: find the connection of the
 * quoted packet and mark this one RELATED to it.  The quoted packet went
 * the other way, so the connection is found by its inverted tuple; and the
 * error must be addressed to that direction's destination, or anyone could
 * make a packet RELATED to any connection by quoting it.
 */
static enum kct_invalid_reason kct_icmp_related(struct kct_pkt *p,
						unsigned int inner_off,
						const union nf_inet_addr *outer_dst)
{
	struct nf_conntrack_tuple quoted, target;
	struct nf_conntrack_tuple_hash *h;
	enum ip_conntrack_info ctinfo;
	unsigned int inner_l4off;
	struct nf_conn *ct;
	int dir;

	if (!kct_tuple_from_skb(p->skb, inner_off, p->pf, &quoted,
				&inner_l4off))
		return KCT_INVALID_TRUNCATED;
	if (!kct_tuple_invert(&target, &quoted))
		return KCT_INVALID_ICMP_NO_MATCH;
	target.dst.dir = IP_CT_DIR_ORIGINAL;

	h = kct_table_lookup(p->kn, p->zone, &target);
	if (!h)
		return KCT_INVALID_ICMP_NO_MATCH;
	ct = nf_ct_tuplehash_to_ctrack(h);
	dir = NF_CT_DIRECTION(h);
	if (!nf_inet_addr_cmp(outer_dst, &ct->tuplehash[dir].tuple.dst.u3)) {
		nf_ct_put(ct);
		return KCT_INVALID_ICMP_NO_MATCH;
	}
	ctinfo = IP_CT_RELATED;
	if (dir == IP_CT_DIR_REPLY)
		ctinfo += IP_CT_IS_REPLY;
	nf_ct_set(p->skb, ct, ctinfo);
	return KCT_VALID;
}

static bool kct_icmp_is_error(u8 type)
{
	switch (type) {
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
	case ICMP_REDIRECT:
		return true;
	}
	return false;
}

static enum kct_invalid_reason kct_icmp_error(struct kct_pkt *p)
{
	union nf_inet_addr outer_dst = {};
	const struct icmphdr *ih;
	struct icmphdr _ih;

	ih = skb_header_pointer(p->skb, p->l4off, sizeof(_ih), &_ih);
	if (!ih)
		return KCT_INVALID_TRUNCATED;
	if (p->hook == NF_INET_PRE_ROUTING &&
	    READ_ONCE(p->net->ct.sysctl_checksum) &&
	    nf_checksum(p->skb, p->hook, p->l4off, IPPROTO_ICMP,
			NFPROTO_IPV4))
		return KCT_INVALID_BAD_CHECKSUM;
	if (ih->type > NR_ICMP_TYPES)
		return KCT_INVALID_ICMP_BAD_TYPE;
	if (!kct_icmp_is_error(ih->type))
		return KCT_VALID;
	outer_dst.ip = ip_hdr(p->skb)->daddr;
	return kct_icmp_related(p, p->l4off + sizeof(_ih), &outer_dst);
}

/* The redirected-header option of an IPv6 redirect quotes a packet too. */
static enum kct_invalid_reason kct_icmpv6_redirect(struct kct_pkt *p,
						   const union nf_inet_addr *dst)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(p->skb);
	unsigned int off = p->l4off + sizeof(struct rd_msg);
	const struct nd_opt_hdr *opt;
	struct nd_opt_hdr _opt;
	const struct rd_msg *rd;
	struct rd_msg _rd;

	rd = skb_header_pointer(p->skb, p->l4off, sizeof(_rd), &_rd);
	if (!rd)
		return KCT_INVALID_TRUNCATED;
	if (rd->icmph.icmp6_code != 0)
		return KCT_VALID;
	/* Only a neighbouring router may send one (RFC 4861, 8.1). */
	if (ip6h->hop_limit != 255 ||
	    !(ipv6_addr_type(&ip6h->saddr) & IPV6_ADDR_LINKLOCAL))
		return KCT_INVALID_BAD_HEADER;
	opt = skb_header_pointer(p->skb, off, sizeof(_opt), &_opt);
	if (!opt || opt->nd_opt_len == 0)
		return KCT_INVALID_TRUNCATED;
	if (opt->nd_opt_type != ND_OPT_REDIRECT_HDR)
		return KCT_VALID;
	/* Option header (2 bytes) and 6 reserved bytes, then the packet. */
	return kct_icmp_related(p, off + 8, dst);
}

static enum kct_invalid_reason kct_icmpv6_error(struct kct_pkt *p)
{
	union nf_inet_addr outer_dst = {};
	const struct icmp6hdr *ih;
	struct icmp6hdr _ih;

	ih = skb_header_pointer(p->skb, p->l4off, sizeof(_ih), &_ih);
	if (!ih)
		return KCT_INVALID_TRUNCATED;
	if (p->hook == NF_INET_PRE_ROUTING &&
	    READ_ONCE(p->net->ct.sysctl_checksum) &&
	    nf_checksum(p->skb, p->hook, p->l4off, IPPROTO_ICMPV6,
			NFPROTO_IPV6))
		return KCT_INVALID_BAD_CHECKSUM;
	if (kct_icmpv6_untracked_type(ih->icmp6_type)) {
		nf_ct_set(p->skb, NULL, IP_CT_UNTRACKED);
		return KCT_VALID;
	}
	outer_dst.in6 = ipv6_hdr(p->skb)->daddr;
	if (ih->icmp6_type == NDISC_REDIRECT)
		return kct_icmpv6_redirect(p, &outer_dst);
	/* Types below 128 are errors. */
	if (ih->icmp6_type >= 128)
		return KCT_VALID;
	return kct_icmp_related(p, p->l4off + sizeof(_ih), &outer_dst);
}

/* Only a query may start a connection; a lone reply or error may not. */
static enum kct_invalid_reason kct_icmp_new(struct nf_conn *ct,
					    const struct kct_pkt *p)
{
	switch (ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.dst.u.icmp.type) {
	case ICMP_ECHO:
	case ICMP_TIMESTAMP:
	case ICMP_INFO_REQUEST:
	case ICMP_ADDRESS:
		return KCT_VALID;
	}
	return KCT_INVALID_ICMP_BAD_TYPE;
}

static enum kct_invalid_reason kct_icmpv6_new(struct nf_conn *ct,
					      const struct kct_pkt *p)
{
	switch (ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.dst.u.icmp.type) {
	case ICMPV6_ECHO_REQUEST:
	case ICMPV6_NI_QUERY:
		return KCT_VALID;
	}
	return KCT_INVALID_ICMP_BAD_TYPE;
}

static unsigned int kct_icmp_timeout(struct nf_conn *ct)
{
	return READ_ONCE(*kct_timeouts(ct,
				       &nf_icmp_pernet(nf_ct_net(ct))->timeout));
}

static unsigned int kct_icmpv6_timeout(struct nf_conn *ct)
{
	return READ_ONCE(*kct_timeouts(ct,
				       &nf_icmpv6_pernet(nf_ct_net(ct))->timeout));
}

/*
 * The connection stays for the whole timeout after a reply, so that
 * duplicate replies still find it.
 */
static enum kct_invalid_reason kct_icmp_packet(struct nf_conn *ct,
					       const struct kct_pkt *p,
					       enum ip_conntrack_info ctinfo)
{
	kct_refresh(ct, kct_icmp_timeout(ct));
	return KCT_VALID;
}

static enum kct_invalid_reason kct_icmpv6_packet(struct nf_conn *ct,
						 const struct kct_pkt *p,
						 enum ip_conntrack_info ctinfo)
{
	kct_refresh(ct, kct_icmpv6_timeout(ct));
	return KCT_VALID;
}

/* Both families print the same fields, as stock does. */
static void kct_icmp_print_tuple(struct seq_file *s,
				 const struct nf_conntrack_tuple *t)
{
	seq_printf(s, "type=%u code=%u id=%u ", t->dst.u.icmp.type,
		   t->dst.u.icmp.code, ntohs(t->src.u.icmp.id));
}

/*
 * ctnetlink names the same fields with attributes of each family's own:
 * CTA_PROTO_ICMP_* for ICMP, CTA_PROTO_ICMPV6_* for ICMPv6.
 */
struct kct_icmp_nl {
	int id, type, code;		/* CTA_PROTO_* */
	u32 id_f, type_f, code_f;	/* KCT_FILTER_* */
};

static const struct kct_icmp_nl kct_icmp_nl4 = {
	CTA_PROTO_ICMP_ID, CTA_PROTO_ICMP_TYPE, CTA_PROTO_ICMP_CODE,
	KCT_FILTER_ICMP_ID, KCT_FILTER_ICMP_TYPE, KCT_FILTER_ICMP_CODE,
};

static const struct kct_icmp_nl kct_icmp_nl6 = {
	CTA_PROTO_ICMPV6_ID, CTA_PROTO_ICMPV6_TYPE, CTA_PROTO_ICMPV6_CODE,
	KCT_FILTER_ICMPV6_ID, KCT_FILTER_ICMPV6_TYPE, KCT_FILTER_ICMPV6_CODE,
};

static int kct_icmp_put(struct sk_buff *skb, const struct kct_icmp_nl *a,
			const struct nf_conntrack_tuple *t)
{
	if (nla_put_be16(skb, a->id, t->src.u.icmp.id) ||
	    nla_put_u8(skb, a->type, t->dst.u.icmp.type) ||
	    nla_put_u8(skb, a->code, t->dst.u.icmp.code))
		return -EMSGSIZE;
	return 0;
}

static void kct_icmp_get(struct nlattr *tb[], const struct kct_icmp_nl *a,
			 struct nf_conntrack_tuple *t, u32 *present)
{
	if (tb[a->type]) {
		t->dst.u.icmp.type = nla_get_u8(tb[a->type]);
		*present |= a->type_f;
	}
	if (tb[a->code]) {
		t->dst.u.icmp.code = nla_get_u8(tb[a->code]);
		*present |= a->code_f;
	}
	if (tb[a->id]) {
		t->src.u.icmp.id = nla_get_be16(tb[a->id]);
		*present |= a->id_f;
	}
}

static int kct_icmp_to_nlattr(struct sk_buff *skb,
			      const struct nf_conntrack_tuple *t)
{
	return kct_icmp_put(skb, &kct_icmp_nl4, t);
}

static int kct_icmpv6_to_nlattr(struct sk_buff *skb,
				const struct nf_conntrack_tuple *t)
{
	return kct_icmp_put(skb, &kct_icmp_nl6, t);
}

static void kct_icmp_from_nlattr(struct nlattr *tb[],
				 struct nf_conntrack_tuple *t, u32 *present)
{
	kct_icmp_get(tb, &kct_icmp_nl4, t, present);
}

static void kct_icmpv6_from_nlattr(struct nlattr *tb[],
				   struct nf_conntrack_tuple *t, u32 *present)
{
	kct_icmp_get(tb, &kct_icmp_nl6, t, present);
}

const struct kct_proto kct_proto_icmp = {
	.l4num = IPPROTO_ICMP,
	.name = "icmp",
	.tuple = kct_icmp_tuple,
	.invert = kct_icmp_invert,
	.no_reply = KCT_INVALID_ICMP_BAD_TYPE,
	.error = kct_icmp_error,
	.new = kct_icmp_new,
	.packet = kct_icmp_packet,
	.print_tuple = kct_icmp_print_tuple,
	.tuple_to_nlattr = kct_icmp_to_nlattr,
	.nlattr_to_tuple = kct_icmp_from_nlattr,
	.nl_tuple_fields = KCT_FILTER_ICMP_TYPE | KCT_FILTER_ICMP_CODE |
			   KCT_FILTER_ICMP_ID,
};

const struct kct_proto kct_proto_icmpv6 = {
	.l4num = IPPROTO_ICMPV6,
	.name = "icmpv6",
	.tuple = kct_icmp_tuple,
	.invert = kct_icmpv6_invert,
	.no_reply = KCT_INVALID_ICMP_BAD_TYPE,
	.error = kct_icmpv6_error,
	.new = kct_icmpv6_new,
	.packet = kct_icmpv6_packet,
	.print_tuple = kct_icmp_print_tuple,
	.tuple_to_nlattr = kct_icmpv6_to_nlattr,
	.nlattr_to_tuple = kct_icmpv6_from_nlattr,
	.nl_tuple_fields = KCT_FILTER_ICMPV6_TYPE | KCT_FILTER_ICMPV6_CODE |
			   KCT_FILTER_ICMPV6_ID,
};
