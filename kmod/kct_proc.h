/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_PROC_H
#define _KCT_PROC_H

struct net;

int kct_proc_init_net(struct net *net);
void kct_proc_exit_net(struct net *net);

#endif /* _KCT_PROC_H */
