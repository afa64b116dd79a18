// SPDX-License-Identifier: GPL-2.0
// kct-fuzz-sources: helpers/kct_ftp_parse.c
/*
 * libFuzzer target of the FTP control-channel parser.  The first input
 * byte picks the connection family and a split point, the rest is the
 * payload.  Checked, abort() on violation:
 *  - whatever is reported lies inside the buffer and agrees with the bytes
 *    (a match's text re-read naively, IPv6 and IPv4 text by inet_pton());
 *  - feeding a prefix then the whole agrees: a prefix finds only what the
 *    whole finds, and a prefix ending inside the matching line is partial,
 *    so a caller that waits on "partial" never misses a match;
 *  - searching on from each match's next offset stays consistent;
 *  - EPRT accepts an address text exactly when inet_pton() does.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kct_ftp_parse.h"

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "invariant failed: %s (line %d)\n", \
				#cond, __LINE__);			\
			abort();					\
		}							\
	} while (0)

static int lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* Reads up to 5 decimal digits at *@p; -1 if there are none. */
static long naive_num(const u8 *s, size_t len, size_t *p)
{
	long v = 0;
	size_t n = 0;

	while (*p < len && s[*p] >= '0' && s[*p] <= '9' && n < 6) {
		v = v * 10 + (s[*p] - '0');
		(*p)++;
		n++;
	}
	return n ? v : -1;
}

/* The text of a PORT or 227 match says what the match says. */
static void check_hostport(const u8 *t, size_t len,
			   const struct kct_ftp_match *m)
{
	long v[6];
	size_t p = 0;
	int i;

	for (i = 0; i < 6; i++) {
		if (i) {
			CHECK(p < len && t[p] == ',');
			p++;
		}
		v[i] = naive_num(t, len, &p);
		CHECK(v[i] >= 0 && v[i] <= 255);
	}
	CHECK(p == len);
	CHECK(m->family == 4);
	for (i = 0; i < 4; i++)
		CHECK(m->addr[i] == v[i]);
	CHECK(m->port == (v[4] << 8 | v[5]));
}

/* The text of an EPRT match agrees with inet_pton(). */
static void check_eprt(const u8 *t, size_t len,
		       const struct kct_ftp_match *m)
{
	unsigned char want[16];
	char addr[KCT_FTP_LINE_MAX];
	const u8 *end;
	size_t p;
	int d = t[0];

	CHECK(len >= 8 && t[2] == d && t[len - 1] == d);
	CHECK(t[1] == '1' || t[1] == '2');
	end = memchr(t + 3, d, len - 3);
	CHECK(end && (size_t)(end - t) < len - 1);
	p = end - t - 3;
	memcpy(addr, t + 3, p);
	addr[p] = 0;
	memset(want, 0, sizeof(want));
	CHECK(inet_pton(t[1] == '1' ? AF_INET : AF_INET6, addr, want) == 1);
	CHECK(m->family == (t[1] == '1' ? 4 : 6));
	CHECK(!memcmp(m->addr, want, sizeof(want)));
	p = end - t + 1;
	CHECK(naive_num(t, len, &p) == m->port);
	CHECK(p == len - 1);
}

static void check_epsv(const u8 *t, size_t len,
		       const struct kct_ftp_match *m)
{
	size_t p = 3;

	CHECK(len >= 5 && t[1] == t[0] && t[2] == t[0] && t[len - 1] == t[0]);
	CHECK(naive_num(t, len, &p) == m->port);
	CHECK(p == len - 1);
	CHECK(m->peer_addr == 1);
}

static void check_result(const u8 *b, size_t len, enum kct_ftp_dir dir,
			 u8 family, enum kct_ftp_status st,
			 const struct kct_ftp_match *m)
{
	static const struct kct_ftp_match zero;
	static const char * const kw[4] = { "port ", "227 ", "eprt ", "229 " };
	size_t ls, i;
	const char *k;

	if (st == KCT_FTP_NOT_FOUND) {
		CHECK(!memcmp(m, &zero, sizeof(zero)));
		return;
	}
	if (st == KCT_FTP_PARTIAL) {
		/* The unfinished line runs from a line start to the end. */
		CHECK(m->off <= len && m->len == len - m->off && m->len);
		CHECK(m->len < KCT_FTP_LINE_MAX);
		CHECK(!m->off || b[m->off - 1] == '\n');
		CHECK(!memchr(b + m->off, '\n', m->len));
		return;
	}
	CHECK(st == KCT_FTP_FOUND);
	CHECK(m->next <= len && m->next > 0 && b[m->next - 1] == '\n');
	CHECK(m->len > 0 && m->off + m->len < m->next);
	CHECK(m->family == 4 || m->family == 6);
	CHECK(m->port != 0);
	CHECK(!memchr(b + m->off, '\n', m->next - 1 - m->off));
	for (ls = m->off; ls > 0 && b[ls - 1] != '\n'; ls--)
		;
	CHECK(m->next - ls <= KCT_FTP_LINE_MAX);
	CHECK(!memchr(b + ls, 0, m->next - ls));
	switch (m->type) {
	case KCT_FTP_PORT:
	case KCT_FTP_EPRT:
		CHECK(dir == KCT_FTP_FROM_CLIENT);
		break;
	case KCT_FTP_PASV:
	case KCT_FTP_EPSV:
		CHECK(dir == KCT_FTP_FROM_SERVER);
		break;
	default:
		CHECK(0);
	}
	k = kw[m->type];
	for (i = 0; k[i]; i++)
		CHECK(lower(b[ls + i]) == k[i]);
	if (m->type == KCT_FTP_PORT || m->type == KCT_FTP_PASV)
		check_hostport(b + m->off, m->len, m);
	else if (m->type == KCT_FTP_EPRT)
		check_eprt(b + m->off, m->len, m);
	else
		check_epsv(b + m->off, m->len, m);
	if (m->type == KCT_FTP_EPSV)
		CHECK(m->family == family);
	else
		CHECK(!m->peer_addr);
}

/* Finds every match by resuming at each next, as a caller could. */
static void walk(const u8 *b, size_t len, enum kct_ftp_dir dir,
		 u8 family)
{
	struct kct_ftp_match m;
	enum kct_ftp_status st;
	size_t pos = 0;

	while (pos < len) {
		st = kct_ftp_find(b + pos, len - pos, dir, family, &m);
		check_result(b + pos, len - pos, dir, family, st, &m);
		if (st != KCT_FTP_FOUND)
			break;
		pos += m.next;
	}
}

static void split(const u8 *b, size_t len, size_t k,
		  enum kct_ftp_dir dir, u8 family)
{
	struct kct_ftp_match whole, pre;
	enum kct_ftp_status sw, sp;
	size_t ls;

	sw = kct_ftp_find(b, len, dir, family, &whole);
	check_result(b, len, dir, family, sw, &whole);
	sp = kct_ftp_find(b, k, dir, family, &pre);
	check_result(b, k, dir, family, sp, &pre);

	if (sp == KCT_FTP_FOUND)
		CHECK(sw == KCT_FTP_FOUND && !memcmp(&pre, &whole, sizeof(pre)));
	if (sw != KCT_FTP_FOUND)
		return;
	for (ls = whole.off; ls > 0 && b[ls - 1] != '\n'; ls--)
		;
	if (whole.next <= k)
		CHECK(sp == KCT_FTP_FOUND);
	else if (ls < k)
		CHECK(sp == KCT_FTP_PARTIAL && pre.off == ls);
	else if (ls == k)
		CHECK(sp == KCT_FTP_NOT_FOUND);
}

/* EPRT with the payload as address text accepts it iff inet_pton() does. */
static void address_text(const u8 *b, size_t len)
{
	char addr[80], line[128];
	unsigned char want[16];
	struct kct_ftp_match m;
	enum kct_ftp_status st;
	int af, ok;

	if (len >= sizeof(addr) || memchr(b, '|', len) || memchr(b, 0, len) ||
	    memchr(b, '\n', len))
		return;
	memcpy(addr, b, len);
	addr[len] = 0;
	for (af = 1; af <= 2; af++) {
		memset(want, 0, sizeof(want));
		ok = inet_pton(af == 1 ? AF_INET : AF_INET6, addr, want) == 1;
		snprintf(line, sizeof(line), "EPRT |%d|%s|21|\r\n", af, addr);
		st = kct_ftp_find(line, strlen(line), KCT_FTP_FROM_CLIENT, 4,
				  &m);
		CHECK(st == (ok ? KCT_FTP_FOUND : KCT_FTP_NOT_FOUND));
		if (ok)
			CHECK(!memcmp(m.addr, want, sizeof(want)) &&
			      m.family == (af == 1 ? 4 : 6) && m.port == 21);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	const u8 *b;
	u8 family;
	size_t len, k;

	if (!size)
		return 0;
	family = data[0] & 1 ? 6 : 4;
	b = data + 1;
	len = size - 1;
	k = len * (data[0] >> 1) / 127;

	split(b, len, k, KCT_FTP_FROM_CLIENT, family);
	split(b, len, k, KCT_FTP_FROM_SERVER, family);
	walk(b, len, KCT_FTP_FROM_CLIENT, family);
	walk(b, len, KCT_FTP_FROM_SERVER, family);
	address_text(b, len);

	k = kct_ftp_after_last_nl(b, len);
	CHECK(k <= len && (!k || b[k - 1] == '\n'));
	CHECK(!memchr(b + k, '\n', len - k));
	return 0;
}
