// SPDX-License-Identifier: GPL-2.0
/*
 * Timeout policies: nft `ct timeout` objects (`ct timeout set`, which
 * attaches the policy to the new connection itself, in a chain after
 * conntrack's) and nfnetlink_cttimeout's (`nfct timeout add` with
 * iptables `-j CT --timeout NAME`, attached to the packet's template).
 * Either way the connection carries the policy in stock's timeout
 * extension, where the trackers look first (kct_timeouts()).
 *
 * Lifetime: stock's connections point at the policy object itself, and
 * deleting an nft policy walks stock's table to unhook them before the
 * object is freed.  That walk never sees kct's table, so when kct
 * confirms a connection it replaces the policy by a private copy, freed
 * with the connection by stock's own code (nf_ct_timeout_put() on the
 * last reference).  Until then the connection is unconfirmed and its
 * packet still on its way through the hooks, within one RCU read-side
 * section, which the object's deletion waits for.  Deleting a policy
 * therefore leaves kct's existing connections on its timeouts until they
 * end, where stock's fall back to the defaults.
 */
#include <linux/slab.h>
#include <net/netfilter/nf_conntrack_l4proto.h>
#include <net/netfilter/nf_conntrack_extend.h>
#include "kct_timeout.h"

/*
 * A new connection @ct made from the template @tmpl takes the
 * template's policy, as stock's do.
 */
void kct_timeout_adopt(struct nf_conn *ct, const struct nf_conn *tmpl)
{
	const struct nf_conn_timeout *tmpl_ext = nf_ct_timeout_find(tmpl);

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "timeout policy outside RCU");
	if (tmpl_ext)
		nf_ct_timeout_ext_add(ct, rcu_dereference(tmpl_ext->timeout),
				      GFP_ATOMIC);
}

/*
 * @ct is about to be confirmed: from here on it may outlive its policy
 * object, so it gets a copy of it (see above).  A policy for another
 * protocol, whose data is not laid out for @ct's, is dropped (stock's
 * rules never attach one); without memory, so is the policy, and the
 * connection keeps its namespace's timeouts.
 */
void kct_timeout_own(struct nf_conn *ct)
{
	struct nf_conn_timeout *ext = nf_ct_timeout_find(ct);
	struct nf_ct_timeout *policy, *copy = NULL;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "timeout policy outside RCU");
	if (!ext)
		return;
	policy = rcu_dereference(ext->timeout);
	if (!policy)
		return;
	if (policy->l4proto && policy->l4proto->l4proto == nf_ct_protonum(ct))
		copy = kmemdup(policy, sizeof(*copy) +
			       policy->l4proto->ctnl_timeout.obj_size,
			       GFP_ATOMIC);
	if (copy)
		/* The connection's reference, dropped by nf_ct_timeout_put(). */
		refcount_set(&copy->refcnt, 1);
	rcu_assign_pointer(ext->timeout, copy);
	/* The reference nf_ct_timeout_ext_add() took on the original. */
	if (refcount_dec_and_test(&policy->refcnt))
		kfree_rcu(policy, rcu);
}
