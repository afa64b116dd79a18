// SPDX-License-Identifier: GPL-2.0
// kct-unit-sources: helpers/kct_ftp_parse.c
/*
 * Unit tests of the FTP control-channel parser.  Each check's description
 * states the rule it demonstrates.  IPv6 results are compared with libc's
 * inet_pton(), an independent reading of the same text.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "kct_ftp_parse.h"
#include "kct_unit.h"

#define C KCT_FTP_FROM_CLIENT
#define S KCT_FTP_FROM_SERVER

static struct kct_ftp_match m;

/* Parses the NUL-terminated @s, coming from @dir on an IPv4 connection. */
static enum kct_ftp_status find(enum kct_ftp_dir dir, const char *s)
{
	return kct_ftp_find(s, strlen(s), dir, 4, &m);
}

static int found(enum kct_ftp_dir dir, const char *s)
{
	return find(dir, s) == KCT_FTP_FOUND;
}

static int not_found(enum kct_ftp_dir dir, const char *s)
{
	return find(dir, s) == KCT_FTP_NOT_FOUND;
}

static int partial(enum kct_ftp_dir dir, const char *s)
{
	return find(dir, s) == KCT_FTP_PARTIAL;
}

/* The last match is @type of IPv4 @a.@b.@c.@d port @port. */
static int is_v4(enum kct_ftp_type type, int a, int b, int c, int d,
		 int port)
{
	return m.type == type && m.family == 4 && !m.peer_addr &&
	       m.addr[0] == a && m.addr[1] == b && m.addr[2] == c &&
	       m.addr[3] == d && m.port == port;
}

/* The matched text of the last match, in @buf, is @text. */
static int text_is(const char *buf, const char *text)
{
	return m.len == strlen(text) && !memcmp(buf + m.off, text, m.len);
}

/* EPRT |2|@addr|2121| parses as inet_pton() reads @addr. */
static int v6_like_libc(const char *addr)
{
	char line[200];
	unsigned char want[16];

	snprintf(line, sizeof(line), "EPRT |2|%s|2121|\r\n", addr);
	if (inet_pton(AF_INET6, addr, want) != 1)
		return 0;
	return found(C, line) && m.family == 6 && m.port == 2121 &&
	       !memcmp(m.addr, want, 16);
}

/* inet_pton() and the parser both refuse @addr. */
static int v6_refused(const char *addr)
{
	char line[200];
	unsigned char dummy[16];

	snprintf(line, sizeof(line), "EPRT |2|%s|2121|\r\n", addr);
	return inet_pton(AF_INET6, addr, dummy) != 1 && not_found(C, line);
}

/*
 * Feeds @s one byte more at a time, as a caller that keeps the unfinished
 * line and appends each new segment would: every proper prefix that ends
 * inside the matching line must be partial, the whole line found.
 */
static int streams(enum kct_ftp_dir dir, const char *s)
{
	size_t n = strlen(s), i;
	char *buf = malloc(n);
	int ok = 1;

	if (!buf)
		return 0;
	for (i = 0; i < n; i++) {
		buf[i] = s[i];
		if (kct_ftp_find(buf, i + 1, dir, 4, &m) !=
		    (i + 1 < n ? KCT_FTP_PARTIAL : KCT_FTP_FOUND))
			ok = 0;
	}
	free(buf);
	return ok;
}

/* A 227 line padded with text to exactly @total bytes, '\n' included. */
static int long_pasv(size_t total, int with_nl)
{
	const char *head = "227 Entering Passive Mode ";
	const char *tail = "(10,0,0,1,4,1)\r\n";
	char buf[600];
	size_t hl = strlen(head), tl = strlen(tail), len;

	memset(buf, 'x', sizeof(buf));
	memcpy(buf, head, hl);
	memcpy(buf + total - tl, tail, tl);
	len = with_nl ? total : total - 2;
	return kct_ftp_find(buf, len, S, 4, &m);
}

static void test_port(void)
{
	const char *s = "PORT 192,168,1,2,4,1\r\n";
	static const char nul[] = "PORT 10,0,0\0001,0,21\r\n";
	static const char nul_after[] = "PORT 10,0,0,1,0,21\r\n\0\0";

	kct_check(found(C, s) && is_v4(KCT_FTP_PORT, 192, 168, 1, 2, 1025),
		  "PORT h1..p2 gives address h1.h2.h3.h4, port p1*256+p2");
	kct_check(text_is(s, "192,168,1,2,4,1") && m.next == strlen(s),
		  "PORT match covers the six numbers; next is after its \\n");
	kct_check(found(C, "port 10,0,0,1,0,21\r\n") &&
		  is_v4(KCT_FTP_PORT, 10, 0, 0, 1, 21),
		  "lower-case port is a PORT command");
	kct_check(found(C, "PoRt 10,0,0,1,0,21\r\n"),
		  "mixed-case PoRt is a PORT command");
	kct_check(found(C, "PORT 10,0,0,1,0,21\n"),
		  "a bare \\n ends a PORT line as well as \\r\\n");
	kct_check(found(C, "PORT 010,000,0,001,0,021\r\n") &&
		  is_v4(KCT_FTP_PORT, 10, 0, 0, 1, 21),
		  "PORT numbers may carry leading zeros up to 3 digits");
	kct_check(found(C, "PORT 255,255,255,255,255,255\r\n") &&
		  m.port == 65535,
		  "PORT 255 everywhere is the largest address and port");
	kct_check(not_found(C, "PORT 10,0,0,256,0,21\r\n"),
		  "PORT number 256 is refused");
	kct_check(not_found(C, "PORT 10,0,0,1,0,999\r\n"),
		  "PORT p2 999 is refused (each number 0..255)");
	kct_check(not_found(C, "PORT 10,0,0,1,0,0021\r\n"),
		  "PORT number of 4 digits is refused");
	kct_check(not_found(C, "PORT 10,0,0,1,0,0\r\n"),
		  "PORT with port 0 is refused");
	kct_check(not_found(C, "PORT 10,0,0,1,21\r\n"),
		  "PORT with five numbers is refused");
	kct_check(not_found(C, "PORT 10,0,0,1,0,21,7\r\n"),
		  "PORT with seven numbers is refused");
	kct_check(not_found(C, "PORT 10,0,,1,0,21\r\n"),
		  "PORT with an empty field is refused");
	kct_check(not_found(C, "PORT\r\n") && not_found(C, "PORT \r\n"),
		  "PORT without argument is refused");
	kct_check(not_found(C, "PORT 10, 0,0,1,0,21\r\n"),
		  "PORT with a space after a comma is refused, as stock does");
	kct_check(not_found(C, "PORT  10,0,0,1,0,21\r\n"),
		  "PORT followed by two spaces is refused");
	kct_check(not_found(C, "PORT 10,0,0,1,0,21 \r\n"),
		  "PORT with a trailing space is refused");
	kct_check(not_found(C, "PORT 10,0,0,1,0,21x\r\n"),
		  "PORT with trailing garbage is refused");
	kct_check(not_found(C, "PORT -1,0,0,1,0,21\r\n") &&
		  not_found(C, "PORT +10,0,0,1,0,21\r\n"),
		  "PORT numbers with a sign are refused");
	kct_check(not_found(C, "xPORT 10,0,0,1,0,21\r\n") &&
		  not_found(C, " PORT 10,0,0,1,0,21\r\n"),
		  "garbage before PORT: the keyword must start the line");
	kct_check(not_found(C, "PORTX 10,0,0,1,0,21\r\n"),
		  "PORTX is not PORT");
	kct_check(not_found(C, "PORT\t10,0,0,1,0,21\r\n"),
		  "a tab is not the space after PORT");
	kct_check(not_found(S, s),
		  "PORT sent by the server is not looked at");
	kct_check(kct_ftp_find(nul, sizeof(nul) - 1, C, 4, &m) ==
		  KCT_FTP_NOT_FOUND,
		  "PORT with a NUL inside is refused");
	kct_check(kct_ftp_find(nul_after, sizeof(nul_after) - 1, C, 4, &m) ==
		  KCT_FTP_FOUND,
		  "NULs after the PORT line do not hide it");
}

static void test_eprt(void)
{
	const char *s = "EPRT |1|132.235.1.2|6275|\r\n";
	const char *s6 = "EPRT |2|1080::8:800:200C:417A|5282|\r\n";

	kct_check(found(C, s) && is_v4(KCT_FTP_EPRT, 132, 235, 1, 2, 6275),
		  "EPRT |1|a.b.c.d|port| gives an IPv4 endpoint");
	kct_check(text_is(s, "|1|132.235.1.2|6275|"),
		  "EPRT match covers delimiter to last delimiter");
	kct_check(found(C, s6) && m.type == KCT_FTP_EPRT && m.family == 6 &&
		  m.port == 5282 && text_is(s6, "|2|1080::8:800:200C:417A|5282|"),
		  "EPRT |2|ipv6|port| gives an IPv6 endpoint");
	kct_check(v6_like_libc("1080::8:800:200C:417A"),
		  "EPRT IPv6 with :: in the middle reads as libc reads it");
	kct_check(v6_like_libc("2001:db8:0:1:2:3:4:5"),
		  "EPRT IPv6 with all eight groups");
	kct_check(v6_like_libc("::"), "EPRT IPv6 :: alone is all zeros");
	kct_check(v6_like_libc("::1"), "EPRT IPv6 ::1 (leading ::)");
	kct_check(v6_like_libc("fe80::"), "EPRT IPv6 fe80:: (trailing ::)");
	kct_check(v6_like_libc("1:2:3:4:5:6:7::"),
		  "EPRT IPv6 :: may stand for a single zero group");
	kct_check(v6_like_libc("::ffff:10.1.2.3") &&
		  v6_like_libc("64:ff9b::192.0.2.33") &&
		  v6_like_libc("1:2:3:4:5:6:1.2.3.4"),
		  "EPRT IPv6 with an embedded dotted-quad tail");
	kct_check(v6_refused("1::2::3"), "EPRT IPv6 with two :: is refused");
	kct_check(v6_refused("12345::1"),
		  "EPRT IPv6 group of five hex digits is refused");
	kct_check(v6_refused("1:2:3:4:5:6:7:8:9") &&
		  v6_refused("1::2:3:4:5:6:7:8") &&
		  v6_refused("1:2:3:4:5:6:7"),
		  "EPRT IPv6 with too many or too few groups is refused");
	kct_check(v6_refused(":1::2") && v6_refused("1::2:") &&
		  v6_refused(":::1") && v6_refused(""),
		  "EPRT IPv6 with a stray or missing colon is refused");
	kct_check(v6_refused("::1.2.3") && v6_refused("::1.2.3.256") &&
		  v6_refused("::1.2.3.4:5") && v6_refused("1:2:3:4:5:6:7:1.2.3.4") &&
		  v6_refused("::01.2.3.4"),
		  "EPRT IPv6 with a bad or misplaced dotted quad is refused");
	kct_check(v6_refused("fe80::1%eth0") && v6_refused("::g"),
		  "EPRT IPv6 with a zone id or non-hex text is refused");
	kct_check(found(C, "EPRT !1!10.0.0.1!2000!\r\n") &&
		  is_v4(KCT_FTP_EPRT, 10, 0, 0, 1, 2000) &&
		  found(C, "EPRT ~2~::1~2000~\r\n") && m.family == 6 &&
		  found(C, "EPRT z1z10.0.0.1z2000z\r\n"),
		  "EPRT accepts any delimiter 33..126 outside addresses");
	kct_check(not_found(C, "EPRT |1!10.0.0.1!2000!\r\n") &&
		  not_found(C, "EPRT |1|10.0.0.1!2000|\r\n") &&
		  not_found(C, "EPRT |1|10.0.0.1|2000!\r\n"),
		  "EPRT with mismatched delimiters is refused");
	kct_check(not_found(C, "EPRT 111110.0.0.1120001\r\n") &&
		  not_found(C, "EPRT .1.10.0.0.1.2000.\r\n") &&
		  not_found(C, "EPRT :2:::1:2000:\r\n") &&
		  not_found(C, "EPRT a2a::1a2000a\r\n") &&
		  not_found(C, "EPRT  1 10.0.0.1 2000 \r\n"),
		  "EPRT delimiter that can occur in an address is refused");
	kct_check(not_found(C, "EPRT |3|10.0.0.1|2000|\r\n") &&
		  not_found(C, "EPRT |0|10.0.0.1|2000|\r\n") &&
		  not_found(C, "EPRT |12|10.0.0.1|2000|\r\n"),
		  "EPRT address family other than 1 or 2 is refused");
	kct_check(not_found(C, "EPRT |1|::1|2000|\r\n") &&
		  not_found(C, "EPRT |2|10.0.0.1|2000|\r\n"),
		  "EPRT address must be of the family it names");
	kct_check(not_found(C, "EPRT |1|010.0.0.1|2000|\r\n"),
		  "EPRT dotted quad with a leading zero (octal to some) is refused");
	kct_check(not_found(C, "EPRT |1|10.0.1|2000|\r\n") &&
		  not_found(C, "EPRT |1|10.0.0.0.1|2000|\r\n") &&
		  not_found(C, "EPRT |1|10.0.0.256|2000|\r\n"),
		  "EPRT dotted quad must have four numbers of 0..255");
	kct_check(found(C, "EPRT |1|10.0.0.1|65535|\r\n") &&
		  not_found(C, "EPRT |1|10.0.0.1|65536|\r\n") &&
		  not_found(C, "EPRT |1|10.0.0.1|0|\r\n") &&
		  not_found(C, "EPRT |1|10.0.0.1|02000|\r\n") &&
		  not_found(C, "EPRT |1|10.0.0.1||\r\n"),
		  "EPRT port is 1..65535 without leading zeros");
	kct_check(not_found(C, "EPRT |1|10.0.0.1|2000|x\r\n") &&
		  not_found(C, "EPRT |1|10.0.0.1|2000\r\n"),
		  "EPRT with garbage or nothing after the last delimiter");
	kct_check(found(C, "eprt |1|10.0.0.1|2000|\r\n"),
		  "lower-case eprt is an EPRT command");
}

static void test_pasv(void)
{
	const char *s = "227 Entering Passive Mode (192,168,1,2,19,137).\r\n";
	const char *bare = "227 Entering Passive Mode 192,168,1,2,19,137\r\n";

	kct_check(found(S, s) && is_v4(KCT_FTP_PASV, 192, 168, 1, 2, 5001),
		  "227 with (h1..p2) gives the server's endpoint");
	kct_check(text_is(s, "192,168,1,2,19,137"),
		  "227 match covers the six numbers only");
	kct_check(found(S, bare) && is_v4(KCT_FTP_PASV, 192, 168, 1, 2, 5001) &&
		  text_is(bare, "192,168,1,2,19,137"),
		  "227 without parentheses: numbers start at the first digit");
	kct_check(found(S, "227 =192,168,1,2,19,137.\r\n"),
		  "227 without parentheses ends the numbers at any non-digit");
	kct_check(found(S, "227 Passive Mode v2 (10,0,0,1,4,1)\r\n") &&
		  is_v4(KCT_FTP_PASV, 10, 0, 0, 1, 1025),
		  "227 with '(' takes the numbers after it, not the first digit");
	kct_check(not_found(S, "227 Passive Mode v2 10,0,0,1,4,1\r\n"),
		  "227 without '(' and an earlier digit is refused");
	kct_check(not_found(S, "227 Entering Passive Mode (10,0,0,1,4,1.\r\n"),
		  "227 with '(' but no ')' after the numbers is refused");
	kct_check(not_found(S, "227 Entering Passive Mode (10,0,0,1,4,256)\r\n"),
		  "227 number 256 is refused");
	kct_check(not_found(S, "227 Entering Passive Mode (10,0,0,1,0,0)\r\n"),
		  "227 with port 0 is refused");
	kct_check(not_found(S, "227 Entering Passive Mode (10,0,0,1,4)\r\n") &&
		  not_found(S, "227 Entering Passive Mode 10,0,0,1,4,1,1\r\n"),
		  "227 with five or seven numbers is refused");
	kct_check(not_found(S, "227 Entering Passive Mode ( 10,0,0,1,4,1)\r\n"),
		  "227 with a space after '(' is refused, as stock does");
	kct_check(not_found(S, "227 Entering Passive Mode\r\n"),
		  "227 without numbers is refused");
	kct_check(not_found(S, "227-Entering Passive Mode (10,0,0,1,4,1)\r\n"),
		  "227- continuation line is not a final 227 reply");
	kct_check(not_found(C, s), "227 sent by the client is not looked at");
	kct_check(long_pasv(KCT_FTP_LINE_MAX, 1) == KCT_FTP_FOUND &&
		  long_pasv(KCT_FTP_LINE_MAX + 1, 1) == KCT_FTP_NOT_FOUND,
		  "227 line of KCT_FTP_LINE_MAX bytes matches, one more does not");
	kct_check(long_pasv(KCT_FTP_LINE_MAX + 2, 0) == KCT_FTP_NOT_FOUND &&
		  long_pasv(KCT_FTP_LINE_MAX + 1, 0) == KCT_FTP_PARTIAL,
		  "unfinished line is waited for only while a \\n still fits");
}

static void test_epsv(void)
{
	const char *s = "229 Entering Extended Passive Mode (|||6446|)\r\n";

	kct_check(kct_ftp_find(s, strlen(s), S, 6, &m) == KCT_FTP_FOUND &&
		  m.type == KCT_FTP_EPSV && m.port == 6446 && m.peer_addr &&
		  m.family == 6 && text_is(s, "|||6446|"),
		  "229 (|||port|) gives a port on the peer's address");
	kct_check(found(S, "229 Extended Passive (!!!6446!)\r\n") &&
		  m.port == 6446 && m.family == 4,
		  "229 accepts another delimiter; family is the caller's");
	kct_check(not_found(S, "229 Extended Passive (|!|6446|)\r\n") &&
		  not_found(S, "229 Extended Passive (|||6446!)\r\n"),
		  "229 with mismatched delimiters is refused");
	kct_check(not_found(S, "229 Extended Passive (111264461)\r\n") &&
		  not_found(S, "229 Extended Passive (   6446 )\r\n"),
		  "229 with a digit or space delimiter is refused");
	kct_check(not_found(S, "229 Extended Passive (|||65536|)\r\n") &&
		  not_found(S, "229 Extended Passive (|||0|)\r\n") &&
		  not_found(S, "229 Extended Passive (||||)\r\n"),
		  "229 port must be 1..65535");
	kct_check(not_found(S, "229 Extended Passive (|||6446|\r\n") &&
		  not_found(S, "229 Extended Passive |||6446|\r\n") &&
		  not_found(S, "229 Extended Passive (||6446|)\r\n"),
		  "229 without both parentheses or three delimiters is refused");
	kct_check(kct_ftp_find(s, strlen(s), S, 5, &m) == KCT_FTP_NOT_FOUND,
		  "229 with a connection family other than 4 or 6 is refused");
}

static void test_stream(void)
{
	const char *two = "USER anonymous\r\nPORT 10,0,0,1,0,21\r\n";
	const char *bad_then_good =
		"PORT 10,0,0,1,0,0\r\nPORT 10,0,0,1,0,22\r\n";
	const char *both = "PORT 10,0,0,1,0,21\r\nPORT 10,0,0,2,0,22\r\n";
	char big[1200];

	kct_check(not_found(C, "") && not_found(S, ""),
		  "empty buffer: nothing found, nothing to wait for");
	kct_check(partial(C, "PORT 10,0,0,1,0,21") && m.off == 0 &&
		  m.len == 18,
		  "PORT without line end is partial: more digits may follow");
	kct_check(partial(C, "PORT 10,0,0,1,0,21\r"),
		  "PORT with \\r but no \\n yet is partial");
	kct_check(partial(C, "P") && partial(C, "epr") && partial(S, "22"),
		  "a prefix of a keyword is partial");
	kct_check(not_found(C, "PORT 999") && not_found(C, "PORT 1,2,3,4,0,0,") &&
		  not_found(C, "EPRT |3") && not_found(C, "PORX"),
		  "an unfinished line that can no longer match is not partial");
	kct_check(partial(S, "227 Entering Passive Mode (192,168") &&
		  partial(S, "229 Entering Extended Passive Mode (|||64"),
		  "unfinished 227 and 229 lines are partial");
	kct_check(streams(C, "PORT 192,168,1,2,4,1\r\n") &&
		  streams(C, "EPRT |2|1080::8:800:200C:417A|5282|\r\n") &&
		  streams(S, "227 Entering Passive Mode (10,0,0,1,4,1).\r\n") &&
		  streams(S, "229 Entering Extended Passive Mode (|||6446|)\r\n"),
		  "fed one byte at a time: partial at each step, then found");
	kct_check(found(C, two) && m.off == 21 &&
		  text_is(two, "10,0,0,1,0,21") && m.next == strlen(two),
		  "the match may be in the second line; offsets count from the buffer");
	kct_check(found(C, bad_then_good) && m.port == 22,
		  "a refused line does not stop the search of the next");
	kct_check(found(C, both) && m.addr[3] == 1 &&
		  kct_ftp_find(both + m.next, strlen(both) - m.next, C, 4, &m) ==
		  KCT_FTP_FOUND && m.addr[3] == 2,
		  "the first match is reported; searching from next finds the second");
	kct_check(partial(C, "NOOP\r\nPORT 10,0") && m.off == 6 && m.len == 9,
		  "partial reports where the unfinished line starts");
	memset(big, 'a', sizeof(big));
	memcpy(big, "211-", 4);
	memcpy(big + 1000, "\r\n227 (1,2,3,4,5,6)\r\n", 21);
	kct_check(kct_ftp_find(big, 1021, S, 4, &m) == KCT_FTP_FOUND &&
		  m.off == 1007,
		  "a long line that is no candidate does not hide the next");
}

static void test_nl(void)
{
	kct_check(kct_ftp_after_last_nl("a\r\nb", 4) == 3,
		  "after_last_nl: offset just after the last \\n");
	kct_check(kct_ftp_after_last_nl("a\nb\n", 4) == 4,
		  "after_last_nl: buffer ending in \\n gives its length");
	kct_check(kct_ftp_after_last_nl("abc", 3) == 0 &&
		  kct_ftp_after_last_nl("", 0) == 0,
		  "after_last_nl: 0 when there is no \\n");
}

int main(void)
{
	kct_unit_start();
	test_port();
	test_eprt();
	test_pasv();
	test_epsv();
	test_stream();
	test_nl();
	return kct_unit_done();
}
