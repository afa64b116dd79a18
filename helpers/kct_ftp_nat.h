/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_FTP_NAT_H
#define _KCT_FTP_NAT_H

#include <linux/skbuff.h>
#include <net/netfilter/nf_conntrack.h>
#include "kct_expect.h"
#include "kct_ftp_parse.h"

/*
 * FTP through NAT.  As stock keeps nf_nat_ftp apart from
 * nf_conntrack_ftp, kct's NAT part is its own module, kct_nat_ftp.ko,
 * so that kct_ftp.ko works without nf_nat.  While it is loaded, kct_ftp
 * hands it each announcement (PORT, EPRT, 227, 229) read on a control
 * connection that NAT maps, with the expectation prepared but not
 * inserted; the NAT part inserts it, rewrites the announcement in the
 * packet and returns the packet's verdict.
 *
 * kct_ftp_nat is set and cleared by kct_nat_ftp only, and read under
 * RCU (kct runs helpers in an RCU section); kct_nat_ftp waits for a
 * grace period after clearing it before it goes.
 */
struct kct_ftp_nat_req {
	struct sk_buff *skb;
	unsigned int protoff;		/* of the TCP header */
	struct nf_conn *ct;		/* the control connection */
	enum ip_conntrack_info ctinfo;
	enum kct_ftp_type type;
	/* The text to rewrite, from the start of the TCP payload. */
	unsigned int off;
	unsigned int len;
};

struct kct_ftp_nat_ops {
	unsigned int (*rewrite)(const struct kct_ftp_nat_req *req,
				struct kct_expect *exp);
};

extern const struct kct_ftp_nat_ops __rcu *kct_ftp_nat;

#endif /* _KCT_FTP_NAT_H */
