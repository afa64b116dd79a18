/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SCTP association tracker, behaving as stock 6.1's
 * nf_conntrack_proto_sctp does, as portable C: the kernel side
 * (kct_proto_sctp.c) gives these functions a way to read the packet and
 * applies their verdict; the host unit tests and the fuzzer call them on
 * plain buffers.
 *
 * No allocation, no global state, no locking: everything lives in the
 * caller's struct kct_sctp_conn, stored in ct->proto.sctp.
 *
 * What the caller does around these calls, as stock does:
 *
 *  - The packet must hold the 12-byte common header; on the way in the
 *    caller checks the CRC32c (RFC 9260 6.8).
 *  - kct_sctp_scan() on every packet: the chunk layout rules (an INIT,
 *    INIT ACK or SHUTDOWN COMPLETE travels alone, COOKIE ECHO and COOKIE
 *    ACK come first, no chunk is empty, there is at least one).
 *  - First packet of an unknown association: kct_sctp_conn_new(); on
 *    KCT_VALID the entry exists (state NONE) and the same packet then
 *    goes through kct_sctp_conn_packet() with @confirmed false.
 *  - kct_sctp_conn_packet() on every packet, under the connection's lock.
 *    Verdict: @invalid (the connection keeps what earlier chunks of the
 *    packet changed, as stock's does); @assured: set IPS_ASSURED (also
 *    when @invalid); @refresh: set the timeout of @state (NONE counts as
 *    CLOSED), else leave it (a retransmitted INIT, a HEARTBEAT with an
 *    unknown tag).
 *  - kct_sctp_can_early_drop(): the shutdown states may be evicted when
 *    the table is nearly full, even when ASSURED.
 */
#ifndef _KCT_SCTP_STATE_H
#define _KCT_SCTP_STATE_H

#include "kct_compat.h"
#include "kct_invalid.h"
#ifndef __KERNEL__
#include <assert.h>	/* static_assert(), from build_bug.h in the kernel */
#endif

/* Same numbering as the kernel's uapi enum sctp_conntrack. */
enum kct_sctp_state {
	KCT_SCTP_NONE,
	KCT_SCTP_CLOSED,
	KCT_SCTP_COOKIE_WAIT,
	KCT_SCTP_COOKIE_ECHOED,
	KCT_SCTP_ESTABLISHED,
	KCT_SCTP_SHUTDOWN_SENT,
	KCT_SCTP_SHUTDOWN_RECD,
	KCT_SCTP_SHUTDOWN_ACK_SENT,
	KCT_SCTP_HEARTBEAT_SENT,
	KCT_SCTP_HEARTBEAT_ACKED,	/* numbered by the uapi, never entered */
	KCT_SCTP_STATE_MAX
};

/* "NONE", "CLOSED", ... as /proc/net/nf_conntrack prints them. */
extern const char *const kct_sctp_state_names[KCT_SCTP_STATE_MAX];

/* Chunk types (RFC 9260 3.2) the tracker looks at. */
#define KCT_SCTP_DATA			0
#define KCT_SCTP_INIT			1
#define KCT_SCTP_INIT_ACK		2
#define KCT_SCTP_SACK			3
#define KCT_SCTP_HEARTBEAT		4
#define KCT_SCTP_HEARTBEAT_ACK		5
#define KCT_SCTP_ABORT			6
#define KCT_SCTP_SHUTDOWN		7
#define KCT_SCTP_SHUTDOWN_ACK		8
#define KCT_SCTP_ERROR			9
#define KCT_SCTP_COOKIE_ECHO		10
#define KCT_SCTP_COOKIE_ACK		11
#define KCT_SCTP_SHUTDOWN_COMPLETE	14

/* The T bit of ABORT and SHUTDOWN COMPLETE: the tag is the peer's. */
#define KCT_SCTP_FLAG_T			0x01

/* Common header: ports, verification tag, checksum. */
#define KCT_SCTP_HDR_LEN		12

/* struct kct_sctp_conn.flags: a HEARTBEAT came with an unknown tag. */
#define KCT_SCTP_HB_TAG_UNKNOWN		0x01

/*
 * Per-association state in ct->proto.sctp, which stock code and
 * ctnetlink readers may read as the kernel's struct ip_ct_sctp: same
 * layout and meaning (the kernel build checks every offset).  Tags are
 * kept as they are on the wire (big endian).
 */
struct kct_sctp_conn {
	u32 state;		/* enum kct_sctp_state, in stock's 4-byte enum */
	__be32 vtag[2];		/* tag each direction's packets must carry */
	u8 init[2];		/* that direction sent an INIT not yet settled */
	u8 last_dir;		/* direction of the HEARTBEAT with a new tag */
	u8 flags;		/* KCT_SCTP_HB_TAG_UNKNOWN */
};

static_assert(sizeof(struct kct_sctp_conn) == 16,
	      "struct kct_sctp_conn is struct ip_ct_sctp: 16 bytes");

/*
 * The SCTP packet, from its common header on: @read returns @len bytes
 * at @off (copied into @buf if need be), or NULL past the end.
 */
struct kct_sctp_pkt {
	const void *(*read)(const void *ctx, unsigned int off,
			    unsigned int len, void *buf);
	const void *ctx;
	unsigned int len;	/* bytes from the common header to the end */
};

/* What kct_sctp_scan() learned: the tag and which chunk types came. */
struct kct_sctp_chunks {
	__be32 vtag;
	u32 map[256 / 32];	/* bit per chunk type */
	unsigned int count;
};

/* The checks on a packet alone; fills @ch.  KCT_VALID or why not. */
enum kct_invalid_reason kct_sctp_scan(const struct kct_sctp_pkt *p,
				      struct kct_sctp_chunks *ch);

static inline bool kct_sctp_has(const struct kct_sctp_chunks *ch, u8 type)
{
	return ch->map[type / 32] & (1u << (type % 32));
}

/*
 * May this packet, seen in the original direction, start an entry?
 * Initialises @c from it if so.
 */
enum kct_invalid_reason kct_sctp_conn_new(struct kct_sctp_conn *c,
					  const struct kct_sctp_pkt *p,
					  const struct kct_sctp_chunks *ch);

/* What kct_sctp_conn_packet() decided; see the top of this file. */
struct kct_sctp_verdict {
	enum kct_invalid_reason invalid;
	enum kct_sctp_state state;
	bool refresh;
	bool assured;
};

/* Every packet of an entry, its first one included (@dir 0 original). */
void kct_sctp_conn_packet(struct kct_sctp_conn *c,
			  const struct kct_sctp_pkt *p,
			  const struct kct_sctp_chunks *ch, int dir,
			  bool confirmed, struct kct_sctp_verdict *v);

/* Shutting down: early drop may evict it even when ASSURED. */
bool kct_sctp_can_early_drop(const struct kct_sctp_conn *c);

#endif /* _KCT_SCTP_STATE_H */
