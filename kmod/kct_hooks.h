/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_HOOKS_H
#define _KCT_HOOKS_H

#include <linux/types.h>
#include <linux/netfilter/nf_conntrack_common.h>

struct net;
struct nf_conn;
struct sk_buff;

int kct_hooks_init_net(struct net *net);
void kct_hooks_exit_net(struct net *net);
int kct_hooks_set(struct net *net, bool on);
/* Confirm kct's @ct, on @skb: as kct's confirm hook does; under RCU. */
unsigned int kct_confirm_skb(struct sk_buff *skb, struct nf_conn *ct,
			     enum ip_conntrack_info ctinfo, struct net *net,
			     u8 pf);

#endif /* _KCT_HOOKS_H */
