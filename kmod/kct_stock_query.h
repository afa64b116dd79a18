/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_STOCK_QUERY_H
#define _KCT_STOCK_QUERY_H

/*
 * Stock modules' lookups in "the conntrack table" answered from kct's
 * (kct_stock_query.c).  Start after every namespace has kct's state;
 * stop before it goes.
 */
int kct_stock_query_init(void);
void kct_stock_query_exit(void);

#endif /* _KCT_STOCK_QUERY_H */
