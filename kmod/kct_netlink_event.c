// SPDX-License-Identifier: GPL-2.0
/*
 * ctnetlink events (conntrack -E, -E expect): kct's event sink, registered
 * while kct owns ctnetlink.  Each event is multicast to the nfnetlink
 * conntrack group of its kind in the connection's namespace, in the
 * message format of stock's events: NEW carries the creation flags,
 * UPDATE none, DESTROY is a DELETE message; expectations' alike.
 * Nothing is built unless someone listens to that group in that
 * namespace (or, for an expectation's, the request asked for an echo).
 */
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include "kct_netlink_event.h"
#include "kct_netlink_conn.h"
#include "kct_netlink_exp.h"
#include "kct_event.h"
#include "kct_expect.h"

static const struct {
	unsigned int group;
	u16 msg;
	u16 flags;
} kct_nl_event_kinds[KCT_EVENT_KINDS] = {
	[KCT_EVENT_NEW]	= { NFNLGRP_CONNTRACK_NEW, IPCTNL_MSG_CT_NEW,
			    NLM_F_CREATE | NLM_F_EXCL },
	[KCT_EVENT_UPDATE] = { NFNLGRP_CONNTRACK_UPDATE, IPCTNL_MSG_CT_NEW, 0 },
	[KCT_EVENT_DESTROY] = { NFNLGRP_CONNTRACK_DESTROY,
				IPCTNL_MSG_CT_DELETE, 0 },
	[KCT_EVENT_EXP_NEW] = { NFNLGRP_CONNTRACK_EXP_NEW, IPCTNL_MSG_EXP_NEW,
				NLM_F_CREATE | NLM_F_EXCL },
	[KCT_EVENT_EXP_DESTROY] = { NFNLGRP_CONNTRACK_EXP_DESTROY,
				    IPCTNL_MSG_EXP_DELETE, 0 },
};

static void kct_nl_event(struct nf_conn *ct, enum kct_event_kind kind,
			 const struct kct_event_req *req, unsigned int ipct)
{
	unsigned int group = kct_nl_event_kinds[kind].group;
	u32 portid = req ? req->portid : 0;
	struct net *net = nf_ct_net(ct);
	struct sk_buff *skb;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "kct event outside RCU");
	/* Someone listens, but maybe not in this namespace. */
	if (!nfnetlink_has_listeners(net, group))
		return;
	skb = nlmsg_new(kct_nl_conn_size(), GFP_ATOMIC);
	if (!skb)
		goto lost;
	if (kct_nl_fill_conn(skb, 0, 0, kct_nl_event_kinds[kind].msg,
			     kct_nl_event_kinds[kind].flags, ct, ipct)) {
		kfree_skb(skb);
		goto lost;
	}
	/* The requester's portid in the header, as stock's events. */
	nlmsg_hdr(skb)->nlmsg_pid = portid;
	nfnetlink_send(skb, net, portid, group, req && req->report,
		       GFP_ATOMIC);
	return;
lost:
	/* Listeners learn that they missed something (ENOBUFS). */
	nfnetlink_set_err(net, 0, group, -ENOBUFS);
}

/* The same for an expectation, under the expectation lock. */
static void kct_nl_exp_event(struct kct_expect *exp, enum kct_event_kind kind,
			     const struct kct_event_req *req)
{
	unsigned int group = kct_nl_event_kinds[kind].group;
	u32 portid = req ? req->portid : 0;
	bool report = req && req->report;
	struct sk_buff *skb;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "kct event outside RCU");
	if (!report && !nfnetlink_has_listeners(exp->net, group))
		return;
	skb = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!skb)
		goto lost;
	if (kct_nl_exp_fill(skb, portid, 0, kct_nl_event_kinds[kind].msg,
			    kct_nl_event_kinds[kind].flags, exp)) {
		kfree_skb(skb);
		goto lost;
	}
	nfnetlink_send(skb, exp->net, portid, group, report, GFP_ATOMIC);
	return;
lost:
	nfnetlink_set_err(exp->net, 0, group, -ENOBUFS);
}

/*
 * nfnetlink keeps one bit per conntrack group that has a listener in any
 * namespace (stock's own events test it too): while nobody runs
 * conntrack -E, the packet path pays one read and no call.
 */
static const struct kct_event_sink kct_nl_event_sink = {
	.listening = &nf_ctnetlink_has_listener,
	.bits = {
		[KCT_EVENT_NEW]		= BIT(NFNLGRP_CONNTRACK_NEW),
		[KCT_EVENT_UPDATE]	= BIT(NFNLGRP_CONNTRACK_UPDATE),
		[KCT_EVENT_DESTROY]	= BIT(NFNLGRP_CONNTRACK_DESTROY),
		[KCT_EVENT_EXP_NEW]	= BIT(NFNLGRP_CONNTRACK_EXP_NEW),
		[KCT_EVENT_EXP_DESTROY]	= BIT(NFNLGRP_CONNTRACK_EXP_DESTROY),
	},
	.deliver = kct_nl_event,
	.deliver_exp = kct_nl_exp_event,
};

int kct_nl_event_init(void)
{
	return kct_event_register(&kct_nl_event_sink);
}

void kct_nl_event_exit(void)
{
	kct_event_unregister(&kct_nl_event_sink);
}
