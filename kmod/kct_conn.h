/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_CONN_H
#define _KCT_CONN_H

#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_acct.h>
#include "kct_proto.h"
#include "kct_tcp_state.h"
#include "kct_sctp_state.h"

/*
 * kct's per-connection protocol state, stored in ct->proto: the storage
 * struct nf_conn reserves at its end for the protocol trackers.  Stock
 * code reads it too (see struct kct_tcp_conn), so each member has the
 * layout of stock's member of the same name.
 */
union kct_proto_data {
	struct kct_tcp_conn tcp;
	struct {
		unsigned long stream_ts;	/* jiffies: UDP turns stream */
	} udp;
	struct kct_sctp_conn sctp;
};

static inline union kct_proto_data *kct_proto_data(struct nf_conn *ct)
{
	return (union kct_proto_data *)&ct->proto;
}

static_assert(sizeof(union kct_proto_data) <=
	      sizeof(union nf_conntrack_proto));

struct nf_conn *kct_conn_new(struct kct_net *kn,
			     const struct nf_conntrack_zone *zone,
			     const struct nf_conntrack_tuple *orig,
			     const struct nf_conntrack_tuple *reply,
			     u32 hash, gfp_t gfp, enum kct_invalid_reason *why);
struct nf_conn *kct_conn_alloc(struct kct_pkt *p,
			       const struct nf_conntrack_tuple *orig,
			       const struct nf_conntrack_tuple *reply,
			       u32 hash, enum kct_invalid_reason *why);
void kct_conn_kill(struct nf_conn *ct);

/* Set or refresh a connection's timeout (relative until confirmed). */
void kct_refresh(struct nf_conn *ct, unsigned long extra_jiffies);

/*
 * Count a packet of @len bytes (its IP header on) in @ct's counters of
 * its direction, as stock counts each packet its tracker accepts.  Only
 * connections made while nf_conntrack_acct was 1 have them: with it 0,
 * a connection has no extension area, or one without counters, and
 * this is one test.
 */
static inline void kct_acct(struct nf_conn *ct, enum ip_conntrack_info ctinfo,
			    unsigned int len)
{
	struct nf_conn_acct *acct = nf_conn_acct_find(ct);

	if (unlikely(acct)) {
		struct nf_conn_counter *c = &acct->counter[CTINFO2DIR(ctinfo)];

		atomic64_inc(&c->packets);
		atomic64_add(len, &c->bytes);
	}
}

#endif /* _KCT_CONN_H */
