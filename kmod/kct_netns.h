/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_NETNS_H
#define _KCT_NETNS_H

/*
 * Setting up and tearing down kct in every network namespace; what kct
 * keeps per namespace is in kct_pernet.h.
 */
int kct_netns_register(void);
void kct_netns_unregister(void);

#endif /* _KCT_NETNS_H */
