/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_EVENT_H
#define _KCT_EVENT_H

#include <linux/compiler.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_ecache.h>
#include "kct_conn.h"

/*
 * Connection events, for whoever wants to hear of them: NEW when a
 * connection is confirmed, UPDATE when its TCP or SCTP state, SEEN_REPLY,
 * ASSURED, or what a rule or request set changes, DESTROY when it leaves the
 * table; and expectation events: EXP_NEW when one is listed, EXP_DESTROY
 * when it is taken off (used, expired, deleted, or gone with its master).
 * The table, the expectations and the packet path announce them here and
 * know no more; a sink (ctnetlink, for conntrack -E) registers to carry
 * them on.
 * The rules of the sink's life are stated in kct_event.c.
 *
 * Each event also says what it stands for in stock's terms (IPCT_* bits:
 * NEW, REPLY, ASSURED, PROTOINFO, ...), so that the connection's own event
 * mask (-j CT --ctevents, nft ct event set) can keep it back, as stock's
 * does; see kct_event.c.
 */
enum kct_event_kind {
	KCT_EVENT_NEW,
	KCT_EVENT_UPDATE,
	KCT_EVENT_DESTROY,
	KCT_EVENT_EXP_NEW,
	KCT_EVENT_EXP_DESTROY,
	KCT_EVENT_KINDS
};

struct kct_expect;

/*
 * Who asked for what an event reports: a ctnetlink request (conntrack -D,
 * -F, -U) names its socket, and its events carry that portid as stock's
 * do (conntrack -E shows [USERSPACE] portid=N); NLM_F_ECHO asks that the
 * requester hear the event too.  NULL where packets or timers changed the
 * connection.
 */
struct kct_event_req {
	u32 portid;
	bool report;
};

struct kct_event_sink {
	/*
	 * Bit @bits[kind] of *@listening is set while anyone, in any
	 * namespace, may want events of that kind; otherwise @deliver is
	 * not called.  It is read on every event, so it must be a word the
	 * sink's subsystem keeps up to date anyway.
	 */
	const u8 *listening;
	u8 bits[KCT_EVENT_KINDS];
	/*
	 * Called under RCU, in softirq or process context, with a
	 * reference on @ct held by the caller: it must not sleep.  @ipct
	 * says what the event stands for (IPCT_* bits), which decides, as
	 * in stock's events, what it reports (labels only with IPCT_LABEL).
	 */
	void (*deliver)(struct nf_conn *ct, enum kct_event_kind kind,
			const struct kct_event_req *req, unsigned int ipct);
	/* The same for expectation events, under the expectation lock too. */
	void (*deliver_exp)(struct kct_expect *exp, enum kct_event_kind kind,
			    const struct kct_event_req *req);
};

int kct_event_register(const struct kct_event_sink *sink);
void kct_event_unregister(const struct kct_event_sink *sink);

/* What the announcing side reads: see kct_event.c. */
struct kct_event_gate {
	const u8 *listening;
	u8 bits[KCT_EVENT_KINDS];
	const struct kct_event_sink __rcu *sink;
};

extern struct kct_event_gate kct_event_gate;

void __kct_event(struct nf_conn *ct, enum kct_event_kind kind,
		 const struct kct_event_req *req, unsigned int ipct);
void __kct_event_expect(struct kct_expect *exp, enum kct_event_kind kind,
			const struct kct_event_req *req);
unsigned int kct_event_new_ipct(const struct nf_conn *ct);
bool kct_event_ext_add(struct nf_conn *ct);
bool kct_event_adopt(struct nf_conn *ct, const struct nf_conn *tmpl);

/*
 * Whether anyone could want the event.  While nobody listens (or no
 * sink is registered) the packet path pays this test of two read-mostly
 * words and no call; the sink then decides about the connection's
 * namespace.
 */
static inline bool kct_event_wanted(enum kct_event_kind kind)
{
	/* Pairs with kct_event_register(): its bits are set before. */
	return READ_ONCE(*smp_load_acquire(&kct_event_gate.listening)) &
	       kct_event_gate.bits[kind];
}

/* What a request's change (conntrack -U) stands for: all it may change. */
#define KCT_EVENT_IPCT_CHANGE						\
	(BIT(IPCT_REPLY) | BIT(IPCT_ASSURED) | BIT(IPCT_HELPER) |	\
	 BIT(IPCT_LABEL) | BIT(IPCT_PROTOINFO) | BIT(IPCT_SEQADJ) |	\
	 BIT(IPCT_MARK) | BIT(IPCT_SYNPROXY))

/*
 * What other modules changed on @ct and noted in its event cache
 * (nf_conntrack_event_cache(): nft's and xtables' ct mark and label
 * set, SYNPROXY's sequence adjustment, a ctnetlink request's labels),
 * taken: stock reports it once, with the packet that made the change,
 * when that packet leaves (in NEW, for the packet that confirms @ct).
 */
static inline unsigned int kct_event_take_cached(struct nf_conn *ct)
{
	struct nf_conntrack_ecache *e = nf_ct_ecache_find(ct);

	if (!e || likely(!READ_ONCE(e->cache)))
		return 0;
	return xchg(&e->cache, 0);
}

/* A confirmed connection's packet leaves: its cached changes, reported. */
static inline void kct_event_cached(struct nf_conn *ct)
{
	unsigned int ipct = kct_event_take_cached(ct);

	if (unlikely(ipct) && kct_event_wanted(KCT_EVENT_UPDATE) &&
	    !nf_ct_is_dying(ct))
		__kct_event(ct, KCT_EVENT_UPDATE, NULL, ipct);
}

/*
 * @req: the request that created @ct (conntrack -I), NULL for packets.
 * A created connection's NEW stands, as stock's, for all a request may
 * set (labels only where set: kct_event_new_ipct()).
 */
static inline void kct_event_new(struct nf_conn *ct,
				 const struct kct_event_req *req)
{
	unsigned int cached = kct_event_take_cached(ct);
	unsigned int ipct;

	if (!kct_event_wanted(KCT_EVENT_NEW))
		return;
	ipct = kct_event_new_ipct(ct) | cached;
	if (req)
		ipct |= KCT_EVENT_IPCT_CHANGE & ~BIT(IPCT_LABEL);
	__kct_event(ct, KCT_EVENT_NEW, req, ipct);
}

static inline void kct_event_update(struct nf_conn *ct,
				    const struct kct_event_req *req)
{
	if (kct_event_wanted(KCT_EVENT_UPDATE))
		__kct_event(ct, KCT_EVENT_UPDATE, req, KCT_EVENT_IPCT_CHANGE);
}

static inline void kct_event_destroy(struct nf_conn *ct,
				     const struct kct_event_req *req)
{
	if (kct_event_wanted(KCT_EVENT_DESTROY))
		__kct_event(ct, KCT_EVENT_DESTROY, req, BIT(IPCT_DESTROY));
}

/* @kind: KCT_EVENT_EXP_NEW or KCT_EVENT_EXP_DESTROY. */
static inline void kct_event_expect(struct kct_expect *exp,
				    enum kct_event_kind kind,
				    const struct kct_event_req *req)
{
	if (kct_event_wanted(kind))
		__kct_event_expect(exp, kind, req);
}

/* No snapshot taken: nobody listened for UPDATEs when the packet came. */
#define KCT_EVENT_NO_SNAPSHOT	U32_MAX

/*
 * What an UPDATE reports, in one word: the packet path takes it before a
 * tracker runs and hands it to kct_event_changed() afterwards.  Every
 * packet passes here, so without a listener it costs one load, not the
 * tracker's state callback.
 */
static inline u32 kct_event_snapshot(struct nf_conn *ct)
{
	const struct kct_proto *proto;
	u32 bits;

	if (!kct_event_wanted(KCT_EVENT_UPDATE))
		return KCT_EVENT_NO_SNAPSHOT;
	proto = kct_proto_find(nf_ct_protonum(ct));
	bits = (u32)READ_ONCE(ct->status) & (IPS_SEEN_REPLY | IPS_ASSURED);
	if (proto->event_state)
		bits |= (u32)proto->event_state(ct) << 24;
	return bits;
}

/* What changed between two snapshots, in IPCT_* bits. */
static inline unsigned int kct_event_ipct_changed(u32 changed)
{
	return (changed & IPS_SEEN_REPLY ? BIT(IPCT_REPLY) : 0) |
	       (changed & IPS_ASSURED ? BIT(IPCT_ASSURED) : 0) |
	       (changed >> 24 ? BIT(IPCT_PROTOINFO) : 0);
}

/*
 * What the tracker changed, noted in @ct's event cache beside what rules
 * change on the same packet: one UPDATE reports both when the packet
 * leaves (kct_event_cached()), as stock's does.
 */
static inline void kct_event_changed(struct nf_conn *ct, u32 before)
{
	struct nf_conntrack_ecache *e;
	unsigned int ipct;
	u32 changed;

	if (before == KCT_EVENT_NO_SNAPSHOT ||
	    !kct_event_wanted(KCT_EVENT_UPDATE) || !nf_ct_is_confirmed(ct) ||
	    nf_ct_is_dying(ct))
		return;
	changed = kct_event_snapshot(ct);
	if (changed == KCT_EVENT_NO_SNAPSHOT)
		return;
	changed ^= before;
	if (!changed)
		return;
	e = nf_ct_ecache_find(ct);
	if (!e)
		return;
	for (ipct = kct_event_ipct_changed(changed); ipct; ipct &= ipct - 1)
		set_bit(__ffs(ipct), &e->cache);
}

#endif /* _KCT_EVENT_H */
