// SPDX-License-Identifier: GPL-2.0
/*
 * Connection events: one sink at a time (ctnetlink) hears what the table
 * and the packet path announce.
 *
 * Lifetime and locking:
 * - kct_event_gate.sink changes only under kct_event_mutex, from module
 *   init and exit; announcers read it under RCU and call the sink's
 *   deliver() inside that same read-side section.
 * - kct_event_unregister() closes the gate, then waits for a grace
 *   period: once it returns no deliver() runs or will run, so the sink's
 *   subsystem may go.
 * - The gate's listening pointer is never NULL: it points to a zero byte
 *   while no sink is registered, else to the sink's own word, which must
 *   outlive the registration (ctnetlink's is the kernel's).  Its bits are
 *   copied before the pointer is published; an announcer racing with
 *   either change at worst misses or drops one event, as if it had come
 *   a moment earlier or later.
 */
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include "kct_event.h"

static const u8 kct_event_nobody;
static DEFINE_MUTEX(kct_event_mutex);

struct kct_event_gate kct_event_gate __read_mostly = {
	.listening = &kct_event_nobody,
};

int kct_event_register(const struct kct_event_sink *sink)
{
	int ret = 0;

	mutex_lock(&kct_event_mutex);
	if (rcu_dereference_protected(kct_event_gate.sink,
				      lockdep_is_held(&kct_event_mutex))) {
		ret = -EBUSY;
		goto out;
	}
	memcpy(kct_event_gate.bits, sink->bits, sizeof(kct_event_gate.bits));
	rcu_assign_pointer(kct_event_gate.sink, sink);
	/* The bits before the pointer that makes them count. */
	smp_store_release(&kct_event_gate.listening, sink->listening);
out:
	mutex_unlock(&kct_event_mutex);
	return ret;
}

void kct_event_unregister(const struct kct_event_sink *sink)
{
	mutex_lock(&kct_event_mutex);
	if (rcu_dereference_protected(kct_event_gate.sink,
				      lockdep_is_held(&kct_event_mutex)) != sink) {
		mutex_unlock(&kct_event_mutex);
		return;
	}
	WRITE_ONCE(kct_event_gate.listening, &kct_event_nobody);
	RCU_INIT_POINTER(kct_event_gate.sink, NULL);
	mutex_unlock(&kct_event_mutex);
	/* Every deliver() that saw the sink has returned after this. */
	synchronize_rcu();
}

/* Someone may listen: hand the event to the sink, if there still is one. */
void __kct_event(struct nf_conn *ct, enum kct_event_kind kind,
		 const struct kct_event_req *req)
{
	const struct kct_event_sink *sink;

	rcu_read_lock();
	sink = rcu_dereference(kct_event_gate.sink);
	if (sink)
		sink->deliver(ct, kind, req);
	rcu_read_unlock();
}
