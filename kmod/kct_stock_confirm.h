/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_STOCK_CONFIRM_H
#define _KCT_STOCK_CONFIRM_H

/*
 * Stock code confirming a connection through nf_ct_hook confirms kct's
 * in kct's table (kct_stock_confirm.c).  In place from before kct's hooks
 * are registered in any namespace to after they are gone from all.
 */
void kct_stock_confirm_init(void);
void kct_stock_confirm_exit(void);

#endif /* _KCT_STOCK_CONFIRM_H */
