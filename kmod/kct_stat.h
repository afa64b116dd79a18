/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_STAT_H
#define _KCT_STAT_H

struct net;

/* /proc/net/stat/kct and /proc/net/stat/kct_invalid of a namespace. */
int kct_stat_init_net(struct net *net);
void kct_stat_exit_net(struct net *net);

#endif /* _KCT_STAT_H */
