/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_NETLINK_EXP_H
#define _KCT_NETLINK_EXP_H

#include <linux/netfilter/nfnetlink.h>

/* The expectation subsystem's callbacks (conntrack -L expect, ...). */
extern const struct nfnetlink_subsystem kct_nl_exp_subsys;

struct kct_expect;
int kct_nl_exp_fill(struct sk_buff *skb, u32 portid, u32 seq, u16 type,
		    unsigned int flags, struct kct_expect *exp);

#endif /* _KCT_NETLINK_EXP_H */
