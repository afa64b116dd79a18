// SPDX-License-Identifier: GPL-2.0
/*
 * ctnetlink events, multicast to the nfnetlink conntrack groups of the
 * connection's namespace, in the message format of stock's events: NEW
 * carries the creation flags, UPDATE none, DESTROY is a DELETE message.
 */
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include "kct_event.h"

static const struct {
	u16 msg;
	u16 flags;
} kct_event_kinds[] = {
	[KCT_EVENT_NEW]	= { IPCTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL },
	[KCT_EVENT_UPDATE] = { IPCTNL_MSG_CT_NEW, 0 },
	[KCT_EVENT_DESTROY] = { IPCTNL_MSG_CT_DELETE, 0 },
};

static_assert(NFNLGRP_CONNTRACK_NEW + KCT_EVENT_UPDATE ==
	      NFNLGRP_CONNTRACK_UPDATE);
static_assert(NFNLGRP_CONNTRACK_NEW + KCT_EVENT_DESTROY ==
	      NFNLGRP_CONNTRACK_DESTROY);

void __kct_event(struct nf_conn *ct, enum kct_event_kind kind)
{
	unsigned int group = kct_event_group(kind);
	struct net *net = nf_ct_net(ct);
	struct sk_buff *skb;

	/* Someone listens, but maybe not in this namespace. */
	if (!nfnetlink_has_listeners(net, group))
		return;
	skb = nlmsg_new(kct_nl_conn_size(), GFP_ATOMIC);
	if (!skb)
		goto lost;
	if (kct_nl_fill_conn(skb, 0, 0, kct_event_kinds[kind].msg,
			     kct_event_kinds[kind].flags, ct,
			     kind == KCT_EVENT_DESTROY)) {
		kfree_skb(skb);
		goto lost;
	}
	nfnetlink_send(skb, net, 0, group, 0, GFP_ATOMIC);
	return;
lost:
	/* Listeners learn that they missed something (ENOBUFS). */
	nfnetlink_set_err(net, 0, group, -ENOBUFS);
}
