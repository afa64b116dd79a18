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
int kct_netlink_init(void);
void kct_netlink_exit(void);

#endif /* _KCT_NETLINK_H */
