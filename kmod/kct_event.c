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
 *
 * Which events a connection has is stock's choice, kept where stock keeps
 * it: the ecache extension of the connection, with its event mask
 * (ctmask).  kct gives each new connection the extension as stock gives
 * its own (kct_event_ext_add(), kct_event_adopt()): with all events, none
 * (no extension: nf_conntrack_events=0, or 2 and nobody listened), or the
 * mask of a -j CT --ctevents template; nft `ct event set` changes the mask
 * itself, also on a live connection.  An event goes out only if the mask
 * has one of the IPCT_* bits it stands for.  The extension is added
 * before the connection is confirmed and moves no more after; the mask is
 * one word a rule may rewrite at any time, read once per event.  Its
 * expectation mask (expmask), kept with it, lets out the events of the
 * connection's expectations as stock's does: IPEXP_NEW, IPEXP_DESTROY.
 */
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_labels.h>
#include "kct_event.h"
#include "kct_expect.h"

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

/*
 * A new connection's room for events, as stock makes it for a connection
 * without a template (and for one conntrack -I makes): all events where
 * nf_conntrack_events asks for them, else none.  False when there was no
 * memory for it: stock then drops the packet.
 */
bool kct_event_ext_add(struct nf_conn *ct)
{
	return nf_ct_ecache_ext_add(ct, 0, 0, GFP_ATOMIC);
}

/*
 * A new connection @ct made from the template @tmpl takes the template's
 * masks (-j CT --ctevents), as stock's do: they replace the all-events
 * masks kct_event_ext_add() gave it, or give it an extension of its own
 * where nf_conntrack_events=0 gave none.  False when there was no memory.
 */
bool kct_event_adopt(struct nf_conn *ct, const struct nf_conn *tmpl)
{
	const struct nf_conntrack_ecache *from = nf_ct_ecache_find(tmpl);
	struct nf_conntrack_ecache *e;

	if (!from || !(from->ctmask | from->expmask))
		return true;
	e = nf_ct_ecache_find(ct);
	if (!e)
		return nf_ct_ecache_ext_add(ct, from->ctmask, from->expmask,
					    GFP_ATOMIC);
	/* Unconfirmed: nobody else reads the masks yet. */
	e->ctmask = from->ctmask;
	e->expmask = from->expmask;
	return true;
}

/*
 * What a NEW event stands for, as stock's: NEW (RELATED for an expected
 * connection), the tracker's first state where it keeps one, the helper
 * where one was assigned, the labels where a rule set some before the
 * connection was confirmed (stock caches that change for its NEW event).
 */
unsigned int kct_event_new_ipct(const struct nf_conn *ct)
{
	const struct nf_conn_labels *labels = nf_ct_labels_find(ct);
	const struct nf_conn_help *help = nfct_help(ct);
	unsigned int ipct = ct->master ? BIT(IPCT_RELATED) : BIT(IPCT_NEW);

	if (kct_proto_find(nf_ct_protonum(ct))->event_state)
		ipct |= BIT(IPCT_PROTOINFO);
	if (help && rcu_access_pointer(help->helper))
		ipct |= BIT(IPCT_HELPER);
	if (labels && memchr_inv(labels->bits, 0, sizeof(labels->bits)))
		ipct |= BIT(IPCT_LABEL);
	return ipct;
}

/* Whether @ct's event mask lets out an event standing for @ipct. */
static bool kct_event_allowed(const struct nf_conn *ct, unsigned int ipct)
{
	const struct nf_conntrack_ecache *e = nf_ct_ecache_find(ct);

	return e && (READ_ONCE(e->ctmask) & ipct);
}

/*
 * Someone may listen: hand the event to the sink, if there still is one
 * and the connection's mask lets it out.
 */
void __kct_event(struct nf_conn *ct, enum kct_event_kind kind,
		 const struct kct_event_req *req, unsigned int ipct)
{
	const struct kct_event_sink *sink;

	if (!kct_event_allowed(ct, ipct))
		return;
	rcu_read_lock();
	sink = rcu_dereference(kct_event_gate.sink);
	if (sink)
		sink->deliver(ct, kind, req, ipct);
	rcu_read_unlock();
}

/*
 * An expectation of @exp's master was listed or taken off: hand it to
 * the sink if the master's expectation mask lets it out.  The caller
 * holds the expectation lock, so the master and the helper stay.
 */
void __kct_event_expect(struct kct_expect *exp, enum kct_event_kind kind,
			const struct kct_event_req *req)
{
	const struct nf_conntrack_ecache *e = nf_ct_ecache_find(exp->master);
	unsigned int bit = kind == KCT_EVENT_EXP_NEW ? IPEXP_NEW : IPEXP_DESTROY;
	const struct kct_event_sink *sink;

	if (!e || !(READ_ONCE(e->expmask) & BIT(bit)))
		return;
	rcu_read_lock();
	sink = rcu_dereference(kct_event_gate.sink);
	if (sink && sink->deliver_exp)
		sink->deliver_exp(exp, kind, req);
	rcu_read_unlock();
}
