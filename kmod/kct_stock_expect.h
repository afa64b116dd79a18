/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_STOCK_EXPECT_H
#define _KCT_STOCK_EXPECT_H

/*
 * Expectations stock modules (nft's ct expectation) make for kct's
 * connections, listed in kct's table (kct_stock_expect.c).  Start after
 * every namespace has kct's state; stop before it goes.
 */
void kct_stock_expect_init(void);
void kct_stock_expect_exit(void);

#endif /* _KCT_STOCK_EXPECT_H */
