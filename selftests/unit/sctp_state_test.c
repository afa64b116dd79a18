// SPDX-License-Identifier: GPL-2.0
// kct-unit-sources: kmod/kct_sctp_state.c
/*
 * Unit tests of the SCTP association tracker.  Each check's description
 * states the rule it demonstrates, as stock 6.1 applies it.
 *
 * Packets go from a client (original direction, whose INIT announces tag
 * CT) to a server (reply direction, tag ST) and back, through
 * kct_sctp_scan(), kct_sctp_conn_new() and kct_sctp_conn_packet() the way
 * the kernel side sends them.
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter/nf_conntrack_sctp.h>	/* uapi: states */

#include "kct_sctp_state.h"
#include "kct_unit.h"

#define O 0
#define R 1
#define CT 0x1a2b3c4du
#define ST 0x5e6f7081u

/* One packet being built: common header, then chunks. */
struct pkt {
	u8 b[256];
	unsigned int len;
};

static const void *buf_read(const void *ctx, unsigned int off,
			    unsigned int len, void *scratch)
{
	const struct pkt *p = ctx;

	(void)scratch;
	if (off > p->len || len > p->len - off)
		return NULL;
	return p->b + off;
}

static void begin(struct pkt *p, u32 vtag)
{
	u32 t = htonl(vtag);

	memset(p, 0, sizeof(*p));
	memcpy(p->b + 4, &t, 4);
	p->len = KCT_SCTP_HDR_LEN;
}

/* A chunk of @type with @flags and @body_len bytes of body (tag first). */
static void chunk(struct pkt *p, u8 type, u8 flags, u32 tag,
		  unsigned int body_len)
{
	u8 *c = p->b + p->len;
	u32 t = htonl(tag);

	c[0] = type;
	c[1] = flags;
	c[2] = (u8)((4 + body_len) >> 8);
	c[3] = (u8)(4 + body_len);
	if (body_len >= 4)
		memcpy(c + 4, &t, 4);
	p->len += (4 + body_len + 3) & ~3u;
}

static struct kct_sctp_conn c;
static struct kct_sctp_verdict v;
static bool confirmed;

static struct kct_sctp_pkt view(const struct pkt *p)
{
	struct kct_sctp_pkt sp = { .read = buf_read, .ctx = p, .len = p->len };

	return sp;
}

static enum kct_invalid_reason scan(const struct pkt *p,
				    struct kct_sctp_chunks *ch)
{
	struct kct_sctp_pkt sp = view(p);

	return kct_sctp_scan(&sp, ch);
}

/* The first packet of an association, as the core handles it. */
static enum kct_invalid_reason open_with(const struct pkt *p)
{
	struct kct_sctp_pkt sp = view(p);
	struct kct_sctp_chunks ch;
	enum kct_invalid_reason why;

	memset(&c, 0xa5, sizeof(c));
	confirmed = false;
	why = kct_sctp_scan(&sp, &ch);
	if (!why)
		why = kct_sctp_conn_new(&c, &sp, &ch);
	if (why)
		return why;
	kct_sctp_conn_packet(&c, &sp, &ch, O, confirmed, &v);
	confirmed = !v.invalid;
	return v.invalid;
}

static enum kct_invalid_reason send_pkt(int dir, const struct pkt *p)
{
	struct kct_sctp_pkt sp = view(p);
	struct kct_sctp_chunks ch;
	enum kct_invalid_reason why;

	why = kct_sctp_scan(&sp, &ch);
	if (why)
		return why;
	kct_sctp_conn_packet(&c, &sp, &ch, dir, confirmed, &v);
	return v.invalid;
}

/* One chunk alone, with the packet tag @vtag. */
static enum kct_invalid_reason one(int dir, u32 vtag, u8 type, u8 flags,
				   u32 tag)
{
	struct pkt p;

	begin(&p, vtag);
	chunk(&p, type, flags, tag,
	      type == KCT_SCTP_INIT || type == KCT_SCTP_INIT_ACK ? 16 : 0);
	return send_pkt(dir, &p);
}

static void handshake(void)
{
	struct pkt p;

	begin(&p, 0);
	chunk(&p, KCT_SCTP_INIT, 0, CT, 16);
	open_with(&p);
	one(R, CT, KCT_SCTP_INIT_ACK, 0, ST);
	one(O, ST, KCT_SCTP_COOKIE_ECHO, 0, 0);
	one(R, CT, KCT_SCTP_COOKIE_ACK, 0, 0);
}

static void test_numbers(void)
{
	kct_check((int)KCT_SCTP_CLOSED == (int)SCTP_CONNTRACK_CLOSED &&
		  (int)KCT_SCTP_ESTABLISHED == (int)SCTP_CONNTRACK_ESTABLISHED &&
		  (int)KCT_SCTP_SHUTDOWN_ACK_SENT ==
		  (int)SCTP_CONNTRACK_SHUTDOWN_ACK_SENT &&
		  (int)KCT_SCTP_HEARTBEAT_SENT ==
		  (int)SCTP_CONNTRACK_HEARTBEAT_SENT &&
		  (int)KCT_SCTP_STATE_MAX == (int)SCTP_CONNTRACK_MAX,
		  "states are numbered as the uapi's enum sctp_conntrack");
	kct_check(!strcmp(kct_sctp_state_names[KCT_SCTP_SHUTDOWN_ACK_SENT],
			  "SHUTDOWN_ACK_SENT"),
		  "state names are stock's");
}

static void test_scan(void)
{
	struct kct_sctp_chunks ch;
	struct pkt p;

	begin(&p, 0);
	chunk(&p, KCT_SCTP_INIT, 0, CT, 16);
	kct_check(!scan(&p, &ch) && ch.count == 1 &&
		  kct_sctp_has(&ch, KCT_SCTP_INIT), "an INIT alone is well formed");
	chunk(&p, KCT_SCTP_DATA, 3, 0, 16);
	kct_check(scan(&p, &ch) == KCT_INVALID_SCTP_BAD_CHUNKS,
		  "an INIT with another chunk behind it is not");
	begin(&p, ST);
	chunk(&p, KCT_SCTP_COOKIE_ECHO, 0, 0, 8);
	chunk(&p, KCT_SCTP_DATA, 3, 0, 16);
	kct_check(!scan(&p, &ch) && ch.count == 2,
		  "a COOKIE ECHO may carry DATA behind it");
	begin(&p, ST);
	chunk(&p, KCT_SCTP_DATA, 3, 0, 16);
	chunk(&p, KCT_SCTP_COOKIE_ECHO, 0, 0, 8);
	kct_check(scan(&p, &ch) == KCT_INVALID_SCTP_BAD_CHUNKS,
		  "but not be behind another chunk");
	begin(&p, ST);
	chunk(&p, KCT_SCTP_SACK, 0, 0, 12);
	p.b[KCT_SCTP_HDR_LEN + 2] = 0;
	p.b[KCT_SCTP_HDR_LEN + 3] = 0;
	kct_check(scan(&p, &ch) == KCT_INVALID_SCTP_BAD_CHUNKS,
		  "a chunk of length 0 is malformed");
	begin(&p, ST);
	kct_check(scan(&p, &ch) == KCT_INVALID_SCTP_BAD_CHUNKS,
		  "a packet needs a chunk");
	p.len = 8;
	kct_check(scan(&p, &ch) == KCT_INVALID_TRUNCATED,
		  "and the whole common header");
}

static void test_new(void)
{
	struct pkt p;

	begin(&p, ST);
	chunk(&p, KCT_SCTP_DATA, 3, 0, 16);
	kct_check(open_with(&p) == KCT_INVALID_SCTP_BAD_STATE,
		  "DATA out of the blue starts nothing");
	begin(&p, ST);
	chunk(&p, KCT_SCTP_ABORT, 0, 0, 0);
	kct_check(open_with(&p) == KCT_INVALID_SCTP_BAD_STATE,
		  "nor does an ABORT (RFC 9260 8.4)");
	begin(&p, 7);
	chunk(&p, KCT_SCTP_INIT, 0, CT, 16);
	kct_check(open_with(&p) == KCT_INVALID_SCTP_BAD_VTAG,
		  "an INIT must carry tag 0 (8.5.1 A)");
	begin(&p, 0);
	chunk(&p, KCT_SCTP_INIT, 0, CT, 16);
	kct_check(!open_with(&p) && c.state == KCT_SCTP_CLOSED &&
		  c.vtag[R] == htonl(CT) && c.init[O] && !c.init[R] && v.refresh,
		  "an INIT starts a CLOSED entry with the tag replies carry");
	begin(&p, 0);
	chunk(&p, KCT_SCTP_INIT, 0, CT, 2);
	p.len -= 2;	/* the packet ends inside the tag */
	kct_check(open_with(&p) == KCT_INVALID_TRUNCATED,
		  "an INIT whose packet ends inside its tag is refused");
	begin(&p, 0);
	chunk(&p, KCT_SCTP_INIT, 0, CT, 8);	/* tag and window only */
	kct_check(open_with(&p) == KCT_INVALID_TRUNCATED,
		  "an INIT without its whole 16-byte fixed part is refused");
}

static void test_life(void)
{
	handshake();
	kct_check(c.state == KCT_SCTP_ESTABLISHED && v.assured && v.refresh &&
		  !c.init[O] && !c.init[R],
		  "INIT, INIT ACK, COOKIE ECHO, COOKIE ACK: ESTABLISHED, assured");
	kct_check(!one(O, ST, KCT_SCTP_SACK, 0, 0) && !v.assured,
		  "a SACK with the right tag passes, assured only once");
	kct_check(one(O, CT, KCT_SCTP_SACK, 0, 0) == KCT_INVALID_SCTP_BAD_VTAG &&
		  c.state == KCT_SCTP_ESTABLISHED,
		  "with the wrong tag it is INVALID (8.5)");
	kct_check(!one(O, ST, KCT_SCTP_SHUTDOWN, 0, 0) &&
		  c.state == KCT_SCTP_SHUTDOWN_SENT &&
		  kct_sctp_can_early_drop(&c),
		  "SHUTDOWN from the client: SHUTDOWN_SENT, may be early dropped");
	kct_check(!one(R, CT, KCT_SCTP_SHUTDOWN_ACK, 0, 0) &&
		  c.state == KCT_SCTP_SHUTDOWN_ACK_SENT,
		  "its SHUTDOWN ACK: SHUTDOWN_ACK_SENT");
	kct_check(one(O, CT, KCT_SCTP_SHUTDOWN_COMPLETE, 0, 0) ==
		  KCT_INVALID_SCTP_BAD_VTAG,
		  "SHUTDOWN COMPLETE with the peer's tag needs the T bit");
	kct_check(!one(O, CT, KCT_SCTP_SHUTDOWN_COMPLETE, KCT_SCTP_FLAG_T, 0) &&
		  c.state == KCT_SCTP_CLOSED && !kct_sctp_can_early_drop(&c),
		  "with it, the association is CLOSED");

	handshake();
	kct_check(!one(R, CT, KCT_SCTP_SHUTDOWN, 0, 0) &&
		  c.state == KCT_SCTP_SHUTDOWN_RECD,
		  "SHUTDOWN from the server: SHUTDOWN_RECD");
	kct_check(one(R, ST, KCT_SCTP_ABORT, 0, 0) == KCT_INVALID_SCTP_BAD_VTAG,
		  "an ABORT with its sender's own tag is refused (8.5.1 B)");
	kct_check(!one(R, CT, KCT_SCTP_ABORT, 0, 0) &&
		  c.state == KCT_SCTP_CLOSED,
		  "an ABORT with the tag its receiver wants closes");
	kct_check(!one(O, 0, KCT_SCTP_INIT, 0, CT) && !v.refresh &&
		  c.state == KCT_SCTP_CLOSED,
		  "an INIT again on a CLOSED entry does not keep it alive");
	kct_check(one(R, 0, KCT_SCTP_COOKIE_ECHO, 0, 0) ==
		  KCT_INVALID_SCTP_BAD_VTAG,
		  "a COOKIE ECHO must carry the tag of the INIT ACK (8.5.1 D)");
}

static void test_heartbeat(void)
{
	struct pkt p;

	begin(&p, ST);
	chunk(&p, KCT_SCTP_HEARTBEAT, 0, 0, 8);
	kct_check(!open_with(&p) && c.state == KCT_SCTP_HEARTBEAT_SENT &&
		  c.vtag[O] == htonl(ST),
		  "a lone HEARTBEAT starts a HEARTBEAT_SENT entry, its tag kept");
	kct_check(one(R, 0, KCT_SCTP_INIT_ACK, 0, CT) ==
		  KCT_INVALID_SCTP_BAD_STATE,
		  "an INIT ACK cannot answer it");
	kct_check(!one(R, CT, KCT_SCTP_HEARTBEAT_ACK, 0, 0) &&
		  c.state == KCT_SCTP_ESTABLISHED && v.assured &&
		  c.vtag[R] == htonl(CT),
		  "its HEARTBEAT ACK makes it ESTABLISHED, learning that tag");

	handshake();
	kct_check(!one(O, 0x99, KCT_SCTP_HEARTBEAT, 0, 0) && !v.refresh &&
		  c.vtag[O] == htonl(ST),
		  "a HEARTBEAT with a new tag passes without effect");
	kct_check(one(O, 0x98, KCT_SCTP_HEARTBEAT_ACK, 0, 0) ==
		  KCT_INVALID_SCTP_BAD_VTAG,
		  "its ACK must come from the other side");
	kct_check(!one(R, 0x77, KCT_SCTP_HEARTBEAT_ACK, 0, 0) &&
		  c.vtag[R] == htonl(0x77) && !c.vtag[O],
		  "then the peer restarted: its new tag is taken, the other relearnt");
}

/*
 * Both ends open at once (RFC 9260 5.2.4), as in the kernel's
 * conntrack_sctp_collision.sh: the client's INIT, the server's INIT, the
 * client's INIT ACK, COOKIE ECHO and ACK; then the server's late INIT ACK
 * answering the client's INIT, with a tag of an association that never
 * came to be.
 */
static void test_collision(void)
{
	struct pkt p;

	begin(&p, 0);
	chunk(&p, KCT_SCTP_INIT, 0, CT, 16);
	open_with(&p);
	kct_check(!one(R, 0, KCT_SCTP_INIT, 0, ST) && c.init[O] && c.init[R] &&
		  c.vtag[O] == htonl(ST),
		  "collision: an INIT each way, both in flight");
	kct_check(!one(O, ST, KCT_SCTP_INIT_ACK, 0, CT),
		  "the client's INIT ACK, with the tag its INIT announced");
	kct_check(!one(R, CT, KCT_SCTP_COOKIE_ECHO, 0, 0) &&
		  !one(O, ST, KCT_SCTP_COOKIE_ACK, 0, 0) && !c.init[O] &&
		  !c.init[R],
		  "COOKIE ECHO and ACK: no INIT in flight any more");
	kct_check(one(R, CT, KCT_SCTP_INIT_ACK, 0, 0x4444) ==
		  KCT_INVALID_SCTP_BAD_VTAG && c.vtag[O] == htonl(ST),
		  "the late INIT ACK with another tag is INVALID, tags kept");
	kct_check(!one(O, ST, KCT_SCTP_DATA, 0, 0),
		  "and the association's DATA still passes");

	begin(&p, 0);
	chunk(&p, KCT_SCTP_INIT, 0, CT, 16);
	open_with(&p);
	kct_check(one(R, CT, KCT_SCTP_INIT_ACK, 0, ST) == KCT_VALID &&
		  one(R, CT, KCT_SCTP_INIT_ACK, 0, ST + 1) == KCT_VALID,
		  "without a collision, a second INIT ACK may change the tag");
}

int main(void)
{
	kct_unit_start();
	test_numbers();
	test_scan();
	test_new();
	test_life();
	test_heartbeat();
	test_collision();
	return kct_unit_done();
}
