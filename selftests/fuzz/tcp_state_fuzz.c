// SPDX-License-Identifier: GPL-2.0
// kct-fuzz-sources: kmod/kct_tcp_state.c
/*
 * libFuzzer target of the TCP state machine and window tracker.
 *
 * Input: one configuration byte (bit 0 tcp_loose, 1 tcp_be_liberal,
 * 2 tcp_ignore_invalid_rst, 3-4 tcp_max_retrans), then records of 16
 * bytes, one segment each:
 *   0     bit 0 direction, 1 window scale option, 2 SACK-permitted,
 *         3 a SACK block, 4 seq relative, 5 ack relative, 6 no options,
 *         7 first, stock code writes ct->proto.tcp as a flowtable does
 *         (both sides BE_LIBERAL, td_maxwin cleared)
 *   1     flag byte
 *   2-5   seq (big endian); relative: byte 5 is a signed offset from the
 *         sender's end (times 1000 if byte 4 bit 7), or with byte 4 bit 6
 *         from the peer's maxack or (bit 5) the last ack
 *   6-9   ack; relative: byte 9 is a signed offset from the peer's end
 *         (times 1000 if byte 8 bit 7), or with byte 8 bit 6 from the last
 *         segment's end
 *   10-11 window, 12-13 payload length (14 bits), 14 window shift,
 *   15    SACK right edge offset from the ack (times 100)
 * The segments go through kct_tcp_conn_new() and kct_tcp_conn_packet() as
 * the core sends them: new connection when there is none, retry as new on
 * reopen (the sender becoming the original side), none after a kill.
 *
 * Checked, abort() on violation:
 *  - the state is always a real one and the verdict reports it;
 *  - INVALID, ignored and reopen leave the state alone, and exclude each
 *    other; INVALID reasons are TCP ones;
 *  - each state change is the one stock's table gives for that state,
 *    direction and kind (the rules are written out again below, from
 *    stock's table comments), or one of its exceptions: the reply ACK of a
 *    simultaneous open, an inexact RST, a SYN/ACK answering an ignored SYN;
 *    INVALID by table exactly where that table says so;
 *  - reopen only for a SYN in TIME_WAIT or CLOSE; kill only for an RST
 *    before any reply; ASSURED only after a reply, and for good;
 *  - window shifts are at most 14, and only for a side that offered one;
 *  - kct_tcp_flags_valid() agrees with the list of valid combinations,
 *    and bad combinations never pass;
 *  - early drop exactly in the closing states; kct_tcp_timeout() picks one
 *    of the timeouts it is given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kct_tcp_state.h"

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "invariant failed: %s (line %d)\n", \
				#cond, __LINE__);			\
			abort();					\
		}							\
	} while (0)

#define REC_LEN	16

/* Rule outcomes that are not states. */
#define R_IGN	100
#define R_INV	101

enum { K_SYN, K_SYNACK, K_FIN, K_ACK, K_RST };

static struct kct_tcp_conn c;
static struct kct_tcp_cfg cfg;
static bool exists, reply_seen, assured;

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* The valid combinations, PSH, ECE and CWR aside, as a plain list. */
static bool flags_ok(u8 f)
{
	static const u8 valid[] = {
		KCT_TCP_SYN, KCT_TCP_SYN | KCT_TCP_URG,
		KCT_TCP_SYN | KCT_TCP_ACK, KCT_TCP_RST,
		KCT_TCP_RST | KCT_TCP_ACK, KCT_TCP_FIN | KCT_TCP_ACK,
		KCT_TCP_FIN | KCT_TCP_ACK | KCT_TCP_URG, KCT_TCP_ACK,
		KCT_TCP_ACK | KCT_TCP_URG,
	};
	size_t i;

	f &= ~(KCT_TCP_PSH | KCT_TCP_ECE | KCT_TCP_CWR);
	for (i = 0; i < ARRAY_SIZE(valid); i++)
		if (f == valid[i])
			return true;
	return false;
}

/* Only for valid flag bytes: those have RST, SYN or ACK. */
static int kind_of(u8 f)
{
	if (f & KCT_TCP_RST)
		return K_RST;
	if (f & KCT_TCP_SYN)
		return f & KCT_TCP_ACK ? K_SYNACK : K_SYN;
	if (f & KCT_TCP_FIN)
		return K_FIN;
	return K_ACK;
}

/* Stock's transition table, as rules. */
static int rule(int st, int dir, int kind)
{
	switch (kind) {
	case K_RST:
		return st == KCT_TCP_NONE ? R_INV : KCT_TCP_CLOSE;
	case K_SYN:
		if (st == KCT_TCP_SYN_SENT2)
			return KCT_TCP_SYN_SENT2;
		if (dir == 1)
			return st == KCT_TCP_SYN_SENT ? KCT_TCP_SYN_SENT2 :
			       st == KCT_TCP_TIME_WAIT ? KCT_TCP_SYN_SENT :
			       R_INV;
		if (st == KCT_TCP_NONE || st == KCT_TCP_SYN_SENT ||
		    st == KCT_TCP_TIME_WAIT || st == KCT_TCP_CLOSE)
			return KCT_TCP_SYN_SENT;
		return R_IGN;
	case K_SYNACK:
		if (dir == 0)
			return st == KCT_TCP_SYN_RECV ||
			       st == KCT_TCP_SYN_SENT2 ?
			       KCT_TCP_SYN_RECV : R_INV;
		if (st == KCT_TCP_NONE)
			return R_INV;
		return st == KCT_TCP_SYN_SENT || st == KCT_TCP_SYN_SENT2 ?
		       KCT_TCP_SYN_RECV : R_IGN;
	case K_FIN:
		switch (st) {
		case KCT_TCP_SYN_RECV:
		case KCT_TCP_ESTABLISHED:
			return KCT_TCP_FIN_WAIT;
		case KCT_TCP_FIN_WAIT:
		case KCT_TCP_CLOSE_WAIT:
		case KCT_TCP_LAST_ACK:
			return KCT_TCP_LAST_ACK;
		case KCT_TCP_TIME_WAIT:
		case KCT_TCP_CLOSE:
			return st;
		default:
			return R_INV;
		}
	default:
		switch (st) {
		case KCT_TCP_NONE:
			return dir ? R_INV : KCT_TCP_ESTABLISHED;
		case KCT_TCP_SYN_SENT:
		case KCT_TCP_SYN_SENT2:
			return dir ? R_IGN : R_INV;
		case KCT_TCP_SYN_RECV:
			return dir ? KCT_TCP_SYN_RECV : KCT_TCP_ESTABLISHED;
		case KCT_TCP_ESTABLISHED:
			return KCT_TCP_ESTABLISHED;
		case KCT_TCP_FIN_WAIT:
		case KCT_TCP_CLOSE_WAIT:
			return KCT_TCP_CLOSE_WAIT;
		case KCT_TCP_LAST_ACK:
		case KCT_TCP_TIME_WAIT:
			return KCT_TCP_TIME_WAIT;
		default:
			return KCT_TCP_CLOSE;
		}
	}
}

static bool closing(int st)
{
	return st == KCT_TCP_FIN_WAIT || st == KCT_TCP_CLOSE_WAIT ||
	       st == KCT_TCP_LAST_ACK || st == KCT_TCP_TIME_WAIT ||
	       st == KCT_TCP_CLOSE;
}

static void check_conn(void)
{
	int d;

	CHECK(c.state < KCT_TCP_STATE_MAX);
	CHECK(kct_tcp_can_early_drop(&c) == closing(c.state));
	for (d = 0; d < 2; d++) {
		CHECK(c.seen[d].td_scale <= KCT_TCP_MAX_WSCALE);
		CHECK(!c.seen[d].td_scale ||
		      (c.seen[d].flags & KCT_TCP_SIDE_WSCALE));
	}
	CHECK(c.last_index < KCT_KIND_MAX);
}

static void check_timeout(const struct kct_tcp_verdict *v, const u8 *b)
{
	unsigned int t[4] = { b[10], b[11], b[14], b[15] }, got;

	got = kct_tcp_timeout(v, t[0], t[1], t[2], t[3]);
	CHECK(got == t[0] || got == t[1] || got == t[2] || got == t[3]);
	if (!v->use_retrans_timeout && !v->use_close_timeout &&
	    !v->use_unack_timeout && !v->zero_window && !v->unreplied)
		CHECK(got == t[0]);
}

/* One segment to an existing connection; false if it reopened it. */
static bool step(const struct kct_tcp_seg *s, const u8 *b)
{
	struct kct_tcp_verdict v;
	int old = c.state, kind, r;

	kct_tcp_conn_packet(&c, s, &cfg, reply_seen, assured, &v);
	CHECK(v.state == c.state);
	CHECK(v.invalid >= KCT_VALID && v.invalid < KCT_INVALID_MAX);
	check_timeout(&v, b);
	if (!flags_ok(s->flags)) {
		CHECK(v.invalid == KCT_INVALID_TCP_BAD_FLAGS);
		CHECK(c.state == old);
		return true;
	}
	kind = kind_of(s->flags);
	r = rule(old, s->dir, kind);
	CHECK((r == R_INV) == (v.invalid == KCT_INVALID_TCP_BAD_STATE));

	if (v.invalid) {
		CHECK(v.invalid == KCT_INVALID_TCP_OUT_OF_WINDOW ||
		      v.invalid == KCT_INVALID_TCP_BAD_ACK ||
		      v.invalid == KCT_INVALID_TCP_BAD_RST ||
		      v.invalid == KCT_INVALID_TCP_BAD_STATE);
		CHECK(!v.reopen && !v.ignored && !v.kill && !v.refresh);
		CHECK(c.state == old);
		CHECK(v.invalid == KCT_INVALID_TCP_BAD_RST ? kind == K_RST : 1);
		return true;
	}
	CHECK(!v.lower_timeout);
	if (v.reopen) {
		CHECK(kind == K_SYN && r == KCT_TCP_SYN_SENT);
		CHECK(old == KCT_TCP_TIME_WAIT || old == KCT_TCP_CLOSE);
		CHECK(!v.ignored && !v.kill && !v.refresh && c.state == old);
		return false;
	}
	/* The core sets SEEN_REPLY for every valid reply, ignored or not. */
	if (v.ignored) {
		CHECK(!v.kill && !v.refresh && c.state == old);
		CHECK(v.assured == assured);
		if (s->dir)
			reply_seen = true;
		return true;
	}
	if (c.state != r) {
		/* The exceptions to the table. */
		CHECK((r == KCT_TCP_SYN_RECV && s->dir == 1 && kind == K_ACK &&
		       c.state == KCT_TCP_ESTABLISHED) ||
		      (kind == K_RST && c.state == old) ||
		      (r == R_IGN && kind == K_SYNACK &&
		       c.state == KCT_TCP_SYN_RECV));
	}
	if (v.kill)
		CHECK(kind == K_RST && !reply_seen &&
		      c.state == KCT_TCP_CLOSE && !v.refresh);
	else if (!(kind == K_SYN && old == KCT_TCP_SYN_SENT && !reply_seen))
		CHECK(v.refresh);
	if (v.unreplied)
		CHECK(!reply_seen && c.state == KCT_TCP_ESTABLISHED);
	if (v.assured)
		CHECK(reply_seen);
	CHECK(v.assured || !assured);
	assured = v.assured;
	if (s->dir)
		reply_seen = true;
	if (v.kill)
		exists = false;
	return true;
}

/* First segment: new(), then packet() if new() took it. */
static void start(struct kct_tcp_seg *s, const u8 *b)
{
	enum kct_invalid_reason why;

	s->dir = 0;
	memset(&c, 0xa5, sizeof(c));
	why = kct_tcp_conn_new(&c, s, &cfg);
	if (!flags_ok(s->flags)) {
		CHECK(why == KCT_INVALID_TCP_BAD_FLAGS);
		return;
	}
	CHECK(!why == (kind_of(s->flags) == K_SYN ||
		       (kind_of(s->flags) == K_ACK && cfg.loose)));
	CHECK(why == KCT_VALID || why == KCT_INVALID_TCP_NOT_SYN);
	if (why)
		return;
	CHECK(c.state == KCT_TCP_NONE);
	reply_seen = false;
	assured = false;
	exists = true;
	CHECK(step(s, b));
	/* The core drops an entry whose first segment is INVALID. */
	if (c.state == KCT_TCP_NONE)
		exists = false;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	int flip = 0;

	if (!size)
		return 0;
	cfg.loose = data[0] & 1;
	cfg.be_liberal = data[0] >> 1 & 1;
	cfg.ignore_invalid_rst = data[0] >> 2 & 1;
	cfg.max_retrans = data[0] >> 3 & 3;
	exists = false;
	data++;
	size--;

	for (; size >= REC_LEN; data += REC_LEN, size -= REC_LEN) {
		const u8 *b = data;
		struct kct_tcp_seg s;
		u32 seq = be32(b + 2), ack = be32(b + 6);
		int d, i;

		memset(&s, 0, sizeof(s));
		if (!exists)
			flip = b[0] & 1;
		d = (b[0] & 1) ^ flip;
		if (exists && (b[0] & 0x10)) {
			if (b[4] & 0x40)
				seq = (b[4] & 0x20 ? c.last_ack :
				       c.seen[!d].td_maxack) + (b[5] & 3);
			else
				seq = c.seen[d].td_end + (s8)b[5] *
				      (b[4] & 0x80 ? 1000 : 1);
		}
		if (exists && (b[0] & 0x20)) {
			if (b[8] & 0x40)
				ack = c.last_end + (b[9] & 3);
			else
				ack = c.seen[!d].td_end + (s8)b[9] *
				      (b[8] & 0x80 ? 1000 : 1);
		}
		s.dir = d;
		s.flags = b[1];
		s.seq = seq;
		s.ack = ack;
		s.win = b[10] << 8 | b[11];
		s.datalen = (b[12] << 8 | b[13]) & 0x3fff;
		s.no_options = b[0] & 0x40;
		if (!s.no_options) {
			s.has_wscale = b[0] & 0x02;
			s.wscale = s.has_wscale ? b[14] : 0;
			s.sack_perm = b[0] & 0x04;
			s.has_sack = b[0] & 0x08;
			s.sack_max = s.has_sack ? ack + (s8)b[15] * 100 : 0;
		}

		if (exists && (b[0] & 0x80)) {
			for (i = 0; i < 2; i++) {
				c.seen[i].flags |= KCT_TCP_SIDE_LIBERAL;
				c.seen[i].td_maxwin = 0;
			}
		}
		if (!exists) {
			start(&s, b);
		} else if (!step(&s, b)) {
			/* Reopen: the sender opens a new connection. */
			exists = false;
			if (d)
				flip ^= 1;
			start(&s, b);
		}
		if (exists)
			check_conn();
	}
	return 0;
}
