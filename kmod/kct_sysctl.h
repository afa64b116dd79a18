/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_SYSCTL_H
#define _KCT_SYSCTL_H

struct net;
struct kct_sysctl;

void kct_sysctl_defaults(struct kct_sysctl *s);
int kct_sysctl_init_net(struct net *net);
void kct_sysctl_exit_net(struct net *net);

/* Stock's nf_conntrack_expect_max, found once at load, then read live. */
int kct_sysctl_stock_init(void);
unsigned int kct_sysctl_expect_max(void);

#endif /* _KCT_SYSCTL_H */
