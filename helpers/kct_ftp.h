/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_FTP_H
#define _KCT_FTP_H

#include <linux/skbuff.h>
#include <net/netfilter/nf_conntrack.h>
#include "kct_ftp_parse.h"

/* As stock: one data connection expected per control connection ... */
#define KCT_FTP_MAX_EXPECTED	1
/* ... for five minutes. */
#define KCT_FTP_EXPECT_TIMEOUT	(5 * 60)

extern bool kct_ftp_loose;

/* kct_ftp_help.c: the helper callbacks kct runs on each packet and at death. */
int kct_ftp_help_init(void);
void kct_ftp_help_exit(void);
int kct_ftp_help(struct sk_buff *skb, unsigned int protoff, struct nf_conn *ct,
		 enum ip_conntrack_info ctinfo);
void kct_ftp_destroy(struct nf_conn *ct);

/*
 * kct_ftp_expect.c: an announcement found in direction @dir of @ct, in
 * the packet @skb.  For a rewrite under NAT: @line_seq points to the
 * stream's sequence number of the match's offset 0, @seg_seq is the
 * packet's own and @paylen its payload's length.  @verdict is the
 * packet's; @rewritten is set once one announcement of it was
 * rewritten (one per packet, as stock: its sequence adjustment records
 * one change per packet).
 */
struct kct_ftp_found_ctx {
	struct nf_conn *ct;
	enum ip_conntrack_dir dir;
	struct sk_buff *skb;
	unsigned int protoff;
	enum ip_conntrack_info ctinfo;
	const u32 *line_seq;
	u32 seg_seq;
	unsigned int paylen;
	unsigned int verdict;
	bool rewritten;
};

void kct_ftp_found(const struct kct_ftp_match *m, void *arg);

#endif /* _KCT_FTP_H */
