/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_NETLINK_H
#define _KCT_NETLINK_H

#include <linux/netlink.h>
#include <net/netlink.h>
#include <net/netfilter/nf_conntrack.h>
#include "kct_proto.h"

struct nfnetlink_subsystem;

/*
 * kct speaks the ctnetlink message format (uapi nfnetlink_conntrack.h)
 * on nfnetlink's conntrack and expectation subsystems, so that the
 * conntrack command works against kct's table.  Only one module can own
 * a subsystem: when nf_conntrack_netlink has them, kct runs without this
 * interface (and says so once in the kernel log).
 */
int kct_netlink_init(void);
void kct_netlink_exit(void);

/* kct owns both subsystems: events and requests are ours to answer. */
extern bool kct_netlink_active;

/* kct_netlink_tuple.c: tuples to and from attributes. */
extern const struct nla_policy kct_nl_tuple_policy[];
int kct_nl_put_tuple(struct sk_buff *skb, int type,
		     const struct nf_conntrack_tuple *t);
int kct_nl_parse_tuple(const struct nlattr *attr, u8 l3num,
		       struct nf_conntrack_tuple *t, u32 *present);
bool kct_nl_tuple_match(const struct nf_conntrack_tuple *ct_tuple,
			const struct nf_conntrack_tuple *filter, u32 flags);

/* kct_netlink_conn.c: one connection as a message. */
int kct_nl_fill_conn(struct sk_buff *skb, u32 portid, u32 seq, u16 msg,
		     unsigned int flags, struct nf_conn *ct, bool destroy);
size_t kct_nl_conn_size(void);

int kct_nl_protoinfo(const struct nlattr *attr, struct nf_conn *ct,
		     bool commit);

/* kct_netlink_exp.c: the expectation subsystem's callbacks. */
extern const struct nfnetlink_subsystem kct_nl_exp_subsys;

#endif /* _KCT_NETLINK_H */
