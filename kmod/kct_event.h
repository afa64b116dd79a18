/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_EVENT_H
#define _KCT_EVENT_H

#include <net/netfilter/nf_conntrack.h>
#include "kct_conn.h"
#include "kct_netlink.h"

/*
 * ctnetlink events (conntrack -E): NEW when a connection is confirmed,
 * UPDATE when its TCP state, SEEN_REPLY or ASSURED changes (or a request
 * changed it), DESTROY when it leaves the table.  While kct does not own
 * ctnetlink this is one test of a read-mostly flag; otherwise nothing is
 * built unless someone listens to that group in that namespace.
 */
enum kct_event_kind {
	KCT_EVENT_NEW,
	KCT_EVENT_UPDATE,
	KCT_EVENT_DESTROY,
};

void __kct_event(struct nf_conn *ct, enum kct_event_kind kind);

static inline void kct_event_new(struct nf_conn *ct)
{
	if (READ_ONCE(kct_netlink_active))
		__kct_event(ct, KCT_EVENT_NEW);
}

static inline void kct_event_update(struct nf_conn *ct)
{
	if (READ_ONCE(kct_netlink_active))
		__kct_event(ct, KCT_EVENT_UPDATE);
}

static inline void kct_event_destroy(struct nf_conn *ct)
{
	if (READ_ONCE(kct_netlink_active))
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
	return bits;
}

static inline void kct_event_changed(struct nf_conn *ct, u32 before)
{
	if (READ_ONCE(kct_netlink_active) && nf_ct_is_confirmed(ct) &&
	    !nf_ct_is_dying(ct) && kct_event_snapshot(ct) != before)
		__kct_event(ct, KCT_EVENT_UPDATE);
}

#endif /* _KCT_EVENT_H */
