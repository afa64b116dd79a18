/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TCP connection state machine and window tracker, behaving as stock
 * 6.1's nf_conntrack_proto_tcp does, as portable C: the kernel side
 * (kct_proto_tcp.c) parses each segment into a struct kct_tcp_seg, calls
 * these functions under the connection's lock and applies the verdict;
 * the host unit tests and the fuzzer call them directly.
 *
 * No allocation, no global state, no locking: everything lives in the
 * caller's struct kct_tcp_conn, stored in ct->proto.tcp.
 *
 * What the caller does around these calls, as stock does:
 *
 *  - Before anything else, kct_tcp_flags_valid() on the flag byte: a
 *    combination stock calls "invalid tcp flag combination" is INVALID
 *    (KCT_INVALID_TCP_BAD_FLAGS) and creates nothing.
 *  - First packet of an unknown connection: kct_tcp_conn_new(); on
 *    KCT_VALID the connection exists (in state NONE) and the same packet
 *    then goes through kct_tcp_conn_packet() like any other; if that says
 *    INVALID, the new entry is dropped (stock frees it unconfirmed).
 *  - kct_tcp_conn_packet() gets @reply_seen = IPS_SEEN_REPLY and
 *    @assured = IPS_ASSURED as they were BEFORE this packet: the caller
 *    sets SEEN_REPLY only afterwards, for every valid reply-direction
 *    packet, ignored ones included, and ASSURED when the verdict says.
 *  - Verdict, in this order:
 *      invalid   the packet is INVALID to rules; the connection stays.  If
 *                lower_timeout is set and the connection's remaining time
 *                is at least 120 s and longer than the UNACK timeout, set
 *                it to the UNACK timeout (a FIN/RST answered by an
 *                out-of-window FIN/RST: both ends are likely gone).
 *      reopen    a SYN reuses the ports of a closed connection: destroy
 *                this one and handle the packet again as a new one (if it
 *                is already being destroyed elsewhere, drop the packet).
 *      kill      a valid RST before any reply: the packet passes with this
 *                connection, which is destroyed at once.
 *      refresh   false for packets stock accepts without touching the
 *                timeout (ignored ones, SYN retransmissions before any
 *                reply); otherwise set the timeout kct_tcp_timeout() picks.
 *      assured   set IPS_ASSURED (only this code decides it for TCP).
 *  - kct_tcp_can_early_drop(): stock's GC, once the table is 95% full,
 *    kills the connections that are not ASSURED or for which this holds.
 *  - /proc and ctnetlink print kct_tcp_state_names[c->state].
 */
#ifndef _KCT_TCP_STATE_H
#define _KCT_TCP_STATE_H

#include "kct_compat.h"
#include "kct_invalid.h"
#ifndef __KERNEL__
#include <assert.h>	/* static_assert(), from build_bug.h in the kernel */
#endif

/* Same numbering as the kernel's enum tcp_conntrack. */
enum kct_tcp_state {
	KCT_TCP_NONE,
	KCT_TCP_SYN_SENT,
	KCT_TCP_SYN_RECV,
	KCT_TCP_ESTABLISHED,
	KCT_TCP_FIN_WAIT,
	KCT_TCP_CLOSE_WAIT,
	KCT_TCP_LAST_ACK,
	KCT_TCP_TIME_WAIT,
	KCT_TCP_CLOSE,
	KCT_TCP_SYN_SENT2,
	KCT_TCP_STATE_MAX
};

/* "NONE", "SYN_SENT", ... as /proc/net/nf_conntrack prints them. */
extern const char *const kct_tcp_state_names[KCT_TCP_STATE_MAX];

/* The TCP flag byte (byte 13 of the header). */
#define KCT_TCP_FIN	0x01
#define KCT_TCP_SYN	0x02
#define KCT_TCP_RST	0x04
#define KCT_TCP_PSH	0x08
#define KCT_TCP_ACK	0x10
#define KCT_TCP_URG	0x20
#define KCT_TCP_ECE	0x40
#define KCT_TCP_CWR	0x80

/* Largest window shift RFC 7323 allows; larger offers count as this. */
#define KCT_TCP_MAX_WSCALE	14

/* One segment, parsed by the caller. */
struct kct_tcp_seg {
	u8 dir;			/* 0 original, 1 reply */
	u8 flags;		/* KCT_TCP_* */
	u32 seq;		/* host order */
	u32 ack;		/* host order, read even without ACK */
	u16 win;		/* raw window field, host order */
	u32 datalen;		/* payload bytes */
	bool has_wscale;	/* window scale option present */
	u8 wscale;		/* its shift (clamped to 14 here too) */
	bool sack_perm;		/* SACK-permitted option present */
	bool has_sack;		/* a SACK option with at least one block */
	u32 sack_max;		/* highest right edge of its blocks */
	/*
	 * The header has no option bytes at all (doff == 5).  Only matters
	 * for a SYN that re-initialises a side: stock then keeps that side's
	 * earlier scale and flags instead of clearing them.
	 */
	bool no_options;
};

/* The net.kct.tcp_* sysctls, read by the caller for each packet. */
struct kct_tcp_cfg {
	bool loose;		/* tcp_loose: pick up connections mid-stream */
	bool be_liberal;	/* tcp_be_liberal: never judge by window */
	bool ignore_invalid_rst; /* tcp_ignore_invalid_rst */
	u8 max_retrans;		/* tcp_max_retrans */
	/* Not a sysctl: SYNPROXY set this connection up (its extension). */
	bool synproxy;
};

/*
 * What the state table looks at in a segment, RST first, then SYN, FIN,
 * ACK (struct kct_tcp_conn.last_index); numbered as stock's private enum
 * tcp_bit_set, whose values stock keeps in the same field.
 */
enum kct_tcp_kind {
	KCT_KIND_SYN,
	KCT_KIND_SYNACK,
	KCT_KIND_FIN,
	KCT_KIND_ACK,
	KCT_KIND_RST,
	KCT_KIND_NONE,		/* none of them: never valid */
	KCT_KIND_MAX
};

/*
 * Flags of one side (struct kct_tcp_side.flags): the uapi
 * IP_CT_TCP_FLAG_* values, which ctnetlink reports unchanged and stock
 * code sets (the flowtable sets LIBERAL on both sides).
 */
#define KCT_TCP_SIDE_WSCALE	0x01	/* its SYN offered window scaling */
#define KCT_TCP_SIDE_SACK	0x02	/* its SYN offered SACK */
#define KCT_TCP_SIDE_CLOSER	0x04	/* it sent the first FIN */
#define KCT_TCP_SIDE_LIBERAL	0x08	/* never judge it by window */
#define KCT_TCP_SIDE_UNACKED	0x10	/* it has data in flight */
#define KCT_TCP_SIDE_MAXACK	0x20	/* seen[].td_maxack holds a value */

/*
 * Flags of the connection (struct kct_tcp_conn.last_flags), stock's
 * values: the options of the last ignored SYN, and two facts about the
 * handshake.
 */
#define KCT_TCP_LAST_WSCALE	0x01	/* last ignored SYN: wscale */
#define KCT_TCP_LAST_SACK	0x02	/* last ignored SYN: SACK */
#define KCT_TCP_LAST_CHALLENGE	0x40	/* a challenge ACK may come */
#define KCT_TCP_LAST_SIMOPEN	0x80	/* both ends sent a SYN */

/*
 * What a middlebox knows of one direction's sequence space.  "Sender" is
 * the side this struct belongs to, "peer" the other one.
 */
struct kct_tcp_side {
	u32 td_end;		/* highest seq + len the sender has sent */
	u32 td_maxend;		/* highest seq the peer's window lets it send */
	u32 td_maxwin;		/* largest window it offered; 0: not started */
	u32 td_maxack;		/* highest ack the sender has sent */
	u8 td_scale;		/* shift applied to the sender's windows */
	u8 flags;		/* KCT_TCP_SIDE_* */
};

/*
 * Per-connection state, in ct->proto.tcp, where stock code reads it
 * (nf_conntrack_tcp_established() for the flowtable and SYNPROXY,
 * flow_offload_fixup_ct(), nf_conncount) and writes it (the flowtable
 * makes both sides LIBERAL, and forgets td_maxwin when it gives a
 * connection back).  So it is the kernel's struct ip_ct_tcp, field by
 * field in layout and meaning; the kernel build checks every offset
 * (kct_conn.h), the host unit test the numbers.  Everything else the
 * tracker needs comes from the caller (IPS_SEEN_REPLY, IPS_ASSURED).
 * The caller reads @state (as a u8, locklessly) to print it.
 */
struct kct_tcp_conn {
	struct kct_tcp_side seen[2];	/* indexed by direction */
	u8 state;		/* enum kct_tcp_state */
	/* The last segment that passed (or was ignored), for the exceptions */
	u8 last_dir;
	u8 retrans;		/* repeats of the last ACK segment */
	u8 last_index;		/* its kind, enum kct_tcp_kind */
	u32 last_seq;
	u32 last_ack;
	u32 last_end;
	u16 last_win;		/* its raw window */
	u8 last_wscale;		/* window shift of the last ignored SYN */
	u8 last_flags;		/* KCT_TCP_LAST_* */
};

/* C11's _Static_assert, under the name both kernel and libc give it. */
static_assert(sizeof(struct kct_tcp_conn) == 60,
	      "struct kct_tcp_conn is struct ip_ct_tcp: 60 bytes");

/* What kct_tcp_conn_packet() decided; see the top of this file. */
struct kct_tcp_verdict {
	enum kct_invalid_reason invalid;	/* KCT_VALID or why not */
	enum kct_tcp_state state;	/* state after this packet */
	bool reopen;
	bool kill;
	bool refresh;
	bool assured;		/* the connection is ASSURED (from now on) */
	bool ignored;		/* accepted without effect (log_invalid) */
	bool lower_timeout;
	/* The facts kct_tcp_timeout() chooses the timeout from: */
	bool use_retrans_timeout; /* the same ACK seen max_retrans times */
	bool use_close_timeout;	/* an RST */
	bool use_unack_timeout;	/* a side has data not yet acknowledged */
	bool zero_window;	/* the last ACK segment offered no window */
	bool unreplied;		/* ESTABLISHED but no reply seen (loose) */
};

/* Valid flag combination, as stock's table: PSH, ECE, CWR never matter. */
bool kct_tcp_flags_valid(u8 flags);

/*
 * First packet of a would-be new connection, original direction.  A SYN
 * (not SYN/ACK) always starts one; with @cfg->loose a segment with ACK and
 * without SYN, FIN and RST picks one up mid-stream, with liberal window
 * checks.  Returns KCT_VALID having initialised @c, or why not.
 */
enum kct_invalid_reason kct_tcp_conn_new(struct kct_tcp_conn *c,
					 const struct kct_tcp_seg *s,
					 const struct kct_tcp_cfg *cfg);

/* Every packet of a known connection, the first one included. */
void kct_tcp_conn_packet(struct kct_tcp_conn *c, const struct kct_tcp_seg *s,
			 const struct kct_tcp_cfg *cfg, bool reply_seen,
			 bool assured, struct kct_tcp_verdict *v);

/*
 * The timeout after a valid packet with @v->refresh, as stock chooses it:
 * @t_state is the timeout of @v->state, the others those named RETRANS,
 * UNACK and CLOSE (any unit, all the same).
 */
unsigned int kct_tcp_timeout(const struct kct_tcp_verdict *v,
			     unsigned int t_state, unsigned int t_retrans,
			     unsigned int t_unack, unsigned int t_close);

/* Closing states, which early drop may evict even when ASSURED. */
bool kct_tcp_can_early_drop(const struct kct_tcp_conn *c);

#endif /* _KCT_TCP_STATE_H */
