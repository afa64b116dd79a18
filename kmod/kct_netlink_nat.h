/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_NETLINK_NAT_H
#define _KCT_NETLINK_NAT_H

#include <net/netlink.h>
#include <net/netfilter/nf_conntrack.h>

/*
 * A request's NAT mapping (CTA_NAT_SRC/DST) set up on @ct, a connection
 * being created and not yet in the table: 0, -EAGAIN (nf_nat was just
 * loaded: nfnetlink replays the request) or -errno.
 */
int kct_nl_nat_setup(struct nf_conn *ct, const struct nlattr * const cda[]);

/*
 * A request's sequence adjustment (CTA_SEQ_ADJ_ORIG/_REPLY) and
 * SYNPROXY state (CTA_SYNPROXY's @attr): checked, and with @commit also
 * applied.  A connection without the extension ignores them, as stock.
 */
int kct_nl_seqadj(const struct nlattr * const cda[], struct nf_conn *ct,
		  bool commit);
int kct_nl_synproxy(const struct nlattr *attr, struct nf_conn *ct,
		    bool commit);

#endif /* _KCT_NETLINK_NAT_H */
