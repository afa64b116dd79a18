/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_NETLINK_EVENT_H
#define _KCT_NETLINK_EVENT_H

/* conntrack -E: kct's events as ctnetlink messages, while kct owns it. */
int kct_nl_event_init(void);
void kct_nl_event_exit(void);

#endif /* _KCT_NETLINK_EVENT_H */
