/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_NETLINK_CREATE_H
#define _KCT_NETLINK_CREATE_H

#include <net/netlink.h>

struct nf_conn;
struct kct_event_req;

/*
 * A request to create a connection that is not in the table (ctnetlink
 * NEW with NLM_F_CREATE): checked whole, then inserted, or nothing
 * changes.  0 or -errno, as stock answers.  The NEW event names @who.
 */
int kct_nl_create(struct net *net, const struct nlattr * const cda[],
		  u8 family, const struct kct_event_req *who);

/* CTA_HELP's helper name (a string inside @attr), for create and update. */
int kct_nl_helper_name(const struct nlattr *attr, const char **name);
/* CTA_HELP for an existing connection: 0 if it may be applied. */
int kct_nl_check_helper(const struct nlattr *attr, const struct nf_conn *ct);

#endif /* _KCT_NETLINK_CREATE_H */
