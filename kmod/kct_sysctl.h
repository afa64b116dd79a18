/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_SYSCTL_H
#define _KCT_SYSCTL_H

struct net;
struct kct_sysctl;

void kct_sysctl_defaults(struct kct_sysctl *s);
int kct_sysctl_init_net(struct net *net);
void kct_sysctl_exit_net(struct net *net);

#endif /* _KCT_SYSCTL_H */
