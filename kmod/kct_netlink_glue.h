/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_NETLINK_GLUE_H
#define _KCT_NETLINK_GLUE_H

/*
 * kct's answers to nfnetlink_queue and nfnetlink_log about a packet's
 * connection (nfnl_ct_hook), while kct owns ctnetlink.
 */
void kct_nl_glue_init(void);
void kct_nl_glue_exit(void);

#endif /* _KCT_NETLINK_GLUE_H */
