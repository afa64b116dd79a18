// SPDX-License-Identifier: GPL-2.0
/*
 * The connection table: one hash of both tuples of every confirmed
 * connection, shared by all namespaces (the namespace is part of the
 * hash and of every comparison, and so is the conntrack zone: each
 * tuple is hashed with its connection's zone id for that direction, as
 * stock hashes it).  No other file sees its buckets.
 *
 * Lifetime and locking, the rules every function below follows:
 * - A chain changes only under its bucket's lock (kct_bucket_lock());
 *   insert and unlink take the locks of both tuples' buckets.
 * - An entry holds a reference for the table from insert until unlink
 *   has taken it out of its chains, so under the bucket's lock every
 *   entry of the chain is alive and may simply be referenced.
 * - Without the lock (lookups, under RCU) an entry may be freed and its
 *   object reused at any moment, for another connection in another
 *   bucket or for one of stock's: nf_conn objects come from a
 *   SLAB_TYPESAFE_BY_RCU cache.  Such a reader takes a reference with
 *   kct_table_get(), which checks again everything it relied on, and
 *   restarts when a chain ends in another bucket's end marker.  It never
 *   follows the next pointer of an entry it may have freed.
 * - Sweeps (GC, flush, namespace exit, helper removal, /proc, dumps) go
 *   through kct_table_iter_next(): it references the wanted entries of
 *   one bucket under that bucket's lock and hands them out after
 *   unlocking, so the caller may unlink them and nothing it does can
 *   make the sweep lose its place.
 */
#include <linux/hash.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/vmalloc.h>
#include <linux/rculist_nulls.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_timestamp.h>
#include "kct_table.h"
#include "kct_tuple.h"
#include "kct_proto.h"
#include "kct_expect.h"
#include "kct_event.h"
#include "kct_helper.h"
#include "kct_gc.h"

#define KCT_LOCKS 1024

static struct {
	struct hlist_nulls_head *buckets;
	unsigned int size;
} kct_table __read_mostly;

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

unsigned int kct_table_size(void)
{
	return kct_table.size;
}

static unsigned int kct_bucket(u32 hash)
{
	return reciprocal_scale(hash, kct_table.size);
}

static spinlock_t *kct_bucket_lock(unsigned int bucket)
{
	return &kct_locks[bucket % KCT_LOCKS];
}

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

/*
 * Is @h tuple @t of a connection in @net and, for its direction, @zone?
 * Inline: every lookup runs it on each entry of the chain and again once
 * it holds the one found.
 */
static __always_inline bool
kct_entry_matches(const struct nf_conntrack_tuple_hash *h,
		  const struct nf_conntrack_tuple *t,
		  const struct nf_conntrack_zone *zone,
		  const struct net *net)
{
	const struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);

	return kct_tuple_equal(t, &h->tuple) &&
	       nf_ct_zone_equal(ct, zone, NF_CT_DIRECTION(h)) &&
	       net_eq(nf_ct_net(ct), net);
}

/* The hash of @ct's tuple in direction @dir, in its zone for @dir. */
static u32 kct_conn_hash(const struct nf_conn *ct, enum ip_conntrack_dir dir)
{
	return kct_tuple_hash(nf_ct_net(ct), &ct->tuplehash[dir].tuple,
			      nf_ct_zone_id(nf_ct_zone(ct), dir));
}

/*
 * A reference on the connection of @h, met without the bucket's lock,
 * or NULL.  The object may have been freed and reused since it was
 * found, so once it is held everything the finder relied on is checked
 * again: made by kct, in the table (confirmed, not dying), and @h still
 * has tuple @t in @zone and @net.
 */
static struct nf_conn *kct_table_get(struct nf_conntrack_tuple_hash *h,
				     const struct net *net,
				     const struct nf_conntrack_tuple *t,
				     const struct nf_conntrack_zone *zone)
{
	struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "table lookup outside RCU");
	if (!refcount_inc_not_zero(&ct->ct_general.use))
		return NULL;
	/* Load ->status and the tuple after the reference. */
	smp_acquire__after_ctrl_dep();
	if (likely(kct_owned(ct) && nf_ct_is_confirmed(ct) &&
		   !nf_ct_is_dying(ct) && kct_entry_matches(h, t, zone, net)))
		return ct;
	nf_ct_put(ct);
	return NULL;
}

/*
 * Find the tuplehash of @t in @zone, in the bucket of @hash, and take a
 * reference on its connection.
 */
struct nf_conntrack_tuple_hash *
kct_table_find(struct kct_net *kn, const struct nf_conntrack_zone *zone,
	       const struct nf_conntrack_tuple *t, u32 hash)
{
	struct nf_conntrack_tuple_hash *h;
	struct hlist_nulls_node *n;
	unsigned int bucket = kct_bucket(hash);
	struct nf_conn *ct;

	rcu_read_lock();
begin:
	hlist_nulls_for_each_entry_rcu(h, n, &kct_table.buckets[bucket],
				       hnnode) {
		if (!kct_entry_matches(h, t, zone, kn->net))
			continue;
		/* Recycled meanwhile: the chain may be another's, start over. */
		ct = kct_table_get(h, kn->net, t, zone);
		if (!ct)
			goto begin;
		if (likely(!nf_ct_is_expired(ct))) {
			rcu_read_unlock();
			return h;
		}
		/*
		 * Expired: take it out now rather than at GC, and start
		 * over, as the put may free it.
		 */
		kct_table_unlink(ct);
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

/*
 * An entry with tuple @t in @zone in its chain, the caller holding the
 * lock.
 */
static struct nf_conn *kct_chain_find_locked(const struct nf_conntrack_tuple *t,
					     const struct nf_conntrack_zone *zone,
					     u32 hash, const struct net *net)
{
	unsigned int bucket = kct_bucket(hash);
	struct nf_conntrack_tuple_hash *h;
	struct hlist_nulls_node *n;

	lockdep_assert_held(kct_bucket_lock(bucket));
	hlist_nulls_for_each_entry(h, n, &kct_table.buckets[bucket], hnnode) {
		if (kct_entry_matches(h, t, zone, net))
			return nf_ct_tuplehash_to_ctrack(h);
	}
	return NULL;
}

/*
 * Stock's timestamp (nf_conntrack_timestamp was 1 when @ct was made):
 * wall-clock nanoseconds from confirm to the end, which for a connection
 * that timed out is when its timeout ran out, not when GC found it.
 */
static void kct_tstamp_start(struct nf_conn *ct)
{
	struct nf_conn_tstamp *tstamp = nf_conn_tstamp_find(ct);

	if (tstamp)
		tstamp->start = ktime_get_real_ns();
}

static void kct_tstamp_stop(struct nf_conn *ct)
{
	struct nf_conn_tstamp *tstamp = nf_conn_tstamp_find(ct);
	s32 left;

	if (!tstamp)
		return;
	left = READ_ONCE(ct->timeout) - nfct_time_stamp;
	tstamp->stop = ktime_get_real_ns();
	if (left < 0)
		tstamp->stop -= jiffies_to_nsecs(-left);
}

/*
 * Confirm @ct: put both of its tuples in the table.  When another CPU
 * confirmed the same connection first, returns -EEXIST and, if it can be
 * referenced, that connection in @existing (with a reference).  @req
 * names the ctnetlink request that created it, if one did (for the NEW
 * event: conntrackd ignores the events of its own requests by it).
 */
int kct_table_insert_for(struct kct_net *kn, struct nf_conn *ct,
			 struct nf_conn **existing,
			 const struct kct_event_req *req)
{
	struct nf_conntrack_tuple_hash *orig = &ct->tuplehash[IP_CT_DIR_ORIGINAL];
	struct nf_conntrack_tuple_hash *reply = &ct->tuplehash[IP_CT_DIR_REPLY];
	const struct nf_conntrack_zone *zone = nf_ct_zone(ct);
	/* kct_table_keep_hash()'s, until the reply's link is set below. */
	u32 h0 = (unsigned long)reply->hnnode.pprev;
	u32 h1 = kct_conn_hash(ct, IP_CT_DIR_REPLY);
	struct nf_conn *other;

	*existing = NULL;
	kct_double_lock(h0, h1);
	other = kct_chain_find_locked(&orig->tuple, zone, h0, kn->net);
	if (!other)
		other = kct_chain_find_locked(&reply->tuple, zone, h1, kn->net);
	if (other) {
		/* Alive under the lock, unless already on its way out. */
		if (!nf_ct_is_dying(other) &&
		    refcount_inc_not_zero(&other->ct_general.use))
			*existing = other;
		kct_double_unlock(h0, h1);
		return -EEXIST;
	}

	/* The timeout ran relative until now; from here it is absolute. */
	WRITE_ONCE(ct->timeout, READ_ONCE(ct->timeout) + nfct_time_stamp);
	kct_tstamp_start(ct);
	/* One reference for the table, dropped by kct_table_unlink(). */
	refcount_inc(&ct->ct_general.use);
	/*
	 * Its extensions are final: who sees it confirmed may follow them
	 * (kct_expect_count(), after a read barrier).
	 */
	smp_mb__before_atomic();
	set_bit(IPS_CONFIRMED_BIT, &ct->status);
	hlist_nulls_add_head_rcu(&reply->hnnode,
				 &kct_table.buckets[kct_bucket(h1)]);
	hlist_nulls_add_head_rcu(&orig->hnnode,
				 &kct_table.buckets[kct_bucket(h0)]);
	atomic_inc(&kn->count);
	kct_double_unlock(h0, h1);
	kct_gc_due_by(READ_ONCE(ct->timeout));
	kct_event_new(ct, req);
	return 0;
}

/*
 * Take a confirmed connection out of the table and drop the table's
 * reference.  The caller holds its own reference.  Only the first caller
 * does the work: IPS_DYING is the token.  @req names the ctnetlink
 * request that asked for it, if one did (for the DESTROY event).
 */
bool kct_table_unlink_for(struct nf_conn *ct, const struct kct_event_req *req)
{
	struct net *net = nf_ct_net(ct);
	u32 h0, h1;

	if (test_and_set_bit(IPS_DYING_BIT, &ct->status))
		return false;
	kct_tstamp_stop(ct);
	h0 = kct_conn_hash(ct, IP_CT_DIR_ORIGINAL);
	h1 = kct_conn_hash(ct, IP_CT_DIR_REPLY);
	kct_double_lock(h0, h1);
	hlist_nulls_del_rcu(&ct->tuplehash[IP_CT_DIR_ORIGINAL].hnnode);
	hlist_nulls_del_rcu(&ct->tuplehash[IP_CT_DIR_REPLY].hnnode);
	kct_double_unlock(h0, h1);
	atomic_dec(&kct_pernet(net)->count);
	kct_expect_master_gone(ct);
	kct_helper_destroy(ct);
	kct_event_destroy(ct, req);
	nf_ct_put(ct);
	return true;
}

/*
 * The wanted connections of @bucket, each referenced into @out, at most
 * @cap of them; returns how many there are, which may be more.  A
 * connection is in two chains, by its original and by its reply tuple:
 * with @any_direction it is wanted by either (once, if both are in this
 * chain), else by its original only, so that a sweep of the buckets
 * meets it once.  Under the lock no entry of the chain can be freed (it
 * holds the table's reference), so none is missed or foreign.
 */
static unsigned int kct_bucket_collect(unsigned int bucket,
				       const struct net *net,
				       bool any_direction,
				       bool (*want)(struct nf_conn *ct,
						    void *arg),
				       void *arg, struct nf_conn **out,
				       unsigned int cap)
{
	spinlock_t *lock = kct_bucket_lock(bucket);
	struct nf_conntrack_tuple_hash *h;
	struct hlist_nulls_node *n;
	unsigned int found = 0;

	spin_lock_bh(lock);
	hlist_nulls_for_each_entry(h, n, &kct_table.buckets[bucket], hnnode) {
		struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);

		if ((!any_direction &&
		     NF_CT_DIRECTION(h) != IP_CT_DIR_ORIGINAL) ||
		    nf_ct_is_dying(ct) ||
		    (net && !net_eq(nf_ct_net(ct), net)) ||
		    (any_direction && kct_conn_in_batch(ct, out, min(found, cap))) ||
		    (want && !want(ct, arg)))
			continue;
		if (found < cap) {
			/* Never zero here: the table holds a reference. */
			refcount_inc(&ct->ct_general.use);
			out[found] = ct;
		}
		found++;
	}
	spin_unlock_bh(lock);
	return found;
}

static bool kct_unassured(struct nf_conn *ct, void *unused)
{
	return !test_bit(IPS_ASSURED_BIT, &ct->status);
}

/* As stock: buckets looked in, from the new connection's on. */
#define KCT_EARLY_DROP_BUCKETS 8
/* Connections dropped at most at once (a chain holds a few). */
#define KCT_EARLY_DROP_MAX 16

/*
 * The table is full: make room as stock does, by dropping the
 * connections that have not proved themselves (not ASSURED) in the first
 * of a few buckets from @hash's on that has any, found by either tuple.
 * An expired one found there is ended too, but is no early drop.  Round
 * 0 looks where stock looks; the later rounds of a table above its limit
 * (kct_conn_make_room()) each somewhere else, scattered: rounds looking
 * next to each other would empty a stretch of the table of every
 * connection early drop may take, and the new connections that hash
 * there would then find no room.
 */
bool kct_table_early_drop(struct kct_net *kn, u32 hash, unsigned int round)
{
	struct nf_conn *victims[KCT_EARLY_DROP_MAX];
	unsigned int i, j, n, bucket;
	bool room = false;

	bucket = kct_bucket(hash + round * GOLDEN_RATIO_32);
	for (i = 0; i < KCT_EARLY_DROP_BUCKETS && !room; i++) {
		n = kct_bucket_collect((bucket + i) % kct_table.size, kn->net,
				       true, kct_unassured, NULL, victims,
				       ARRAY_SIZE(victims));
		n = min_t(unsigned int, n, ARRAY_SIZE(victims));
		for (j = 0; j < n; j++) {
			bool expired = nf_ct_is_expired(victims[j]);

			if (kct_table_unlink(victims[j]) && !expired) {
				KCT_STAT_INC(kn, early_drop);
				room = true;
			}
			nf_ct_put(victims[j]);
		}
	}
	return room;
}

/*
 * Sweep @count buckets from @first on (wrapping around), visiting the
 * connections of @net (all if NULL) that @want (all if NULL) selects.
 */
void kct_table_iter_start(struct kct_table_iter *it, const struct net *net,
			  unsigned int first, unsigned int count,
			  bool (*want)(struct nf_conn *ct, void *arg),
			  void *arg)
{
	memset(it, 0, offsetof(struct kct_table_iter, inline_batch));
	it->net = net;
	it->want = want;
	it->arg = arg;
	it->bucket = first < kct_table.size ? first : 0;
	it->buckets_left = min(count, kct_table.size);
	it->max_nonempty = UINT_MAX;
	it->batch = it->inline_batch;
	it->cap = KCT_ITER_INLINE;
}

static void kct_iter_put_batch(struct kct_table_iter *it)
{
	while (it->i < it->n)
		nf_ct_put(it->batch[it->i++]);
	it->i = 0;
	it->n = 0;
}

/* Room for @n entries; false if there is none to be had. */
static bool kct_iter_grow(struct kct_table_iter *it, unsigned int n)
{
	struct nf_conn **batch;

	/* Some slack: the chain may grow while unlocked. */
	n += n / 4 + KCT_ITER_INLINE;
	batch = kvmalloc_array(n, sizeof(*batch), GFP_KERNEL | __GFP_NOWARN);
	if (!batch)
		return false;
	if (it->batch != it->inline_batch)
		kvfree(it->batch);
	it->batch = batch;
	it->cap = n;
	return true;
}

/* Load the next bucket holding wanted connections; false at the end. */
static bool kct_iter_load(struct kct_table_iter *it)
{
	unsigned int b, n;

	while (it->buckets_left && it->nonempty < it->max_nonempty) {
		b = it->bucket;
		if (++it->bucket == kct_table.size)
			it->bucket = 0;
		it->buckets_left--;
		it->visited++;
		/* Empty now is empty at some moment of the sweep. */
		if (hlist_nulls_empty(&kct_table.buckets[b])) {
			/* One read each: yield now and then. */
			if (it->visited % 64 == 0)
				cond_resched();
			continue;
		}
		/*
		 * What the caller does with a bucket's entries is not cheap
		 * (the GC ends them, with an event and a free each): yield
		 * before every one, or a task woken meanwhile (a ping's
		 * reader) waits for dozens of buckets' work.
		 */
		cond_resched();
		it->nonempty++;
		it->cur = b;
		it->i = 0;
		for (;;) {
			n = kct_bucket_collect(b, it->net, false, it->want,
					       it->arg, it->batch, it->cap);
			it->n = min(n, it->cap);
			if (n <= it->cap)
				break;
			kct_iter_put_batch(it);
			if (!kct_iter_grow(it, n)) {
				/* Out of memory: do what fits, say so. */
				it->incomplete = true;
				it->n = kct_bucket_collect(b, it->net, false,
							   it->want, it->arg,
							   it->batch, it->cap);
				it->n = min(it->n, it->cap);
				break;
			}
		}
		if (it->n)
			return true;
	}
	return false;
}

/* The next connection of the sweep, or NULL at its end. */
struct nf_conn *kct_table_iter_next(struct kct_table_iter *it)
{
	might_sleep();
	if (it->held) {
		nf_ct_put(it->held);
		it->held = NULL;
	}
	if (it->i == it->n && !kct_iter_load(it))
		return NULL;
	it->held = it->batch[it->i++];
	return it->held;
}

/* End a sweep, early or not: drops what the iterator holds. */
void kct_table_iter_end(struct kct_table_iter *it)
{
	if (it->held) {
		nf_ct_put(it->held);
		it->held = NULL;
	}
	kct_iter_put_batch(it);
	if (it->batch != it->inline_batch)
		kvfree(it->batch);
	it->batch = it->inline_batch;
	it->cap = KCT_ITER_INLINE;
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
	return 0;
}

void kct_table_exit(void)
{
	unsigned int i;

	/* Every namespace's exit emptied its part; a survivor is a leak. */
	for (i = 0; i < kct_table.size; i++)
		WARN_ON_ONCE(!hlist_nulls_empty(&kct_table.buckets[i]));
	kvfree(kct_table.buckets);
}
