// SPDX-License-Identifier: GPL-2.0
// kct-unit-sources: kmod/kct_tcp_state.c
/*
 * Unit tests of the TCP state machine and window tracker.  Each check's
 * description states the rule it demonstrates, as stock 6.1 applies it.
 *
 * The conversations are between a client (original direction, initial
 * sequence number CI) and a server (reply direction, ISN SI).  Segments go
 * through kct_tcp_conn_packet() the way the core sends them: reply_seen
 * becomes true after the first valid reply-direction segment, assured
 * once a verdict says so (the core's IPS_SEEN_REPLY and IPS_ASSURED).
 */
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_conntrack_tcp.h>	/* uapi: states, flags */

#include "kct_tcp_state.h"
#include "kct_unit.h"

#define O 0			/* original direction: client to server */
#define R 1			/* reply direction: server to client */

#define FIN KCT_TCP_FIN
#define SYN KCT_TCP_SYN
#define RST KCT_TCP_RST
#define PSH KCT_TCP_PSH
#define ACK KCT_TCP_ACK
#define URG KCT_TCP_URG
#define ECE KCT_TCP_ECE
#define CWR KCT_TCP_CWR

#define CI 1000u
#define SI 5000u

/* Stock 6.1 defaults, in seconds. */
#define T_ESTABLISHED	432000u
#define T_RETRANS	300u
#define T_UNACK		300u
#define T_CLOSE		10u

/* Table outcomes that are not states, for table_row(). */
#define IGN	100
#define INV	101
#define REOPEN	102

static struct kct_tcp_cfg cfg;
static struct kct_tcp_conn c;
static struct kct_tcp_verdict v;
static bool reply_seen, assured;

static const struct kct_tcp_cfg stock_cfg = {
	.loose = true, .be_liberal = false, .ignore_invalid_rst = false,
	.max_retrans = 3,
};

static struct kct_tcp_seg seg(int dir, u8 flags, u32 seq, u32 ack, u16 win,
			      u32 len)
{
	struct kct_tcp_seg s = {
		.dir = dir, .flags = flags, .seq = seq, .ack = ack,
		.win = win, .datalen = len,
	};

	return s;
}

/* A SYN or SYN/ACK offering window scale @ws (negative: none) and SACK. */
static struct kct_tcp_seg syn_seg(int dir, u8 flags, u32 seq, u32 ack,
				  u16 win, int ws)
{
	struct kct_tcp_seg s = seg(dir, flags, seq, ack, win, 0);

	s.has_wscale = ws >= 0;
	s.wscale = ws >= 0 ? ws : 0;
	s.sack_perm = true;
	return s;
}

/* One segment of a known connection, as the core hands it over. */
static enum kct_invalid_reason send_seg(const struct kct_tcp_seg *s)
{
	kct_tcp_conn_packet(&c, s, &cfg, reply_seen, assured, &v);
	if (!v.invalid && !v.reopen && s->dir == R)
		reply_seen = true;
	if (!v.invalid && !v.reopen && v.assured)
		assured = true;
	return v.invalid;
}

static enum kct_invalid_reason pkt(int dir, u8 flags, u32 seq, u32 ack,
				   u16 win, u32 len)
{
	struct kct_tcp_seg s = seg(dir, flags, seq, ack, win, len);

	return send_seg(&s);
}

/* The first segment: new(), then packet() if new() accepted it. */
static enum kct_invalid_reason first(const struct kct_tcp_seg *s)
{
	enum kct_invalid_reason why;

	memset(&c, 0xa5, sizeof(c));	/* new() must not rely on zeroes */
	reply_seen = false;
	assured = false;
	why = kct_tcp_conn_new(&c, s, &cfg);
	if (why)
		return why;
	return send_seg(s);
}

/* SYN, SYN/ACK, ACK with window scale @cws/@sws (-1: not offered). */
static int handshake(int cws, int sws)
{
	struct kct_tcp_seg s;

	s = syn_seg(O, SYN, CI, 0, 64240, cws);
	if (first(&s) || v.state != KCT_TCP_SYN_SENT)
		return 0;
	s = syn_seg(R, SYN | ACK, SI, CI + 1, 65160, sws);
	if (send_seg(&s) || v.state != KCT_TCP_SYN_RECV)
		return 0;
	return !pkt(O, ACK, CI + 1, SI + 1, 502, 0) &&
	       v.state == KCT_TCP_ESTABLISHED;
}

static int established(void)
{
	cfg = stock_cfg;
	return handshake(7, 7);
}

static int is(enum kct_tcp_state state)
{
	return !v.invalid && !v.reopen && v.state == state && c.state == state;
}

/* Accepted without effect: state @state unchanged, timeout untouched. */
static int ignored_in(enum kct_tcp_state state)
{
	return !v.invalid && v.ignored && !v.refresh && v.state == state;
}

static int invalid(enum kct_invalid_reason why, enum kct_tcp_state state)
{
	return v.invalid == why && v.state == state && c.state == state;
}

static unsigned int timeout(void)
{
	return kct_tcp_timeout(&v, T_ESTABLISHED, T_RETRANS, T_UNACK,
			       T_CLOSE);
}

/* kct's state numbers against stock's, pair by pair. */
static int same_states(void)
{
	static const int pairs[][2] = {
		{ KCT_TCP_NONE, TCP_CONNTRACK_NONE },
		{ KCT_TCP_SYN_SENT, TCP_CONNTRACK_SYN_SENT },
		{ KCT_TCP_SYN_RECV, TCP_CONNTRACK_SYN_RECV },
		{ KCT_TCP_ESTABLISHED, TCP_CONNTRACK_ESTABLISHED },
		{ KCT_TCP_FIN_WAIT, TCP_CONNTRACK_FIN_WAIT },
		{ KCT_TCP_CLOSE_WAIT, TCP_CONNTRACK_CLOSE_WAIT },
		{ KCT_TCP_LAST_ACK, TCP_CONNTRACK_LAST_ACK },
		{ KCT_TCP_TIME_WAIT, TCP_CONNTRACK_TIME_WAIT },
		{ KCT_TCP_CLOSE, TCP_CONNTRACK_CLOSE },
		{ KCT_TCP_SYN_SENT2, TCP_CONNTRACK_SYN_SENT2 },
		{ KCT_TCP_STATE_MAX, TCP_CONNTRACK_MAX },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pairs); i++)
		if (pairs[i][0] != pairs[i][1])
			return 0;
	return 1;
}

/* kct's flag bits against stock's, pair by pair. */
static int same_flags(void)
{
	static const unsigned int pairs[][2] = {
		{ KCT_TCP_SIDE_WSCALE, IP_CT_TCP_FLAG_WINDOW_SCALE },
		{ KCT_TCP_SIDE_SACK, IP_CT_TCP_FLAG_SACK_PERM },
		{ KCT_TCP_SIDE_CLOSER, IP_CT_TCP_FLAG_CLOSE_INIT },
		{ KCT_TCP_SIDE_LIBERAL, IP_CT_TCP_FLAG_BE_LIBERAL },
		{ KCT_TCP_SIDE_UNACKED, IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED },
		{ KCT_TCP_SIDE_MAXACK, IP_CT_TCP_FLAG_MAXACK_SET },
		{ KCT_TCP_LAST_WSCALE, IP_CT_TCP_FLAG_WINDOW_SCALE },
		{ KCT_TCP_LAST_SACK, IP_CT_TCP_FLAG_SACK_PERM },
		{ KCT_TCP_LAST_CHALLENGE, IP_CT_EXP_CHALLENGE_ACK },
		{ KCT_TCP_LAST_SIMOPEN, IP_CT_TCP_SIMULTANEOUS_OPEN },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pairs); i++)
		if (pairs[i][0] != pairs[i][1])
			return 0;
	return 1;
}

static void test_names_and_flags(void)
{
	kct_check(!strcmp(kct_tcp_state_names[KCT_TCP_NONE], "NONE") &&
		  !strcmp(kct_tcp_state_names[KCT_TCP_ESTABLISHED],
			  "ESTABLISHED") &&
		  !strcmp(kct_tcp_state_names[KCT_TCP_TIME_WAIT],
			  "TIME_WAIT") &&
		  !strcmp(kct_tcp_state_names[KCT_TCP_SYN_SENT2],
			  "SYN_SENT2"),
		  "state names are stock's /proc names, in stock's order");
	kct_check(KCT_TCP_SYN_SENT2 == 9 && KCT_TCP_STATE_MAX == 10,
		  "states are numbered as the kernel's enum tcp_conntrack");
	kct_check(same_states(),
		  "states have the uapi enum tcp_conntrack's values");
	kct_check(same_flags(),
		  "side and connection flags have the uapi IP_CT_TCP_FLAG_* values");
}

#define OFF(f) offsetof(struct kct_tcp_conn, f)
#define SIDE_OFF(f) offsetof(struct kct_tcp_side, f)

/*
 * Stock code reads ct->proto.tcp as struct ip_ct_tcp: these are its
 * offsets on every architecture (4-byte fields aligned, no pointers), as
 * the kernel build also asserts field by field against the real struct.
 */
static void test_layout(void)
{
	kct_check(sizeof(struct kct_tcp_side) == 20 && SIDE_OFF(td_end) == 0 &&
		  SIDE_OFF(td_maxend) == 4 && SIDE_OFF(td_maxwin) == 8 &&
		  SIDE_OFF(td_maxack) == 12 && SIDE_OFF(td_scale) == 16 &&
		  SIDE_OFF(flags) == 17,
		  "layout: struct kct_tcp_side is struct ip_ct_tcp_state (20 bytes, td_end 0, td_maxend 4, td_maxwin 8, td_maxack 12, td_scale 16, flags 17)");
	kct_check(sizeof(struct kct_tcp_conn) == 60 && OFF(seen) == 0 &&
		  OFF(seen[1]) == 20 && OFF(state) == 40 &&
		  OFF(last_dir) == 41 && OFF(retrans) == 42 &&
		  OFF(last_index) == 43 && OFF(last_seq) == 44 &&
		  OFF(last_ack) == 48 && OFF(last_end) == 52 &&
		  OFF(last_win) == 56 && OFF(last_wscale) == 58 &&
		  OFF(last_flags) == 59,
		  "layout: struct kct_tcp_conn is struct ip_ct_tcp (60 bytes, seen 0 and 20, state 40, last_dir 41, retrans 42, last_index 43, last_seq 44, last_ack 48, last_end 52, last_win 56, last_wscale 58, last_flags 59)");
	kct_check(KCT_KIND_SYN == 0 && KCT_KIND_SYNACK == 1 &&
		  KCT_KIND_FIN == 2 && KCT_KIND_ACK == 3 && KCT_KIND_RST == 4 &&
		  KCT_KIND_NONE == 5,
		  "layout: last_index numbers kinds as stock's tcp_bit_set");

	kct_check(kct_tcp_flags_valid(SYN) && kct_tcp_flags_valid(SYN | ACK) &&
		  kct_tcp_flags_valid(ACK) && kct_tcp_flags_valid(FIN | ACK) &&
		  kct_tcp_flags_valid(RST) && kct_tcp_flags_valid(RST | ACK),
		  "flags: SYN, SYN/ACK, ACK, FIN/ACK, RST, RST/ACK are valid");
	kct_check(kct_tcp_flags_valid(SYN | URG) &&
		  kct_tcp_flags_valid(ACK | URG) &&
		  kct_tcp_flags_valid(FIN | ACK | URG),
		  "flags: URG may come with SYN, ACK and FIN/ACK");
	kct_check(kct_tcp_flags_valid(SYN | ECE | CWR) &&
		  kct_tcp_flags_valid(SYN | ACK | ECE) &&
		  kct_tcp_flags_valid(ACK | PSH | CWR) &&
		  kct_tcp_flags_valid(FIN | ACK | PSH),
		  "flags: PSH, ECE and CWR never make a combination invalid");
	kct_check(!kct_tcp_flags_valid(SYN | FIN) &&
		  !kct_tcp_flags_valid(SYN | RST) &&
		  !kct_tcp_flags_valid(SYN | FIN | ACK) &&
		  !kct_tcp_flags_valid(SYN | RST | ACK),
		  "flags: SYN with FIN or RST is invalid (with or without ACK)");
	kct_check(!kct_tcp_flags_valid(0) && !kct_tcp_flags_valid(FIN) &&
		  !kct_tcp_flags_valid(PSH) && !kct_tcp_flags_valid(URG) &&
		  !kct_tcp_flags_valid(FIN | PSH | URG) &&
		  !kct_tcp_flags_valid(0xff),
		  "flags: no flags, FIN without ACK, \"xmas\" are invalid");
	kct_check(!kct_tcp_flags_valid(RST | FIN) &&
		  !kct_tcp_flags_valid(RST | ACK | URG) &&
		  !kct_tcp_flags_valid(SYN | ACK | URG),
		  "flags: RST with FIN or URG, SYN/ACK with URG are invalid");

	cfg = stock_cfg;
	kct_check(handshake(7, 7) &&
		  pkt(O, SYN | FIN, CI + 1, 0, 100, 0) ==
			KCT_INVALID_TCP_BAD_FLAGS &&
		  c.state == KCT_TCP_ESTABLISHED,
		  "a known connection's segment with bad flags is INVALID (tcp_bad_flags) and changes nothing");
}

static void test_handshake(void)
{
	struct kct_tcp_seg s;

	cfg = stock_cfg;
	s = syn_seg(O, SYN, CI, 0, 64240, 7);
	kct_check(!first(&s) && is(KCT_TCP_SYN_SENT) && v.refresh &&
		  !v.assured,
		  "handshake: SYN opens in SYN_SENT, not assured");
	s = syn_seg(R, SYN | ACK, SI, CI + 1, 65160, 7);
	kct_check(!send_seg(&s) && is(KCT_TCP_SYN_RECV) && !v.assured,
		  "handshake: SYN/ACK moves to SYN_RECV, not assured yet");
	kct_check(!pkt(O, ACK, CI + 1, SI + 1, 502, 0) &&
		  is(KCT_TCP_ESTABLISHED) && v.assured && v.refresh,
		  "handshake: the client's ACK moves to ESTABLISHED and makes the connection ASSURED");
	kct_check(timeout() == T_ESTABLISHED,
		  "handshake: ESTABLISHED gets its own timeout");
	kct_check(!kct_tcp_can_early_drop(&c),
		  "an ESTABLISHED connection is not for early drop");

	kct_check(!pkt(O, ACK | PSH, CI + 1, SI + 1, 502, 100) &&
		  is(KCT_TCP_ESTABLISHED) && v.use_unack_timeout &&
		  timeout() == T_UNACK,
		  "data from the client: valid; unacked data shortens the timeout to UNACK");
	kct_check(!pkt(R, ACK | PSH, SI + 1, CI + 101, 509, 1448) &&
		  is(KCT_TCP_ESTABLISHED),
		  "data from the server acking the client's: valid");
	kct_check(!pkt(O, ACK, CI + 101, SI + 1449, 502, 0) &&
		  is(KCT_TCP_ESTABLISHED) && !v.use_unack_timeout &&
		  timeout() == T_ESTABLISHED,
		  "everything acked: back to the ESTABLISHED timeout");
	kct_check(!pkt(R, ACK, SI + 1449, CI + 101, 509, 0) &&
		  !pkt(R, ACK, SI + 1449, CI + 101, 509, 0) &&
		  is(KCT_TCP_ESTABLISHED) && !v.ignored,
		  "a duplicate ACK is valid");
}

static void test_close(void)
{
	established();
	kct_check(!pkt(O, FIN | ACK, CI + 1, SI + 1, 502, 0) &&
		  is(KCT_TCP_FIN_WAIT) && kct_tcp_can_early_drop(&c),
		  "client closes first: its FIN moves to FIN_WAIT, which early drop may evict");
	kct_check(!pkt(R, ACK, SI + 1, CI + 2, 509, 0) &&
		  is(KCT_TCP_CLOSE_WAIT),
		  "client closes first: the server's ACK moves to CLOSE_WAIT");
	kct_check(!pkt(R, ACK | PSH, SI + 1, CI + 2, 509, 300) &&
		  is(KCT_TCP_CLOSE_WAIT),
		  "client closes first: the server may still send data");
	kct_check(!pkt(R, FIN | ACK, SI + 301, CI + 2, 509, 0) &&
		  is(KCT_TCP_LAST_ACK),
		  "client closes first: the server's FIN moves to LAST_ACK");
	kct_check(!pkt(O, ACK, CI + 2, SI + 302, 502, 0) &&
		  is(KCT_TCP_TIME_WAIT),
		  "client closes first: the last ACK moves to TIME_WAIT");
	kct_check(!pkt(O, ACK, CI + 2, SI + 302, 502, 0) &&
		  is(KCT_TCP_TIME_WAIT),
		  "a retransmitted last ACK stays in TIME_WAIT");

	established();
	kct_check(!pkt(R, FIN | ACK, SI + 1, CI + 1, 509, 0) &&
		  is(KCT_TCP_FIN_WAIT) &&
		  !pkt(O, ACK, CI + 1, SI + 2, 502, 0) &&
		  is(KCT_TCP_CLOSE_WAIT) &&
		  !pkt(O, FIN | ACK, CI + 1, SI + 2, 502, 0) &&
		  is(KCT_TCP_LAST_ACK) &&
		  !pkt(R, ACK, SI + 2, CI + 2, 509, 0) &&
		  is(KCT_TCP_TIME_WAIT),
		  "server closes first: FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT the same way");

	established();
	kct_check(!pkt(O, FIN | ACK, CI + 1, SI + 1, 502, 0) &&
		  !pkt(R, FIN | ACK, SI + 1, CI + 2, 509, 0) &&
		  is(KCT_TCP_LAST_ACK) &&
		  !pkt(O, ACK, CI + 2, SI + 2, 502, 0) &&
		  is(KCT_TCP_TIME_WAIT),
		  "FIN/ACK answering a FIN goes straight to LAST_ACK, then TIME_WAIT");

	established();
	kct_check(!pkt(O, FIN | ACK, CI + 1, SI + 1, 502, 0) &&
		  !pkt(O, FIN | ACK, CI + 1, SI + 1, 502, 0) &&
		  is(KCT_TCP_LAST_ACK),
		  "a retransmitted FIN counts as a FIN: FIN_WAIT to LAST_ACK");
}

static void test_rst(void)
{
	established();
	kct_check(!pkt(O, RST, CI + 1, 0, 0, 0) && is(KCT_TCP_CLOSE) &&
		  !v.kill && v.refresh && v.use_close_timeout &&
		  timeout() == T_CLOSE && kct_tcp_can_early_drop(&c),
		  "RST with the expected seq moves to CLOSE with the CLOSE timeout");

	established();
	kct_check(pkt(O, RST, CI - 10, 0, 0, 0) == KCT_INVALID_TCP_BAD_RST &&
		  invalid(KCT_INVALID_TCP_BAD_RST, KCT_TCP_ESTABLISHED),
		  "RST below the seq the peer acked is INVALID (tcp_bad_rst)");

	established();
	kct_check(pkt(O, RST, CI + 1 + 1000000, 0, 0, 0) ==
			KCT_INVALID_TCP_OUT_OF_WINDOW &&
		  c.state == KCT_TCP_ESTABLISHED,
		  "RST far beyond the window is INVALID (out of window)");

	established();
	kct_check(!pkt(O, RST, CI + 1 + 100, 0, 0, 0) &&
		  is(KCT_TCP_ESTABLISHED) && v.use_close_timeout &&
		  timeout() == T_CLOSE,
		  "RST in the window but not exact keeps ESTABLISHED for the challenge ACK (RFC 5961), with the CLOSE timeout");

	established();
	cfg.ignore_invalid_rst = true;
	kct_check(!pkt(O, RST, CI - 10, 0, 0, 0) &&
		  is(KCT_TCP_ESTABLISHED),
		  "tcp_ignore_invalid_rst: an RST below the expected seq passes, as an inexact one");

	established();
	kct_check(!pkt(R, ACK | PSH, SI + 1, CI + 1, 509, 19) &&
		  !pkt(R, RST | ACK, SI + 20, CI + 1, 0, 0) &&
		  is(KCT_TCP_CLOSE),
		  "RST right after the sender's last data (a train) closes");

	established();
	kct_check(!pkt(O, RST | ACK, CI + 1, 0, 0, 0) && is(KCT_TCP_CLOSE),
		  "RST/ACK with a zero ack (broken stacks) is accepted");

	cfg = stock_cfg;
	{
		struct kct_tcp_seg s = syn_seg(O, SYN, CI, 0, 64240, 7);

		first(&s);
	}
	kct_check(!pkt(R, RST | ACK, 0, CI + 1, 0, 0) && is(KCT_TCP_CLOSE) &&
		  v.kill && !v.refresh,
		  "RST/ACK (seq 0) answering the SYN: CLOSE, and the entry is killed as no reply was seen");
}

static void test_reopen(void)
{
	struct kct_tcp_seg s;

	established();
	pkt(O, FIN | ACK, CI + 1, SI + 1, 502, 0);
	pkt(R, FIN | ACK, SI + 1, CI + 2, 509, 0);
	pkt(O, ACK, CI + 2, SI + 2, 502, 0);
	s = syn_seg(O, SYN, CI + 100000, 0, 64240, 7);
	kct_check(c.state == KCT_TCP_TIME_WAIT && !send_seg(&s) && v.reopen &&
		  c.state == KCT_TCP_TIME_WAIT,
		  "SYN in TIME_WAIT after a FIN close: reopen (the core destroys the entry and retries the SYN as new)");
	s = syn_seg(R, SYN, SI + 100000, 0, 64240, 7);
	kct_check(!send_seg(&s) && v.reopen,
		  "a SYN from the server in TIME_WAIT reopens too, roles switched");

	established();
	pkt(O, RST, CI + 1, 0, 0, 0);
	s = syn_seg(O, SYN, CI + 100000, 0, 64240, 7);
	kct_check(c.state == KCT_TCP_CLOSE && !send_seg(&s) && v.reopen,
		  "SYN in CLOSE from the side that reset: reopen");

	established();
	pkt(R, RST, SI + 1, 0, 0, 0);
	s = syn_seg(O, SYN, CI + 100000, 0, 64240, 7);
	kct_check(c.state == KCT_TCP_CLOSE && !send_seg(&s) && !v.reopen &&
		  ignored_in(KCT_TCP_CLOSE),
		  "SYN in CLOSE after the other side's RST is only ignored");
	s = syn_seg(R, SYN | ACK, SI + 7777, CI + 100001, 65160, 7);
	kct_check(!send_seg(&s) && is(KCT_TCP_SYN_RECV) &&
		  !pkt(O, ACK, CI + 100001, SI + 7778, 502, 0) &&
		  is(KCT_TCP_ESTABLISHED),
		  "... and the server's SYN/ACK to that SYN resynchronises: SYN_RECV, then ESTABLISHED");
}

static void test_ignored(void)
{
	struct kct_tcp_seg s;

	established();
	s = syn_seg(O, SYN, CI + 300000, 0, 64240, 7);
	kct_check(!send_seg(&s) && ignored_in(KCT_TCP_ESTABLISHED),
		  "a SYN from the client in ESTABLISHED is ignored (accepted, no state change, no refresh)");
	s = syn_seg(R, SYN | ACK, SI + 90000, CI + 300001, 65160, 7);
	kct_check(!send_seg(&s) && is(KCT_TCP_SYN_RECV),
		  "the server's SYN/ACK answering that SYN: the ends restarted, follow them to SYN_RECV");
	kct_check(!pkt(O, ACK, CI + 300001, SI + 90001, 502, 0) &&
		  is(KCT_TCP_ESTABLISHED) &&
		  !pkt(O, ACK | PSH, CI + 300001, SI + 90001, 502, 5000) &&
		  is(KCT_TCP_ESTABLISHED),
		  "... and the new handshake completes with the new numbers");

	established();
	s = syn_seg(R, SYN | ACK, SI, CI + 1, 65160, 7);
	kct_check(!send_seg(&s) && ignored_in(KCT_TCP_ESTABLISHED),
		  "a late retransmitted SYN/ACK in ESTABLISHED is ignored");

	cfg = stock_cfg;
	s = syn_seg(O, SYN, CI, 0, 64240, 7);
	first(&s);
	kct_check(!send_seg(&s) && is(KCT_TCP_SYN_SENT) && !v.refresh,
		  "a retransmitted SYN is valid but does not refresh the timeout before any reply");
	kct_check(!pkt(R, ACK, SI, CI + 500000, 100, 0) &&
		  ignored_in(KCT_TCP_SYN_SENT),
		  "an ACK from the server in SYN_SENT (half-open peer) is ignored");
	kct_check(!pkt(O, RST, CI + 500000, 0, 0, 0) && is(KCT_TCP_CLOSE) &&
		  !v.kill,
		  "the client's RST answering that challenge ACK (seq = its ack) is accepted whatever the window says");

	cfg = stock_cfg;
	s = syn_seg(O, SYN, CI, 0, 64240, 7);
	first(&s);
	kct_check(pkt(O, FIN | ACK, CI + 1, 0, 100, 0) ==
			KCT_INVALID_TCP_BAD_STATE &&
		  c.state == KCT_TCP_SYN_SENT,
		  "FIN in SYN_SENT is INVALID (tcp_bad_state)");
	kct_check(pkt(O, ACK, CI + 1, 0, 100, 0) == KCT_INVALID_TCP_BAD_STATE,
		  "an ACK from the client before the SYN/ACK is INVALID");
	s = syn_seg(O, SYN | ACK, CI, SI, 100, 7);
	kct_check(send_seg(&s) == KCT_INVALID_TCP_BAD_STATE,
		  "a SYN/ACK from the client in SYN_SENT is INVALID");

	established();
	pkt(O, FIN | ACK, CI + 1, SI + 1, 502, 0);
	pkt(R, ACK, SI + 1, CI + 2, 509, 0);
	pkt(R, FIN | ACK, SI + 1, CI + 2, 509, 0);
	s = syn_seg(O, SYN, CI + 50000, 0, 64240, 7);
	kct_check(c.state == KCT_TCP_LAST_ACK && !send_seg(&s) &&
		  ignored_in(KCT_TCP_LAST_ACK) &&
		  !pkt(R, ACK, SI + 2, CI + 2, 509, 0) &&
		  ignored_in(KCT_TCP_LAST_ACK),
		  "LAST_ACK: the server's challenge ACK to a new SYN (RFC 5961) is not taken for the last ACK");
	kct_check(!pkt(O, ACK, CI + 2, SI + 2, 502, 0) &&
		  is(KCT_TCP_TIME_WAIT),
		  "LAST_ACK: the client's real last ACK then moves to TIME_WAIT");
}

/*
 * SYNPROXY: while the server's SYN is unanswered, the client's
 * keep-alive (its next sequence number less one) passes unchanged, so
 * that SYNPROXY can send the SYN again; without SYNPROXY, or with
 * another number, it is INVALID, as stock judges it.
 */
static void test_synproxy_keepalive(void)
{
	struct kct_tcp_seg s;

	cfg = stock_cfg;
	s = syn_seg(O, SYN, CI, SI, 64240, 7);
	kct_check(!first(&s) && is(KCT_TCP_SYN_SENT),
		  "synproxy: the SYN to the server opens in SYN_SENT");
	kct_check(pkt(O, ACK, CI, SI, 502, 0) == KCT_INVALID_TCP_BAD_STATE,
		  "synproxy: without SYNPROXY, the keep-alive is INVALID");
	cfg.synproxy = true;
	kct_check(!pkt(O, ACK, CI, SI, 502, 0) && v.ignored &&
		  !v.refresh && is(KCT_TCP_SYN_SENT),
		  "synproxy: the client's keep-alive passes, nothing changes");
	kct_check(pkt(O, ACK, CI + 1, SI, 502, 0) ==
		  KCT_INVALID_TCP_BAD_STATE,
		  "synproxy: an ACK of another number is still INVALID");
	s = syn_seg(R, SYN | ACK, SI, CI + 1, 65160, 7);
	kct_check(!send_seg(&s) && is(KCT_TCP_SYN_RECV),
		  "synproxy: the server's SYN/ACK then moves to SYN_RECV");
}

static void test_simultaneous_open(void)
{
	struct kct_tcp_seg s;

	cfg = stock_cfg;
	s = syn_seg(O, SYN, CI, 0, 64240, 7);
	first(&s);
	s = syn_seg(R, SYN, SI, 0, 65160, 7);
	kct_check(!send_seg(&s) && is(KCT_TCP_SYN_SENT2),
		  "simultaneous open: a SYN from the other side in SYN_SENT moves to SYN_SENT2");
	kct_check(!send_seg(&s) && is(KCT_TCP_SYN_SENT2),
		  "simultaneous open: its retransmission stays in SYN_SENT2");
	s = syn_seg(O, SYN | ACK, CI, SI + 1, 64240, 7);
	kct_check(!send_seg(&s) && is(KCT_TCP_SYN_RECV),
		  "simultaneous open: a SYN/ACK moves to SYN_RECV");
	s = syn_seg(R, SYN | ACK, SI, CI + 1, 65160, 7);
	kct_check(!send_seg(&s) && ignored_in(KCT_TCP_SYN_RECV),
		  "simultaneous open: the other SYN/ACK is ignored");
	kct_check(!pkt(R, ACK, SI + 1, CI + 1, 509, 0) &&
		  is(KCT_TCP_ESTABLISHED) && v.assured,
		  "simultaneous open: an ACK from the reply side completes it (ESTABLISHED, ASSURED)");

	cfg = stock_cfg;
	s = syn_seg(O, SYN, CI, 0, 64240, 7);
	first(&s);
	s = syn_seg(R, SYN | ACK, SI, CI + 1, 65160, 7);
	send_seg(&s);
	kct_check(!pkt(R, ACK, SI + 1, CI + 1, 509, 0) &&
		  is(KCT_TCP_SYN_RECV),
		  "normal open: an ACK from the server in SYN_RECV stays there");
}

static void test_window_scaling(void)
{
	u32 far = CI + 1 + 200000;

	cfg = stock_cfg;
	kct_check(handshake(7, 7) &&
		  !pkt(R, ACK, SI + 1, CI + 1, 4000, 0) &&
		  !pkt(O, ACK | PSH, far, SI + 1, 502, 1000) &&
		  is(KCT_TCP_ESTABLISHED),
		  "both SYNs offer scaling: a window of 4000 << 7 accepts data 200000 bytes ahead (beyond 65535)");
	kct_check(!pkt(R, ACK, SI + 1, far + 1000, 4000, 0) &&
		  is(KCT_TCP_ESTABLISHED),
		  "... and the ack of that data is valid");

	cfg = stock_cfg;
	kct_check(handshake(7, -1) &&
		  !pkt(R, ACK, SI + 1, CI + 1, 4000, 0) &&
		  pkt(O, ACK | PSH, far, SI + 1, 502, 1000) ==
			KCT_INVALID_TCP_OUT_OF_WINDOW &&
		  c.state == KCT_TCP_ESTABLISHED,
		  "only the client offers scaling: windows are not scaled, the same data is out of window (tcp_out_of_window)");

	cfg = stock_cfg;
	kct_check(handshake(-1, 7) &&
		  !pkt(R, ACK, SI + 1, CI + 1, 4000, 0) &&
		  pkt(O, ACK | PSH, far, SI + 1, 502, 1000) ==
			KCT_INVALID_TCP_OUT_OF_WINDOW,
		  "only the server offers scaling: not scaled either");

	cfg = stock_cfg;
	kct_check(handshake(14, 14) &&
		  !pkt(R, ACK, SI + 1, CI + 1, 65535, 0) &&
		  !pkt(O, ACK | PSH, CI + 1 + 0x40000000u, SI + 1, 502, 1000),
		  "scale 14 (the largest) with a full window reaches 2^30 bytes");
}

static void test_out_of_window(void)
{
	u32 far = CI + 1 + 200000;

	established();
	kct_check(pkt(O, ACK | PSH, far, SI + 1, 502, 100) ==
			KCT_INVALID_TCP_OUT_OF_WINDOW &&
		  c.state == KCT_TCP_ESTABLISHED,
		  "data beyond the receiver's window is INVALID (tcp_out_of_window)");
	kct_check(pkt(O, ACK, CI + 1, SI + 1 + 70000, 502, 0) ==
			KCT_INVALID_TCP_BAD_ACK,
		  "an ACK of data the peer never sent is INVALID (tcp_bad_ack)");
	kct_check(!pkt(O, ACK, CI + 1, SI + 1 - 100000, 502, 0) &&
		  ignored_in(KCT_TCP_ESTABLISHED),
		  "an ACK far behind (overly delayed) is ignored, not INVALID");

	established();
	pkt(O, ACK | PSH, CI + 1, SI + 1, 502, 1000);
	pkt(R, ACK, SI + 1, CI + 1001, 509, 0);
	kct_check(!pkt(O, ACK | PSH, CI + 1 - 200000, SI + 1, 502, 1000) &&
		  ignored_in(KCT_TCP_ESTABLISHED),
		  "data from before the window (already acked, resent late) is ignored");

	established();
	cfg.be_liberal = true;
	kct_check(!pkt(O, ACK | PSH, far, SI + 1, 502, 100) &&
		  is(KCT_TCP_ESTABLISHED) &&
		  !pkt(O, ACK, CI + 1, SI + 1 + 70000, 502, 0),
		  "tcp_be_liberal: out-of-window data and acks are accepted");
	kct_check(!pkt(O, FIN | ACK, far, SI + 1, 502, 0) &&
		  is(KCT_TCP_FIN_WAIT),
		  "tcp_be_liberal: an out-of-window FIN still moves the state");

	established();
	kct_check(pkt(O, FIN | ACK, far, SI + 1, 502, 0) &&
		  !v.lower_timeout &&
		  pkt(R, FIN | ACK, SI + 1 + 300000, CI + 1, 509, 0) &&
		  v.lower_timeout && c.state == KCT_TCP_ESTABLISHED,
		  "out-of-window FINs from both sides: the second asks the core to lower the timeout to UNACK");
}

/* What stock code does to ct->proto.tcp means to kct what it means to stock. */
static void test_stock_meaning(void)
{
	u32 far = CI + 1 + 200000;
	struct kct_tcp_seg s;

	established();
	kct_check(c.state == TCP_CONNTRACK_ESTABLISHED &&
		  (c.seen[O].flags & IP_CT_TCP_FLAG_WINDOW_SCALE) &&
		  (c.seen[R].flags & IP_CT_TCP_FLAG_SACK_PERM) &&
		  c.seen[O].td_scale == 7 && c.seen[R].td_scale == 7 &&
		  c.seen[O].td_end == CI + 1 && c.seen[R].td_end == SI + 1 &&
		  (c.seen[O].flags & IP_CT_TCP_FLAG_MAXACK_SET) &&
		  c.seen[O].td_maxack == SI + 1 &&
		  c.last_index == KCT_KIND_ACK && c.last_dir == O,
		  "meaning: after the handshake, state, scales, options, ends and maxack read as stock's");
	c.seen[O].flags |= IP_CT_TCP_FLAG_BE_LIBERAL;
	c.seen[R].flags |= IP_CT_TCP_FLAG_BE_LIBERAL;
	kct_check(!pkt(O, ACK | PSH, far, SI + 1, 502, 100) &&
		  is(KCT_TCP_ESTABLISHED) &&
		  !pkt(R, ACK, SI + 1 + 70000, CI + 1, 509, 0),
		  "meaning: both sides made BE_LIBERAL (as the flowtable does): out-of-window segments pass");

	established();
	pkt(O, ACK | PSH, CI + 1, SI + 1, 502, 1000);
	kct_check(c.seen[O].flags & IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED,
		  "meaning: data in flight is DATA_UNACKNOWLEDGED");
	c.seen[O].td_maxwin = 0;
	c.seen[R].td_maxwin = 0;
	kct_check(!pkt(O, ACK | PSH, CI + 1 + 500000, SI + 1 + 300000, 502,
		       100) &&
		  is(KCT_TCP_ESTABLISHED) &&
		  !pkt(R, ACK, SI + 1 + 300000, CI + 1 + 500100, 509, 0) &&
		  is(KCT_TCP_ESTABLISHED) &&
		  c.seen[O].td_end == CI + 1 + 500100 &&
		  pkt(O, ACK | PSH, CI + 1 + 900000, SI + 1 + 300000, 502,
		      100) == KCT_INVALID_TCP_OUT_OF_WINDOW,
		  "meaning: td_maxwin cleared (a flowtable giving the connection back): each side's window is learnt again from its next segment, then judged");

	cfg = stock_cfg;
	s = seg(O, SYN, CI, 0, 100, 0);
	kct_check(!first(&s) && !pkt(R, SYN, SI, 0, 100, 0) &&
		  (c.last_flags & IP_CT_TCP_SIMULTANEOUS_OPEN),
		  "meaning: a simultaneous open is noted in last_flags, as stock does");
}

static void test_loose(void)
{
	struct kct_tcp_seg s = seg(O, ACK | PSH, 70000, 90000, 500, 100);
	struct kct_tcp_seg bad;

	cfg = stock_cfg;
	cfg.loose = false;
	kct_check(first(&s) == KCT_INVALID_TCP_NOT_SYN,
		  "tcp_loose=0: a mid-stream ACK creates nothing (tcp_not_syn)");

	cfg.loose = true;
	kct_check(!first(&s) && is(KCT_TCP_ESTABLISHED) && !v.assured &&
		  v.unreplied && timeout() == T_UNACK,
		  "tcp_loose=1: a mid-stream ACK is picked up in ESTABLISHED, with the UNACK timeout until a reply is seen");
	kct_check(!pkt(R, ACK, 90000, 70100, 500, 0) &&
		  is(KCT_TCP_ESTABLISHED) && !v.assured,
		  "the first reply of a pickup is valid, not yet ASSURED");
	kct_check(!pkt(O, ACK, 70100, 90000, 500, 0) && v.assured &&
		  !v.unreplied && timeout() == T_ESTABLISHED,
		  "the next segment after a reply makes a pickup ASSURED");
	kct_check(!pkt(O, ACK | PSH, 70100 + 5000000, 90000, 500, 100) &&
		  !pkt(R, ACK, 90000, 70100 + 9000000, 500, 0),
		  "a picked-up connection is judged liberally (scale unknown)");

	bad = seg(O, FIN | ACK, 70000, 90000, 500, 0);
	kct_check(first(&bad) == KCT_INVALID_TCP_NOT_SYN,
		  "tcp_loose=1: a FIN/ACK is not picked up");
	bad = seg(O, SYN | ACK, 70000, 90000, 500, 0);
	kct_check(first(&bad) == KCT_INVALID_TCP_NOT_SYN,
		  "a SYN/ACK never starts a connection");
	bad = seg(O, RST | ACK, 70000, 90000, 500, 0);
	kct_check(first(&bad) == KCT_INVALID_TCP_NOT_SYN,
		  "an RST never starts a connection");
	bad = seg(O, SYN | FIN, 70000, 0, 500, 0);
	kct_check(first(&bad) == KCT_INVALID_TCP_BAD_FLAGS,
		  "bad flags never start a connection (tcp_bad_flags)");
}

static void test_retrans(void)
{
	int i, ok = 1;

	established();
	pkt(O, ACK | PSH, CI + 1, SI + 1, 502, 100);
	for (i = 1; i <= 2; i++)
		ok &= !pkt(O, ACK | PSH, CI + 1, SI + 1, 502, 100) &&
		      !v.use_retrans_timeout;
	kct_check(ok,
		  "two retransmissions of a segment: still the normal timeout rules");
	kct_check(!pkt(O, ACK | PSH, CI + 1, SI + 1, 502, 100) &&
		  v.use_retrans_timeout && timeout() == T_RETRANS,
		  "the third retransmission (tcp_max_retrans=3) applies the RETRANS timeout");
	kct_check(!pkt(R, ACK, SI + 1, CI + 101, 509, 0) &&
		  !v.use_retrans_timeout,
		  "a different segment resets the count");

	established();
	cfg.max_retrans = 1;
	pkt(O, ACK | PSH, CI + 1, SI + 1, 502, 100);
	kct_check(!pkt(O, ACK | PSH, CI + 1, SI + 1, 502, 100) &&
		  v.use_retrans_timeout,
		  "tcp_max_retrans=1: the first retransmission is enough");

	established();
	kct_check(!pkt(R, ACK, SI + 1, CI + 1, 0, 0) && v.zero_window &&
		  timeout() == T_RETRANS,
		  "a zero window advertised: the RETRANS timeout applies");
	kct_check(!pkt(O, ACK, CI + 1, SI + 1, 0, 1) &&
		  is(KCT_TCP_ESTABLISHED),
		  "a one-byte zero-window probe is valid");
}

static void test_wraparound(void)
{
	const u32 ci = 0xffffff00u, si = 0xfffffff0u;
	struct kct_tcp_seg s;

	cfg = stock_cfg;
	s = syn_seg(O, SYN, ci, 0, 64240, 7);
	first(&s);
	s = syn_seg(R, SYN | ACK, si, ci + 1, 65160, 7);
	send_seg(&s);
	kct_check(!pkt(O, ACK, ci + 1, si + 1, 502, 0) &&
		  is(KCT_TCP_ESTABLISHED),
		  "wrap-around: handshake with ISNs just below 2^32");
	kct_check(!pkt(O, ACK | PSH, ci + 1, si + 1, 502, 0x400) &&
		  !pkt(R, ACK | PSH, si + 1, ci + 1 + 0x400, 509, 0x100) &&
		  ci + 1 + 0x400 < 0x1000,
		  "wrap-around: data crossing 2^32 both ways and its ack are valid");
	kct_check(!pkt(O, ACK | PSH, ci + 1 + 0x400, si + 1 + 0x100, 502,
		       100) && is(KCT_TCP_ESTABLISHED),
		  "wrap-around: sequence numbers after the wrap are in window");
	kct_check(pkt(O, ACK | PSH, ci + 1 + 0x400 + 0x80000000u,
		      si + 1 + 0x100, 502, 100) ==
			KCT_INVALID_TCP_OUT_OF_WINDOW,
		  "wrap-around: half the sequence space away is out of window");
}

static void test_timeout_choice(void)
{
	struct kct_tcp_verdict t = { .refresh = true };

	kct_check(kct_tcp_timeout(&t, 120, 300, 300, 10) == 120,
		  "timeout: a state shorter than RETRANS/UNACK keeps its own");
	t.use_retrans_timeout = true;
	t.use_close_timeout = true;
	kct_check(kct_tcp_timeout(&t, 500, 300, 200, 10) == 300,
		  "timeout: RETRANS (if shorter) comes before everything");
	kct_check(kct_tcp_timeout(&t, 250, 300, 200, 10) == 10,
		  "timeout: RETRANS not shorter: an RST then gets CLOSE");
	t.use_close_timeout = false;
	t.use_unack_timeout = true;
	kct_check(kct_tcp_timeout(&t, 250, 300, 200, 10) == 200,
		  "timeout: then unacked data gets UNACK if shorter");
	t.use_unack_timeout = false;
	t.unreplied = true;
	kct_check(kct_tcp_timeout(&t, 250, 300, 200, 10) == 200,
		  "timeout: an unreplied ESTABLISHED is capped at UNACK last");
}

/*
 * The state table, one row per state and direction: the outcome of a SYN,
 * SYN/ACK, FIN, ACK and RST (exact seq) in that state, with window checks
 * off (be_liberal) so that only the table speaks.  SYN in TIME_WAIT and
 * CLOSE is tested with a FIN seen, where it reopens.
 */
static const int table_expect[KCT_TCP_STATE_MAX][2][5] = {
	[KCT_TCP_NONE] = {
		{ KCT_TCP_SYN_SENT, INV, INV, KCT_TCP_ESTABLISHED, INV },
		{ INV, INV, INV, INV, INV } },
	[KCT_TCP_SYN_SENT] = {
		{ KCT_TCP_SYN_SENT, INV, INV, INV, KCT_TCP_CLOSE },
		{ KCT_TCP_SYN_SENT2, KCT_TCP_SYN_RECV, INV, IGN,
		  KCT_TCP_CLOSE } },
	[KCT_TCP_SYN_RECV] = {
		{ IGN, KCT_TCP_SYN_RECV, KCT_TCP_FIN_WAIT,
		  KCT_TCP_ESTABLISHED, KCT_TCP_CLOSE },
		{ INV, IGN, KCT_TCP_FIN_WAIT, KCT_TCP_SYN_RECV,
		  KCT_TCP_CLOSE } },
	[KCT_TCP_ESTABLISHED] = {
		{ IGN, INV, KCT_TCP_FIN_WAIT, KCT_TCP_ESTABLISHED,
		  KCT_TCP_CLOSE },
		{ INV, IGN, KCT_TCP_FIN_WAIT, KCT_TCP_ESTABLISHED,
		  KCT_TCP_CLOSE } },
	[KCT_TCP_FIN_WAIT] = {
		{ IGN, INV, KCT_TCP_LAST_ACK, KCT_TCP_CLOSE_WAIT,
		  KCT_TCP_CLOSE },
		{ INV, IGN, KCT_TCP_LAST_ACK, KCT_TCP_CLOSE_WAIT,
		  KCT_TCP_CLOSE } },
	[KCT_TCP_CLOSE_WAIT] = {
		{ IGN, INV, KCT_TCP_LAST_ACK, KCT_TCP_CLOSE_WAIT,
		  KCT_TCP_CLOSE },
		{ INV, IGN, KCT_TCP_LAST_ACK, KCT_TCP_CLOSE_WAIT,
		  KCT_TCP_CLOSE } },
	[KCT_TCP_LAST_ACK] = {
		{ IGN, INV, KCT_TCP_LAST_ACK, KCT_TCP_TIME_WAIT,
		  KCT_TCP_CLOSE },
		{ INV, IGN, KCT_TCP_LAST_ACK, KCT_TCP_TIME_WAIT,
		  KCT_TCP_CLOSE } },
	[KCT_TCP_TIME_WAIT] = {
		{ REOPEN, INV, KCT_TCP_TIME_WAIT, KCT_TCP_TIME_WAIT,
		  KCT_TCP_CLOSE },
		{ REOPEN, IGN, KCT_TCP_TIME_WAIT, KCT_TCP_TIME_WAIT,
		  KCT_TCP_CLOSE } },
	[KCT_TCP_CLOSE] = {
		{ REOPEN, INV, KCT_TCP_CLOSE, KCT_TCP_CLOSE, KCT_TCP_CLOSE },
		{ INV, IGN, KCT_TCP_CLOSE, KCT_TCP_CLOSE, KCT_TCP_CLOSE } },
	[KCT_TCP_SYN_SENT2] = {
		{ KCT_TCP_SYN_SENT2, KCT_TCP_SYN_RECV, INV, INV,
		  KCT_TCP_CLOSE },
		{ KCT_TCP_SYN_SENT2, KCT_TCP_SYN_RECV, INV, IGN,
		  KCT_TCP_CLOSE } },
};

static const char *outcome_name(int o)
{
	switch (o) {
	case IGN:
		return "ignored";
	case INV:
		return "INVALID";
	case REOPEN:
		return "reopen";
	default:
		return kct_tcp_state_names[o];
	}
}

static void table_row(enum kct_tcp_state state, int dir)
{
	static const u8 kinds[5] = { SYN, SYN | ACK, FIN | ACK, ACK, RST };
	static const char *const kname[5] = {
		"SYN", "SYN/ACK", "FIN", "ACK", "RST"
	};
	struct kct_tcp_conn base;
	char desc[256];
	int k, got[5], ok = 1, n;

	established();
	cfg.be_liberal = true;
	base = c;
	base.state = state;
	base.last_index = KCT_KIND_NONE;
	base.seen[0].flags |= KCT_TCP_SIDE_CLOSER;
	n = snprintf(desc, sizeof(desc), "table: %s, %s:",
		     kct_tcp_state_names[state],
		     dir == O ? "original" : "reply");
	for (k = 0; k < 5; k++) {
		struct kct_tcp_seg s;

		c = base;
		if (kinds[k] & SYN)
			s = syn_seg(dir, kinds[k], dir == O ? CI + 1 : SI + 1,
				    dir == O ? SI + 1 : CI + 1, 1000, 7);
		else
			s = seg(dir, kinds[k], dir == O ? CI + 1 : SI + 1,
				dir == O ? SI + 1 : CI + 1, 1000, 0);
		kct_tcp_conn_packet(&c, &s, &cfg, true, true, &v);
		if (v.reopen)
			got[k] = REOPEN;
		else if (v.invalid == KCT_INVALID_TCP_BAD_STATE)
			got[k] = INV;
		else if (v.invalid)
			got[k] = -1;
		else if (v.ignored)
			got[k] = IGN;
		else
			got[k] = v.state;
		if (got[k] != table_expect[state][dir][k])
			ok = 0;
		n += snprintf(desc + n, sizeof(desc) - n, " %s %s%s", kname[k],
			      outcome_name(table_expect[state][dir][k]),
			      k < 4 ? "," : "");
	}
	kct_check(ok, "%s", desc);
}

int main(void)
{
	int st;

	kct_unit_start();
	test_names_and_flags();
	test_layout();
	test_stock_meaning();
	test_handshake();
	test_close();
	test_rst();
	test_reopen();
	test_ignored();
	test_simultaneous_open();
	test_window_scaling();
	test_out_of_window();
	test_loose();
	test_synproxy_keepalive();
	test_retrans();
	test_wraparound();
	test_timeout_choice();
	for (st = 0; st < KCT_TCP_STATE_MAX; st++) {
		table_row(st, O);
		table_row(st, R);
	}
	return kct_unit_done();
}
