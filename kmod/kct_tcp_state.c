// SPDX-License-Identifier: GPL-2.0
/*
 * TCP state machine and window tracking with stock 6.1's behaviour (see
 * kct_tcp_state.h for the contract with the caller).
 *
 * We sit in the middle: we see every segment, but the ends may not, and
 * we never know for sure what they believe.  So the state is our guess of
 * the ends' states, and a segment is judged by two things: its kind in the
 * current state (the table below), and whether its sequence and ack
 * numbers fit what both ends can have sent and offered (the window
 * checks, after Guido van Rooij's "Real Stateful TCP Packet Filtering in
 * IP Filter", with RFC 793's rule that a segment must only overlap the
 * window).  Whatever we are unsure of is let through without effect
 * ("ignored") rather than called INVALID, because it may be how the ends
 * get back in sync with each other, or with us.
 */
#include "kct_tcp_state.h"

const char *const kct_tcp_state_names[KCT_TCP_STATE_MAX] = {
	[KCT_TCP_NONE]		= "NONE",
	[KCT_TCP_SYN_SENT]	= "SYN_SENT",
	[KCT_TCP_SYN_RECV]	= "SYN_RECV",
	[KCT_TCP_ESTABLISHED]	= "ESTABLISHED",
	[KCT_TCP_FIN_WAIT]	= "FIN_WAIT",
	[KCT_TCP_CLOSE_WAIT]	= "CLOSE_WAIT",
	[KCT_TCP_LAST_ACK]	= "LAST_ACK",
	[KCT_TCP_TIME_WAIT]	= "TIME_WAIT",
	[KCT_TCP_CLOSE]		= "CLOSE",
	[KCT_TCP_SYN_SENT2]	= "SYN_SENT2",
};

/* Table outcomes that are not states. */
#define KCT_NEXT_INVALID	KCT_TCP_STATE_MAX
#define KCT_NEXT_IGNORE		(KCT_TCP_STATE_MAX + 1)

#define NO KCT_TCP_NONE
#define SS KCT_TCP_SYN_SENT
#define SR KCT_TCP_SYN_RECV
#define ES KCT_TCP_ESTABLISHED
#define FW KCT_TCP_FIN_WAIT
#define CW KCT_TCP_CLOSE_WAIT
#define LA KCT_TCP_LAST_ACK
#define TW KCT_TCP_TIME_WAIT
#define CL KCT_TCP_CLOSE
#define S2 KCT_TCP_SYN_SENT2
#define XX KCT_NEXT_INVALID
#define IG KCT_NEXT_IGNORE

/*
 * Next state by current state, then direction, then kind.  The choices
 * that are not obvious:
 *  - A SYN from the original side in a synchronised state is ignored:
 *    either it is bogus and the server will answer with an RST or a
 *    challenge ACK, or the client restarted and the SYN/ACK will tell us
 *    (see kct_tcp_resync()).  In TIME_WAIT or CLOSE it may reopen the
 *    connection (RFC 1122 4.2.2.13), from either side in TIME_WAIT.
 *  - A SYN/ACK from the server once past SYN_SENT is ignored: a late
 *    retransmission, or the answer to a SYN we ignored.
 *  - An ACK from the server in SYN_SENT is ignored: it may be a
 *    half-open connection's answer (a challenge ACK) to the SYN.
 *  - SYN_SENT2 is a simultaneous open: both sides sent a SYN; either
 *    side's SYN/ACK leads to SYN_RECV.
 *  - A FIN before the handshake has been answered is refused.
 */
static const u8 kct_tcp_next[KCT_TCP_STATE_MAX][2][KCT_KIND_MAX] = {
	/*	    original				reply
	 *	    syn s/a fin ack rst none		syn s/a fin ack rst none
	 */
	[NO] = { { SS, XX, XX, ES, XX, XX },	{ XX, XX, XX, XX, XX, XX } },
	[SS] = { { SS, XX, XX, XX, CL, XX },	{ S2, SR, XX, IG, CL, XX } },
	[SR] = { { IG, SR, FW, ES, CL, XX },	{ XX, IG, FW, SR, CL, XX } },
	[ES] = { { IG, XX, FW, ES, CL, XX },	{ XX, IG, FW, ES, CL, XX } },
	[FW] = { { IG, XX, LA, CW, CL, XX },	{ XX, IG, LA, CW, CL, XX } },
	[CW] = { { IG, XX, LA, CW, CL, XX },	{ XX, IG, LA, CW, CL, XX } },
	[LA] = { { IG, XX, LA, TW, CL, XX },	{ XX, IG, LA, TW, CL, XX } },
	[TW] = { { SS, XX, TW, TW, CL, XX },	{ SS, IG, TW, TW, CL, XX } },
	[CL] = { { SS, XX, CL, CL, CL, XX },	{ XX, IG, CL, CL, CL, XX } },
	[S2] = { { S2, SR, XX, XX, CL, XX },	{ S2, SR, XX, IG, CL, XX } },
};

#undef NO
#undef SS
#undef SR
#undef ES
#undef FW
#undef CW
#undef LA
#undef TW
#undef CL
#undef S2
#undef XX
#undef IG

/* Outcome of the window checks. */
enum kct_tcp_fit {
	KCT_FIT_PASS,		/* in window: go on with the state change */
	KCT_FIT_IGNORE,		/* plausible but stale: pass, change nothing */
	KCT_FIT_BAD,		/* INVALID */
};

/* Outcome of the RST checks before the window checks. */
enum kct_tcp_rst {
	KCT_RST_WINDOW,		/* judge it by window as any segment */
	KCT_RST_TRUSTED,	/* accept it without the window checks */
	KCT_RST_BAD,		/* INVALID */
};

/*
 * Acks may lag behind the peer's end by a window's worth, but by at least
 * this much, for stacks that ack late after a burst.
 */
#define KCT_TCP_ACK_LAG_MIN	66000

/* Sequence-space order, modulo 2^32 (RFC 1982). */
static inline bool kct_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static inline bool kct_seq_after(u32 a, u32 b)
{
	return kct_seq_before(b, a);
}

bool kct_tcp_flags_valid(u8 flags)
{
	/* PSH, ECE and CWR may come with anything. */
	switch (flags & ~(KCT_TCP_PSH | KCT_TCP_ECE | KCT_TCP_CWR)) {
	case KCT_TCP_SYN:
	case KCT_TCP_SYN | KCT_TCP_URG:
	case KCT_TCP_SYN | KCT_TCP_ACK:
	case KCT_TCP_RST:
	case KCT_TCP_RST | KCT_TCP_ACK:
	case KCT_TCP_FIN | KCT_TCP_ACK:
	case KCT_TCP_FIN | KCT_TCP_ACK | KCT_TCP_URG:
	case KCT_TCP_ACK:
	case KCT_TCP_ACK | KCT_TCP_URG:
		return true;
	default:
		return false;
	}
}

static unsigned int kct_tcp_kind(u8 flags)
{
	if (flags & KCT_TCP_RST)
		return KCT_KIND_RST;
	if (flags & KCT_TCP_SYN)
		return flags & KCT_TCP_ACK ? KCT_KIND_SYNACK : KCT_KIND_SYN;
	if (flags & KCT_TCP_FIN)
		return KCT_KIND_FIN;
	if (flags & KCT_TCP_ACK)
		return KCT_KIND_ACK;
	return KCT_KIND_NONE;
}

/* The sequence number just after the segment: SYN and FIN count as one. */
static u32 kct_tcp_seg_end(const struct kct_tcp_seg *s)
{
	return s->seq + s->datalen + !!(s->flags & KCT_TCP_SYN) +
	       !!(s->flags & KCT_TCP_FIN);
}

static u8 kct_tcp_wscale(const struct kct_tcp_seg *s)
{
	return s->wscale > KCT_TCP_MAX_WSCALE ? KCT_TCP_MAX_WSCALE : s->wscale;
}

static bool kct_tcp_closing(unsigned int state)
{
	switch (state) {
	case KCT_TCP_FIN_WAIT:
	case KCT_TCP_CLOSE_WAIT:
	case KCT_TCP_LAST_ACK:
	case KCT_TCP_TIME_WAIT:
	case KCT_TCP_CLOSE:
		return true;
	default:
		return false;
	}
}

bool kct_tcp_can_early_drop(const struct kct_tcp_conn *c)
{
	return kct_tcp_closing(c->state);
}

/*
 * Takes what side @d offers in its SYN's options.  The LIBERAL flag
 * belongs to the connection's history, not to the SYN, so it stays.  A
 * SYN without any option bytes changes nothing, as in stock.
 */
static void kct_tcp_read_options(struct kct_tcp_conn *c, unsigned int d,
				 const struct kct_tcp_seg *s)
{
	if (s->no_options)
		return;
	c->seen[d].td_scale = 0;
	c->seen[d].flags &= KCT_TCP_SIDE_LIBERAL;
	if (s->has_wscale) {
		c->seen[d].td_scale = kct_tcp_wscale(s);
		c->seen[d].flags |= KCT_TCP_SIDE_WSCALE;
	}
	if (s->sack_perm)
		c->seen[d].flags |= KCT_TCP_SIDE_SACK;
}

/* Side @d (re)starts with the SYN or SYN/ACK @s, which ends at @end. */
static void kct_tcp_start_side(struct kct_tcp_conn *c, unsigned int d,
			       const struct kct_tcp_seg *s, u32 end)
{
	struct kct_tcp_side *me = &c->seen[d];

	me->td_end = end;
	me->td_maxend = end;
	me->td_maxwin = s->win ? s->win : 1;	/* 0 means "not started" */
	kct_tcp_read_options(c, d, s);
	/*
	 * RFC 7323: windows are scaled only if both SYNs offered it.  The
	 * reply side's SYN is the one that settles it.
	 */
	if (d == 1 &&
	    !(c->seen[0].flags & c->seen[1].flags & KCT_TCP_SIDE_WSCALE)) {
		c->seen[0].td_scale = 0;
		c->seen[1].td_scale = 0;
	}
}

/*
 * Side @d's first segment is not a SYN: we joined mid-stream (loose
 * pickup, or a SYN/ACK that made us forget this side).  Guess its window
 * from the segment, and let the peer's end follow the ack so that the
 * ack checks pass until the peer speaks.
 */
static void kct_tcp_join_side(struct kct_tcp_conn *c, unsigned int d,
			      u32 end, u32 win, u32 sack)
{
	struct kct_tcp_side *me = &c->seen[d], *peer = &c->seen[!d];
	u32 w = win << (c->seen[d].td_scale & 15);

	me->td_end = end;
	me->td_maxwin = w ? w : 1;
	me->td_maxend = end + me->td_maxwin;
	if (!peer->td_maxwin) {
		peer->td_end = sack;
		peer->td_maxend = sack;
	} else if (sack == peer->td_end + 1) {
		/* Answers a keepalive, which sits one below the peer's end. */
		peer->td_end++;
	}
}

/* How far back an ack from @snd may be and still count. */
static u32 kct_tcp_ack_lag(const struct kct_tcp_side *snd)
{
	return snd->td_maxwin > KCT_TCP_ACK_LAG_MIN ? snd->td_maxwin :
						   KCT_TCP_ACK_LAG_MIN;
}

/*
 * Counts repeats of the same ACK segment: a peer that keeps resending
 * without an answer is probably gone, and then the caller shortens the
 * timeout (the retrans one) after cfg->max_retrans repeats.
 */
static void kct_tcp_count_retrans(struct kct_tcp_conn *c, unsigned int d,
				  u32 seq, u32 ack, u32 end, u16 win)
{
	if (c->last_dir == d && c->last_seq == seq && c->last_ack == ack &&
	    c->last_end == end && c->last_win == win) {
		c->retrans++;
		return;
	}
	c->last_dir = d;
	c->last_seq = seq;
	c->last_ack = ack;
	c->last_end = end;
	c->last_win = win;
	c->retrans = 0;
}

/*
 * The window checks, and the window bookkeeping of a segment that passes
 * them.  For a segment from "sender" to "peer", with sack the highest of
 * its ack and SACK right edges:
 *   1. seq      <= sender.maxend (within what the peer's window allows)
 *   2. seq + len > sender.end - peer.maxwin (not older than a window)
 *   3. sack     <= peer.end (acks only what the peer has sent)
 *   4. sack      > peer.end - max(sender.maxwin, 66000) (not far behind)
 * 1 and 3 failing is INVALID; 2 and 4 failing means stale (a late
 * retransmission or delayed ack): ignored.  be_liberal passes them all
 * but then keeps no record of the segment.
 */
static enum kct_tcp_fit kct_tcp_window(struct kct_tcp_conn *c,
				       const struct kct_tcp_seg *s,
				       unsigned int d, unsigned int kind,
				       const struct kct_tcp_cfg *cfg,
				       enum kct_invalid_reason *why)
{
	struct kct_tcp_side *snd = &c->seen[d], *peer = &c->seen[!d];
	bool liberal = cfg->be_liberal ||
		       (c->seen[d].flags & KCT_TCP_SIDE_LIBERAL);
	bool syn = s->flags & KCT_TCP_SYN;
	bool has_ack = s->flags & KCT_TCP_ACK;
	u32 seq = s->seq, ack = s->ack, sack = s->ack;
	u32 end = kct_tcp_seg_end(s), win = s->win, w, over;

	/* SACK blocks count only once the peer said it understands them. */
	if ((c->seen[!d].flags & KCT_TCP_SIDE_SACK) && s->has_sack &&
	    kct_seq_after(s->sack_max, sack))
		sack = s->sack_max;

	if (!snd->td_maxwin) {
		if (syn) {
			kct_tcp_start_side(c, d, s, end);
			/* The second SYN of a simultaneous open: nothing to
			 * check it against yet.
			 */
			if (!has_ack)
				return KCT_FIT_PASS;
		} else {
			kct_tcp_join_side(c, d, end, win, sack);
		}
	} else if (syn && kct_seq_after(end, snd->td_end) &&
		   (c->state == KCT_TCP_SYN_SENT ||
		    c->state == KCT_TCP_SYN_RECV)) {
		/*
		 * A SYN beyond the earlier one during the handshake: the end
		 * restarted (RFC 793 lets it, with higher sequence numbers),
		 * maybe with other options.  Start that side over.
		 */
		kct_tcp_start_side(c, d, s, end);
		if (d == 1 && !has_ack)
			return KCT_FIT_PASS;
	}

	/*
	 * Nothing acked: take it as acking all, which always fits.  Some
	 * stacks send RST/ACK with a zero ack: same.
	 */
	if (!has_ack || ((s->flags & KCT_TCP_RST) && !ack)) {
		ack = peer->td_end;
		sack = peer->td_end;
	}

	/* An RST answering the SYN may carry seq 0: it then fits. */
	if ((s->flags & KCT_TCP_RST) && !seq &&
	    c->state == KCT_TCP_SYN_SENT) {
		seq = snd->td_end;
		end = snd->td_end;
	}

	if (!kct_seq_before(seq, snd->td_maxend + 1)) {
		over = end - snd->td_maxend + 1;
		/*
		 * Some stacks send a little past the peer's window.  If all
		 * else fits, note the data (so that its ack will not look
		 * too high later) and let the segment pass unjudged.
		 */
		if (peer->td_maxwin &&
		    kct_seq_after(end, snd->td_end - peer->td_maxwin - 1) &&
		    kct_seq_after(sack,
				  peer->td_end - kct_tcp_ack_lag(snd) - 1) &&
		    over <= peer->td_maxwin &&
		    kct_seq_before(sack, peer->td_end + 1)) {
			snd->td_end = end;
			c->seen[d].flags |= KCT_TCP_SIDE_UNACKED;
			return liberal ? KCT_FIT_PASS : KCT_FIT_IGNORE;
		}
		*why = KCT_INVALID_TCP_OUT_OF_WINDOW;
		return liberal ? KCT_FIT_PASS : KCT_FIT_BAD;
	}
	if (!kct_seq_before(sack, peer->td_end + 1)) {
		*why = KCT_INVALID_TCP_BAD_ACK;
		return liberal ? KCT_FIT_PASS : KCT_FIT_BAD;
	}
	if (peer->td_maxwin &&
	    !kct_seq_after(end, snd->td_end - peer->td_maxwin - 1))
		return liberal ? KCT_FIT_PASS : KCT_FIT_IGNORE;
	if (!kct_seq_after(sack, peer->td_end - kct_tcp_ack_lag(snd) - 1))
		return liberal ? KCT_FIT_PASS : KCT_FIT_IGNORE;

	/* The window field of a SYN is never scaled (RFC 7323 2.2). */
	if (!syn)
		win <<= c->seen[d].td_scale & 15;

	/* What the sender offers reaches from its ack to sack + window. */
	w = win + (sack - ack);
	if (snd->td_maxwin < w)
		snd->td_maxwin = w;
	if (kct_seq_after(end, snd->td_end)) {
		snd->td_end = end;
		c->seen[d].flags |= KCT_TCP_SIDE_UNACKED;
	}
	if (has_ack && (!(c->seen[d].flags & KCT_TCP_SIDE_MAXACK) ||
			kct_seq_after(ack, snd->td_maxack))) {
		snd->td_maxack = ack;
		c->seen[d].flags |= KCT_TCP_SIDE_MAXACK;
	}

	/* Data past maxend (the tolerated overshoot) widens the window. */
	if (peer->td_maxwin && kct_seq_after(end, snd->td_maxend))
		peer->td_maxwin += end - snd->td_maxend;
	if (kct_seq_after(sack + win, peer->td_maxend - 1)) {
		peer->td_maxend = sack + win;
		/* A zero window still lets the peer probe with one byte. */
		if (!win)
			peer->td_maxend++;
	}
	if (ack == peer->td_end)
		c->seen[!d].flags &= ~KCT_TCP_SIDE_UNACKED;

	if (kind == KCT_KIND_ACK)
		kct_tcp_count_retrans(c, d, seq, ack, end, s->win);
	return KCT_FIT_PASS;
}

/*
 * A SYN in TIME_WAIT or CLOSE starts a new connection on the same ports
 * if this one really ended: a FIN was seen, or the same side reset it.
 * Otherwise we may be out of sync with live ends, and it is ignored.
 */
static bool kct_tcp_may_reopen(const struct kct_tcp_conn *c, unsigned int d)
{
	return ((c->seen[0].flags | c->seen[1].flags) & KCT_TCP_SIDE_CLOSER) ||
	       (c->last_dir == d && c->last_index == KCT_KIND_RST);
}

/*
 * An ignored segment changes no state, but is remembered: the answer to
 * it (a SYN/ACK, an RST, a challenge ACK) is recognised from it.
 */
static void kct_tcp_note_ignored(struct kct_tcp_conn *c,
				 const struct kct_tcp_seg *s, unsigned int d,
				 unsigned int kind, unsigned int old)
{
	c->last_index = kind;
	c->last_dir = d;
	c->last_seq = s->seq;
	c->last_end = kct_tcp_seg_end(s);
	c->last_win = s->win;

	if (kind == KCT_KIND_SYN && d == 0) {
		/* Keep its options in case the server accepts it. */
		c->last_flags = 0;
		c->last_wscale = 0;
		if (s->has_wscale) {
			c->last_flags |= KCT_TCP_LAST_WSCALE;
			c->last_wscale = kct_tcp_wscale(s);
		}
		if (s->sack_perm)
			c->last_flags |= KCT_TCP_LAST_SACK;
		/*
		 * RFC 5961: the server may answer with a challenge ACK, which
		 * in LAST_ACK would look like the last ACK.
		 */
		if (old == KCT_TCP_LAST_ACK)
			c->last_flags |= KCT_TCP_LAST_CHALLENGE;
	}

	/* Maybe a challenge ACK to the SYN: its RST answer will use it. */
	if (old == KCT_TCP_SYN_SENT && kind == KCT_KIND_ACK && d == 1)
		c->last_ack = s->ack;
}

/*
 * Side @d answers with a SYN/ACK the SYN we ignored last: both ends have
 * started a new connection that we did not believe in.  Take that SYN as
 * the start of a handshake, and forget what side @d did before.
 */
static void kct_tcp_resync(struct kct_tcp_conn *c, unsigned int d)
{
	unsigned int o = c->last_dir ? 1 : 0;
	struct kct_tcp_side *opener = &c->seen[o];
	u8 liberal;

	opener->td_end = c->last_end;
	opener->td_maxend = c->last_end;
	opener->td_maxwin = c->last_win ? c->last_win : 1;
	c->seen[o].td_scale = c->last_wscale;
	c->last_flags &= ~KCT_TCP_LAST_CHALLENGE;
	c->seen[o].flags = 0;
	if (c->last_flags & KCT_TCP_LAST_WSCALE)
		c->seen[o].flags |= KCT_TCP_SIDE_WSCALE;
	if (c->last_flags & KCT_TCP_LAST_SACK)
		c->seen[o].flags |= KCT_TCP_SIDE_SACK;

	liberal = c->seen[d].flags & KCT_TCP_SIDE_LIBERAL;
	memset(&c->seen[d], 0, sizeof(c->seen[d]));
	c->seen[d].flags = liberal;
}

/*
 * RFC 5961 wants an RST to carry exactly the sequence number the
 * receiver expects; a blind attacker must not be able to reset a
 * connection by guessing roughly.  Decides how to treat the RST @s from
 * side @d; may set *@next to the current state: an RST in the window but
 * not exact draws a challenge ACK from the receiver, and the connection
 * lives on.
 */
static enum kct_tcp_rst kct_tcp_check_rst(const struct kct_tcp_conn *c,
					  const struct kct_tcp_seg *s,
					  unsigned int d,
					  const struct kct_tcp_cfg *cfg,
					  bool reply_seen, bool assured,
					  unsigned int *next)
{
	const struct kct_tcp_side *peer = &c->seen[!d];
	unsigned int old = c->state;
	bool est = old == KCT_TCP_ESTABLISHED && assured;

	/*
	 * Closing already: the ports may be in use by a new connection whose
	 * numbers we do not know yet, and GC may evict us at any time.
	 */
	if (kct_tcp_closing(old))
		return KCT_RST_TRUSTED;

	/* After a SYN we let through, the peer's maxack may be stale. */
	if ((c->seen[!d].flags & KCT_TCP_SIDE_MAXACK) &&
	    c->last_index != KCT_KIND_SYN) {
		/* Probably the answer to a SYN we let through. */
		if (!s->seq && !est)
			return KCT_RST_WINDOW;
		if (kct_seq_before(s->seq, peer->td_maxack) &&
		    !cfg->ignore_invalid_rst)
			return KCT_RST_BAD;
		if (!est || s->seq == peer->td_maxack)
			return KCT_RST_WINDOW;
		/* Ends a train: data, then RST right after its last byte. */
		if (c->last_index == KCT_KIND_ACK && c->last_dir == d &&
		    s->seq == c->last_end)
			return KCT_RST_WINDOW;
		*next = old;
	}

	/*
	 * The answer to a segment we let through without believing in it:
	 * a SYN (in window then), or an ACK of a half-open connection.  It
	 * may ack what we ignored, so the window cannot judge it.
	 */
	if (((reply_seen && c->last_index == KCT_KIND_SYN &&
	      c->last_dir != d) ||
	     (!assured && c->last_index == KCT_KIND_ACK)) &&
	    s->ack == c->last_end)
		return KCT_RST_TRUSTED;

	/* The client resets after the server's challenge ACK to its SYN. */
	if (old == KCT_TCP_SYN_SENT && c->last_index == KCT_KIND_ACK &&
	    c->last_dir == 1 && s->seq == c->last_ack)
		return KCT_RST_TRUSTED;

	return KCT_RST_WINDOW;
}

/*
 * An out-of-window FIN or RST in an ASSURED connection, after one from the
 * other side: both ends are probably gone while we missed something.  Ask
 * the caller to shorten the timeout so the entry does not linger for days.
 */
static bool kct_tcp_bad_close(struct kct_tcp_conn *c, unsigned int d,
			      unsigned int kind, bool assured)
{
	if (!assured ||
	    (kind != KCT_KIND_FIN && kind != KCT_KIND_RST))
		return false;
	if (c->last_dir != d && (c->last_index == KCT_KIND_FIN ||
				 c->last_index == KCT_KIND_RST))
		return true;
	c->last_index = kind;
	c->last_dir = d;
	return false;
}

enum kct_invalid_reason kct_tcp_conn_new(struct kct_tcp_conn *c,
					 const struct kct_tcp_seg *s,
					 const struct kct_tcp_cfg *cfg)
{
	struct kct_tcp_side *me = &c->seen[0];
	unsigned int next;

	if (!kct_tcp_flags_valid(s->flags))
		return KCT_INVALID_TCP_BAD_FLAGS;
	next = kct_tcp_next[KCT_TCP_NONE][0][kct_tcp_kind(s->flags)];
	if (next != KCT_TCP_SYN_SENT &&
	    !(next == KCT_TCP_ESTABLISHED && cfg->loose))
		return KCT_INVALID_TCP_NOT_SYN;

	memset(c, 0, sizeof(*c));
	me->td_end = kct_tcp_seg_end(s);
	me->td_maxwin = s->win ? s->win : 1;
	if (next == KCT_TCP_SYN_SENT) {
		me->td_maxend = me->td_end;
		kct_tcp_read_options(c, 0, s);
	} else {
		/*
		 * Mid-stream: the options are long gone, so assume SACK and
		 * give up window judgement (the scale is unknown).
		 */
		me->td_maxend = me->td_end + me->td_maxwin;
		c->seen[0].flags = KCT_TCP_SIDE_SACK | KCT_TCP_SIDE_LIBERAL;
		c->seen[1].flags = KCT_TCP_SIDE_SACK | KCT_TCP_SIDE_LIBERAL;
	}
	c->state = KCT_TCP_NONE;
	c->last_index = KCT_KIND_NONE;
	return KCT_VALID;
}

void kct_tcp_conn_packet(struct kct_tcp_conn *c, const struct kct_tcp_seg *s,
			 const struct kct_tcp_cfg *cfg, bool reply_seen,
			 bool assured, struct kct_tcp_verdict *v)
{
	enum kct_invalid_reason why = KCT_VALID;
	unsigned int d = s->dir ? 1 : 0;
	unsigned int kind, old, next;

	memset(v, 0, sizeof(*v));
	if (!kct_tcp_flags_valid(s->flags)) {
		v->invalid = KCT_INVALID_TCP_BAD_FLAGS;
		goto out;
	}
	if (c->state >= KCT_TCP_STATE_MAX) {
		v->invalid = KCT_INVALID_TCP_BAD_STATE;
		goto out;
	}
	kind = kct_tcp_kind(s->flags);
	old = c->state;
	next = kct_tcp_next[old][d][kind];

	switch (next) {
	case KCT_TCP_SYN_SENT:
		if (old < KCT_TCP_TIME_WAIT)
			break;
		if (kct_tcp_may_reopen(c, d)) {
			v->reopen = true;
			goto out;
		}
		fallthrough;
	case KCT_NEXT_IGNORE:
		if (kind == KCT_KIND_SYNACK &&
		    c->last_index == KCT_KIND_SYN && c->last_dir != d &&
		    s->ack == c->last_end) {
			kct_tcp_resync(c, d);
			old = KCT_TCP_SYN_SENT;
			next = KCT_TCP_SYN_RECV;
			break;
		}
		kct_tcp_note_ignored(c, s, d, kind, old);
		v->ignored = true;
		goto out;
	case KCT_NEXT_INVALID:
		/*
		 * SYNPROXY answered the client and sent the server a SYN
		 * that got no answer yet: the client's keep-alive (its
		 * next sequence number less one) passes with its
		 * connection, unchanged, so that SYNPROXY sends the SYN
		 * again, as stock lets it.
		 */
		if (cfg->synproxy && old == KCT_TCP_SYN_SENT &&
		    kind == KCT_KIND_ACK && d == 0 && c->last_dir == 0 &&
		    c->seen[0].td_end - 1 == s->seq) {
			v->ignored = true;
			goto out;
		}
		v->invalid = KCT_INVALID_TCP_BAD_STATE;
		goto out;
	case KCT_TCP_TIME_WAIT:
		/* The challenge ACK to a SYN, not the last ACK: no change. */
		if (old == KCT_TCP_LAST_ACK && kind == KCT_KIND_ACK &&
		    c->last_dir != d && c->last_index == KCT_KIND_SYN &&
		    (c->last_flags & KCT_TCP_LAST_CHALLENGE)) {
			c->last_flags &= ~KCT_TCP_LAST_CHALLENGE;
			v->ignored = true;
			goto out;
		}
		break;
	case KCT_TCP_SYN_SENT2:
		c->last_flags |= KCT_TCP_LAST_SIMOPEN;
		break;
	case KCT_TCP_SYN_RECV:
		/*
		 * In a simultaneous open the reply side's ACK of our SYN/ACK
		 * completes the handshake: the table, made for the usual
		 * open, would wait for an ACK from the original side.
		 */
		if (d == 1 && kind == KCT_KIND_ACK &&
		    (c->last_flags & KCT_TCP_LAST_SIMOPEN))
			next = KCT_TCP_ESTABLISHED;
		break;
	case KCT_TCP_CLOSE:
		if (kind != KCT_KIND_RST)
			break;
		switch (kct_tcp_check_rst(c, s, d, cfg, reply_seen, assured,
					  &next)) {
		case KCT_RST_BAD:
			v->invalid = KCT_INVALID_TCP_BAD_RST;
			goto out;
		case KCT_RST_TRUSTED:
			goto passed;
		case KCT_RST_WINDOW:
			break;
		}
		break;
	default:
		break;
	}

	switch (kct_tcp_window(c, s, d, kind, cfg, &why)) {
	case KCT_FIT_IGNORE:
		v->ignored = true;
		goto out;
	case KCT_FIT_BAD:
		v->invalid = why;
		v->lower_timeout = kct_tcp_bad_close(c, d, kind, assured);
		goto out;
	case KCT_FIT_PASS:
		break;
	}

passed:
	c->last_index = kind;
	c->last_dir = d;
	c->state = next;
	if (old != next && next == KCT_TCP_FIN_WAIT)
		c->seen[d].flags |= KCT_TCP_SIDE_CLOSER;

	v->use_retrans_timeout = c->retrans >= cfg->max_retrans;
	v->use_close_timeout = kind == KCT_KIND_RST;
	v->use_unack_timeout = (c->seen[0].flags | c->seen[1].flags) &
			       KCT_TCP_SIDE_UNACKED;
	v->zero_window = !c->last_win;

	if (!reply_seen) {
		/* Reset before any answer: nothing worth keeping. */
		if (kind == KCT_KIND_RST) {
			v->kill = true;
			goto out;
		}
		/*
		 * A resent SYN must not extend the entry, or a client (or a
		 * NAT box) reusing the port keeps it alive for ever.
		 */
		if (kind == KCT_KIND_SYN && old == KCT_TCP_SYN_SENT)
			goto out;
		/* Picked up mid-stream, unanswered: not for days yet. */
		v->unreplied = next == KCT_TCP_ESTABLISHED;
	} else if ((old == KCT_TCP_SYN_RECV || old == KCT_TCP_ESTABLISHED) &&
		   next == KCT_TCP_ESTABLISHED) {
		/* The handshake is complete, or a pickup got an answer. */
		assured = true;
	}
	v->refresh = true;
out:
	v->state = c->state < KCT_TCP_STATE_MAX ? c->state : KCT_TCP_NONE;
	v->assured = assured;
}

unsigned int kct_tcp_timeout(const struct kct_tcp_verdict *v,
			     unsigned int t_state, unsigned int t_retrans,
			     unsigned int t_unack, unsigned int t_close)
{
	unsigned int t = t_state;

	/* Stock's order: the first rule that applies wins. */
	if (v->use_retrans_timeout && t_state > t_retrans)
		t = t_retrans;
	else if (v->use_close_timeout)
		t = t_close;
	else if (v->use_unack_timeout && t_state > t_unack)
		t = t_unack;
	else if (v->zero_window && t_state > t_retrans)
		t = t_retrans;
	if (v->unreplied && t > t_unack)
		t = t_unack;
	return t;
}
