// SPDX-License-Identifier: GPL-2.0
/*
 * Line tracking in one direction of an FTP control connection; the rules
 * are described in kct_ftp_stream.h.  Sequence numbers wrap: they are
 * compared through their signed difference, as TCP does.
 */
#include "kct_compat.h"
#include "kct_ftp_stream.h"

static bool kct_ftp_seq_after(u32 a, u32 b)
{
	return (s32)(a - b) > 0;
}

void kct_ftp_stream_syn(struct kct_ftp_stream *s, u32 seq)
{
	/* The SYN takes one sequence number; the first line follows it. */
	s->line_seq = seq + 1;
	s->prev_len = 0;
	s->saved = 0;
	s->flags = KCT_FTP_KNOWN;
}

void kct_ftp_stream_lost(struct kct_ftp_stream *s)
{
	s->prev_len = 0;
	s->saved = 0;
	s->flags = 0;
}

/* Offset just after the first '\n' of @b, or 0 when there is none. */
static size_t kct_ftp_after_first_nl(const u8 *b, size_t len)
{
	const u8 *nl = memchr(b, '\n', len);

	return nl ? (size_t)(nl - b) + 1 : 0;
}

/*
 * Read the lines of @b, which starts at s->line_seq, a line start; keep
 * an unfinished last line that may still match, skip one that cannot.
 */
static void kct_ftp_read(struct kct_ftp_stream *s,
			 const struct kct_ftp_calls *c, const u8 *b,
			 size_t len, enum kct_ftp_dir dir, u8 family)
{
	struct kct_ftp_match m;
	enum kct_ftp_status st;
	size_t pos = 0, rest;
	u8 *keep;

	while (pos < len) {
		st = kct_ftp_find(b + pos, len - pos, dir, family, &m);
		if (st == KCT_FTP_PARTIAL) {
			rest = len - pos - m.off;
			/* The parser never waits on a line this long. */
			if (rest >= KCT_FTP_LINE_MAX)
				break;
			keep = c->keep(c->arg);
			if (!keep)
				break;
			s->line_seq += (u32)(pos + m.off);
			/* From the segment, or within the keep buffer itself. */
			memmove(keep, b + pos + m.off, rest);
			s->saved = (u8)rest;
			return;
		}
		if (st != KCT_FTP_FOUND || !m.next || m.next > len - pos)
			break;
		/* Offsets from the first line start in @b, for the caller. */
		m.off += pos;
		m.next += pos;
		c->found(&m, c->arg);
		pos = m.next;
	}
	/* All read; an unfinished last line cannot match: skip its rest. */
	if (kct_ftp_after_last_nl(b, len) != len)
		s->flags |= KCT_FTP_SKIPPING;
	s->line_seq += (u32)len;
}

/*
 * The kept start of a line, then @*b: complete the line in the keep
 * buffer and read it.  Returns how many bytes of @*b that took.
 */
static size_t kct_ftp_complete(struct kct_ftp_stream *s,
			       const struct kct_ftp_calls *c, const u8 *b,
			       size_t len, enum kct_ftp_dir dir, u8 family)
{
	size_t nl = kct_ftp_after_first_nl(b, len), take = nl ? nl : len;
	size_t total = s->saved + take;
	u8 *keep = c->keep(c->arg);

	if (!keep || total > KCT_FTP_LINE_MAX ||
	    (!nl && total == KCT_FTP_LINE_MAX)) {
		/* Too long to match (or the bytes are gone): skip it. */
		s->line_seq += s->saved;
		s->saved = 0;
		s->flags |= KCT_FTP_SKIPPING;
		return 0;
	}
	memcpy(keep + s->saved, b, take);
	s->saved = 0;
	/* Reads the whole line, or keeps it again if still unfinished. */
	kct_ftp_read(s, c, keep, total, dir, family);
	return take;
}

/*
 * The new bytes @b of a segment that started inside bytes already passed,
 * not at a known line start: none of them is read; the current line (kept
 * or being skipped) ends somewhere in them or after them.
 */
static void kct_ftp_pass(struct kct_ftp_stream *s, const u8 *b, size_t len)
{
	/* Past the kept start of a line (dropped) and every new byte. */
	s->line_seq += s->saved + (u32)len;
	s->saved = 0;
	if (kct_ftp_after_last_nl(b, len) == len)
		s->flags &= ~KCT_FTP_SKIPPING;	/* a line starts just after */
	else
		s->flags |= KCT_FTP_SKIPPING;	/* inside a line not read */
}

static void kct_ftp_stream_segment(struct kct_ftp_stream *s,
				   const struct kct_ftp_calls *c, u32 seq,
				   const u8 *b, size_t len,
				   enum kct_ftp_dir dir, u8 family)
{
	size_t skip;
	bool alt;
	u32 next;

	next = s->line_seq + s->saved;
	if (seq != next && (s->flags & KCT_FTP_ALT) && seq == s->alt_seq) {
		/*
		 * It continues a segment that came after a gap and ended a
		 * line: read on from there.  Where this stream was is kept
		 * as the alternative, if a line starts there.
		 */
		alt = !s->saved && !(s->flags & KCT_FTP_SKIPPING);
		s->alt_seq = s->line_seq;
		s->line_seq = seq;
		s->saved = 0;
		s->flags = KCT_FTP_KNOWN | (alt ? KCT_FTP_ALT : 0);
		next = seq;
	}
	if (kct_ftp_seq_after(seq, next)) {
		/* Bytes are missing: nothing of this segment is read. */
		if (b[len - 1] == '\n') {
			s->alt_seq = seq + (u32)len;
			s->flags |= KCT_FTP_ALT;
		}
		return;
	}
	/* Do not read again what was read. */
	skip = next - seq;
	if (skip >= len)
		return;
	b += skip;
	len -= skip;
	if (seq != next && seq != s->line_seq &&
	    (!s->prev_len || seq != s->line_seq - s->prev_len)) {
		kct_ftp_pass(s, b, len);
		return;
	}

	if (s->saved) {
		skip = kct_ftp_complete(s, c, b, len, dir, family);
		b += skip;
		len -= skip;
		if (!len || s->saved)
			return;
	}
	if (s->flags & KCT_FTP_SKIPPING) {
		skip = kct_ftp_after_first_nl(b, len);
		if (!skip) {
			s->line_seq += (u32)len;
			return;
		}
		s->line_seq += (u32)skip;
		s->flags &= ~KCT_FTP_SKIPPING;
		b += skip;
		len -= skip;
		if (!len)
			return;
	}
	/* @b now starts at the line start, s->line_seq. */
	kct_ftp_read(s, c, b, len, dir, family);
}

/*
 * One segment of @len bytes starting at sequence number @seq.  c->found
 * is called for every announcement in lines not read before.
 */
void kct_ftp_stream_data(struct kct_ftp_stream *s,
			 const struct kct_ftp_calls *c, u32 seq,
			 const void *data, size_t len, enum kct_ftp_dir dir,
			 u8 family)
{
	bool at_line;
	u32 from;

	if (!len)
		return;
	if (len > KCT_FTP_SEGMENT_MAX) {
		kct_ftp_stream_lost(s);
		return;
	}
	if (!(s->flags & KCT_FTP_KNOWN)) {
		/* Picked up in mid-stream: its first line start is ahead. */
		s->line_seq = seq;
		s->prev_len = 0;
		s->saved = 0;
		s->flags = KCT_FTP_KNOWN | KCT_FTP_SKIPPING;
	}
	from = s->line_seq;
	at_line = !(s->flags & KCT_FTP_SKIPPING);
	kct_ftp_stream_segment(s, c, seq, data, len, dir, family);
	/* Where the stream moved on from a line start, that is the one before. */
	if (s->line_seq != from)
		s->prev_len = at_line && kct_ftp_seq_after(s->line_seq, from) &&
			      s->line_seq - from <= U16_MAX ?
			      (u16)(s->line_seq - from) : 0;
}
