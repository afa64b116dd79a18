/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_STOCK_END_H
#define _KCT_STOCK_END_H

/*
 * Stock modules ending connections end kct's through kct's table
 * (kct_stock_end.c).  Adds its redirects, which start before kct's hooks
 * see a packet and stop once every namespace has emptied its part of the
 * table, with kct's others (kct_main.c).
 */
void kct_stock_end_init(void);

#endif /* _KCT_STOCK_END_H */
