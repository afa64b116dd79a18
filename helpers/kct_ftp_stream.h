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
 * Those bytes are the connection's own: the caller gives each direction
 * a buffer of KCT_FTP_LINE_MAX bytes when it first needs one (struct
 * kct_ftp_calls).  Without one (no memory) the line is skipped.
 *
 * The rest of a line that cannot match is skipped up to its '\n'.  Bytes
 * already read, when retransmitted, are not read again.  A segment that
 * starts inside bytes already passed has its new bytes read only if it
 * starts at a line start the stream knows: the current one, or the one
 * before it (a sender retransmitting two lines as one segment).  As
 * stock, which parses a segment only from a line start it recorded,
 * reads nothing of a segment that starts anywhere else, kct passes its
 * new bytes unread (a line they end is not kept) and moves on to the
 * line start after their last '\n'.
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
	u32 alt_seq;		/* another line start, if KCT_FTP_ALT */
	/* The line start before line_seq is line_seq - prev_len; 0: none. */
	u16 prev_len;
	u8 saved;		/* bytes of the current line kept */
	u8 flags;
};

#define KCT_FTP_KNOWN		0x1	/* line_seq is valid */
#define KCT_FTP_SKIPPING	0x2	/* inside a line that cannot match */
#define KCT_FTP_ALT		0x4	/* alt_seq is valid */

/* Largest segment payload kct_ftp_stream_data() reads. */
#define KCT_FTP_SEGMENT_MAX	65536

/* What a stream asks of its caller. */
struct kct_ftp_calls {
	/*
	 * Called for each data-connection announcement, in stream order;
	 * meanwhile the stream's line_seq is the sequence number of the
	 * match's offset 0.
	 */
	void (*found)(const struct kct_ftp_match *m, void *arg);
	/*
	 * The direction's KCT_FTP_LINE_MAX bytes where its unfinished line
	 * is kept, the same each time; NULL if there are none.
	 */
	u8 *(*keep)(void *arg);
	void *arg;
};

void kct_ftp_stream_syn(struct kct_ftp_stream *s, u32 seq);
void kct_ftp_stream_lost(struct kct_ftp_stream *s);
void kct_ftp_stream_data(struct kct_ftp_stream *s,
			 const struct kct_ftp_calls *c, u32 seq,
			 const void *data, size_t len, enum kct_ftp_dir dir,
			 u8 family);

#endif /* _KCT_FTP_STREAM_H */
