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
#include <linux/mutex.h>
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
/*
 * A namespace's exit must not return while the worker is still ending
 * one of its connections (and counting it in its statistics): the two
 * never run at once.
 */
static DEFINE_MUTEX(kct_gc_mutex);

/* What the GC does with a connection it visits. */
enum kct_gc_fate {
	KCT_GC_KEEP,
	KCT_GC_END,	/* expired */
	KCT_GC_EVICT,	/* alive, but the table is nearly full */
};

/*
 * A namespace whose table is more than 95% full gets room back before
 * new connections have to evict anything: the GC also ends connections
 * that never proved themselves (not ASSURED) and those its protocol says
 * may go (TCP connections that are closing anyway).
 */
static bool kct_gc_nearly_full(const struct nf_conn *ct)
{
	const struct kct_net *kn = kct_pernet(nf_ct_net(ct));
	unsigned int max95 = kct_table_max() / 100 * 95;

	return max95 && (unsigned int)atomic_read(&kn->count) > max95;
}

static bool kct_gc_can_evict(struct nf_conn *ct)
{
	const struct kct_proto *proto;

	if (!test_bit(IPS_ASSURED_BIT, &ct->status))
		return true;
	proto = kct_proto_find(nf_ct_protonum(ct));
	return proto->can_early_drop && proto->can_early_drop(ct);
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

/* Asked under the bucket's lock: only candidates are referenced. */
static bool kct_gc_candidate(struct nf_conn *ct, void *arg)
{
	return kct_gc_expired_or_evicted(ct, arg) != KCT_GC_KEEP;
}

static void kct_gc_worker(struct work_struct *work)
{
	unsigned int size = kct_table_size(), reaped = 0;
	struct kct_table_iter it;
	enum kct_gc_fate f;
	struct nf_conn *ct;
	unsigned long next;

	mutex_lock(&kct_gc_mutex);
	kct_table_iter_start(&it, NULL, kct_gc_next_bucket,
			     KCT_GC_BUCKETS_PER_RUN, kct_gc_candidate, NULL);
	it.max_nonempty = KCT_GC_FULL_BUCKETS_PER_RUN;
	while ((ct = kct_table_iter_next(&it))) {
		/* Ask again: it may have been refreshed meanwhile. */
		f = kct_gc_expired_or_evicted(ct, NULL);
		if (f != KCT_GC_KEEP && kct_table_unlink(ct)) {
			reaped++;
			if (f == KCT_GC_EVICT)
				KCT_STAT_INC(kct_pernet(nf_ct_net(ct)),
					     early_drop);
		}
	}
	kct_gc_next_bucket = it.bucket;
	kct_table_iter_end(&it);
	mutex_unlock(&kct_gc_mutex);

	kct_expect_gc();
	/* Otherwise, the pace that crosses the whole table in FULL_SCAN. */
	if (reaped)
		next = KCT_GC_BUSY_INTERVAL;
	else
		next = max_t(unsigned long, 1,
			     KCT_GC_FULL_SCAN * it.visited / size);
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

/*
 * A namespace goes away (or kct does): end all of its connections.  Its
 * hooks are gone, so nothing adds to them; a sweep short of memory for a
 * long chain is simply run again.
 */
void kct_gc_flush_net(struct net *net)
{
	struct kct_table_iter it;
	struct nf_conn *ct;
	bool again;

	mutex_lock(&kct_gc_mutex);
	do {
		kct_table_iter_start(&it, net, 0, kct_table_size(), NULL, NULL);
		while ((ct = kct_table_iter_next(&it)))
			kct_table_unlink(ct);
		again = it.incomplete;
		kct_table_iter_end(&it);
	} while (again);
	mutex_unlock(&kct_gc_mutex);
}
