// SPDX-License-Identifier: GPL-2.0
/*
 * Garbage collection: expired connections leave the table here (or when
 * a lookup meets them).  The worker crosses the table in slices of a
 * bounded number of buckets, a tick or two apart, so that one run never
 * holds the CPU for long however large the table.
 *
 * A crossing starts when something in the table is due, not on a fixed
 * beat: a large table of long-lived connections must not cost a crossing
 * every few seconds.  The GC knows when the next thing is due from what
 * the last crossing saw (the soonest expiry among the connections it
 * kept and among the expectations) and from kct_gc_due_by(), which every
 * setter of a lifetime calls (refreshes, insertions, ctnetlink), so that
 * a lifetime set after the crossing went by is not missed.  Stock's
 * modules can still set a connection's timeout behind kct's back (the
 * flowtable, when it gives a flow back): for them, a crossing starts at
 * most KCT_GC_IDLE_MAX after the last one did, stock's own longest
 * interval.  A new connection that found no room wants a crossing at
 * once, to make room (below).
 */
#include <linux/workqueue.h>
#include <linux/sched.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/rcupdate.h>
#include "kct_gc.h"
#include "kct_table.h"
#include "kct_expect.h"
#include "kct_conn.h"

/*
 * A slice visits at most this many buckets holding entries, and this
 * many buckets in all: empty buckets cost one read each, while every
 * slice costs a timer, a wakeup and a context switch, so a large, sparse
 * table is crossed in few slices.
 */
#define KCT_GC_FULL_BUCKETS_PER_RUN	1024
#define KCT_GC_BUCKETS_PER_RUN		16384
/*
 * And it ends at most about this many connections (it finishes the
 * bucket it is in), as stock's GC: ending one (an unlink, an event, a
 * free) costs far more than looking at one, and a task that became
 * runnable meanwhile waits for the whole slice when the tick, not a
 * wakeup, is what preempts the worker.  Ending 1,024 buckets' entries in
 * one slice held a ping through the firewall for a millisecond while 1M
 * entries expired.  The next slice is queued a tick later (it ran
 * every other tick when measured, as stock's GC does): up to 32,000
 * ended a second at HZ=250.
 */
#define KCT_GC_ENDED_PER_RUN		(64000 / HZ)
#define KCT_GC_SLICE_INTERVAL	1		/* jiffies between slices */
#define KCT_GC_IDLE_MAX		(60 * HZ)	/* between crossings, at most */
/*
 * Between the starts of two crossings, at least (as stock's scans): a
 * trickle of expiring connections in a large table costs a crossing a
 * second, not crossings back to back.
 */
#define KCT_GC_MIN_GAP		HZ

static void kct_gc_worker(struct work_struct *work);
/*
 * Not deferrable, as stock's: a deferrable timer waits until the CPU
 * wakes for something else, so a crossing's slices came at the pace of
 * unrelated wakeups (a 20 Hz ping's, while 1M entries expired).
 */
static DECLARE_DELAYED_WORK(kct_gc_work, kct_gc_worker);

/*
 * The pacing state.  kct_gc_due_lock orders kct_gc_hurry() against the
 * worker's own scheduling, so that a lifetime set while the worker
 * decides when to come back is not lost; kct_gc_due alone is also read
 * without it (kct_gc_due_by()).
 */
static DEFINE_SPINLOCK(kct_gc_due_lock);
u32 kct_gc_due;				/* the next crossing, at the latest */
static bool kct_gc_crossing;		/* under way: slices follow */
static bool kct_gc_exiting = true;	/* no queueing until started */
static u32 kct_gc_crossing_began;

/* Under kct_gc_mutex: where the crossing is. */
static unsigned int kct_gc_next_bucket;
static unsigned int kct_gc_buckets_left;
/*
 * A namespace's exit must not return while the worker is still ending
 * one of its connections (and counting it in its statistics): the two
 * never run at once.
 */
static DEFINE_MUTEX(kct_gc_mutex);

static bool kct_gc_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static unsigned long kct_gc_delay_until(u32 when)
{
	s32 d = when - nfct_time_stamp;

	return d > 0 ? d : 0;
}

static void kct_gc_lower_due_locked(u32 when)
{
	lockdep_assert_held(&kct_gc_due_lock);
	if (kct_gc_before(when, kct_gc_due))
		WRITE_ONCE(kct_gc_due, when);
}

/* The slow path of kct_gc_due_by(): @when is sooner than planned. */
void kct_gc_hurry(u32 when)
{
	spin_lock_bh(&kct_gc_due_lock);
	if (kct_gc_before(when, kct_gc_due)) {
		WRITE_ONCE(kct_gc_due, when);
		/* A crossing under way reads kct_gc_due when it ends. */
		if (!kct_gc_crossing && !kct_gc_exiting)
			mod_delayed_work(system_power_efficient_wq,
					 &kct_gc_work, kct_gc_delay_until(when));
	}
	spin_unlock_bh(&kct_gc_due_lock);
}

/* Whether a namespace holding @count entries is more than 95% full. */
static bool kct_gc_over_95(unsigned int count)
{
	unsigned int max95 = kct_table_max() / 100 * 95;

	return max95 && count > max95;
}

/*
 * Set when a new connection found no room, taken by the next crossing:
 * only such a crossing makes room (below), as stock's GC only after its
 * early drop failed.
 */
static bool kct_gc_room_wanted;
static bool kct_gc_evicting;	/* under kct_gc_mutex: this crossing */

void kct_gc_want_room(void)
{
	if (!READ_ONCE(kct_gc_room_wanted))
		WRITE_ONCE(kct_gc_room_wanted, true);
	kct_gc_due_by(nfct_time_stamp);
}

/* What the GC does with a connection it visits. */
enum kct_gc_fate {
	KCT_GC_KEEP,
	KCT_GC_END,	/* expired */
	KCT_GC_EVICT,	/* alive, but the table is nearly full */
};

/*
 * A crossing after a new connection found no room gets room back in the
 * namespaces more than 95% full: it also ends connections that never
 * proved themselves (not ASSURED) and those their protocol says may go
 * (TCP connections closing anyway).  Not on every crossing of a table
 * that sits near its limit: a connection still in its handshake (an FTP
 * data connection, say) would rarely live to be ASSURED.
 */
static bool kct_gc_nearly_full(const struct nf_conn *ct)
{
	const struct kct_net *kn = kct_pernet(nf_ct_net(ct));

	return kct_gc_over_95(atomic_read(&kn->count));
}

static bool kct_gc_can_evict(struct nf_conn *ct)
{
	const struct kct_proto *proto;

	if (!test_bit(IPS_ASSURED_BIT, &ct->status))
		return true;
	proto = kct_proto_find(nf_ct_protonum(ct));
	return proto->can_early_drop && proto->can_early_drop(ct);
}

static enum kct_gc_fate kct_gc_expired_or_evicted(struct nf_conn *ct)
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
	if (kct_gc_evicting && kct_gc_nearly_full(ct) && kct_gc_can_evict(ct))
		return KCT_GC_EVICT;
	return KCT_GC_KEEP;
}

/*
 * Asked under the bucket's lock: only candidates are referenced.  The
 * others' expiries tell when the next crossing is due (@arg: the soonest
 * so far).
 */
static bool kct_gc_candidate(struct nf_conn *ct, void *arg)
{
	u32 *soonest = arg, expires;

	if (kct_gc_expired_or_evicted(ct) != KCT_GC_KEEP)
		return true;
	expires = READ_ONCE(ct->timeout);
	if (kct_gc_before(expires, *soonest))
		*soonest = expires;
	return false;
}

/* A crossing begins: what it will see replaces what was due. */
static void kct_gc_begin_crossing(void)
{
	u32 now = nfct_time_stamp, soonest;

	spin_lock_bh(&kct_gc_due_lock);
	kct_gc_crossing = true;
	kct_gc_crossing_began = now;
	WRITE_ONCE(kct_gc_due, now + KCT_GC_IDLE_MAX);
	spin_unlock_bh(&kct_gc_due_lock);
	kct_gc_evicting = xchg(&kct_gc_room_wanted, false);
	/*
	 * A setter that read the old kct_gc_due may not have stored its
	 * lifetime yet, or not visibly: once its RCU section is over (or
	 * its barrier passed, kct_gc_due_by()) the crossing sees it.
	 */
	synchronize_rcu();
	kct_gc_buckets_left = kct_table_size();

	/* Expectations are few and not in the buckets: all at once. */
	soonest = kct_expect_gc(now + KCT_GC_IDLE_MAX);
	spin_lock_bh(&kct_gc_due_lock);
	kct_gc_lower_due_locked(soonest);
	spin_unlock_bh(&kct_gc_due_lock);
}

/* One slice; returns the soonest expiry among the connections kept. */
static u32 kct_gc_slice(void)
{
	u32 soonest = nfct_time_stamp + KCT_GC_IDLE_MAX;
	struct kct_table_iter it;
	unsigned int ended = 0;
	enum kct_gc_fate f;
	struct nf_conn *ct;

	kct_table_iter_start(&it, NULL, kct_gc_next_bucket,
			     min(kct_gc_buckets_left, KCT_GC_BUCKETS_PER_RUN),
			     kct_gc_candidate, &soonest);
	it.max_nonempty = KCT_GC_FULL_BUCKETS_PER_RUN;
	while ((ct = kct_table_iter_next(&it))) {
		/* Ask again: it may have been refreshed meanwhile. */
		f = kct_gc_expired_or_evicted(ct);
		if (f != KCT_GC_KEEP && kct_table_unlink(ct)) {
			if (f == KCT_GC_EVICT)
				KCT_STAT_INC(kct_pernet(nf_ct_net(ct)),
					     early_drop);
			if (++ended == KCT_GC_ENDED_PER_RUN)
				kct_table_iter_stop_after_bucket(&it);
		} else if (f == KCT_GC_KEEP &&
			   kct_gc_before(READ_ONCE(ct->timeout), soonest)) {
			soonest = READ_ONCE(ct->timeout);
		}
	}
	/* Out of memory for a long bucket: what it left is due now. */
	if (it.incomplete)
		soonest = nfct_time_stamp;
	kct_gc_next_bucket = it.bucket;
	kct_gc_buckets_left -= min(it.visited, kct_gc_buckets_left);
	kct_table_iter_end(&it);
	return soonest;
}

static void kct_gc_worker(struct work_struct *work)
{
	unsigned long next = KCT_GC_SLICE_INTERVAL;
	bool crossed;
	u32 soonest;

	mutex_lock(&kct_gc_mutex);
	if (!READ_ONCE(kct_gc_crossing))
		kct_gc_begin_crossing();
	soonest = kct_gc_slice();
	crossed = !kct_gc_buckets_left;
	mutex_unlock(&kct_gc_mutex);

	spin_lock_bh(&kct_gc_due_lock);
	kct_gc_lower_due_locked(soonest);
	if (crossed) {
		kct_gc_crossing = false;
		next = kct_gc_delay_until(kct_gc_due);
		next = max(next, kct_gc_delay_until(kct_gc_crossing_began +
						    KCT_GC_MIN_GAP));
	}
	if (!kct_gc_exiting)
		mod_delayed_work(system_power_efficient_wq, &kct_gc_work, next);
	spin_unlock_bh(&kct_gc_due_lock);
}

void kct_gc_start(void)
{
	spin_lock_bh(&kct_gc_due_lock);
	kct_gc_exiting = false;
	kct_gc_crossing = false;
	WRITE_ONCE(kct_gc_due, nfct_time_stamp + HZ);
	mod_delayed_work(system_power_efficient_wq, &kct_gc_work, HZ);
	spin_unlock_bh(&kct_gc_due_lock);
}

void kct_gc_stop(void)
{
	spin_lock_bh(&kct_gc_due_lock);
	kct_gc_exiting = true;
	spin_unlock_bh(&kct_gc_due_lock);
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
