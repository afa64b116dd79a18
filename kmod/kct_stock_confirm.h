/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_STOCK_CONFIRM_H
#define _KCT_STOCK_CONFIRM_H

#include <linux/types.h>

/*
 * Stock code confirming one of kct's connections confirms it in kct's
 * table (kct_stock_confirm.c).  Adds its redirect, which starts before
 * kct's hooks see a packet and stops after they saw the last, with kct's
 * others (kct_main.c).
 */
void kct_stock_confirm_init(void);
/*
 * Whether stock's confirm sends kct's connections to kct: from before
 * the first namespace gets kct's hooks to after the last lost them.
 */
bool kct_stock_confirm_live(void);

#endif /* _KCT_STOCK_CONFIRM_H */
