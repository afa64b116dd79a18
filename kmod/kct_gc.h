/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_GC_H
#define _KCT_GC_H

#include <linux/compiler.h>
#include <linux/types.h>

struct net;

void kct_gc_start(void);
void kct_gc_stop(void);
void kct_gc_flush_net(struct net *net);

/*
 * The GC crosses the table when something in it is due, not on a fixed
 * beat (kct_gc.c).  What sets a lifetime tells it: kct_gc_due_by() with
 * the new expiry (jiffies32) of a confirmed connection or a live
 * expectation, at the cost of one read unless it moves the GC's next
 * visit.  kct_gc_want_room(): a new connection found no room.
 */
extern u32 kct_gc_due;
void kct_gc_hurry(u32 when);
void kct_gc_want_room(void);

/*
 * Call it after storing the lifetime, in the same RCU read-side section
 * (or after a full barrier, outside one): a crossing that begins resets
 * kct_gc_due and then waits for a grace period before it reads any
 * lifetime, so either it sees the new lifetime or this sees its reset.
 */
static inline void kct_gc_due_by(u32 when)
{
	if (unlikely((s32)(when - READ_ONCE(kct_gc_due)) < 0))
		kct_gc_hurry(when);
}

#endif /* _KCT_GC_H */
