// SPDX-License-Identifier: GPL-2.0
/*
 * Garbage collection: expired connections leave the table here (or when
 * a lookup meets them).  The worker visits the table in slices of a
 * bounded number of buckets, so that one run never holds the CPU for
 * long however large the table, and comes back sooner while it keeps
 * finding expired entries.
 */
#include <linux/workqueue.h>
#include <linux/sched.h>
#include "kct_gc.h"
#include "kct_table.h"
#include "kct_expect.h"
#include "kct_conn.h"

/*
 * A run visits at most this many buckets holding entries, and this many
 * buckets in all: empty buckets cost one read each, while every run costs
 * a timer, a wakeup and a context switch, so a large, sparse table is
 * crossed in few runs.
 */
#define KCT_GC_FULL_BUCKETS_PER_RUN	1024
#define KCT_GC_BUCKETS_PER_RUN		16384
#define KCT_GC_BUCKETS_PER_RESCHED	64
#define KCT_GC_FULL_SCAN	(10 * HZ)	/* whole table, when idle */
/*
 * While runs keep reaping, the next slice follows at the next tick: a
 * slice is bounded, and a table of a million expiring entries must not
 * wait for the idle pace.
 */
#define KCT_GC_BUSY_INTERVAL	1

static struct delayed_work kct_gc_work;
static unsigned int kct_gc_next_bucket;
static bool kct_gc_exiting;

/* What the GC does with a connection it visits. */
enum kct_gc_fate {
	KCT_GC_KEEP,
	KCT_GC_END,	/* expired, or its namespace goes away */
	KCT_GC_EVICT,	/* alive, but the table is nearly full */
};

/*
 * Visit one bucket, ending connections that @fate says must go: take a
 * reference first, since under RCU an entry may be freed and reused, and
 * ask again once it is held.
 */
static unsigned int kct_gc_bucket(unsigned int bucket,
				  enum kct_gc_fate (*fate)(struct nf_conn *ct,
							   void *arg),
				  void *arg)
{
	struct nf_conntrack_tuple_hash *h;
	struct hlist_nulls_node *n;
	unsigned int reaped = 0;
	enum kct_gc_fate f;

	/* Most buckets of a large table are empty; they cost one read. */
	if (hlist_nulls_empty(&kct_table.buckets[bucket]))
		return 0;
	rcu_read_lock();
	hlist_nulls_for_each_entry_rcu(h, n, &kct_table.buckets[bucket],
				       hnnode) {
		struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);

		/* Each connection is in the table twice; visit it once. */
		if (NF_CT_DIRECTION(h) != IP_CT_DIR_ORIGINAL)
			continue;
		if (fate(ct, arg) == KCT_GC_KEEP)
			continue;
		if (!refcount_inc_not_zero(&ct->ct_general.use))
			continue;
		smp_acquire__after_ctrl_dep();
		f = kct_owned(ct) && nf_ct_is_confirmed(ct) ?
		    fate(ct, arg) : KCT_GC_KEEP;
		if (f != KCT_GC_KEEP && kct_table_unlink(ct)) {
			reaped++;
			if (f == KCT_GC_EVICT)
				KCT_STAT_INC(kct_pernet(nf_ct_net(ct)),
					     early_drop);
		}
		nf_ct_put(ct);
	}
	rcu_read_unlock();
	return reaped;
}

/*
 * A namespace whose table is more than 95% full gets room back before
 * new connections have to evict anything: the GC also ends connections
 * that never proved themselves (not ASSURED) and TCP connections that are
 * closing anyway.
 */
static bool kct_gc_nearly_full(const struct nf_conn *ct)
{
	const struct kct_net *kn = kct_pernet(nf_ct_net(ct));
	unsigned int max95 = READ_ONCE(kct_max) / 100 * 95;

	return max95 && (unsigned int)atomic_read(&kn->count) > max95;
}

static bool kct_gc_can_evict(struct nf_conn *ct)
{
	if (!test_bit(IPS_ASSURED_BIT, &ct->status))
		return true;
	return nf_ct_protonum(ct) == IPPROTO_TCP &&
	       kct_tcp_can_early_drop(&kct_proto_data(ct)->tcp);
}

static enum kct_gc_fate kct_gc_expired_or_evicted(struct nf_conn *ct,
						  void *arg)
{
	/*
	 * A flowtable forwards its packets without us and holds it: it
	 * lives while offloaded (the flowtable gives it back when the flow
	 * ends), whatever a slow-path packet set its timeout to.
	 */
	if (test_bit(IPS_OFFLOAD_BIT, &ct->status)) {
		nf_ct_offload_timeout(ct);
		return KCT_GC_KEEP;
	}
	if (nf_ct_is_expired(ct))
		return KCT_GC_END;
	if (kct_gc_nearly_full(ct) && kct_gc_can_evict(ct))
		return KCT_GC_EVICT;
	return KCT_GC_KEEP;
}

static void kct_gc_worker(struct work_struct *work)
{
	unsigned int size = kct_table.size, i, full = 0, reaped = 0;
	unsigned long next;

	for (i = 0; i < KCT_GC_BUCKETS_PER_RUN && i < size &&
	     full < KCT_GC_FULL_BUCKETS_PER_RUN; i++) {
		if (!hlist_nulls_empty(&kct_table.buckets[kct_gc_next_bucket])) {
			full++;
			reaped += kct_gc_bucket(kct_gc_next_bucket,
						kct_gc_expired_or_evicted,
						NULL);
		}
		if (++kct_gc_next_bucket >= size)
			kct_gc_next_bucket = 0;
		if (i % KCT_GC_BUCKETS_PER_RESCHED == 0)
			cond_resched();
	}

	kct_expect_gc();
	/* Otherwise, the pace that crosses the whole table in FULL_SCAN. */
	if (reaped)
		next = KCT_GC_BUSY_INTERVAL;
	else
		next = max_t(unsigned long, 1, KCT_GC_FULL_SCAN * i / size);
	if (!READ_ONCE(kct_gc_exiting))
		queue_delayed_work(system_power_efficient_wq, &kct_gc_work,
				   next);
}

void kct_gc_start(void)
{
	kct_gc_exiting = false;
	INIT_DEFERRABLE_WORK(&kct_gc_work, kct_gc_worker);
	queue_delayed_work(system_power_efficient_wq, &kct_gc_work, HZ);
}

void kct_gc_stop(void)
{
	WRITE_ONCE(kct_gc_exiting, true);
	cancel_delayed_work_sync(&kct_gc_work);
}

static enum kct_gc_fate kct_gc_in_net(struct nf_conn *ct, void *net)
{
	return net_eq(nf_ct_net(ct), net) ? KCT_GC_END : KCT_GC_KEEP;
}

/* A namespace goes away (or kct does): end all of its connections. */
void kct_gc_flush_net(struct net *net)
{
	unsigned int i;

	for (i = 0; i < kct_table.size; i++) {
		kct_gc_bucket(i, kct_gc_in_net, net);
		if ((i & 1023) == 1023)
			cond_resched();
	}
}
