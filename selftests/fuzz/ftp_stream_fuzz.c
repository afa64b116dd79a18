// SPDX-License-Identifier: GPL-2.0
// kct-fuzz-sources: helpers/kct_ftp_stream.c helpers/kct_ftp_parse.c
/*
 * libFuzzer target of the FTP helper's line tracking.  The first three
 * input bytes pick the direction and family, the initial sequence number
 * and a seed; the rest is the control stream.  The stream is cut into
 * segments of 1 to 40 bytes, some of them sent again, partly or whole,
 * after later bytes (retransmissions), and segments forged beyond the
 * stream's end (after a gap) carrying slices of it.  Checked, abort() on
 * violation: the helper reports exactly the announcements, in order,
 * that the parser finds reading the whole stream at once, none twice,
 * nothing of a forged segment; and no kept line outlives its stream's
 * reset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kct_ftp_stream.h"

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "invariant failed: %s (line %d)\n", \
				#cond, __LINE__);			\
			abort();					\
		}							\
	} while (0)

#define MAX_FOUND 64

struct found_list {
	unsigned int n;
	struct kct_ftp_match m[MAX_FOUND];
};

static unsigned char keep_buf[KCT_FTP_LINE_MAX];
static struct found_list *found_into;

static void record(const struct kct_ftp_match *m, void *arg)
{
	struct found_list *l = arg;

	if (l->n < MAX_FOUND)
		l->m[l->n] = *m;
	l->n++;
}

static void found(const struct kct_ftp_match *m, void *arg)
{
	(void)arg;
	record(m, found_into);
}

static unsigned char *keep(void *arg)
{
	(void)arg;
	return keep_buf;
}

static int same(const struct kct_ftp_match *a, const struct kct_ftp_match *b)
{
	return a->type == b->type && a->port == b->port &&
	       a->family == b->family && a->peer_addr == b->peer_addr &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

static unsigned int rnd(unsigned int *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 16;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const struct kct_ftp_calls calls = { .found = found, .keep = keep };
	struct found_list want = { 0 }, got = { 0 };
	struct kct_ftp_stream s;
	struct kct_ftp_match m;
	enum kct_ftp_dir dir;
	unsigned int state, i;
	const unsigned char *buf;
	size_t len, pos, n, back;
	u32 isn;
	u8 family;

	if (size < 3)
		return 0;
	dir = data[0] & 1 ? KCT_FTP_FROM_SERVER : KCT_FTP_FROM_CLIENT;
	family = data[0] & 2 ? 6 : 4;
	/* Near the wrap of sequence numbers, half of the time. */
	isn = data[0] & 4 ? 0xffffff00u + data[1] : (u32)data[1] << 12;
	state = data[2];
	buf = data + 3;
	len = size - 3;
	if (len > 4096)
		return 0;

	/* The whole stream at once. */
	for (pos = 0; pos < len;) {
		if (kct_ftp_find(buf + pos, len - pos, dir, family, &m) !=
		    KCT_FTP_FOUND)
			break;
		record(&m, &want);
		pos += m.next;
	}

	memset(&s, 0, sizeof(s));
	found_into = &got;
	kct_ftp_stream_syn(&s, isn);
	for (pos = 0; pos < len; pos += n) {
		n = 1 + rnd(&state) % 40;
		if (n > len - pos)
			n = len - pos;
		kct_ftp_stream_data(&s, &calls, isn + 1 + (u32)pos, buf + pos,
				    n, dir, family);
		if (rnd(&state) % 8 == 0) {
			/*
			 * Forged after a gap, beyond the stream's end, never
			 * where another forged one ends.
			 */
			size_t from = rnd(&state) % len, flen;

			flen = 1 + rnd(&state) % 80;
			if (flen > len - from)
				flen = len - from;
			kct_ftp_stream_data(&s, &calls,
					    isn + 2 + (u32)len +
					    100 * (rnd(&state) % 10),
					    buf + from, flen, dir, family);
		}
		if (rnd(&state) % 4 == 0) {
			/* A retransmission: some bytes back, some ahead. */
			back = rnd(&state) % 24;
			if (back > pos + n)
				back = pos + n;
			kct_ftp_stream_data(&s, &calls,
					    isn + 1 + (u32)(pos + n - back),
					    buf + pos + n - back, back, dir,
					    family);
		}
	}

	CHECK(got.n == want.n);
	for (i = 0; i < want.n && i < MAX_FOUND; i++)
		CHECK(same(&got.m[i], &want.m[i]));

	kct_ftp_stream_syn(&s, isn);
	CHECK(!s.saved);
	return 0;
}
