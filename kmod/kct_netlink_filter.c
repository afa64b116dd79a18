// SPDX-License-Identifier: GPL-2.0
/*
 * Dump and flush filters, from the attributes conntrack sends: the
 * family in the nfnetlink header, CTA_MARK/CTA_MARK_MASK (-m),
 * CTA_STATUS/CTA_STATUS_MASK (--status) and CTA_FILTER with partial
 * tuples (which fields CTA_FILTER_*_FLAGS say).  Whatever the
 * attributes, the filter is checked whole before anything is done.
 * Zones (CTA_ZONE, CTA_TUPLE_ZONE) are accepted and, as by stock's 6.1
 * ctnetlink, not filtered on: conntrack filters on the zone itself.
 */
#include <linux/netfilter/nfnetlink_conntrack.h>
#include "kct_netlink_filter.h"
#include "kct_netlink_tuple.h"

static const struct nla_policy kct_nl_filter_policy[CTA_FILTER_MAX + 1] = {
	[CTA_FILTER_ORIG_FLAGS]	= NLA_POLICY_MASK(NLA_U32, KCT_FILTER_ALL),
	[CTA_FILTER_REPLY_FLAGS] = NLA_POLICY_MASK(NLA_U32, KCT_FILTER_ALL),
};

static int kct_nl_filter_tuple(const struct nlattr *attr, u8 family,
			       u32 flags, struct nf_conntrack_tuple *t)
{
	u32 present;
	int err;

	if (!flags)
		return 0;
	if (!attr)
		return -EINVAL;
	err = kct_nl_parse_tuple(attr, family, t, &present);
	if (err)
		return err;
	/* Every field the flags select must have come. */
	return (flags & present) == flags ? 0 : -EINVAL;
}

int kct_nl_filter_parse(const struct nlattr * const cda[], u8 family,
			struct kct_nl_filter *f)
{
	struct nlattr *tb[CTA_FILTER_MAX + 1];
	int err;

	memset(f, 0, sizeof(*f));
	f->family = family;
	if (cda[CTA_MARK]) {
		f->mark = ntohl(nla_get_be32(cda[CTA_MARK]));
		f->mark_mask = cda[CTA_MARK_MASK] ?
			       ntohl(nla_get_be32(cda[CTA_MARK_MASK])) : ~0U;
		f->mark &= f->mark_mask;
	} else if (cda[CTA_MARK_MASK]) {
		return -EINVAL;
	}
	if (cda[CTA_STATUS_MASK]) {
		if (!cda[CTA_STATUS])
			return -EINVAL;
		f->status_mask = ntohl(nla_get_be32(cda[CTA_STATUS_MASK]));
		f->status = ntohl(nla_get_be32(cda[CTA_STATUS])) &
			    f->status_mask;
	}
	if (!cda[CTA_FILTER])
		return 0;
	err = nla_parse_nested(tb, CTA_FILTER_MAX, cda[CTA_FILTER],
			       kct_nl_filter_policy, NULL);
	if (err)
		return err;
	if (tb[CTA_FILTER_ORIG_FLAGS])
		f->orig_flags = nla_get_u32(tb[CTA_FILTER_ORIG_FLAGS]);
	if (tb[CTA_FILTER_REPLY_FLAGS])
		f->reply_flags = nla_get_u32(tb[CTA_FILTER_REPLY_FLAGS]);
	err = kct_nl_filter_tuple(cda[CTA_TUPLE_ORIG], family, f->orig_flags,
				  &f->orig);
	if (err)
		return err;
	return kct_nl_filter_tuple(cda[CTA_TUPLE_REPLY], family,
				   f->reply_flags, &f->reply);
}

bool kct_nl_filter_match(const struct kct_nl_filter *f, struct nf_conn *ct)
{
	if (!f)
		return true;
	if (f->family && nf_ct_l3num(ct) != f->family)
		return false;
	if ((READ_ONCE(ct->mark) & f->mark_mask) != f->mark)
		return false;
	if (((u32)READ_ONCE(ct->status) & f->status_mask) != f->status)
		return false;
	if (f->orig_flags &&
	    !kct_nl_tuple_match(&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple,
				&f->orig, f->orig_flags))
		return false;
	if (f->reply_flags &&
	    !kct_nl_tuple_match(&ct->tuplehash[IP_CT_DIR_REPLY].tuple,
				&f->reply, f->reply_flags))
		return false;
	return true;
}
