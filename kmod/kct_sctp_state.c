// SPDX-License-Identifier: GPL-2.0
/*
 * SCTP association tracking with stock 6.1's behaviour (see
 * kct_sctp_state.h for the contract with the caller).
 *
 * A middlebox sees the chunks both ends exchange, not the ends' own
 * state: the state here is the association's as the chunks tell it
 * (RFC 9260 4), guessed from each chunk's type and direction.  The
 * verification tags (RFC 9260 8.5) are what makes a packet belong to
 * this association and not to an older one on the same ports: each end
 * announces in its INIT or INIT ACK the tag its peer must put on every
 * packet, and a packet without the right tag is INVALID, with the
 * exceptions RFC 9260 8.5.1 lists (INIT, ABORT and SHUTDOWN COMPLETE with
 * the T bit, COOKIE ECHO, SHUTDOWN ACK) and the HEARTBEATs a restarted
 * or multihomed peer sends on a path we never saw set up.
 */
#include "kct_sctp_state.h"

const char *const kct_sctp_state_names[KCT_SCTP_STATE_MAX] = {
	[KCT_SCTP_NONE]			= "NONE",
	[KCT_SCTP_CLOSED]		= "CLOSED",
	[KCT_SCTP_COOKIE_WAIT]		= "COOKIE_WAIT",
	[KCT_SCTP_COOKIE_ECHOED]	= "COOKIE_ECHOED",
	[KCT_SCTP_ESTABLISHED]		= "ESTABLISHED",
	[KCT_SCTP_SHUTDOWN_SENT]	= "SHUTDOWN_SENT",
	[KCT_SCTP_SHUTDOWN_RECD]	= "SHUTDOWN_RECD",
	[KCT_SCTP_SHUTDOWN_ACK_SENT]	= "SHUTDOWN_ACK_SENT",
	[KCT_SCTP_HEARTBEAT_SENT]	= "HEARTBEAT_SENT",
	[KCT_SCTP_HEARTBEAT_ACKED]	= "HEARTBEAT_ACKED",
};

/* The chunk types that move the state; any other leaves it alone. */
enum kct_sctp_kind {
	K_INIT,
	K_INIT_ACK,
	K_ABORT,
	K_SHUTDOWN,
	K_SHUTDOWN_ACK,
	K_ERROR,
	K_COOKIE_ECHO,
	K_COOKIE_ACK,
	K_SHUTDOWN_COMPLETE,
	K_HEARTBEAT,
	K_HEARTBEAT_ACK,
	K_MAX,
	K_OTHER = K_MAX
};

static enum kct_sctp_kind kct_sctp_kind(u8 type)
{
	switch (type) {
	case KCT_SCTP_INIT:		return K_INIT;
	case KCT_SCTP_INIT_ACK:		return K_INIT_ACK;
	case KCT_SCTP_ABORT:		return K_ABORT;
	case KCT_SCTP_SHUTDOWN:		return K_SHUTDOWN;
	case KCT_SCTP_SHUTDOWN_ACK:	return K_SHUTDOWN_ACK;
	case KCT_SCTP_ERROR:		return K_ERROR;
	case KCT_SCTP_COOKIE_ECHO:	return K_COOKIE_ECHO;
	case KCT_SCTP_COOKIE_ACK:	return K_COOKIE_ACK;
	case KCT_SCTP_SHUTDOWN_COMPLETE: return K_SHUTDOWN_COMPLETE;
	case KCT_SCTP_HEARTBEAT:	return K_HEARTBEAT;
	case KCT_SCTP_HEARTBEAT_ACK:	return K_HEARTBEAT_ACK;
	}
	return K_OTHER;
}

#define NO KCT_SCTP_NONE
#define CL KCT_SCTP_CLOSED
#define CW KCT_SCTP_COOKIE_WAIT
#define CE KCT_SCTP_COOKIE_ECHOED
#define ES KCT_SCTP_ESTABLISHED
#define SS KCT_SCTP_SHUTDOWN_SENT
#define SR KCT_SCTP_SHUTDOWN_RECD
#define SA KCT_SCTP_SHUTDOWN_ACK_SENT
#define HS KCT_SCTP_HEARTBEAT_SENT
#define XX KCT_SCTP_STATE_MAX	/* INVALID */

/*
 * Next state by chunk kind, direction and current state (columns NONE,
 * CLOSED, COOKIE_WAIT, COOKIE_ECHOED, ESTABLISHED, SHUTDOWN_SENT,
 * SHUTDOWN_RECD, SHUTDOWN_ACK_SENT, HEARTBEAT_SENT; HEARTBEAT_ACKED is
 * never entered and maps to NONE).  What is not obvious:
 *  - Nothing but the original direction can start an entry: the reply
 *    direction of NONE, and of HEARTBEAT_SENT but for HEARTBEATs, is
 *    INVALID.
 *  - An INIT from the original side on a shutting-down association means
 *    its end restarted: CLOSED.  One from the reply side changes nothing:
 *    an INIT collision is settled by the tags (kct_sctp_init_ack()).
 *  - An ERROR answering a COOKIE ECHO (a stale cookie) closes it.
 *  - HEARTBEAT_SENT is an entry picked up from a lone HEARTBEAT, on a
 *    path of an association we never saw begin; its HEARTBEAT ACK makes
 *    it ESTABLISHED.
 */
static const u8 kct_sctp_next[K_MAX][2][9] = {
	/*		  NO  CL  CW  CE  ES  SS  SR  SA  HS */
	[K_INIT] = {	{ CL, CL, CW, CE, ES, CL, CL, SA, CW },
			{ XX, CL, CW, CE, ES, SS, SR, SA, XX } },
	[K_INIT_ACK] = { { CL, CL, CW, CE, ES, SS, SR, SA, CL },
			{ XX, CW, CW, CE, ES, SS, SR, SA, XX } },
	[K_ABORT] = {	{ CL, CL, CL, CL, CL, CL, CL, CL, CL },
			{ XX, CL, CL, CL, CL, CL, CL, CL, XX } },
	[K_SHUTDOWN] = { { CL, CL, CW, CE, SS, SS, SR, SA, CL },
			{ XX, CL, CW, CE, SR, SS, SR, SA, XX } },
	[K_SHUTDOWN_ACK] = { { SA, CL, CW, CE, ES, SA, SA, SA, SA },
			{ XX, CL, CW, CE, ES, SA, SA, SA, XX } },
	[K_ERROR] = {	{ CL, CL, CW, CE, ES, SS, SR, SA, CL },
			{ XX, CL, CW, CL, ES, SS, SR, SA, XX } },
	[K_COOKIE_ECHO] = { { CL, CL, CE, CE, ES, SS, SR, SA, CL },
			{ XX, CL, CE, CE, ES, SS, SR, SA, XX } },
	[K_COOKIE_ACK] = { { CL, CL, CW, ES, ES, SS, SR, SA, CL },
			{ XX, CL, CW, ES, ES, SS, SR, SA, XX } },
	[K_SHUTDOWN_COMPLETE] = { { CL, CL, CW, CE, ES, SS, SR, CL, CL },
			{ XX, CL, CW, CE, ES, SS, SR, CL, XX } },
	[K_HEARTBEAT] = { { HS, CL, CW, CE, ES, SS, SR, SA, HS },
			{ XX, CL, CW, CE, ES, SS, SR, SA, HS } },
	[K_HEARTBEAT_ACK] = { { CL, CL, CW, CE, ES, SS, SR, SA, HS },
			{ XX, CL, CW, CE, ES, SS, SR, SA, ES } },
};

#undef NO
#undef CL
#undef CW
#undef CE
#undef ES
#undef SS
#undef SR
#undef SA
#undef HS

static u8 kct_sctp_next_state(int dir, u32 state, u8 type)
{
	enum kct_sctp_kind k = kct_sctp_kind(type);

	if (k == K_OTHER)
		return state;	/* DATA, SACK and the rest change nothing */
	if (state >= ARRAY_SIZE(kct_sctp_next[0][0]))
		return KCT_SCTP_NONE;
	return kct_sctp_next[k][dir][state];
}

/* One chunk header, as read from the packet. */
struct kct_sctp_chunk {
	unsigned int off;	/* of its header, from the common header */
	u8 type;
	u8 flags;
	u16 len;		/* its length field */
};

/* The chunk at @c->off, if its header is in the packet. */
static bool kct_sctp_chunk_at(const struct kct_sctp_pkt *p,
			      struct kct_sctp_chunk *c)
{
	u8 buf[4];
	const u8 *h;

	if (c->off >= p->len)
		return false;
	h = p->read(p->ctx, c->off, sizeof(buf), buf);
	if (!h)
		return false;
	c->type = h[0];
	c->flags = h[1];
	c->len = (u16)(h[2] << 8 | h[3]);
	return true;
}

/*
 * Walk the chunks, @c->off 0 to start: the first one follows the common
 * header, each next one the previous one's length rounded up to 4.  False
 * at the end of the packet or at a header that does not fit.
 */
static bool kct_sctp_next_chunk(const struct kct_sctp_pkt *p,
				struct kct_sctp_chunk *c)
{
	/* A zero length would not advance (kct_sctp_scan refuses it). */
	if (c->off && !c->len)
		return false;
	if (!c->off)
		c->off = KCT_SCTP_HDR_LEN;
	else
		c->off += ((unsigned int)c->len + 3) & ~3u;
	return kct_sctp_chunk_at(p, c);
}

/*
 * The tag in an INIT or INIT ACK chunk: the one its sender wants.  The
 * chunk must hold its whole fixed part (tag, window, stream counts,
 * initial TSN: 16 bytes), as stock requires, or the packet is INVALID.
 */
static bool kct_sctp_init_tag(const struct kct_sctp_pkt *p,
			      const struct kct_sctp_chunk *c, __be32 *tag)
{
	__be32 buf[4];
	const void *t;

	t = p->read(p->ctx, c->off + 4, sizeof(buf), buf);
	if (!t)
		return false;
	memcpy(tag, t, sizeof(*tag));
	return true;
}

enum kct_invalid_reason kct_sctp_scan(const struct kct_sctp_pkt *p,
				      struct kct_sctp_chunks *ch)
{
	struct kct_sctp_chunk c;
	bool alone = false;
	const void *h;
	__be32 buf;

	memset(ch, 0, sizeof(*ch));
	h = p->read(p->ctx, 4, sizeof(buf), &buf);
	if (!h || p->len < KCT_SCTP_HDR_LEN)
		return KCT_INVALID_TRUNCATED;
	memcpy(&ch->vtag, h, sizeof(ch->vtag));

	c.off = 0;
	while (kct_sctp_next_chunk(p, &c)) {
		if (c.type == KCT_SCTP_INIT || c.type == KCT_SCTP_INIT_ACK ||
		    c.type == KCT_SCTP_SHUTDOWN_COMPLETE)
			alone = true;
		/* RFC 9260 6.10: these may not be bundled, or only behind. */
		if (ch->count && (alone || c.type == KCT_SCTP_COOKIE_ECHO ||
				  c.type == KCT_SCTP_COOKIE_ACK))
			return KCT_INVALID_SCTP_BAD_CHUNKS;
		if (!c.len)
			return KCT_INVALID_SCTP_BAD_CHUNKS;
		ch->map[c.type / 32] |= 1u << (c.type % 32);
		ch->count++;
	}
	return ch->count ? KCT_VALID : KCT_INVALID_SCTP_BAD_CHUNKS;
}

enum kct_invalid_reason kct_sctp_conn_new(struct kct_sctp_conn *c,
					  const struct kct_sctp_pkt *p,
					  const struct kct_sctp_chunks *ch)
{
	struct kct_sctp_chunk k;
	u8 next;

	/* Out of the blue, these only end what exists (RFC 9260 8.4). */
	if (kct_sctp_has(ch, KCT_SCTP_ABORT) ||
	    kct_sctp_has(ch, KCT_SCTP_SHUTDOWN_COMPLETE) ||
	    kct_sctp_has(ch, KCT_SCTP_COOKIE_ACK))
		return KCT_INVALID_SCTP_BAD_STATE;

	memset(c, 0, sizeof(*c));
	k.off = 0;
	while (kct_sctp_next_chunk(p, &k)) {
		next = kct_sctp_next_state(0, KCT_SCTP_NONE, k.type);
		if (next == KCT_SCTP_NONE || next == KCT_SCTP_STATE_MAX)
			return KCT_INVALID_SCTP_BAD_STATE;
		switch (k.type) {
		case KCT_SCTP_INIT:
			/* RFC 9260 8.5.1 (A): an INIT carries tag 0. */
			if (ch->vtag)
				return KCT_INVALID_SCTP_BAD_VTAG;
			if (!kct_sctp_init_tag(p, &k, &c->vtag[1]))
				return KCT_INVALID_TRUNCATED;
			break;
		case KCT_SCTP_HEARTBEAT:
			/* A path of an association seen from the middle. */
			c->vtag[0] = ch->vtag;
			break;
		case KCT_SCTP_SHUTDOWN_ACK:
			/*
			 * Out of the blue it gets a SHUTDOWN COMPLETE
			 * (RFC 9260 8.4 (5)) with the T bit, so this tag.
			 */
			c->vtag[1] = ch->vtag;
			break;
		}
	}
	return KCT_VALID;
}

/* RFC 9260 8.5.1 (B), (C): own tag, or with the T bit the peer's. */
static bool kct_sctp_t_tag_ok(const struct kct_sctp_conn *c,
			      const struct kct_sctp_chunks *ch,
			      const struct kct_sctp_chunk *k, int dir)
{
	return ch->vtag == c->vtag[k->flags & KCT_SCTP_FLAG_T ? !dir : dir];
}

/*
 * A HEARTBEAT or its ACK.  A tag we do not know may be a peer that
 * restarted, or a path we never saw: let one HEARTBEAT with a new tag
 * through without effect, and if the other side ACKs it with a new tag
 * of its own, take that tag and learn the other again.  Returns false for
 * INVALID; sets *@skip when the chunk must not move the state.
 */
static bool kct_sctp_heartbeat(struct kct_sctp_conn *c,
			       const struct kct_sctp_chunks *ch,
			       const struct kct_sctp_chunk *k, int dir,
			       bool *ignore, bool *skip)
{
	bool ack = k->type == KCT_SCTP_HEARTBEAT_ACK;

	if (!c->vtag[dir]) {
		c->vtag[dir] = ch->vtag;
		return true;
	}
	if (ch->vtag == c->vtag[dir]) {
		c->flags &= ~KCT_SCTP_HB_TAG_UNKNOWN;
		return true;
	}
	/* Data under a wrong tag is never a probe. */
	if (kct_sctp_has(ch, KCT_SCTP_DATA) || *ignore)
		return false;
	if (!ack) {
		c->flags |= KCT_SCTP_HB_TAG_UNKNOWN;
		c->last_dir = dir;
		*ignore = true;
		*skip = true;
		return true;
	}
	if (!(c->flags & KCT_SCTP_HB_TAG_UNKNOWN) || c->last_dir == dir)
		return false;
	c->flags &= ~KCT_SCTP_HB_TAG_UNKNOWN;
	c->vtag[dir] = ch->vtag;
	c->vtag[!dir] = 0;
	return true;
}

/*
 * An INIT from @dir: the tag it announces is the one the other direction
 * must carry from now on.  init[] remembers who has an INIT in flight, to
 * tell an INIT collision (both ends opening at once, RFC 9260 5.2.4)
 * from a retransmission.
 */
static bool kct_sctp_init(struct kct_sctp_conn *c, const struct kct_sctp_pkt *p,
			  const struct kct_sctp_chunk *k, int dir, u32 old)
{
	__be32 tag;

	if (!kct_sctp_init_tag(p, k, &tag))
		return false;
	/* The same tag again: a retransmission, nothing new in flight. */
	if (old == KCT_SCTP_NONE || c->vtag[!dir] != tag) {
		if (c->init[dir] && c->init[!dir])
			c->init[!dir] = 0;
		c->init[dir] = 1;
	}
	c->vtag[!dir] = tag;
	return true;
}

/*
 * An INIT ACK from @dir answers an INIT from the other direction.  Its tag
 * must be the one that INIT announced, unless an INIT of the other
 * direction is still in flight (a restart); when both ends sent an INIT,
 * only the INIT ACK with the tag already agreed on may pass: the other
 * one belongs to the association the collision discarded.
 */
static bool kct_sctp_init_ack(struct kct_sctp_conn *c,
			      const struct kct_sctp_pkt *p,
			      const struct kct_sctp_chunk *k, int dir)
{
	__be32 tag, known = c->vtag[!dir];

	if (!kct_sctp_init_tag(p, k, &tag))
		return false;
	if (!c->init[!dir] && known && known != tag)
		return false;
	if (c->init[dir] && c->init[!dir] && known != tag)
		return false;
	c->vtag[!dir] = tag;
	return true;
}

/* The tag checks of one chunk before it moves the state. */
static enum kct_invalid_reason kct_sctp_chunk_tags(struct kct_sctp_conn *c,
						   const struct kct_sctp_chunks *ch,
						   const struct kct_sctp_chunk *k,
						   int dir, bool *ignore,
						   bool *skip)
{
	switch (k->type) {
	case KCT_SCTP_INIT:
		return ch->vtag ? KCT_INVALID_SCTP_BAD_VTAG : KCT_VALID;
	case KCT_SCTP_ABORT:
	case KCT_SCTP_SHUTDOWN_COMPLETE:
		return kct_sctp_t_tag_ok(c, ch, k, dir) ? KCT_VALID :
		       KCT_INVALID_SCTP_BAD_VTAG;
	case KCT_SCTP_COOKIE_ECHO:
		return ch->vtag == c->vtag[dir] ? KCT_VALID :
		       KCT_INVALID_SCTP_BAD_VTAG;
	case KCT_SCTP_COOKIE_ACK:
		/* The association is up: no INIT is in flight any more. */
		c->init[0] = 0;
		c->init[1] = 0;
		return KCT_VALID;
	case KCT_SCTP_HEARTBEAT:
	case KCT_SCTP_HEARTBEAT_ACK:
		return kct_sctp_heartbeat(c, ch, k, dir, ignore, skip) ?
		       KCT_VALID : KCT_INVALID_SCTP_BAD_VTAG;
	}
	return KCT_VALID;
}

/* Chunks whose packets are exempt from the general tag check. */
static bool kct_sctp_tag_exempt(const struct kct_sctp_chunks *ch)
{
	static const u8 exempt[] = {
		KCT_SCTP_INIT, KCT_SCTP_SHUTDOWN_COMPLETE,
		KCT_SCTP_COOKIE_ECHO, KCT_SCTP_ABORT, KCT_SCTP_SHUTDOWN_ACK,
		KCT_SCTP_HEARTBEAT, KCT_SCTP_HEARTBEAT_ACK,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(exempt); i++)
		if (kct_sctp_has(ch, exempt[i]))
			return true;
	return false;
}

void kct_sctp_conn_packet(struct kct_sctp_conn *c,
			  const struct kct_sctp_pkt *p,
			  const struct kct_sctp_chunks *ch, int dir,
			  bool confirmed, struct kct_sctp_verdict *v)
{
	struct kct_sctp_chunk k;
	bool ignore = false;
	u32 old;
	u8 next;

	memset(v, 0, sizeof(*v));
	dir = !!dir;
	v->state = c->state;
	/* RFC 9260 8.5: every other packet carries the receiver's tag. */
	if (!kct_sctp_tag_exempt(ch) && ch->vtag != c->vtag[dir]) {
		v->invalid = KCT_INVALID_SCTP_BAD_VTAG;
		return;
	}

	k.off = 0;
	while (kct_sctp_next_chunk(p, &k)) {
		bool skip = false;

		v->invalid = kct_sctp_chunk_tags(c, ch, &k, dir, &ignore,
						 &skip);
		if (v->invalid)
			goto out;
		if (skip)
			continue;

		old = c->state;
		next = kct_sctp_next_state(dir, old, k.type);
		if (next == KCT_SCTP_STATE_MAX) {
			v->invalid = KCT_INVALID_SCTP_BAD_STATE;
			goto out;
		}
		if (k.type == KCT_SCTP_INIT) {
			if (!kct_sctp_init(c, p, &k, dir, old)) {
				v->invalid = KCT_INVALID_TRUNCATED;
				goto out;
			}
			/*
			 * A closed entry's INIT, sent again and again (a
			 * client or NAT reusing the port), must not keep it
			 * alive for ever.
			 */
			if (next == KCT_SCTP_CLOSED &&
			    old == KCT_SCTP_CLOSED && confirmed)
				ignore = true;
		} else if (k.type == KCT_SCTP_INIT_ACK) {
			if (!kct_sctp_init_ack(c, p, &k, dir)) {
				v->invalid = KCT_INVALID_SCTP_BAD_VTAG;
				goto out;
			}
		}
		c->state = next;
		if (old != next && next == KCT_SCTP_ESTABLISHED)
			v->assured = true;
	}
	v->refresh = !ignore;
out:
	v->state = c->state;
}

bool kct_sctp_can_early_drop(const struct kct_sctp_conn *c)
{
	return c->state == KCT_SCTP_SHUTDOWN_SENT ||
	       c->state == KCT_SCTP_SHUTDOWN_RECD ||
	       c->state == KCT_SCTP_SHUTDOWN_ACK_SENT;
}
