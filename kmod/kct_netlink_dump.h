/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_NETLINK_DUMP_H
#define _KCT_NETLINK_DUMP_H

#include <linux/netlink.h>
#include "kct_netlink_filter.h"

/* conntrack -L and conntrack -F over one namespace's connections. */
int kct_nl_dump_table(struct sk_buff *skb, struct netlink_callback *cb);
struct kct_event_req;
unsigned int kct_nl_flush(struct net *net, const struct kct_nl_filter *f,
			  const struct kct_event_req *req);

#endif /* _KCT_NETLINK_DUMP_H */
