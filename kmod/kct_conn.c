// SPDX-License-Identifier: GPL-2.0
/*
 * Connections: each one is a struct nf_conn from nf_conntrack_alloc(), the
 * object every stock consumer (nft ct, xt_conntrack, CONNMARK) reads, and
 * the object nf_conntrack's destroy path frees when the last reference to
 * it goes.  kct fills it and owns its life in the table.
 */
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include <net/netfilter/nf_conntrack_labels.h>
#include <net/netfilter/nf_conntrack_acct.h>
#include <net/netfilter/nf_conntrack_timestamp.h>
#include "kct_conn.h"
#include "kct_table.h"
#include "kct_event.h"
#include "kct_stock_early_drop.h"
#include "kct_gc.h"

/*
 * No room for one more connection in @kn's namespace: kct's count at
 * nf_conntrack_max, or nf_conntrack's (every connection object of the
 * namespace, confirmed or not, kct's or stock's), beyond which
 * nf_conntrack_alloc() would refuse it.
 */
static bool kct_conn_no_room(struct kct_net *kn)
{
	unsigned int max = kct_table_max();

	return max && ((unsigned int)atomic_read(&kn->count) >= max ||
		       nf_conntrack_count(kn->net) >= max);
}

/*
 * nf_conntrack_alloc() refuses while stock's count of the namespace is at
 * nf_conntrack_max: its own early drop looks in stock's table only, which
 * holds none of kct's connections.  Stock's allocation goes ahead once
 * its early drop dropped one, even above the limit (nf_conntrack_max
 * lowered below the table's size); kct's only below it.  So once the
 * first round, stock's, made room, kct drops on elsewhere in the table,
 * until the count is below the limit, for at most this many rounds.
 */
#define KCT_ROOM_ROUNDS	256

static bool kct_conn_make_room(struct kct_net *kn, u32 hash)
{
	unsigned int round;

	/*
	 * Stock's table first: the connections stock tracked before kct was
	 * loaded count against the same limit, and no packet reaches them
	 * any more, so they go before kct's live ones.  Expired connections
	 * either early drop ended may have made the room too.
	 */
	if (!kct_stock_early_drop(kn, hash) &&
	    !kct_table_early_drop(kn, hash, 0) && kct_conn_no_room(kn))
		return false;
	for (round = 1; round < KCT_ROOM_ROUNDS && kct_conn_no_room(kn); round++)
		kct_table_early_drop(kn, hash, round);
	return !kct_conn_no_room(kn);
}

/*
 * A new, unconfirmed connection in @zone of @kn's namespace, holding one
 * reference (its creator's: a packet's, or a ctnetlink request's).
 * @hash is @orig's in @zone (kct_tuple_hash() with the zone's id for the
 * original direction), kept for the insert.  When the table is full, an
 * unassured connection near @hash is dropped to make room, as stock
 * does; failing that, none is created.
 */
struct nf_conn *kct_conn_new(struct kct_net *kn,
			     const struct nf_conntrack_zone *zone,
			     const struct nf_conntrack_tuple *orig,
			     const struct nf_conntrack_tuple *reply,
			     u32 hash, gfp_t gfp, enum kct_invalid_reason *why)
{
	unsigned int tries;
	struct nf_conn *ct;

	BUILD_BUG_ON(sizeof(union kct_proto_data) >
		     sizeof(union nf_conntrack_proto));
	BUILD_BUG_ON(KCT_OWNED_BIT >= BITS_PER_LONG);

	for (tries = 0; ; tries++) {
		if (unlikely(kct_conn_no_room(kn)) &&
		    !kct_conn_make_room(kn, hash)) {
			net_warn_ratelimited("kct: table full, dropping packet\n");
			kct_gc_want_room();
			*why = KCT_INVALID_TABLE_FULL;
			return NULL;
		}
		ct = nf_conntrack_alloc(kn->net, zone, orig, reply, gfp);
		if (!IS_ERR(ct))
			break;
		/*
		 * It checks the limit again, by stock's count: another
		 * CPU's new connection may have taken the room since.
		 */
		if (tries) {
			*why = KCT_INVALID_NO_MEMORY;
			if (kct_conn_no_room(kn)) {
				kct_gc_want_room();
				*why = KCT_INVALID_TABLE_FULL;
			}
			return NULL;
		}
	}
	/* Not visible to anyone yet: plain writes are enough. */
	__set_bit(KCT_OWNED_BIT, &ct->status);
	kct_table_keep_hash(ct, hash);
	memset(&ct->proto, 0, sizeof(ct->proto));
	refcount_set(&ct->ct_general.use, 1);
	/* Stock's room for events (kct_event.c), or stock's drop. */
	if (!kct_event_ext_add(ct)) {
		nf_ct_put(ct);
		*why = KCT_INVALID_NO_MEMORY;
		return NULL;
	}
	/*
	 * Stock's counters and timestamp, where its nf_conntrack_acct and
	 * nf_conntrack_timestamp of the namespace ask for them now (each
	 * checks its own): extensions can only be added before confirm.
	 * Without them (no memory), the connection is tracked uncounted or
	 * unstamped, as stock's would be.
	 */
	nf_ct_acct_ext_add(ct, gfp);
	nf_ct_tstamp_ext_add(ct, gfp);
	/* Room for labels once a rule of the namespace uses them. */
	nf_ct_labels_ext_add(ct);
	return ct;
}

/* A new, unconfirmed connection for the packet @p (see kct_conn_new()). */
struct nf_conn *kct_conn_alloc(struct kct_pkt *p,
			       const struct nf_conntrack_tuple *orig,
			       const struct nf_conntrack_tuple *reply,
			       u32 hash, enum kct_invalid_reason *why)
{
	return kct_conn_new(p->kn, p->zone, orig, reply, hash, GFP_ATOMIC,
			    why);
}

/* Set a connection's timeout: relative while unconfirmed, as stock. */
void kct_refresh(struct nf_conn *ct, unsigned long extra_jiffies)
{
	bool confirmed = nf_ct_is_confirmed(ct);
	u32 timeout = extra_jiffies;

	if (confirmed) {
		/* A request (conntrack -I -u FIXED_TIMEOUT) fixed it. */
		if (test_bit(IPS_FIXED_TIMEOUT_BIT, &ct->status))
			return;
		timeout += nfct_time_stamp;
	}
	/* Avoid dirtying the cache line when nothing changes. */
	if (READ_ONCE(ct->timeout) != timeout)
		WRITE_ONCE(ct->timeout, timeout);
	/* Stored first: see kct_gc_due_by() for the order. */
	if (confirmed)
		kct_gc_due_by(timeout);
}

/* End a connection now (the caller holds a reference). */
void kct_conn_kill(struct nf_conn *ct)
{
	if (nf_ct_is_confirmed(ct))
		kct_table_unlink(ct);
}
