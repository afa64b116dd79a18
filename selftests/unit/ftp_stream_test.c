// SPDX-License-Identifier: GPL-2.0
// kct-unit-sources: helpers/kct_ftp_stream.c helpers/kct_ftp_parse.c
/*
 * Unit tests of the FTP helper's line tracking (kct_ftp_stream.c): TCP
 * cuts the control stream anywhere, retransmits, loses and reorders; the
 * helper must read each announcement exactly once, from the start of its
 * line.  Each check's description states the rule it demonstrates.
 */
#include <stdlib.h>
#include <string.h>

#include "kct_ftp_stream.h"
#include "kct_unit.h"

#define C KCT_FTP_FROM_CLIENT
#define S KCT_FTP_FROM_SERVER

static int nfound;
static u16 ports[16];
static u8 keep_s[KCT_FTP_LINE_MAX], keep_t[KCT_FTP_LINE_MAX];
static bool no_keep;

static void found(const struct kct_ftp_match *m, void *arg)
{
	(void)arg;
	if (nfound < 16)
		ports[nfound] = m->port;
	nfound++;
}

/* Each stream its own buffer, as each connection has in the kernel. */
static u8 *keep(void *arg)
{
	return no_keep ? NULL : arg;
}

static struct kct_ftp_stream s, t;
static const struct kct_ftp_calls calls_s = {
	.found = found, .keep = keep, .arg = keep_s,
};

static const struct kct_ftp_calls calls_t = {
	.found = found, .keep = keep, .arg = keep_t,
};

static const struct kct_ftp_calls *calls_of(const struct kct_ftp_stream *st)
{
	return st == &s ? &calls_s : &calls_t;
}

static void reset(struct kct_ftp_stream *st)
{
	memset(st, 0, sizeof(*st));
	no_keep = false;
	nfound = 0;
}

/* Feeds @text as one segment at @seq in direction @dir. */
static void seg(struct kct_ftp_stream *s, u32 seq, const char *text,
		enum kct_ftp_dir dir)
{
	kct_ftp_stream_data(s, calls_of(s), seq, text, strlen(text), dir, 4);
}

/* Feeds @text from @seq in segments of @step bytes; returns the end. */
static u32 pieces(struct kct_ftp_stream *s, u32 seq, const char *text,
		  size_t step, enum kct_ftp_dir dir)
{
	size_t len = strlen(text), i, n;

	for (i = 0; i < len; i += n) {
		n = len - i < step ? len - i : step;
		kct_ftp_stream_data(s, calls_of(s), seq + i, text + i, n, dir,
				    4);
	}
	return seq + len;
}

static const char port[] = "PORT 192,0,2,2,195,80\r\n";	/* 50000 */

int main(void)
{
	char longline[400];
	u32 seq;

	kct_unit_start();

	reset(&s);
	kct_ftp_stream_syn(&s, 1000);
	seg(&s, 1001, port, C);
	kct_check(nfound == 1 && ports[0] == 50000,
		  "a PORT in one segment right after the SYN is read");

	reset(&s);
	kct_ftp_stream_syn(&s, 1000);
	pieces(&s, 1001, port, 1, C);
	kct_check(nfound == 1 && ports[0] == 50000,
		  "a PORT in one-byte segments is read once, when complete");

	reset(&s);
	kct_ftp_stream_syn(&s, 1000);
	seq = pieces(&s, 1001, "USER anonymous\r\n", 3, C);
	pieces(&s, seq, port, 7, C);
	kct_check(nfound == 1 && ports[0] == 50000,
		  "a PORT after a line split in 3-byte segments, itself in 7-byte ones");

	reset(&s);
	kct_ftp_stream_syn(&s, 1000);
	seg(&s, 1001, port, C);
	seg(&s, 1001, port, C);
	kct_check(nfound == 1, "a retransmitted segment is not read again");

	reset(&s);
	kct_ftp_stream_syn(&s, 1000);
	seg(&s, 1001, "NOOP\r\nPORT 192,0,2,2,1", C);
	seg(&s, 1001, "NOOP\r\nPORT 192,0,2,2,195,81\r\n", C);
	kct_check(nfound == 1 && ports[0] == 50001,
		  "a retransmission that adds bytes completes the kept line");

	reset(&s);
	kct_ftp_stream_syn(&s, 1000);
	seg(&s, 1001, "USER a\r\n", C);
	seg(&s, 1009, "NOOP\r\n", C);
	seg(&s, 1009, "NOOP\r\nPORT 192,0,2,2,195,82\r\n", C);
	kct_check(nfound == 1 && ports[0] == 50002,
		  "two lines retransmitted as one segment, from the line start before the current one, are read");

	reset(&s);
	kct_ftp_stream_syn(&s, 1000);
	seg(&s, 1001, "NOOP\r\n", C);
	seg(&s, 1003, "OP\r\nPORT 192,0,2,2,195,80\r\n", C);
	kct_check(nfound == 0,
		  "a segment starting inside a line already read is not read, as stock");
	seg(&s, 1001 + 6 + 23, "PORT 192,0,2,2,195,83\r\n", C);
	kct_check(nfound == 1 && ports[0] == 50003,
		  "and the stream reads on after its last line end");

	reset(&s);
	seg(&s, 1000, "NOOP\r\n", C);
	seg(&s, 1000, "NOOP\r\nPORT 192,0,2,2,195,80\r\n", C);
	kct_check(nfound == 0,
		  "picked up at a segment, a retransmission from that segment's start is not read: no line start is known there, as for stock");

	reset(&s);
	kct_ftp_stream_syn(&s, 1000);
	seg(&s, 1001, "PORT 192,0,2,2,19", C);
	seg(&s, 1001 + 3, "T 192,0,2,2,195,80\r\nPORT 192,0,2,2,195,84\r\n", C);
	seg(&s, 1001 + 46, "PORT 192,0,2,2,195,85\r\n", C);
	kct_check(nfound == 1 && ports[0] == 50005,
		  "a segment starting inside a kept line drops it unread");

	reset(&s);
	kct_ftp_stream_syn(&s, 1000);
	seg(&s, 1001, "NOOP\r\nPORT 192,0,2,2,195,80\r\nPORT 192,0,2,2,195,81\r\n", C);
	kct_check(nfound == 2 && ports[0] == 50000 && ports[1] == 50001,
		  "every announcement of a segment is read, in order");

	reset(&s);
	kct_ftp_stream_syn(&s, 1000);
	seg(&s, 1001, "PORT 192,0,2", C);
	/* ",2,195,80\r\n" never arrives; the next segment comes after it. */
	seg(&s, 1001 + 23, "PORT 192,0,2,2,195,82\r\n", C);
	kct_check(nfound == 0,
		  "after missing bytes, the rest of the line is not read");
	seg(&s, 1001 + 46, "PORT 192,0,2,2,195,83\r\n", C);
	kct_check(nfound == 1 && ports[0] == 50003,
		  "but the next line is");

	reset(&s);
	kct_ftp_stream_syn(&s, 1000);
	seg(&s, 1001 + 5, "2,2,195,80\r\nPORT 192,0,2,2,195,84\r\n", C);
	kct_check(nfound == 0,
		  "no line of a segment after a gap is read, not even after its first line end");
	seg(&s, 1001, port, C);
	kct_check(nfound == 1 && ports[0] == 50000,
		  "and the stream still reads from its next byte");

	reset(&s);
	kct_ftp_stream_syn(&s, 1000);
	seg(&s, 1001 + 100, "x\r\nPORT 192,0,2,2,195,84\r\nPORT 1", C);
	seg(&s, 1001 + 100 + 32, "92,0,2,2,195,85\r\n", C);
	kct_check(nfound == 0,
		  "a segment after a gap that ends inside a line gives no line start");
	seg(&s, 1001, "NOOP\r\n", C);
	seg(&s, 1001 + 6, port, C);
	kct_check(nfound == 1 && ports[0] == 50000,
		  "the stream reads on where it was");

	reset(&s);
	kct_ftp_stream_syn(&s, 1000);
	seg(&s, 1001 + 100, "NOOP\r\n", C);
	seg(&s, 1001 + 106, "PORT 192,0,2,2,195,86\r\n", C);
	kct_check(nfound == 1 && ports[0] == 50006,
		  "a segment continuing one after a gap that ended a line is read");
	seg(&s, 1001, port, C);
	kct_check(nfound == 2 && ports[1] == 50000,
		  "and the bytes before the gap, arriving later, are read too");

	reset(&s);
	seg(&s, 5000, port, C);
	seg(&s, 5000 + 23, "PORT 192,0,2,2,195,85\r\n", C);
	kct_check(nfound == 1 && ports[0] == 50005,
		  "a stream picked up without its SYN starts at its first line start");

	reset(&s);
	kct_ftp_stream_syn(&s, 0xfffffff0);
	pieces(&s, 0xfffffff1, port, 4, C);
	kct_check(nfound == 1 && ports[0] == 50000,
		  "sequence numbers wrap around in the middle of a line");

	reset(&s);
	kct_ftp_stream_syn(&s, 1000);
	memset(longline, 'x', sizeof(longline));
	memcpy(longline, "227 ", 4);
	longline[sizeof(longline) - 3] = '\r';
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = 0;
	seq = pieces(&s, 1001, longline, 50, S);
	kct_check(nfound == 0,
		  "a reply line longer than KCT_FTP_LINE_MAX is not read");
	pieces(&s, seq, "227 Entering Passive Mode (198,51,100,2,195,86).\r\n", 5, S);
	kct_check(nfound == 1 && ports[0] == 50006,
		  "but the 227 reply after it is, split in 5-byte segments");

	reset(&s);
	memset(&t, 0, sizeof(t));
	kct_ftp_stream_syn(&s, 1000);
	kct_ftp_stream_syn(&t, 9000);
	seg(&s, 1001, "PORT 192,0,2,2,", C);
	seg(&t, 9001, "PORT 192,0,2,2,", C);
	seg(&s, 1001 + 15, "195,80\r\n", C);
	seg(&t, 9001 + 15, "195,81\r\n", C);
	kct_check(nfound == 2 && ports[0] == 50000 && ports[1] == 50001,
		  "two streams keep their unfinished lines apart");

	reset(&s);
	no_keep = true;
	kct_ftp_stream_syn(&s, 1000);
	seg(&s, 1001, "PORT 192,0,2,2,", C);
	seg(&s, 1001 + 15, "195,80\r\n", C);
	kct_check(nfound == 0,
		  "with nowhere to keep it, an unfinished line is skipped");
	seg(&s, 1001 + 23, "PORT 192,0,2,2,195,87\r\n", C);
	kct_check(nfound == 1 && ports[0] == 50007,
		  "and the next line is read");

	reset(&s);
	kct_ftp_stream_syn(&s, 1000);
	memset(longline, 'x', sizeof(longline));
	memcpy(longline, "227 ", 4);
	longline[KCT_FTP_LINE_MAX - 1] = 0;
	pieces(&s, 1001, longline, 100, S);
	kct_check(s.saved == KCT_FTP_LINE_MAX - 1,
		  "an unfinished line is kept up to KCT_FTP_LINE_MAX - 1 bytes");
	seg(&s, 1001 + KCT_FTP_LINE_MAX - 1, "x", S);
	kct_check(s.saved == 0 && (s.flags & KCT_FTP_SKIPPING),
		  "and skipped when it grows longer");

	reset(&s);
	kct_ftp_stream_syn(&s, 1000);
	seg(&s, 1001, port, C);
	seg(&s, 1001 + 23, "kv", C);
	seg(&s, 1001 + 25, ").\r", C);
	seg(&s, 1001 + 5, &port[5], C);
	kct_check(nfound == 1,
		  "inside a line that cannot match, a retransmission of earlier lines is not read again");
	seg(&s, 1001 + 28, "\nPORT 192,0,2,2,195,88\r\n", C);
	kct_check(nfound == 2 && ports[1] == 50008,
		  "and the line after it is read");

	reset(&s);
	kct_ftp_stream_syn(&s, 1000);
	seg(&s, 1001, "PORT 192,0,2,2,195,80", C);
	kct_ftp_stream_syn(&s, 1000);
	kct_check(!s.saved && s.line_seq == 1001,
		  "a SYN starts the stream afresh and drops the kept line");

	return kct_unit_done();
}
