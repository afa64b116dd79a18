/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Why kct judged a packet INVALID.  Stock conntrack only counts "invalid";
 * kct counts each reason in /proc/net/stat/kct_invalid and names it in the
 * log_invalid message, so that users need not guess.  The names are in
 * kct_invalid_names[] (kct_log.c), in this order.
 *
 * Part of kct's user interface: /proc/net/stat/kct_invalid has one
 * "name count" line per enum value after KCT_VALID, in this order, so
 * tools may index that file with this enum.  Portable: used by the pure-logic
 * trackers, the kernel side and the host tests.
 */
#ifndef _UAPI_KCT_INVALID_H
#define _UAPI_KCT_INVALID_H

enum kct_invalid_reason {
	KCT_VALID = 0,
	KCT_INVALID_TRUNCATED,		/* "truncated" */
	KCT_INVALID_BAD_CHECKSUM,	/* "bad_checksum" */
	KCT_INVALID_BAD_HEADER,		/* "bad_header" */
	KCT_INVALID_TCP_BAD_FLAGS,	/* "tcp_bad_flags" */
	KCT_INVALID_TCP_NOT_SYN,	/* "tcp_not_syn" */
	KCT_INVALID_TCP_OUT_OF_WINDOW,	/* "tcp_out_of_window" */
	KCT_INVALID_TCP_BAD_RST,	/* "tcp_bad_rst" */
	KCT_INVALID_TCP_BAD_STATE,	/* "tcp_bad_state" */
	KCT_INVALID_TCP_BAD_ACK,	/* "tcp_bad_ack" */
	KCT_INVALID_ICMP_NO_MATCH,	/* "icmp_no_match" */
	KCT_INVALID_ICMP_BAD_TYPE,	/* "icmp_bad_type" */
	KCT_INVALID_TABLE_FULL,		/* "table_full" */
	KCT_INVALID_NO_MEMORY,		/* "no_memory" */
	KCT_INVALID_CLASH,		/* "clash" */
	KCT_INVALID_SCTP_BAD_CHUNKS,	/* "sctp_bad_chunks" */
	KCT_INVALID_SCTP_BAD_VTAG,	/* "sctp_bad_vtag" */
	KCT_INVALID_SCTP_BAD_STATE,	/* "sctp_bad_state" */
	KCT_INVALID_MAX
};

#endif /* _UAPI_KCT_INVALID_H */
