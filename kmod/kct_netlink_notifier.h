/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_NETLINK_NOTIFIER_H
#define _KCT_NETLINK_NOTIFIER_H

/* Stock's event notifier in every namespace, while kct owns ctnetlink. */
int kct_nl_notifier_init(void);
void kct_nl_notifier_exit(void);

#endif /* _KCT_NETLINK_NOTIFIER_H */
