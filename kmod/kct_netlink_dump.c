// SPDX-License-Identifier: GPL-2.0
/*
 * Walking one namespace's connections for ctnetlink: the dump behind
 * `conntrack -L` (and -D/-U, which dump and then act on each entry), and
 * the flush behind `conntrack -F`.  Both honour the same filter: family,
 * mark under a mask, status under a mask, and tuple fields (CTA_FILTER).
 */
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/slab.h>
#include "kct_netlink_filter.h"
#include "kct_table.h"

/* A reference on the original-direction connection of @h, if it is ours. */
static struct nf_conn *kct_nl_get(struct nf_conntrack_tuple_hash *h,
				  const struct net *net)
{
	struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);

	if (NF_CT_DIRECTION(h) != IP_CT_DIR_ORIGINAL ||
	    !net_eq(nf_ct_net(ct), net))
		return NULL;
	if (!refcount_inc_not_zero(&ct->ct_general.use))
		return NULL;
	/* Recycled objects: check again once referenced. */
	smp_acquire__after_ctrl_dep();
	if (kct_owned(ct) && nf_ct_is_confirmed(ct) && !nf_ct_is_dying(ct) &&
	    net_eq(nf_ct_net(ct), net) && !nf_ct_is_expired(ct))
		return ct;
	nf_ct_put(ct);
	return NULL;
}

/*
 * The dump resumes where the previous skb filled up: cb->args[0] is the
 * bucket, cb->args[1] how many of its matching entries were sent.  An
 * entry moved meanwhile may be missed or repeated, as with any table
 * that changes under a dump.
 */
int kct_nl_dump_table(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct kct_nl_filter *f = cb->data;
	struct net *net = sock_net(skb->sk);
	unsigned long bucket = cb->args[0];
	struct nf_conntrack_tuple_hash *h;
	struct hlist_nulls_node *n;
	unsigned long skip, seen;
	struct nf_conn *ct;
	int err;

	for (; bucket < kct_table.size; bucket++, cb->args[1] = 0) {
		skip = cb->args[1];
		seen = 0;
		rcu_read_lock();
		hlist_nulls_for_each_entry_rcu(h, n, &kct_table.buckets[bucket],
					       hnnode) {
			ct = kct_nl_get(h, net);
			if (!ct)
				continue;
			if (!kct_nl_filter_match(f, ct)) {
				nf_ct_put(ct);
				continue;
			}
			if (seen++ < skip) {
				nf_ct_put(ct);
				continue;
			}
			err = kct_nl_fill_conn(skb, NETLINK_CB(cb->skb).portid,
					       cb->nlh->nlmsg_seq,
					       IPCTNL_MSG_CT_NEW,
					       NLM_F_MULTI, ct, false);
			nf_ct_put(ct);
			if (err) {
				rcu_read_unlock();
				cb->args[0] = bucket;
				cb->args[1] = seen - 1;
				return skb->len;
			}
		}
		rcu_read_unlock();
	}
	cb->args[0] = bucket;
	cb->args[1] = 0;
	return skb->len;
}

/* Delete every connection of @net that @f selects; returns how many. */
unsigned int kct_nl_flush(struct net *net, const struct kct_nl_filter *f)
{
	struct nf_conntrack_tuple_hash *h;
	struct hlist_nulls_node *n;
	unsigned int bucket, killed = 0;
	struct nf_conn *ct;

	for (bucket = 0; bucket < kct_table.size; bucket++) {
		rcu_read_lock();
		hlist_nulls_for_each_entry_rcu(h, n, &kct_table.buckets[bucket],
					       hnnode) {
			ct = kct_nl_get(h, net);
			if (!ct)
				continue;
			if (kct_nl_filter_match(f, ct) && kct_table_unlink(ct))
				killed++;
			nf_ct_put(ct);
		}
		rcu_read_unlock();
		/* A big table must not hold the CPU for the whole walk. */
		if (!(bucket % 1024))
			cond_resched();
	}
	return killed;
}
