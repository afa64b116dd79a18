/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where lines start in one direction of an FTP control connection, so
 * that the parser (kct_ftp_parse.h) always reads from the start of a line
 * although TCP cuts the stream anywhere.
 *
 * As stock nf_conntrack_ftp does, each direction remembers the sequence
 * number where its current line starts, just after the last '\n' seen,
 * and a segment is parsed from there.  Where stock drops a segment that
 * ends inside a line that may still turn out to be a PORT, EPRT, 227 or
 * 229 (so that the sender retransmits the line whole, which a sender with
 * little to send may never do), kct keeps the unfinished line's bytes, at
 * most KCT_FTP_LINE_MAX - 1 of them, and reads them again in front of the
 * next segment: no segment is ever dropped.
 *
 * Those bytes live in a fixed pool of slots shared by all connections
 * (struct kct_ftp_lines), because the per-connection helper area is too
 * small for them and kct never tells a helper that a connection died.  A
 * slot belongs to a stream while its owner pointer and cookie match the
 * stream's; when the pool is full the slot used longest ago is taken, and
 * the stream that loses it skips to its next line.  Slots of connections
 * that died are reused the same way.
 *
 * The rest of a line that cannot match is skipped up to its '\n'.  Bytes
 * already read, when retransmitted, are not read again.
 *
 * A segment that starts after the next byte expected (bytes the helper
 * never saw: lost before reaching it, or a forged segment) has none of its
 * lines read, because where they start is unknown, and moves nothing: the
 * stream still waits for its next byte.  If such a segment ends with a
 * '\n', a line starts just after it; that position is remembered as an
 * alternative, as stock remembers two, so that a stream whose missing
 * bytes never pass here (they went another way) is read again from its
 * next segment on.  A stream picked up in mid-connection, without its
 * SYN, is read from the first line start of its first segment.
 *
 * Portable: built into kct_ftp.ko and into the host unit tests.
 */
#ifndef _KCT_FTP_STREAM_H
#define _KCT_FTP_STREAM_H

#include "kct_compat.h"
#include "kct_ftp_parse.h"

/* One direction's state, in the connection's helper area. */
struct kct_ftp_stream {
	/*
	 * Reading: sequence number of the current line's start.  Skipping
	 * (inside a line that cannot match): of the first byte not read.
	 */
	u32 line_seq;
	u32 cookie;		/* of the slot holding the line's bytes, or 0 */
	u32 alt_seq;		/* another line start, if KCT_FTP_ALT */
	u16 saved;		/* bytes of the line held in that slot */
	u8 slot;
	u8 flags;
};

#define KCT_FTP_KNOWN		0x1	/* line_seq is valid */
#define KCT_FTP_SKIPPING	0x2	/* inside a line that cannot match */
#define KCT_FTP_ALT		0x4	/* alt_seq is valid */

/* Per connection: stored in the helper area of struct nf_conn_help. */
struct kct_ftp_conn {
	struct kct_ftp_stream dir[2];	/* indexed by enum kct_ftp_dir */
};

struct kct_ftp_slot {
	const struct kct_ftp_stream *owner;	/* compared, never followed */
	u32 cookie;
	u32 used;		/* clock of its last use */
	u8 data[KCT_FTP_LINE_MAX];
};

/* Largest segment payload kct_ftp_stream_data() reads. */
#define KCT_FTP_SEGMENT_MAX	65536

/*
 * The pool, and a buffer of KCT_FTP_LINE_MAX + KCT_FTP_SEGMENT_MAX bytes
 * where a kept line and the next segment are put together.  Callers
 * serialise all calls that share one pool.
 */
struct kct_ftp_lines {
	struct kct_ftp_slot *slots;
	unsigned int nslots;	/* at most 256 */
	u32 clock;
	u32 next_cookie;
	u8 *join;
};

/* Called for each data-connection announcement found, in stream order. */
typedef void (*kct_ftp_found_fn)(const struct kct_ftp_match *m, void *arg);

void kct_ftp_stream_syn(struct kct_ftp_lines *l, struct kct_ftp_stream *s,
			u32 seq);
void kct_ftp_stream_lost(struct kct_ftp_lines *l, struct kct_ftp_stream *s);
void kct_ftp_stream_data(struct kct_ftp_lines *l, struct kct_ftp_stream *s,
			 u32 seq, const void *data, size_t len,
			 enum kct_ftp_dir dir, u8 family,
			 kct_ftp_found_fn found, void *arg);

#endif /* _KCT_FTP_STREAM_H */
