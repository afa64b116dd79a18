/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_NETLINK_H
#define _KCT_NETLINK_H

/*
 * kct speaks the ctnetlink message format (uapi nfnetlink_conntrack.h)
 * on nfnetlink's conntrack and expectation subsystems, so that the
 * conntrack command works against kct's table, and carries kct's
 * connection events to conntrack -E.  Only one module can own a
 * subsystem: when nf_conntrack_netlink has them, kct runs without this
 * interface (and says so once in the kernel log).
 */
#include <net/netlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

int kct_netlink_init(void);
void kct_netlink_exit(void);

/* The attributes a conntrack message may carry. */
extern const struct nla_policy kct_nl_ct_policy[CTA_MAX + 1];

#endif /* _KCT_NETLINK_H */
