/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parser of the FTP control channel: finds the data-connection endpoint a
 * client announces (PORT, EPRT) or a server offers (227 for PASV, 229 for
 * EPSV), so that the helper can expect that connection.
 *
 * Portable: this file and kct_ftp_parse.c use only kct_compat.h, so the
 * same code runs in kct_ftp.ko and in the host unit tests and fuzzer.
 *
 * What is accepted, line by line ('\n' ends a line, one '\r' before it is
 * allowed; keywords are matched at the start of a line only):
 *
 *   client  PORT h1,h2,h3,h4,p1,p2        (keyword in any case)
 *           EPRT <d>1<d>a.b.c.d<d>port<d>  (IPv4)
 *           EPRT <d>2<d>ipv6-text<d>port<d> (IPv6, :: and a.b.c.d tail)
 *   server  227 <text>(h1,h2,h3,h4,p1,p2)<text>
 *           227 <text>h1,h2,h3,h4,p1,p2<text>   (no '(' in the line)
 *           229 <text>(<d><d><d>port<d>)<text>
 *
 * Exactly one space follows PORT and EPRT, and nothing but the optional
 * '\r' follows their argument.  No spaces inside the number lists, as in
 * stock: "PORT 1, 2,..." is not a match.  h1..p2 are 1 to 3 decimal digits,
 * at most 255; the port p1 * 256 + p2 must not be 0.  Without '(' a 227
 * reply's numbers start at its first digit (RFC 1123 4.1.2.6) and end at
 * the first character that is neither a digit nor a comma.  EPRT and EPSV
 * ports are 1..65535 without leading zeros.  <d> is one character in
 * 33..126 (RFC 2428), the same all along; EPRT refuses delimiters that can
 * occur in an address (hex digits, '.', ':'), EPSV refuses digits.  The
 * dotted quads of EPRT refuse leading zeros, which inet_aton() would read
 * as octal.  A line holding a NUL, or longer than KCT_FTP_LINE_MAX bytes
 * counting its '\n', never matches.
 *
 * The address found is reported as written: the caller compares it (and
 * its family) with the connection's, as stock does.
 */
#ifndef _KCT_FTP_PARSE_H
#define _KCT_FTP_PARSE_H

#include "kct_compat.h"

/*
 * Longest line, '\n' included, that may match.  The longest real command,
 * an EPRT with a full IPv6 address, is under 70 bytes; the bound keeps a
 * peer from making the caller wait for an endless line.
 */
#define KCT_FTP_LINE_MAX	256

/* Same values as IP_CT_DIR_ORIGINAL and IP_CT_DIR_REPLY. */
enum kct_ftp_dir {
	KCT_FTP_FROM_CLIENT = 0,	/* commands: PORT, EPRT */
	KCT_FTP_FROM_SERVER = 1,	/* replies: 227, 229 */
};

/* Same order as stock's enum nf_ct_ftp_type, which its NAT helper reads. */
enum kct_ftp_type {
	KCT_FTP_PORT,
	KCT_FTP_PASV,
	KCT_FTP_EPRT,
	KCT_FTP_EPSV,
};

enum kct_ftp_status {
	KCT_FTP_NOT_FOUND,	/* no match; no unfinished line worth waiting */
	KCT_FTP_FOUND,
	KCT_FTP_PARTIAL,	/* the last line is unfinished and may match */
};

/*
 * What kct_ftp_find() found.  @off and @len delimit the text that a NAT
 * rewrite replaces: the six numbers of PORT and 227, "<d>af<d>addr<d>port<d>"
 * of EPRT, "<d><d><d>port<d>" of 229.  Offsets count from the start of the
 * buffer given.
 */
struct kct_ftp_match {
	size_t off;
	size_t len;
	size_t next;		/* just after the matched line's '\n' */
	enum kct_ftp_type type;
	u16 port;		/* host order, never 0 */
	u8 family;		/* 4 or 6 */
	u8 peer_addr;		/* 1 for 229: no address given, use the peer's */
	u8 addr[16];		/* network order; IPv4 in addr[0..3] */
};

/*
 * Searches @buf (@len bytes, not NUL-terminated, possibly several lines)
 * for the first line that announces a data connection in direction @dir.
 * @buf must start at the start of a line: the caller tracks where lines
 * start in the TCP stream (see kct_ftp_after_last_nl()).  @family (4 or 6)
 * is the control connection's, reported for 229 replies, which carry no
 * address; with any other value 229 replies never match.
 *
 * KCT_FTP_FOUND fills all of *@m.  KCT_FTP_PARTIAL means every line before
 * the last was no match and the last, unfinished, is a prefix of a line
 * that would match: the caller should look again when more bytes have
 * arrived, from the same line start.  *@m then holds only @off and @len,
 * the unfinished line.  KCT_FTP_NOT_FOUND zeroes *@m.
 */
enum kct_ftp_status kct_ftp_find(const void *buf, size_t len,
				 enum kct_ftp_dir dir, u8 family,
				 struct kct_ftp_match *m);

/* Offset just after the last '\n' in @buf, or 0 if there is none. */
size_t kct_ftp_after_last_nl(const void *buf, size_t len);

#endif /* _KCT_FTP_PARSE_H */
