// SPDX-License-Identifier: GPL-2.0
/*
 * The connection table.  Lookups are lockless: nf_conn objects come from
 * a SLAB_TYPESAFE_BY_RCU cache, so an entry found under RCU may be freed
 * and reused at any moment; a lookup therefore takes a reference with
 * refcount_inc_not_zero() and checks the tuple again afterwards, and
 * restarts when a chain ends in another bucket's marker.  Writers (insert
 * at confirm, unlink at death) take the spinlocks of both buckets.
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/vmalloc.h>
#include <linux/rculist_nulls.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include "kct_table.h"
#include "kct_tuple.h"
#include "kct_proto.h"
#include "kct_expect.h"
#include "kct_event.h"
#include "kct_helper.h"

#define KCT_LOCKS 1024

struct kct_table kct_table __read_mostly;
unsigned int kct_max __read_mostly;
static spinlock_t kct_locks[KCT_LOCKS];

/*
 * Buckets are fixed for the module's life: a table meant to hold a million
 * connections wants about as many buckets, which stock's memory-based
 * default does not give on a small machine.  Same name as nf_conntrack's
 * parameter; unlike it, read only once kct is loaded.
 */
static unsigned int hashsize;
module_param(hashsize, uint, 0444);
MODULE_PARM_DESC(hashsize,
		 "hash buckets (default: stock's size for this memory; 1024 to 16777216)");

#define KCT_BUCKETS_MIN	1024U
#define KCT_BUCKETS_MAX	(16U << 20)

static unsigned int kct_lock_index(u32 hash)
{
	return kct_bucket(hash) % KCT_LOCKS;
}

/* Both tuples' bucket locks, always in the same order (no ABBA). */
static void kct_double_lock(u32 h1, u32 h2)
	__acquires(&kct_locks) __acquires(&kct_locks)
{
	unsigned int a = kct_lock_index(h1), b = kct_lock_index(h2);

	local_bh_disable();
	if (a > b)
		swap(a, b);
	spin_lock(&kct_locks[a]);
	if (a != b)
		spin_lock_nested(&kct_locks[b], SINGLE_DEPTH_NESTING);
	else
		__acquire(&kct_locks[b]);	/* for sparse: one lock, twice */
}

static void kct_double_unlock(u32 h1, u32 h2)
	__releases(&kct_locks) __releases(&kct_locks)
{
	unsigned int a = kct_lock_index(h1), b = kct_lock_index(h2);

	if (a != b)
		spin_unlock(&kct_locks[b]);
	else
		__release(&kct_locks[b]);
	spin_unlock(&kct_locks[a]);
	local_bh_enable();
}

static bool kct_entry_matches(const struct nf_conntrack_tuple_hash *h,
			      const struct nf_conntrack_tuple *t,
			      const struct net *net)
{
	const struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);

	return kct_tuple_equal(t, &h->tuple) && net_eq(nf_ct_net(ct), net);
}

/* An expired entry met on the way: take it out now rather than at GC. */
static void kct_reap_expired(struct nf_conn *ct)
{
	if (!refcount_inc_not_zero(&ct->ct_general.use))
		return;
	/* Load ->status after the reference, as for any recycled object. */
	smp_acquire__after_ctrl_dep();
	if (kct_owned(ct) && nf_ct_is_confirmed(ct) && nf_ct_is_expired(ct))
		kct_table_unlink(ct);
	nf_ct_put(ct);
}

/* Find the tuplehash of @t and take a reference on its connection. */
struct nf_conntrack_tuple_hash *
kct_table_find(struct kct_net *kn, const struct nf_conntrack_tuple *t,
	       u32 hash)
{
	struct nf_conntrack_tuple_hash *h;
	struct hlist_nulls_node *n;
	unsigned int bucket = kct_bucket(hash);
	struct nf_conn *ct;

	rcu_read_lock();
begin:
	hlist_nulls_for_each_entry_rcu(h, n, &kct_table.buckets[bucket],
				       hnnode) {
		if (!kct_entry_matches(h, t, kn->net))
			continue;
		ct = nf_ct_tuplehash_to_ctrack(h);
		if (nf_ct_is_expired(ct)) {
			kct_reap_expired(ct);
			continue;
		}
		if (!refcount_inc_not_zero(&ct->ct_general.use))
			continue;
		smp_acquire__after_ctrl_dep();
		/* The object may have been recycled meanwhile: check again. */
		if (likely(kct_owned(ct) && nf_ct_is_confirmed(ct) &&
			   !nf_ct_is_dying(ct) &&
			   kct_entry_matches(h, t, kn->net))) {
			rcu_read_unlock();
			return h;
		}
		nf_ct_put(ct);
		goto begin;
	}
	if (get_nulls_value(n) != (bucket | KCT_NULLS_TAG)) {
		KCT_STAT_INC(kn, search_restart);
		goto begin;
	}
	rcu_read_unlock();
	return NULL;
}

/* An entry with tuple @t in its chain, the caller holding the lock. */
static struct nf_conn *kct_chain_find_locked(const struct nf_conntrack_tuple *t,
					     u32 hash, const struct net *net)
{
	struct nf_conntrack_tuple_hash *h;
	struct hlist_nulls_node *n;

	hlist_nulls_for_each_entry(h, n, &kct_table.buckets[kct_bucket(hash)],
				   hnnode) {
		if (kct_entry_matches(h, t, net))
			return nf_ct_tuplehash_to_ctrack(h);
	}
	return NULL;
}

/*
 * Confirm @ct: put both of its tuples in the table.  When another CPU
 * confirmed the same connection first, returns -EEXIST and, if it can be
 * referenced, that connection in @existing (with a reference).
 */
int kct_table_insert(struct kct_net *kn, struct nf_conn *ct,
		     struct nf_conn **existing)
{
	struct nf_conntrack_tuple_hash *orig = &ct->tuplehash[IP_CT_DIR_ORIGINAL];
	struct nf_conntrack_tuple_hash *reply = &ct->tuplehash[IP_CT_DIR_REPLY];
	u32 h0 = kct_tuple_hash(kn->net, &orig->tuple);
	u32 h1 = kct_tuple_hash(kn->net, &reply->tuple);
	struct nf_conn *other;

	*existing = NULL;
	kct_double_lock(h0, h1);
	other = kct_chain_find_locked(&orig->tuple, h0, kn->net);
	if (!other)
		other = kct_chain_find_locked(&reply->tuple, h1, kn->net);
	if (other) {
		if (refcount_inc_not_zero(&other->ct_general.use))
			*existing = other;
		kct_double_unlock(h0, h1);
		return -EEXIST;
	}

	/* The timeout ran relative until now; from here it is absolute. */
	WRITE_ONCE(ct->timeout, READ_ONCE(ct->timeout) + nfct_time_stamp);
	/* One reference for the table, dropped by kct_table_unlink(). */
	refcount_inc(&ct->ct_general.use);
	set_bit(IPS_CONFIRMED_BIT, &ct->status);
	hlist_nulls_add_head_rcu(&reply->hnnode,
				 &kct_table.buckets[kct_bucket(h1)]);
	hlist_nulls_add_head_rcu(&orig->hnnode,
				 &kct_table.buckets[kct_bucket(h0)]);
	atomic_inc(&kn->count);
	kct_double_unlock(h0, h1);
	kct_event_new(ct);
	return 0;
}

/*
 * Take a confirmed connection out of the table and drop the table's
 * reference.  The caller holds its own reference.  Only the first caller
 * does the work: IPS_DYING is the token.
 */
bool kct_table_unlink(struct nf_conn *ct)
{
	struct net *net = nf_ct_net(ct);
	u32 h0, h1;

	if (test_and_set_bit(IPS_DYING_BIT, &ct->status))
		return false;
	h0 = kct_tuple_hash(net, &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple);
	h1 = kct_tuple_hash(net, &ct->tuplehash[IP_CT_DIR_REPLY].tuple);
	kct_double_lock(h0, h1);
	hlist_nulls_del_rcu(&ct->tuplehash[IP_CT_DIR_ORIGINAL].hnnode);
	hlist_nulls_del_rcu(&ct->tuplehash[IP_CT_DIR_REPLY].hnnode);
	kct_double_unlock(h0, h1);
	atomic_dec(&kct_pernet(net)->count);
	kct_expect_master_gone(ct);
	kct_helper_destroy(ct);
	kct_event_destroy(ct);
	nf_ct_put(ct);
	return true;
}

/*
 * The table is full: make room by killing one connection that has not
 * proved itself (not ASSURED), looking in a few buckets near @hash.
 */
bool kct_table_early_drop(struct kct_net *kn, u32 hash)
{
	unsigned int i, bucket = kct_bucket(hash);
	struct nf_conntrack_tuple_hash *h;
	struct hlist_nulls_node *n;
	struct nf_conn *victim = NULL;

	rcu_read_lock();
	for (i = 0; i < 8 && !victim; i++) {
		unsigned int b = (bucket + i) % kct_table.size;

		hlist_nulls_for_each_entry_rcu(h, n, &kct_table.buckets[b],
					       hnnode) {
			struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);

			if (NF_CT_DIRECTION(h) ||
			    test_bit(IPS_ASSURED_BIT, &ct->status) ||
			    !net_eq(nf_ct_net(ct), kn->net) ||
			    nf_ct_is_dying(ct))
				continue;
			if (!refcount_inc_not_zero(&ct->ct_general.use))
				continue;
			smp_acquire__after_ctrl_dep();
			if (kct_owned(ct) && nf_ct_is_confirmed(ct) &&
			    !test_bit(IPS_ASSURED_BIT, &ct->status) &&
			    net_eq(nf_ct_net(ct), kn->net)) {
				victim = ct;
				break;
			}
			nf_ct_put(ct);
		}
	}
	rcu_read_unlock();
	if (!victim)
		return false;
	if (kct_table_unlink(victim))
		KCT_STAT_INC(kn, early_drop);
	nf_ct_put(victim);
	return true;
}

int kct_table_init(void)
{
	unsigned long pages = totalram_pages();
	unsigned int size, i;

	/* Stock's default sizing, so that kct behaves alike on a machine. */
	size = (pages << PAGE_SHIFT) / 16384 / sizeof(struct hlist_head);
	if (pages > 4UL * (1024 * 1024 * 1024 / PAGE_SIZE))
		size = 262144;
	else if (pages > 1024 * 1024 * 1024 / PAGE_SIZE)
		size = 65536;
	if (hashsize) {
		if (hashsize < KCT_BUCKETS_MIN || hashsize > KCT_BUCKETS_MAX) {
			pr_err("kct: hashsize=%u is out of range (%u to %u)\n",
			       hashsize, KCT_BUCKETS_MIN, KCT_BUCKETS_MAX);
			return -EINVAL;
		}
		size = hashsize;
	}
	size = max(size, KCT_BUCKETS_MIN);
	/* Whole pages of buckets, as stock rounds its table. */
	size = roundup(size, PAGE_SIZE / sizeof(struct hlist_nulls_head));

	kct_table.buckets = kvmalloc_array(size, sizeof(*kct_table.buckets),
					   GFP_KERNEL);
	if (!kct_table.buckets)
		return -ENOMEM;
	for (i = 0; i < size; i++)
		INIT_HLIST_NULLS_HEAD(&kct_table.buckets[i], i | KCT_NULLS_TAG);
	kct_table.size = size;
	hashsize = size;
	for (i = 0; i < KCT_LOCKS; i++)
		spin_lock_init(&kct_locks[i]);
	/* Never more than stock's own limit, which nf_conntrack_alloc() enforces. */
	kct_max = nf_conntrack_max ? min(size, nf_conntrack_max) : size;
	return 0;
}

void kct_table_exit(void)
{
	kvfree(kct_table.buckets);
}
