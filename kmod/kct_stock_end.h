/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_STOCK_END_H
#define _KCT_STOCK_END_H

/*
 * Stock modules ending connections end kct's through kct's table
 * (kct_stock_end.c).  Start once the table and every namespace's state
 * exist; stop once every namespace has emptied its part of the table,
 * so that no kct connection is left for stock's code to end.
 */
void kct_stock_end_init(void);
void kct_stock_end_exit(void);

#endif /* _KCT_STOCK_END_H */
