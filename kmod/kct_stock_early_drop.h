/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_STOCK_EARLY_DROP_H
#define _KCT_STOCK_EARLY_DROP_H

#include <linux/types.h>

struct kct_net;

/*
 * At nf_conntrack_max, drop an unassured connection of stock's own table
 * in @kn's namespace, looking from a bucket @hash picks; whether one was
 * dropped (kct_stock_early_drop.c).
 */
bool kct_stock_early_drop(struct kct_net *kn, u32 hash);

#endif /* _KCT_STOCK_EARLY_DROP_H */
