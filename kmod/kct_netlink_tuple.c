// SPDX-License-Identifier: GPL-2.0
/*
 * Tuples as ctnetlink attributes: CTA_TUPLE_IP (addresses) and
 * CTA_TUPLE_PROTO (protocol number, and the fields the protocol's
 * tracker puts and takes: ports, ICMP type/code/id), both ways.  A
 * request names a connection by a complete tuple; a dump filter may
 * give only some fields, and says which in CTA_FILTER.
 */
#include <linux/netfilter/nfnetlink_conntrack.h>
#include "kct_netlink_tuple.h"

static const struct nla_policy kct_nl_ip_policy[CTA_IP_MAX + 1] = {
	[CTA_IP_V4_SRC]	= { .type = NLA_U32 },
	[CTA_IP_V4_DST]	= { .type = NLA_U32 },
	[CTA_IP_V6_SRC]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[CTA_IP_V6_DST]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

static const struct nla_policy kct_nl_proto_policy[CTA_PROTO_MAX + 1] = {
	[CTA_PROTO_NUM]		= { .type = NLA_U8 },
	[CTA_PROTO_SRC_PORT]	= { .type = NLA_U16 },
	[CTA_PROTO_DST_PORT]	= { .type = NLA_U16 },
	[CTA_PROTO_ICMP_ID]	= { .type = NLA_U16 },
	[CTA_PROTO_ICMP_TYPE]	= { .type = NLA_U8 },
	[CTA_PROTO_ICMP_CODE]	= { .type = NLA_U8 },
	[CTA_PROTO_ICMPV6_ID]	= { .type = NLA_U16 },
	[CTA_PROTO_ICMPV6_TYPE]	= { .type = NLA_U8 },
	[CTA_PROTO_ICMPV6_CODE]	= { .type = NLA_U8 },
};

const struct nla_policy kct_nl_tuple_policy[CTA_TUPLE_MAX + 1] = {
	[CTA_TUPLE_IP]		= { .type = NLA_NESTED },
	[CTA_TUPLE_PROTO]	= { .type = NLA_NESTED },
	[CTA_TUPLE_ZONE]	= { .type = NLA_U16 },
};

static int kct_nl_put_ip(struct sk_buff *skb,
			 const struct nf_conntrack_tuple *t)
{
	struct nlattr *nest = nla_nest_start(skb, CTA_TUPLE_IP);

	if (!nest)
		return -EMSGSIZE;
	if (t->src.l3num == NFPROTO_IPV4) {
		if (nla_put_in_addr(skb, CTA_IP_V4_SRC, t->src.u3.ip) ||
		    nla_put_in_addr(skb, CTA_IP_V4_DST, t->dst.u3.ip))
			return -EMSGSIZE;
	} else {
		if (nla_put_in6_addr(skb, CTA_IP_V6_SRC, &t->src.u3.in6) ||
		    nla_put_in6_addr(skb, CTA_IP_V6_DST, &t->dst.u3.in6))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int kct_nl_put_proto(struct sk_buff *skb,
			    const struct nf_conntrack_tuple *t)
{
	const struct kct_proto *proto = kct_proto_find(t->dst.protonum);
	struct nlattr *nest = nla_nest_start(skb, CTA_TUPLE_PROTO);

	if (!nest || nla_put_u8(skb, CTA_PROTO_NUM, t->dst.protonum))
		return -EMSGSIZE;
	if (proto->tuple_to_nlattr && proto->tuple_to_nlattr(skb, t))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* @t as the nested attribute @type (CTA_TUPLE_ORIG, ...). */
int kct_nl_put_tuple(struct sk_buff *skb, int type,
		     const struct nf_conntrack_tuple *t)
{
	return kct_nl_put_tuple_zone(skb, type, t, NULL, 0);
}

/*
 * The same with, inside the nest, the CTA_TUPLE_ZONE of @zone if it is
 * a zone for direction @dir only (stock's directional zones).
 */
int kct_nl_put_tuple_zone(struct sk_buff *skb, int type,
			  const struct nf_conntrack_tuple *t,
			  const struct nf_conntrack_zone *zone, u8 dir)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest || kct_nl_put_ip(skb, t) || kct_nl_put_proto(skb, t) ||
	    (zone && kct_nl_put_zone(skb, CTA_TUPLE_ZONE, zone, dir)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int kct_nl_parse_ip(const struct nlattr *attr,
			   struct nf_conntrack_tuple *t, u32 *present)
{
	struct nlattr *tb[CTA_IP_MAX + 1];
	int src, dst, err;

	err = nla_parse_nested(tb, CTA_IP_MAX, attr, kct_nl_ip_policy, NULL);
	if (err)
		return err;
	/*
	 * A dump filter may come with family AF_UNSPEC: the addresses then
	 * say which family the tuple is.
	 */
	if (t->src.l3num == NFPROTO_UNSPEC) {
		if (tb[CTA_IP_V4_SRC] || tb[CTA_IP_V4_DST])
			t->src.l3num = NFPROTO_IPV4;
		else if (tb[CTA_IP_V6_SRC] || tb[CTA_IP_V6_DST])
			t->src.l3num = NFPROTO_IPV6;
	}
	switch (t->src.l3num) {
	case NFPROTO_IPV4:
		src = CTA_IP_V4_SRC;
		dst = CTA_IP_V4_DST;
		if (tb[CTA_IP_V6_SRC] || tb[CTA_IP_V6_DST])
			return -EINVAL;
		if (tb[src])
			t->src.u3.ip = nla_get_in_addr(tb[src]);
		if (tb[dst])
			t->dst.u3.ip = nla_get_in_addr(tb[dst]);
		break;
	case NFPROTO_IPV6:
		src = CTA_IP_V6_SRC;
		dst = CTA_IP_V6_DST;
		if (tb[CTA_IP_V4_SRC] || tb[CTA_IP_V4_DST])
			return -EINVAL;
		if (tb[src])
			t->src.u3.in6 = nla_get_in6_addr(tb[src]);
		if (tb[dst])
			t->dst.u3.in6 = nla_get_in6_addr(tb[dst]);
		break;
	default:
		return -EAFNOSUPPORT;
	}
	if (tb[src])
		*present |= KCT_FILTER_IP_SRC;
	if (tb[dst])
		*present |= KCT_FILTER_IP_DST;
	return 0;
}

static int kct_nl_parse_proto(const struct nlattr *attr,
			      struct nf_conntrack_tuple *t, u32 *present)
{
	struct nlattr *tb[CTA_PROTO_MAX + 1];
	const struct kct_proto *proto;
	int err;

	err = nla_parse_nested(tb, CTA_PROTO_MAX, attr, kct_nl_proto_policy,
			       NULL);
	if (err)
		return err;
	if (!tb[CTA_PROTO_NUM])
		return -EINVAL;
	t->dst.protonum = nla_get_u8(tb[CTA_PROTO_NUM]);
	*present |= KCT_FILTER_PROTO_NUM;
	proto = kct_proto_find(t->dst.protonum);
	if (proto->nlattr_to_tuple)
		proto->nlattr_to_tuple(tb, t, present);
	return 0;
}

/* The fields a lookup needs for each protocol. */
static u32 kct_nl_tuple_needs(u8 protonum)
{
	return KCT_FILTER_IP_SRC | KCT_FILTER_IP_DST | KCT_FILTER_PROTO_NUM |
	       kct_proto_find(protonum)->nl_tuple_fields;
}

/*
 * Parse the nested tuple @attr of family @l3num into @t (zeroed first).
 * With @present, fields may be missing and @present says which came (a
 * dump filter); without it, the tuple must name one connection.
 */
int kct_nl_parse_tuple(const struct nlattr *attr, u8 l3num,
		       struct nf_conntrack_tuple *t, u32 *present)
{
	struct nlattr *tb[CTA_TUPLE_MAX + 1];
	u32 got = 0;
	int err;

	memset(t, 0, sizeof(*t));
	err = nla_parse_nested(tb, CTA_TUPLE_MAX, attr, kct_nl_tuple_policy,
			       NULL);
	if (err)
		return err;
	/*
	 * A tuple naming one connection needs its family in the message, as
	 * on stock: conntrack -U without -f or an address sends AF_UNSPEC
	 * and gets EOPNOTSUPP from both.
	 */
	if (!present && l3num != NFPROTO_IPV4 && l3num != NFPROTO_IPV6)
		return -EOPNOTSUPP;
	t->src.l3num = l3num;
	if (tb[CTA_TUPLE_IP]) {
		err = kct_nl_parse_ip(tb[CTA_TUPLE_IP], t, &got);
		if (err)
			return err;
	}
	if (tb[CTA_TUPLE_PROTO]) {
		err = kct_nl_parse_proto(tb[CTA_TUPLE_PROTO], t, &got);
		if (err)
			return err;
	}
	/* Its value is kct_nl_parse_zone()'s business. */
	if (tb[CTA_TUPLE_ZONE])
		got |= KCT_FILTER_TUPLE_ZONE;
	if (present) {
		*present = got;
		return 0;
	}
	if ((got & kct_nl_tuple_needs(t->dst.protonum)) !=
	    kct_nl_tuple_needs(t->dst.protonum))
		return -EINVAL;
	return 0;
}

/*
 * The zone a request names, as stock reads it: CTA_ZONE for both
 * directions, or a CTA_TUPLE_ZONE inside the tuple @tuple_attr of type
 * @type for that direction alone; not both.  The default zone if none.
 */
int kct_nl_parse_zone(const struct nlattr *zone_attr,
		      const struct nlattr *tuple_attr, int type,
		      struct nf_conntrack_zone *zone)
{
	const struct nlattr *dir_attr;

	nf_ct_zone_init(zone, NF_CT_DEFAULT_ZONE_ID, NF_CT_DEFAULT_ZONE_DIR, 0);
	if (zone_attr)
		zone->id = ntohs(nla_get_be16(zone_attr));
	dir_attr = tuple_attr ? nla_find_nested(tuple_attr, CTA_TUPLE_ZONE) :
		   NULL;
	if (!dir_attr)
		return 0;
	if (zone->id != NF_CT_DEFAULT_ZONE_ID)
		return -EINVAL;
	if (nla_len(dir_attr) < sizeof(u16))
		return -EINVAL;
	zone->id = ntohs(nla_get_be16(dir_attr));
	zone->dir = type == CTA_TUPLE_REPLY ? NF_CT_ZONE_DIR_REPL :
					      NF_CT_ZONE_DIR_ORIG;
	return 0;
}

/* Put @zone's id as @type if it is not the default and is for @dir. */
int kct_nl_put_zone(struct sk_buff *skb, int type,
		    const struct nf_conntrack_zone *zone, u8 dir)
{
	if (zone->id == NF_CT_DEFAULT_ZONE_ID || zone->dir != dir)
		return 0;
	return nla_put_be16(skb, type, htons(zone->id));
}

/* Does @ct_tuple have the fields @flags selects of @filter? */
bool kct_nl_tuple_match(const struct nf_conntrack_tuple *ct_tuple,
			const struct nf_conntrack_tuple *filter, u32 flags)
{
	const struct nf_conntrack_tuple *a = ct_tuple, *b = filter;

	if ((flags & KCT_FILTER_IP_SRC) &&
	    !nf_inet_addr_cmp(&a->src.u3, &b->src.u3))
		return false;
	if ((flags & KCT_FILTER_IP_DST) &&
	    !nf_inet_addr_cmp(&a->dst.u3, &b->dst.u3))
		return false;
	if ((flags & KCT_FILTER_PROTO_NUM) &&
	    a->dst.protonum != b->dst.protonum)
		return false;
	if ((flags & KCT_FILTER_PROTO_SRC_PORT) && a->src.u.all != b->src.u.all)
		return false;
	if ((flags & KCT_FILTER_PROTO_DST_PORT) && a->dst.u.all != b->dst.u.all)
		return false;
	if ((flags & (KCT_FILTER_ICMP_TYPE | KCT_FILTER_ICMPV6_TYPE)) &&
	    a->dst.u.icmp.type != b->dst.u.icmp.type)
		return false;
	if ((flags & (KCT_FILTER_ICMP_CODE | KCT_FILTER_ICMPV6_CODE)) &&
	    a->dst.u.icmp.code != b->dst.u.icmp.code)
		return false;
	if ((flags & (KCT_FILTER_ICMP_ID | KCT_FILTER_ICMPV6_ID)) &&
	    a->src.u.icmp.id != b->src.u.icmp.id)
		return false;
	return true;
}
