/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_GC_H
#define _KCT_GC_H

struct net;

void kct_gc_start(void);
void kct_gc_stop(void);
void kct_gc_flush_net(struct net *net);

#endif /* _KCT_GC_H */
