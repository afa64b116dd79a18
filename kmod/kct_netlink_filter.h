/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_NETLINK_FILTER_H
#define _KCT_NETLINK_FILTER_H

#include <net/netlink.h>
#include <net/netfilter/nf_conntrack.h>

/* Which connections a dump or flush is about (all: a zeroed filter). */
struct kct_nl_filter {
	u8 family;		/* NFPROTO_*; 0 for any */
	u32 mark, mark_mask;
	u32 status, status_mask;
	u32 orig_flags, reply_flags;	/* KCT_FILTER_* */
	struct nf_conntrack_tuple orig, reply;
};

int kct_nl_filter_parse(const struct nlattr * const cda[], u8 family,
			struct kct_nl_filter *f);
bool kct_nl_filter_match(const struct kct_nl_filter *f, struct nf_conn *ct);

#endif /* _KCT_NETLINK_FILTER_H */
