// SPDX-License-Identifier: GPL-2.0
// kct-fuzz-sources: kmod/kct_sctp_state.c
/*
 * libFuzzer target of the SCTP chunk walk and association tracker.
 *
 * Input: records, one packet each:
 *   0     bit 0 direction, bit 1 replace the packet's tag with the one
 *         the tracker expects of that direction, bit 2 with the other
 *         direction's, bit 3 the entry is confirmed after its first packet
 *   1     length of what follows (the SCTP packet from its common header)
 *   2...  the packet
 * The packets go through kct_sctp_scan(), kct_sctp_conn_new() and
 * kct_sctp_conn_packet() as the kernel side sends them: a new entry when
 * there is none (original direction first), none after a first packet
 * that is INVALID.
 *
 * Checked, abort() on violation:
 *  - the walk never reads outside the packet (ASan, the reader);
 *  - the state is always one stock can be in (never HEARTBEAT_ACKED) and
 *    the verdict reports it; INVALID reasons are SCTP ones or truncated;
 *  - a packet the walk refuses changes nothing;
 *  - only packets with none of ABORT, SHUTDOWN COMPLETE, COOKIE ACK and
 *    with only state-moving chunks start an entry; an INIT starts one
 *    only with tag 0;
 *  - a valid packet with no chunk exempt from the tag rule (RFC 9260
 *    8.5.1) carried the tag expected of its direction;
 *  - a packet of chunks that move no state moves no state;
 *  - ASSURED only when the state becomes ESTABLISHED;
 *  - early drop exactly in the three shutdown states.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kct_sctp_state.h"

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "invariant failed: %s (line %d)\n", \
				#cond, __LINE__);			\
			abort();					\
		}							\
	} while (0)

struct buf {
	const u8 *b;
	unsigned int len;
};

static const void *buf_read(const void *ctx, unsigned int off,
			    unsigned int len, void *scratch)
{
	const struct buf *p = ctx;

	(void)scratch;
	if (off > p->len || len > p->len - off)
		return NULL;
	return p->b + off;
}

static struct kct_sctp_conn c;
static bool exists, confirmed;

static bool moves_state(u8 type)
{
	switch (type) {
	case KCT_SCTP_INIT: case KCT_SCTP_INIT_ACK: case KCT_SCTP_ABORT:
	case KCT_SCTP_SHUTDOWN: case KCT_SCTP_SHUTDOWN_ACK:
	case KCT_SCTP_ERROR: case KCT_SCTP_COOKIE_ECHO:
	case KCT_SCTP_COOKIE_ACK: case KCT_SCTP_SHUTDOWN_COMPLETE:
	case KCT_SCTP_HEARTBEAT: case KCT_SCTP_HEARTBEAT_ACK:
		return true;
	}
	return false;
}

static bool only_static(const struct kct_sctp_chunks *ch)
{
	int t;

	for (t = 0; t < 256; t++)
		if (kct_sctp_has(ch, (u8)t) && moves_state((u8)t))
			return false;
	return true;
}

static bool exempt(const struct kct_sctp_chunks *ch)
{
	return kct_sctp_has(ch, KCT_SCTP_INIT) ||
	       kct_sctp_has(ch, KCT_SCTP_SHUTDOWN_COMPLETE) ||
	       kct_sctp_has(ch, KCT_SCTP_COOKIE_ECHO) ||
	       kct_sctp_has(ch, KCT_SCTP_ABORT) ||
	       kct_sctp_has(ch, KCT_SCTP_SHUTDOWN_ACK) ||
	       kct_sctp_has(ch, KCT_SCTP_HEARTBEAT) ||
	       kct_sctp_has(ch, KCT_SCTP_HEARTBEAT_ACK);
}

static bool sctp_reason(enum kct_invalid_reason r)
{
	return r == KCT_VALID || r == KCT_INVALID_TRUNCATED ||
	       r == KCT_INVALID_SCTP_BAD_CHUNKS ||
	       r == KCT_INVALID_SCTP_BAD_VTAG ||
	       r == KCT_INVALID_SCTP_BAD_STATE;
}

static void check_conn(void)
{
	bool shut = c.state == KCT_SCTP_SHUTDOWN_SENT ||
		    c.state == KCT_SCTP_SHUTDOWN_RECD ||
		    c.state == KCT_SCTP_SHUTDOWN_ACK_SENT;

	CHECK(c.state < KCT_SCTP_HEARTBEAT_ACKED);
	CHECK(kct_sctp_can_early_drop(&c) == shut);
}

static void one_packet(u8 ctl, u8 *pkt, unsigned int len)
{
	struct buf b = { pkt, len };
	struct kct_sctp_pkt sp = { .read = buf_read, .ctx = &b, .len = len };
	struct kct_sctp_conn before;
	struct kct_sctp_verdict v;
	struct kct_sctp_chunks ch;
	enum kct_invalid_reason why;
	int dir = ctl & 1;

	if (!exists)
		dir = 0;
	if (exists && len >= 8 && (ctl & 6))
		memcpy(pkt + 4, &c.vtag[ctl & 2 ? dir : !dir], 4);

	before = c;
	why = kct_sctp_scan(&sp, &ch);
	CHECK(sctp_reason(why));
	if (why) {
		CHECK(!memcmp(&before, &c, sizeof(c)));
		return;
	}
	if (!exists) {
		memset(&c, 0x5a, sizeof(c));
		why = kct_sctp_conn_new(&c, &sp, &ch);
		CHECK(sctp_reason(why));
		if (why)
			return;
		CHECK(!kct_sctp_has(&ch, KCT_SCTP_ABORT) &&
		      !kct_sctp_has(&ch, KCT_SCTP_SHUTDOWN_COMPLETE) &&
		      !kct_sctp_has(&ch, KCT_SCTP_COOKIE_ACK));
		CHECK(!only_static(&ch));
		CHECK(!kct_sctp_has(&ch, KCT_SCTP_INIT) || !ch.vtag);
		CHECK(c.state == KCT_SCTP_NONE);
		confirmed = false;
		before = c;
	}
	kct_sctp_conn_packet(&c, &sp, &ch, dir, confirmed, &v);
	CHECK(sctp_reason(v.invalid));
	CHECK(v.state == c.state);
	if (v.assured)
		CHECK(before.state != KCT_SCTP_ESTABLISHED);
	if (!v.invalid) {
		if (!exempt(&ch))
			CHECK(ch.vtag == before.vtag[dir]);
		if (only_static(&ch))
			CHECK(c.state == before.state);
		if (v.assured)
			CHECK(c.state == KCT_SCTP_ESTABLISHED ||
			      kct_sctp_has(&ch, KCT_SCTP_HEARTBEAT_ACK) ||
			      kct_sctp_has(&ch, KCT_SCTP_COOKIE_ACK));
	}
	if (!exists) {
		/* The core drops an entry whose first packet is INVALID. */
		if (v.invalid)
			return;
		exists = true;
		confirmed = ctl & 8;
	}
	check_conn();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 pkt[256];

	exists = false;
	while (size >= 2) {
		u8 ctl = data[0];
		unsigned int len = data[1];

		data += 2;
		size -= 2;
		if (len > size)
			len = (unsigned int)size;
		memcpy(pkt, data, len);
		one_packet(ctl, pkt, len);
		data += len;
		size -= len;
	}
	return 0;
}
