/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_HOOKS_H
#define _KCT_HOOKS_H

#include <linux/types.h>

struct net;

int kct_hooks_init_net(struct net *net);
void kct_hooks_exit_net(struct net *net);
int kct_hooks_set(struct net *net, bool on);

#endif /* _KCT_HOOKS_H */
