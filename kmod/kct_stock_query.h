/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_STOCK_QUERY_H
#define _KCT_STOCK_QUERY_H

/*
 * Stock modules' lookups in "the conntrack table" answered from kct's
 * (kct_stock_query.c).  Start before kct's hooks are registered in any
 * namespace and stop after they are gone from all; in between, say with
 * kct_stock_query_live() when every namespace has kct's state, and
 * when it is about to go.
 */
int kct_stock_query_init(void);
void kct_stock_query_live(bool live);
/*
 * What kct_stock_query_live() said last: every namespace has kct's state,
 * which stays for the caller's RCU read-side section.
 */
bool kct_stock_query_is_live(void);
void kct_stock_query_exit(void);

#endif /* _KCT_STOCK_QUERY_H */
