/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_PROTO_UDP_H
#define _KCT_PROTO_UDP_H

#include <net/netfilter/nf_conntrack.h>

/*
 * UDP's way of following a flow, which UDP-Lite shares: udp_timeout
 * until it is a stream, then udp_timeout_stream and ASSURED.
 */
void kct_udp_follow(struct nf_conn *ct, bool stream);

#endif /* _KCT_PROTO_UDP_H */
