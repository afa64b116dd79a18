// SPDX-License-Identifier: GPL-2.0
/*
 * FTP control-channel parser; the accepted syntax is described in
 * kct_ftp_parse.h.
 *
 * Every parser reads through a cursor that knows whether the line it walks
 * is finished.  Running out of bytes in an unfinished line yields
 * FTP_MORE instead of a verdict, so the caller learns "partial" only for a
 * line that can still match, and a bare prefix of a hostile line makes
 * nobody wait.  No allocation, no recursion; every loop is bounded by the
 * line, itself bounded by KCT_FTP_LINE_MAX.
 */
#include "kct_compat.h"
#include "kct_ftp_parse.h"

enum ftp_step {
	FTP_NO,		/* this line cannot match, whatever follows */
	FTP_MORE,	/* consistent so far, but the line is unfinished */
	FTP_YES,
};

/* What ftp_peek() returns past the last byte of the line. */
#define FTP_CUR_MORE	(-1)	/* no '\n' yet: more bytes may come */
#define FTP_CUR_EOL	(-2)	/* the '\n' itself */

struct ftp_cur {
	const u8 *s;		/* line start */
	size_t len;		/* bytes of the line, '\n' excluded */
	size_t pos;
	bool open;		/* no '\n' seen yet */
};

static int ftp_peek(const struct ftp_cur *c)
{
	if (c->pos < c->len)
		return c->s[c->pos];
	return c->open ? FTP_CUR_MORE : FTP_CUR_EOL;
}

static bool ftp_is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static int ftp_hex_val(int ch)
{
	if (ftp_is_digit(ch))
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int ftp_lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* Consumes @want at the cursor. */
static enum ftp_step ftp_expect(struct ftp_cur *c, int want)
{
	int ch = ftp_peek(c);

	if (ch == FTP_CUR_MORE)
		return FTP_MORE;
	if (ch != want)
		return FTP_NO;
	c->pos++;
	return FTP_YES;
}

/*
 * A decimal number of 1..@maxdig digits, at most @max.  Deciding as soon
 * as a digit makes it too long or too large keeps "PORT 999" from being
 * reported as partial.
 */
static enum ftp_step ftp_dec(struct ftp_cur *c, unsigned int maxdig,
			     u32 max, bool lead0, u32 *val)
{
	unsigned int n = 0;
	u32 v = 0;
	int ch;

	for (;;) {
		ch = ftp_peek(c);
		if (ch == FTP_CUR_MORE)
			return FTP_MORE;
		if (!ftp_is_digit(ch))
			break;
		if (n == maxdig || (n == 1 && v == 0 && !lead0))
			return FTP_NO;
		v = v * 10 + (ch - '0');
		if (v > max)
			return FTP_NO;
		n++;
		c->pos++;
	}
	if (!n)
		return FTP_NO;
	*val = v;
	return FTP_YES;
}

/* A TCP port in EPRT or 229: 1..65535, no leading zeros. */
static enum ftp_step ftp_port(struct ftp_cur *c, u16 *port)
{
	enum ftp_step r;
	u32 v;

	r = ftp_dec(c, 5, 65535, false, &v);
	if (r != FTP_YES)
		return r;
	if (!v)
		return FTP_NO;
	*port = v;
	return FTP_YES;
}

/* "h1,h2,h3,h4,p1,p2" of PORT and 227. */
static enum ftp_step ftp_hostport(struct ftp_cur *c, struct kct_ftp_match *m)
{
	enum ftp_step r;
	u32 v[6];
	int i;

	for (i = 0; i < 6; i++) {
		if (i) {
			r = ftp_expect(c, ',');
			if (r != FTP_YES)
				return r;
		}
		r = ftp_dec(c, 3, 255, true, &v[i]);
		if (r != FTP_YES)
			return r;
	}
	m->port = v[4] << 8 | v[5];
	if (!m->port)
		return FTP_NO;
	m->family = 4;
	for (i = 0; i < 4; i++)
		m->addr[i] = v[i];
	return FTP_YES;
}

/* A dotted quad, as in EPRT or at the tail of an IPv6 address. */
static enum ftp_step ftp_ipv4(struct ftp_cur *c, u8 *out)
{
	enum ftp_step r;
	u32 v;
	int i;

	for (i = 0; i < 4; i++) {
		if (i) {
			r = ftp_expect(c, '.');
			if (r != FTP_YES)
				return r;
		}
		r = ftp_dec(c, 3, 255, false, &v);
		if (r != FTP_YES)
			return r;
		out[i] = v;
	}
	return FTP_YES;
}

/* One group of an IPv6 address: 1..4 hex digits. */
static enum ftp_step ftp_hex16(struct ftp_cur *c, u16 *val)
{
	unsigned int n = 0;
	u16 v = 0;
	int ch, h;

	for (;;) {
		ch = ftp_peek(c);
		if (ch == FTP_CUR_MORE)
			return FTP_MORE;
		h = ftp_hex_val(ch);
		if (h < 0)
			break;
		if (n == 4)
			return FTP_NO;
		v = v << 4 | h;
		n++;
		c->pos++;
	}
	if (!n)
		return FTP_NO;
	*val = v;
	return FTP_YES;
}

/*
 * IPv6 text (RFC 4291 2.2): eight groups, or fewer with one "::" standing
 * for at least one zero group, the last two groups possibly written as a
 * dotted quad.  Stops at the first character that cannot continue the
 * address; the caller checks it is the delimiter.
 */
static enum ftp_step ftp_ipv6(struct ftp_cur *c, u8 *out)
{
	u16 grp[8];
	int n = 0, gap = -1, i, tail;
	enum ftp_step r;
	size_t start;
	u8 quad[4];
	int ch;

	ch = ftp_peek(c);
	if (ch == ':') {
		c->pos++;
		r = ftp_expect(c, ':');
		if (r != FTP_YES)
			return r;
		gap = 0;
		ch = ftp_peek(c);
		if (ch == FTP_CUR_MORE)
			return FTP_MORE;
		if (ftp_hex_val(ch) < 0)
			goto done;
	}
	/* Each pass adds a group or leaves, so at most 8 passes. */
	for (;;) {
		if (n == 8)
			return FTP_NO;
		start = c->pos;
		r = ftp_hex16(c, &grp[n]);
		if (r != FTP_YES)
			return r;
		ch = ftp_peek(c);
		if (ch == FTP_CUR_MORE)
			return FTP_MORE;
		if (ch == '.') {
			/* That group was the start of a dotted quad. */
			if (n > 6)
				return FTP_NO;
			c->pos = start;
			r = ftp_ipv4(c, quad);
			if (r != FTP_YES)
				return r;
			grp[n++] = quad[0] << 8 | quad[1];
			grp[n++] = quad[2] << 8 | quad[3];
			break;
		}
		n++;
		if (ch != ':')
			break;
		c->pos++;
		ch = ftp_peek(c);
		if (ch == FTP_CUR_MORE)
			return FTP_MORE;
		if (ch == ':') {
			if (gap >= 0)
				return FTP_NO;
			gap = n;
			c->pos++;
			ch = ftp_peek(c);
			if (ch == FTP_CUR_MORE)
				return FTP_MORE;
			if (ftp_hex_val(ch) < 0)
				break;
		}
	}
done:
	if (gap < 0 ? n != 8 : n > 7)
		return FTP_NO;
	memset(out, 0, 16);
	if (gap < 0)
		gap = n;
	for (i = 0; i < gap; i++) {
		out[2 * i] = grp[i] >> 8;
		out[2 * i + 1] = grp[i] & 0xff;
	}
	tail = 8 - (n - gap);
	for (i = gap; i < n; i++) {
		out[2 * (tail + i - gap)] = grp[i] >> 8;
		out[2 * (tail + i - gap) + 1] = grp[i] & 0xff;
	}
	return FTP_YES;
}

/*
 * RFC 2428 allows any of 33..126 as delimiter; refusing those that can
 * occur in the text it delimits keeps the split unambiguous.
 */
static bool ftp_eprt_delim(int ch)
{
	return ch >= 33 && ch <= 126 && ftp_hex_val(ch) < 0 &&
	       ch != '.' && ch != ':';
}

static bool ftp_epsv_delim(int ch)
{
	return ch >= 33 && ch <= 126 && !ftp_is_digit(ch);
}

/* End of PORT and EPRT: an optional '\r', then the line's end. */
static enum ftp_step ftp_cmd_end(struct ftp_cur *c)
{
	int ch = ftp_peek(c);

	if (ch == '\r') {
		c->pos++;
		ch = ftp_peek(c);
	}
	if (ch == FTP_CUR_MORE)
		return FTP_MORE;
	return ch == FTP_CUR_EOL ? FTP_YES : FTP_NO;
}

/* Replies end in free text: only a finished line is a verdict. */
static enum ftp_step ftp_reply_end(struct ftp_cur *c)
{
	return c->open ? FTP_MORE : FTP_YES;
}

/* Cursor just after "PORT". */
static enum ftp_step ftp_parse_port(struct ftp_cur *c, struct kct_ftp_match *m)
{
	enum ftp_step r;

	r = ftp_expect(c, ' ');
	if (r != FTP_YES)
		return r;
	m->type = KCT_FTP_PORT;
	m->off = c->pos;
	r = ftp_hostport(c, m);
	if (r != FTP_YES)
		return r;
	m->len = c->pos - m->off;
	return ftp_cmd_end(c);
}

/* Cursor just after "EPRT". */
static enum ftp_step ftp_parse_eprt(struct ftp_cur *c, struct kct_ftp_match *m)
{
	enum ftp_step r;
	int d, af;

	r = ftp_expect(c, ' ');
	if (r != FTP_YES)
		return r;
	m->type = KCT_FTP_EPRT;
	m->off = c->pos;
	d = ftp_peek(c);
	if (d == FTP_CUR_MORE)
		return FTP_MORE;
	if (!ftp_eprt_delim(d))
		return FTP_NO;
	c->pos++;
	af = ftp_peek(c);
	if (af == FTP_CUR_MORE)
		return FTP_MORE;
	if (af != '1' && af != '2')
		return FTP_NO;
	c->pos++;
	r = ftp_expect(c, d);
	if (r != FTP_YES)
		return r;
	if (af == '1') {
		m->family = 4;
		r = ftp_ipv4(c, m->addr);
	} else {
		m->family = 6;
		r = ftp_ipv6(c, m->addr);
	}
	if (r != FTP_YES)
		return r;
	r = ftp_expect(c, d);
	if (r != FTP_YES)
		return r;
	r = ftp_port(c, &m->port);
	if (r != FTP_YES)
		return r;
	r = ftp_expect(c, d);
	if (r != FTP_YES)
		return r;
	m->len = c->pos - m->off;
	return ftp_cmd_end(c);
}

/* Moves the cursor just past the first @ch of the line, if any. */
static enum ftp_step ftp_skip_past(struct ftp_cur *c, int ch)
{
	while (c->pos < c->len) {
		if (c->s[c->pos++] == ch)
			return FTP_YES;
	}
	return c->open ? FTP_MORE : FTP_NO;
}

/* Cursor just after "227 ". */
static enum ftp_step ftp_parse_pasv(struct ftp_cur *c, struct kct_ftp_match *m)
{
	size_t text = c->pos;
	enum ftp_step r;
	bool paren;

	m->type = KCT_FTP_PASV;
	/*
	 * Whether the line has a '(' decides where the numbers start, and
	 * one may still come in an unfinished line.
	 */
	r = ftp_skip_past(c, '(');
	if (r == FTP_MORE)
		return FTP_MORE;
	paren = r == FTP_YES;
	if (!paren) {
		c->pos = text;
		while (c->pos < c->len && !ftp_is_digit(c->s[c->pos]))
			c->pos++;
		if (c->pos == c->len)
			return FTP_NO;
	}
	m->off = c->pos;
	r = ftp_hostport(c, m);
	if (r != FTP_YES)
		return r;
	m->len = c->pos - m->off;
	if (paren) {
		r = ftp_expect(c, ')');
		if (r != FTP_YES)
			return r;
	} else if (ftp_peek(c) == ',') {
		return FTP_NO;	/* a seventh number */
	}
	return ftp_reply_end(c);
}

/* Cursor just after "229 ". */
static enum ftp_step ftp_parse_epsv(struct ftp_cur *c, u8 family,
				    struct kct_ftp_match *m)
{
	enum ftp_step r;
	int d, i;

	if (family != 4 && family != 6)
		return FTP_NO;
	m->type = KCT_FTP_EPSV;
	m->family = family;
	m->peer_addr = 1;
	r = ftp_skip_past(c, '(');
	if (r != FTP_YES)
		return r;
	m->off = c->pos;
	d = ftp_peek(c);
	if (d == FTP_CUR_MORE)
		return FTP_MORE;
	if (!ftp_epsv_delim(d))
		return FTP_NO;
	for (i = 0; i < 3; i++) {
		r = ftp_expect(c, d);
		if (r != FTP_YES)
			return r;
	}
	r = ftp_port(c, &m->port);
	if (r != FTP_YES)
		return r;
	r = ftp_expect(c, d);
	if (r != FTP_YES)
		return r;
	m->len = c->pos - m->off;
	r = ftp_expect(c, ')');
	if (r != FTP_YES)
		return r;
	return ftp_reply_end(c);
}

static const char * const ftp_keywords[2][2] = {
	[KCT_FTP_FROM_CLIENT] = { "port", "eprt" },
	[KCT_FTP_FROM_SERVER] = { "227 ", "229 " },
};

/* Does the line start with @kw (4 bytes, lower case), or a prefix of it? */
static enum ftp_step ftp_keyword(const struct ftp_cur *c, const char *kw)
{
	size_t i;

	for (i = 0; i < 4; i++) {
		if (i == c->len)
			return c->open ? FTP_MORE : FTP_NO;
		if (ftp_lower(c->s[i]) != kw[i])
			return FTP_NO;
	}
	return FTP_YES;
}

static enum ftp_step ftp_line(const u8 *line, size_t len, bool open,
			      enum kct_ftp_dir dir, u8 family,
			      struct kct_ftp_match *m)
{
	struct ftp_cur c = { .s = line, .len = len, .open = open };
	enum ftp_step r = FTP_NO, k;
	int i;

	/* Too long even if the '\n' came next. */
	if (len >= KCT_FTP_LINE_MAX)
		return FTP_NO;
	if (memchr(line, 0, len))
		return FTP_NO;
	for (i = 0; i < 2; i++) {
		k = ftp_keyword(&c, ftp_keywords[dir][i]);
		if (k == FTP_MORE)
			r = FTP_MORE;
		if (k != FTP_YES)
			continue;
		c.pos = 4;
		if (dir == KCT_FTP_FROM_CLIENT)
			return i ? ftp_parse_eprt(&c, m) :
				   ftp_parse_port(&c, m);
		return i ? ftp_parse_epsv(&c, family, m) :
			   ftp_parse_pasv(&c, m);
	}
	return r;
}

enum kct_ftp_status kct_ftp_find(const void *buf, size_t len,
				 enum kct_ftp_dir dir, u8 family,
				 struct kct_ftp_match *m)
{
	const u8 *b = buf;
	struct kct_ftp_match found;
	enum ftp_step r;
	const u8 *nl;
	size_t pos = 0, end;

	memset(m, 0, sizeof(*m));
	if (dir != KCT_FTP_FROM_CLIENT && dir != KCT_FTP_FROM_SERVER)
		return KCT_FTP_NOT_FOUND;
	/* Each pass consumes one line, so the loop ends by @len. */
	while (pos < len) {
		nl = memchr(b + pos, '\n', len - pos);
		end = nl ? (size_t)(nl - b) : len;
		memset(&found, 0, sizeof(found));
		r = ftp_line(b + pos, end - pos, !nl, dir, family, &found);
		if (r == FTP_YES) {
			*m = found;
			m->off += pos;
			m->next = end + 1;
			return KCT_FTP_FOUND;
		}
		if (r == FTP_MORE) {
			m->off = pos;
			m->len = end - pos;
			return KCT_FTP_PARTIAL;
		}
		pos = end + 1;
	}
	return KCT_FTP_NOT_FOUND;
}

size_t kct_ftp_after_last_nl(const void *buf, size_t len)
{
	const u8 *b = buf;
	size_t i;

	for (i = len; i > 0; i--) {
		if (b[i - 1] == '\n')
			return i;
	}
	return 0;
}
