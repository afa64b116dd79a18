// SPDX-License-Identifier: GPL-2.0
/*
 * Timeout policies (nft `ct timeout` objects with `ct timeout set`,
 * iptables `-j CT --timeout NAME` with `nfct timeout add`): a rule
 * attaches the policy to the packet's template, and a connection made
 * from that template keeps the policy's timeouts in stock's timeout
 * extension, where the trackers look first (kct_timeouts()).
 *
 * Lifetime: stock's connections point at the policy object itself, and
 * deleting the policy walks stock's table to unhook them before the
 * object is freed.  That walk never sees kct's table, so a kct
 * connection gets a private copy of the policy instead, freed with the
 * connection by stock's own code (nf_ct_timeout_put() on the last
 * reference).  Deleting a policy therefore leaves kct's existing
 * connections on its timeouts until they end, where stock's fall back to
 * the defaults.
 */
#include <linux/slab.h>
#include <net/netfilter/nf_conntrack_l4proto.h>
#include <net/netfilter/nf_conntrack_extend.h>
#include "kct_timeout.h"

/*
 * Give the new connection @ct (not yet confirmed, so not seen by others)
 * a copy of the timeout policy of the template @tmpl, if it has one for
 * @ct's protocol.  Without memory the connection keeps the defaults.
 */
void kct_timeout_adopt(struct nf_conn *ct, const struct nf_conn *tmpl)
{
	const struct nf_conn_timeout *tmpl_ext = nf_ct_timeout_find(tmpl);
	const struct nf_ct_timeout *policy;
	struct nf_conn_timeout *ext;
	struct nf_ct_timeout *copy;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "timeout policy outside RCU");
	if (!tmpl_ext)
		return;
	policy = rcu_dereference(tmpl_ext->timeout);
	/* The data is laid out for the policy's protocol: no other. */
	if (!policy || !policy->l4proto ||
	    policy->l4proto->l4proto != nf_ct_protonum(ct))
		return;
	copy = kmemdup(policy, sizeof(*copy) +
		       policy->l4proto->ctnl_timeout.obj_size, GFP_ATOMIC);
	if (!copy)
		return;
	/* The connection's reference, dropped by nf_ct_timeout_put(). */
	refcount_set(&copy->refcnt, 1);
	ext = nf_ct_ext_add(ct, NF_CT_EXT_TIMEOUT, GFP_ATOMIC);
	if (!ext) {
		kfree(copy);
		return;
	}
	rcu_assign_pointer(ext->timeout, copy);
}
