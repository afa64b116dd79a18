/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_STOCK_EXPECT_H
#define _KCT_STOCK_EXPECT_H

/*
 * Expectations stock modules (nft's ct expectation) make for kct's
 * connections, listed in kct's table (kct_stock_expect.c).  Adds its
 * redirect, which starts and stops with kct's others (kct_main.c).
 */
void kct_stock_expect_init(void);

#endif /* _KCT_STOCK_EXPECT_H */
