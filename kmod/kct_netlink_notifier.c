// SPDX-License-Identifier: GPL-2.0
/*
 * Stock's event notifier, held in each namespace while kct owns
 * ctnetlink, as stock's ctnetlink holds it.  Without one, stock's
 * nf_conntrack_event_cache() notes nothing: a rule's ct mark or label
 * set, SYNPROXY's sequence adjustment or a ctnetlink request's labels
 * on a connection would never reach conntrack -E (or conntrackd, which
 * syncs marks and labels from those events).  With it, they land in the
 * connection's event cache, and kct reports them when the packet leaves
 * (kct_event_cached()).
 *
 * Stock calls the notifier itself only where its own code reports an
 * event (its confirm hook, where it runs in the namespace, delivering a
 * cache kct has not taken yet; nf_conntrack_eventmask_report()): for
 * kct's connections that goes to kct's sink as the event it stands for;
 * stock's own connections and expectations are not kct's to report.
 *
 * Lifetime: registered after the sink, per namespace; unregistered
 * before it, then a grace period passes before kct's code can go.
 */
#include <net/net_namespace.h>
#include <net/netfilter/nf_conntrack_ecache.h>
#include "kct_netlink_notifier.h"
#include "kct_event.h"
#include "kct_table.h"

static int kct_nl_stock_ct_event(unsigned int events,
				 const struct nf_ct_event *item)
{
	struct kct_event_req req = {
		.portid = item->portid,
		.report = item->report,
	};
	struct nf_conn *ct = item->ct;
	enum kct_event_kind kind;

	if (!kct_owned(ct))
		return 0;
	if (events & BIT(IPCT_DESTROY))
		kind = KCT_EVENT_DESTROY;
	else if (events & (BIT(IPCT_NEW) | BIT(IPCT_RELATED)))
		kind = KCT_EVENT_NEW;
	else
		kind = KCT_EVENT_UPDATE;
	if (kct_event_wanted(kind))
		__kct_event(ct, kind, item->portid ? &req : NULL, events);
	return 0;
}

static int kct_nl_stock_exp_event(unsigned int events,
				  const struct nf_exp_event *item)
{
	return 0;
}

static const struct nf_ct_event_notifier kct_nl_stock_notifier = {
	.ct_event = kct_nl_stock_ct_event,
	.exp_event = kct_nl_stock_exp_event,
};

static int __net_init kct_nl_notifier_net_init(struct net *net)
{
	nf_conntrack_register_notifier(net, &kct_nl_stock_notifier);
	return 0;
}

static void __net_exit kct_nl_notifier_net_exit(struct net *net)
{
	nf_conntrack_unregister_notifier(net);
}

static struct pernet_operations kct_nl_notifier_net_ops = {
	.init = kct_nl_notifier_net_init,
	.exit = kct_nl_notifier_net_exit,
};

int kct_nl_notifier_init(void)
{
	return register_pernet_subsys(&kct_nl_notifier_net_ops);
}

void kct_nl_notifier_exit(void)
{
	unregister_pernet_subsys(&kct_nl_notifier_net_ops);
	/* A caller that found the notifier has returned after this. */
	synchronize_rcu();
}
