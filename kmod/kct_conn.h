/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_CONN_H
#define _KCT_CONN_H

#include <net/netfilter/nf_conntrack.h>
#include "kct_proto.h"
#include "kct_tcp_state.h"

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
};

static inline union kct_proto_data *kct_proto_data(struct nf_conn *ct)
{
	return (union kct_proto_data *)&ct->proto;
}

/* @kct_field of kct's struct sits where @stock_field of stock's does. */
#define KCT_SAME_FIELD(kct_type, kct_field, stock_type, stock_field)	\
	static_assert(offsetof(kct_type, kct_field) ==			\
		      offsetof(stock_type, stock_field) &&		\
		      sizeof_field(kct_type, kct_field) ==		\
		      sizeof_field(stock_type, stock_field))

#define KCT_SAME_TCP(f) \
	KCT_SAME_FIELD(struct kct_tcp_conn, f, struct ip_ct_tcp, f)
#define KCT_SAME_TCP_SIDE(f) \
	KCT_SAME_FIELD(struct kct_tcp_side, f, struct ip_ct_tcp_state, f)

static_assert(sizeof(struct kct_tcp_conn) == sizeof(struct ip_ct_tcp));
static_assert(sizeof(struct kct_tcp_side) == sizeof(struct ip_ct_tcp_state));
KCT_SAME_TCP(seen);
KCT_SAME_TCP(seen[1]);
KCT_SAME_TCP(state);
KCT_SAME_TCP(last_dir);
KCT_SAME_TCP(retrans);
KCT_SAME_TCP(last_index);
KCT_SAME_TCP(last_seq);
KCT_SAME_TCP(last_ack);
KCT_SAME_TCP(last_end);
KCT_SAME_TCP(last_win);
KCT_SAME_TCP(last_wscale);
KCT_SAME_TCP(last_flags);
KCT_SAME_TCP_SIDE(td_end);
KCT_SAME_TCP_SIDE(td_maxend);
KCT_SAME_TCP_SIDE(td_maxwin);
KCT_SAME_TCP_SIDE(td_maxack);
KCT_SAME_TCP_SIDE(td_scale);
KCT_SAME_TCP_SIDE(flags);
KCT_SAME_FIELD(union kct_proto_data, tcp, union nf_conntrack_proto, tcp);
KCT_SAME_FIELD(union kct_proto_data, udp.stream_ts,
	       union nf_conntrack_proto, udp.stream_ts);
static_assert(sizeof(union kct_proto_data) <=
	      sizeof(union nf_conntrack_proto));

/* The values mean to stock what they mean to kct. */
static_assert((int)KCT_TCP_NONE == TCP_CONNTRACK_NONE &&
	      (int)KCT_TCP_SYN_SENT == TCP_CONNTRACK_SYN_SENT &&
	      (int)KCT_TCP_SYN_RECV == TCP_CONNTRACK_SYN_RECV &&
	      (int)KCT_TCP_ESTABLISHED == TCP_CONNTRACK_ESTABLISHED &&
	      (int)KCT_TCP_FIN_WAIT == TCP_CONNTRACK_FIN_WAIT &&
	      (int)KCT_TCP_CLOSE_WAIT == TCP_CONNTRACK_CLOSE_WAIT &&
	      (int)KCT_TCP_LAST_ACK == TCP_CONNTRACK_LAST_ACK &&
	      (int)KCT_TCP_TIME_WAIT == TCP_CONNTRACK_TIME_WAIT &&
	      (int)KCT_TCP_CLOSE == TCP_CONNTRACK_CLOSE &&
	      (int)KCT_TCP_SYN_SENT2 == TCP_CONNTRACK_SYN_SENT2 &&
	      (int)KCT_TCP_STATE_MAX == TCP_CONNTRACK_MAX);
static_assert(KCT_TCP_SIDE_WSCALE == IP_CT_TCP_FLAG_WINDOW_SCALE &&
	      KCT_TCP_SIDE_SACK == IP_CT_TCP_FLAG_SACK_PERM &&
	      KCT_TCP_SIDE_CLOSER == IP_CT_TCP_FLAG_CLOSE_INIT &&
	      KCT_TCP_SIDE_LIBERAL == IP_CT_TCP_FLAG_BE_LIBERAL &&
	      KCT_TCP_SIDE_UNACKED == IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED &&
	      KCT_TCP_SIDE_MAXACK == IP_CT_TCP_FLAG_MAXACK_SET);
static_assert(KCT_TCP_LAST_WSCALE == IP_CT_TCP_FLAG_WINDOW_SCALE &&
	      KCT_TCP_LAST_SACK == IP_CT_TCP_FLAG_SACK_PERM &&
	      KCT_TCP_LAST_CHALLENGE == IP_CT_EXP_CHALLENGE_ACK &&
	      KCT_TCP_LAST_SIMOPEN == IP_CT_TCP_SIMULTANEOUS_OPEN);

struct nf_conn *kct_conn_alloc(struct kct_pkt *p,
			       const struct nf_conntrack_tuple *orig,
			       const struct nf_conntrack_tuple *reply,
			       u32 hash, enum kct_invalid_reason *why);
void kct_conn_kill(struct nf_conn *ct);

#endif /* _KCT_CONN_H */
