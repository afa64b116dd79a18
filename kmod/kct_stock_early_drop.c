// SPDX-License-Identifier: GPL-2.0
/*
 * Room at nf_conntrack_max among the connections stock tracked itself.
 *
 * Every connection object of a namespace counts against nf_conntrack_max,
 * stock's as well as kct's.  Stock's are the ones it tracked before kct
 * was loaded, or between an unload and the next load: no packet reaches
 * them any more (kct's hooks come first and take every flow), so they
 * only wait to expire, and a table that was full when kct came in would
 * stay full for kct until they did.  Stock at its limit drops an
 * unassured connection to make room for a new one; nf_conntrack_alloc()
 * still tries that for kct, but always in the same first buckets (it is
 * given no hash).  So kct looks in stock's table too, the way stock's
 * early drop does, from a bucket kct's hash of the new connection picks.
 *
 * The chains are read under their bucket lock, as ctnetlink reads them:
 * a resize of stock's table takes every bucket lock, so under one of
 * them nf_conntrack_hash and nf_conntrack_htable_size belong together,
 * and a connection in the chain holds the table's reference.
 */
#include <linux/bottom_half.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include "kct_pernet.h"
#include "kct_table.h"
#include "kct_stock_early_drop.h"

/* As stock: buckets looked in, from the first one on. */
#define KCT_STOCK_EARLY_DROP_BUCKETS	8
/* Connections dropped at most from one chain. */
#define KCT_STOCK_EARLY_DROP_MAX	16

/*
 * The unassured connections of @net in stock's chain number @i counted
 * from the bucket @hash picks, each referenced into @out (at most
 * KCT_STOCK_EARLY_DROP_MAX); how many.
 */
static unsigned int kct_stock_chain_unassured(const struct net *net, u32 hash,
					      unsigned int i,
					      struct nf_conn **out)
{
	struct nf_conntrack_tuple_hash *h;
	struct hlist_nulls_node *n;
	unsigned int size, bucket, found = 0;
	spinlock_t *lock;	/* one of stock's bucket locks */

	size = READ_ONCE(nf_conntrack_htable_size);
	bucket = (reciprocal_scale(hash, size) + i) % size;
	lock = &nf_conntrack_locks[bucket % CONNTRACK_LOCKS];
	local_bh_disable();
	nf_conntrack_lock(lock);
	__acquire(lock);	/* for sparse: the declaration does not say */
	/* Resized since the size was read: another time. */
	if (size != nf_conntrack_htable_size)
		goto out;
	hlist_nulls_for_each_entry(h, n, &nf_conntrack_hash[bucket], hnnode) {
		struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);

		if (found == KCT_STOCK_EARLY_DROP_MAX)
			break;
		if (test_bit(IPS_ASSURED_BIT, &ct->status) ||
		    !net_eq(nf_ct_net(ct), net) || nf_ct_is_dying(ct) ||
		    kct_conn_in_batch(ct, out, found) ||
		    !refcount_inc_not_zero(&ct->ct_general.use))
			continue;
		out[found++] = ct;
	}
out:
	spin_unlock(lock);
	local_bh_enable();
	return found;
}

bool kct_stock_early_drop(struct kct_net *kn, u32 hash)
{
	struct nf_conn *victims[KCT_STOCK_EARLY_DROP_MAX];
	unsigned int i, j, n;
	bool room = false;

	for (i = 0; i < KCT_STOCK_EARLY_DROP_BUCKETS && !room; i++) {
		n = kct_stock_chain_unassured(kn->net, hash, i, victims);
		for (j = 0; j < n; j++) {
			bool expired = nf_ct_is_expired(victims[j]);

			/* An expired one makes room, but is no early drop. */
			if (nf_ct_delete(victims[j], 0, 0)) {
				if (!expired)
					KCT_STAT_INC(kn, early_drop);
				room = true;
			}
			nf_ct_put(victims[j]);
		}
	}
	return room;
}
