/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_TIMEOUTS_H
#define _KCT_TIMEOUTS_H

/*
 * Every timeout kct applies, one sysctl each (net.kct.<name>, names and
 * defaults in kct_sysctl.c, stock 6.1's).  The TCP entries follow the
 * order of the TCP states (SYN_SENT = 1 ... SYN_SENT2 = 9) so that a
 * state indexes its timeout as state - 1.
 */
enum kct_timeout {
	KCT_TIMEOUT_TCP_SYN_SENT,
	KCT_TIMEOUT_TCP_SYN_RECV,
	KCT_TIMEOUT_TCP_ESTABLISHED,
	KCT_TIMEOUT_TCP_FIN_WAIT,
	KCT_TIMEOUT_TCP_CLOSE_WAIT,
	KCT_TIMEOUT_TCP_LAST_ACK,
	KCT_TIMEOUT_TCP_TIME_WAIT,
	KCT_TIMEOUT_TCP_CLOSE,
	KCT_TIMEOUT_TCP_SYN_SENT2,
	KCT_TIMEOUT_TCP_RETRANS,
	KCT_TIMEOUT_TCP_UNACK,
	KCT_TIMEOUT_UDP,
	KCT_TIMEOUT_UDP_STREAM,
	KCT_TIMEOUT_ICMP,
	KCT_TIMEOUT_ICMPV6,
	KCT_TIMEOUT_GENERIC,
	KCT_TIMEOUT_MAX
};

#endif /* _KCT_TIMEOUTS_H */
