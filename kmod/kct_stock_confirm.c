// SPDX-License-Identifier: GPL-2.0
/*
 * Stock code that confirms a connection itself confirms kct's in kct's
 * table.
 *
 * br_netfilter confirms the connection of a bridged broadcast or
 * multicast packet for the host at the bridge's input (br_nf_local_in()),
 * before the host's stack may copy the packet, and it does so through
 * nf_ct_hook->confirm, which is nf_conntrack's.  Given a kct connection,
 * stock's confirm would insert it into nf_conntrack's table: missing from
 * kct's lookups, listings and counts, and ended by stock's GC.
 *
 * kct puts a copy of nf_conntrack's nf_ct_hook in its place, whose
 * confirm sends kct's connections to kct's confirm and every other to
 * stock's.  The copy's other members are stock's own functions, so every
 * other call through nf_ct_hook (the destroy of each connection among
 * them) runs as before, at the same cost.
 *
 * Lifetime: nf_conntrack sets nf_ct_hook when it loads and clears it when
 * it goes; kct links against it, so it stays loaded for kct's life and
 * nothing else writes the pointer meanwhile.  The copy is in place from
 * before kct's hooks see their first packet to after they saw their last
 * (kct_main.c); callers read nf_ct_hook under RCU, so a grace period after
 * stock's is put back, nothing uses the copy any more.
 */
#include <linux/netfilter.h>
#include <net/netfilter/nf_conntrack.h>
#include "kct_hooks.h"
#include "kct_stock_confirm.h"
#include "kct_table.h"

static const struct nf_ct_hook *kct_stock_ct_hook;
static struct nf_ct_hook kct_ct_hook;

/* In place of stock's nf_conntrack_confirm(), same contract. */
static int kct_stock_confirm(struct sk_buff *skb)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || !kct_owned(ct))
		return kct_stock_ct_hook->confirm(skb);
	return kct_confirm_skb(skb, ct, ctinfo, nf_ct_net(ct), nf_ct_l3num(ct));
}

void kct_stock_confirm_init(void)
{
	const struct nf_ct_hook *stock = rcu_access_pointer(nf_ct_hook);

	/* Set by nf_conntrack's init, which ran before kct's. */
	if (WARN_ON_ONCE(!stock))
		return;
	kct_stock_ct_hook = stock;
	kct_ct_hook = *stock;
	kct_ct_hook.confirm = kct_stock_confirm;
	rcu_assign_pointer(nf_ct_hook, &kct_ct_hook);
}

void kct_stock_confirm_exit(void)
{
	if (rcu_access_pointer(nf_ct_hook) != &kct_ct_hook)
		return;
	rcu_assign_pointer(nf_ct_hook, kct_stock_ct_hook);
	/* Callers still in the copy leave it before kct's text goes. */
	synchronize_rcu();
}
