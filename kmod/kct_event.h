/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_EVENT_H
#define _KCT_EVENT_H

#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <net/netfilter/nf_conntrack.h>
#include "kct_conn.h"
#include "kct_netlink.h"

/*
 * ctnetlink events (conntrack -E): NEW when a connection is confirmed,
 * UPDATE when its TCP state, SEEN_REPLY or ASSURED changes (or a request
 * changed it), DESTROY when it leaves the table.  While kct does not own
 * ctnetlink, or nobody listens, this is a test of two read-mostly words;
 * nothing is built unless someone listens to that group in that
 * namespace.
 */
enum kct_event_kind {
	KCT_EVENT_NEW,
	KCT_EVENT_UPDATE,
	KCT_EVENT_DESTROY,
};

void __kct_event(struct nf_conn *ct, enum kct_event_kind kind);

/* Each kind goes to its own nfnetlink group, in this order. */
static inline unsigned int kct_event_group(enum kct_event_kind kind)
{
	return NFNLGRP_CONNTRACK_NEW + kind;
}

/*
 * Whether anyone could want the event.  nfnetlink keeps one bit per
 * conntrack group that has a listener in any namespace (stock's own
 * events test it too), so while nobody runs conntrack -E the packet path
 * pays one read and no call; __kct_event() then asks about the
 * connection's namespace.
 */
static inline bool kct_event_wanted(enum kct_event_kind kind)
{
	return READ_ONCE(kct_netlink_active) &&
	       (READ_ONCE(nf_ctnetlink_has_listener) &
		BIT(kct_event_group(kind)));
}

static inline void kct_event_new(struct nf_conn *ct)
{
	if (kct_event_wanted(KCT_EVENT_NEW))
		__kct_event(ct, KCT_EVENT_NEW);
}

static inline void kct_event_update(struct nf_conn *ct)
{
	if (kct_event_wanted(KCT_EVENT_UPDATE))
		__kct_event(ct, KCT_EVENT_UPDATE);
}

static inline void kct_event_destroy(struct nf_conn *ct)
{
	if (kct_event_wanted(KCT_EVENT_DESTROY))
		__kct_event(ct, KCT_EVENT_DESTROY);
}

/*
 * What an UPDATE reports, in one word: the packet path takes it before a
 * tracker runs and hands it to kct_event_changed() afterwards.
 */
static inline u32 kct_event_snapshot(struct nf_conn *ct)
{
	u32 bits = (u32)READ_ONCE(ct->status) & (IPS_SEEN_REPLY | IPS_ASSURED);

	if (nf_ct_protonum(ct) == IPPROTO_TCP)
		bits |= (u32)READ_ONCE(kct_proto_data(ct)->tcp.state) << 24;
	else if (nf_ct_protonum(ct) == IPPROTO_SCTP)
		bits |= (u32)READ_ONCE(kct_proto_data(ct)->sctp.state) << 24;
	return bits;
}

static inline void kct_event_changed(struct nf_conn *ct, u32 before)
{
	if (kct_event_wanted(KCT_EVENT_UPDATE) && nf_ct_is_confirmed(ct) &&
	    !nf_ct_is_dying(ct) && kct_event_snapshot(ct) != before)
		__kct_event(ct, KCT_EVENT_UPDATE);
}

#endif /* _KCT_EVENT_H */
