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

/* The slot holding @s's line, if it still does. */
static struct kct_ftp_slot *kct_ftp_slot_of(struct kct_ftp_lines *l,
					    const struct kct_ftp_stream *s)
{
	struct kct_ftp_slot *slot;

	if (!s->cookie || s->slot >= l->nslots)
		return NULL;
	slot = &l->slots[s->slot];
	if (slot->owner != s || slot->cookie != s->cookie)
		return NULL;
	return slot;
}

static void kct_ftp_slot_release(struct kct_ftp_lines *l,
				 struct kct_ftp_stream *s)
{
	struct kct_ftp_slot *slot = kct_ftp_slot_of(l, s);

	if (slot)
		slot->owner = NULL;
	s->cookie = 0;
	s->saved = 0;
}

/* Keep @len (< KCT_FTP_LINE_MAX) bytes of @s's unfinished line. */
static void kct_ftp_slot_save(struct kct_ftp_lines *l,
			      struct kct_ftp_stream *s, const u8 *b,
			      size_t len)
{
	unsigned int i, pick = 0;
	struct kct_ftp_slot *slot;

	kct_ftp_slot_release(l, s);
	if (!l->nslots)
		return;
	/* A free slot, or else the one used longest ago. */
	for (i = 0; i < l->nslots; i++) {
		if (!l->slots[i].owner) {
			pick = i;
			break;
		}
		if (kct_ftp_seq_after(l->slots[pick].used, l->slots[i].used))
			pick = i;
	}
	slot = &l->slots[pick];
	if (!++l->next_cookie)
		l->next_cookie = 1;
	slot->owner = s;
	slot->cookie = l->next_cookie;
	slot->used = ++l->clock;
	memcpy(slot->data, b, len);
	s->slot = pick;
	s->cookie = slot->cookie;
	s->saved = len;
}

void kct_ftp_stream_syn(struct kct_ftp_lines *l, struct kct_ftp_stream *s,
			u32 seq)
{
	kct_ftp_slot_release(l, s);
	/* The SYN takes one sequence number; the first line follows it. */
	s->line_seq = seq + 1;
	s->flags = KCT_FTP_KNOWN;
}

void kct_ftp_stream_lost(struct kct_ftp_lines *l, struct kct_ftp_stream *s)
{
	kct_ftp_slot_release(l, s);
	s->flags = 0;
}

/* Offset just after the first '\n' of @b, or 0 when there is none. */
static size_t kct_ftp_after_first_nl(const u8 *b, size_t len)
{
	const u8 *nl = memchr(b, '\n', len);

	return nl ? (size_t)(nl - b) + 1 : 0;
}

/*
 * One segment of @len bytes starting at sequence number @seq.  @found is
 * called for every announcement in lines not read before.
 */
void kct_ftp_stream_data(struct kct_ftp_lines *l, struct kct_ftp_stream *s,
			 u32 seq, const void *data, size_t len,
			 enum kct_ftp_dir dir, u8 family,
			 kct_ftp_found_fn found, void *arg)
{
	const struct kct_ftp_slot *slot = kct_ftp_slot_of(l, s);
	const u8 *b = data;
	struct kct_ftp_match m;
	enum kct_ftp_status st;
	size_t skip, pos;
	bool alt;
	u32 next;

	if (!len)
		return;
	if (len > KCT_FTP_SEGMENT_MAX) {
		kct_ftp_stream_lost(l, s);
		return;
	}
	if (s->saved && !slot) {
		/* Another stream took the kept bytes: skip their line. */
		s->line_seq += s->saved;
		kct_ftp_slot_release(l, s);
		s->flags |= KCT_FTP_SKIPPING;
	}
	if (!(s->flags & KCT_FTP_KNOWN)) {
		/* Picked up in mid-stream: its first line start is ahead. */
		s->line_seq = seq;
		s->flags = KCT_FTP_KNOWN | KCT_FTP_SKIPPING;
	}

	next = s->line_seq + s->saved;
	if (seq != next && (s->flags & KCT_FTP_ALT) && seq == s->alt_seq) {
		/*
		 * It continues a segment that came after a gap and ended a
		 * line: read on from there.  Where this stream was is kept
		 * as the alternative, if a line starts there.
		 */
		alt = !s->saved && !(s->flags & KCT_FTP_SKIPPING);
		s->alt_seq = s->line_seq;
		kct_ftp_slot_release(l, s);
		s->line_seq = seq;
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

	/* Put the kept start of the line in front of the new bytes. */
	if (s->saved) {
		memcpy(l->join, slot->data, s->saved);
		memcpy(l->join + s->saved, b, len);
		len += s->saved;
		b = l->join;
		kct_ftp_slot_release(l, s);
	}

	/* @b now starts at the line start, s->line_seq. */
	pos = 0;
	while (pos < len) {
		st = kct_ftp_find(b + pos, len - pos, dir, family, &m);
		if (st == KCT_FTP_PARTIAL) {
			/* The parser never waits on a line this long. */
			if (len - pos - m.off >= KCT_FTP_LINE_MAX)
				break;
			s->line_seq += (u32)(pos + m.off);
			kct_ftp_slot_save(l, s, b + pos + m.off,
					  len - pos - m.off);
			return;
		}
		if (st != KCT_FTP_FOUND || !m.next || m.next > len - pos)
			break;
		/* Offsets from the first line start in @b, for the caller. */
		m.off += pos;
		m.next += pos;
		found(&m, arg);
		pos = m.next;
	}
	/* All read; an unfinished last line cannot match: skip its rest. */
	if (kct_ftp_after_last_nl(b, len) != len)
		s->flags |= KCT_FTP_SKIPPING;
	s->line_seq += (u32)len;
}
