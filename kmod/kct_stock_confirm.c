// SPDX-License-Identifier: GPL-2.0
/*
 * Stock code that confirms one of kct's connections confirms it in kct's
 * table.
 *
 * Stock code confirms a packet's connection with __nf_conntrack_confirm(),
 * directly or through nf_ct_hook->confirm, whatever tracker made it:
 * - br_netfilter, at the bridge's input, for a bridged broadcast or
 *   multicast packet to the host (br_nf_local_in()), before the host's
 *   stack may copy it;
 * - nf_conntrack's own confirm hooks, where a stock ct rule registered
 *   them, for a packet kct tracked before it was switched off in that
 *   namespace (kct_hooks.c takes its confirm hooks out with the others);
 * - IPVS, tc's act_ct and openvswitch.
 * Given a kct connection, stock's confirm would insert it into
 * nf_conntrack's table: missing from kct's lookups, listings and counts,
 * ended by stock's GC, and unlinked from there by kct's code that knows
 * it as kct's.  kct answers the call in place of stock
 * (kct_redirect.c): kct's confirm for kct's connections, stock's for the
 * others.
 */
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include "kct_hooks.h"
#include "kct_redirect.h"
#include "kct_stock_confirm.h"
#include "kct_stock_query.h"
#include "kct_table.h"

/* In place of __nf_conntrack_confirm(), same contract. */
static int kct_stock_confirm(struct sk_buff *skb)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;
	int verdict;

	ct = nf_ct_get(skb, &ctinfo);
	if (ct && kct_owned(ct)) {
		/*
		 * While kct unloads, a packet kct tracked may reach stock's
		 * confirm after its namespace's kct state went: it stays
		 * unconfirmed then, as where kct was switched off.
		 */
		verdict = NF_ACCEPT;
		rcu_read_lock();
		if (kct_stock_query_is_live())
			verdict = kct_confirm_skb(skb, ct, ctinfo,
						  nf_ct_net(ct),
						  nf_ct_l3num(ct));
		rcu_read_unlock();
		return verdict;
	}
	verdict = __nf_conntrack_confirm(skb);
	barrier();	/* not a tail call: see kct_redirect.c */
	return verdict;
}

static struct kct_redirect kct_stock_confirm_redirect = {
	.target = __nf_conntrack_confirm,
	.replacement = kct_stock_confirm,
	.loss = "a bridged broadcast to the host lands in stock's table",
};

void kct_stock_confirm_init(void)
{
	static struct kct_redirect *const r[] = { &kct_stock_confirm_redirect };

	kct_redirects_add(r, ARRAY_SIZE(r));
}

bool kct_stock_confirm_live(void)
{
	return kct_stock_confirm_redirect.live;
}
