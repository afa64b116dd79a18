/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_TIMEOUT_H
#define _KCT_TIMEOUT_H

#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_timeout.h>

void kct_timeout_adopt(struct nf_conn *ct, const struct nf_conn *tmpl);
void kct_timeout_own(struct nf_conn *ct);

/*
 * The timeouts a tracker applies to @ct, in stock's layout for its
 * protocol: those of its timeout policy if a rule gave it one, else
 * @net_defaults (the namespace's, from stock's sysctls).  Under RCU.
 */
static inline const unsigned int *
kct_timeouts(const struct nf_conn *ct, const unsigned int *net_defaults)
{
	const unsigned int *policy = nf_ct_timeout_lookup(ct);

	return policy ?: net_defaults;
}

#endif /* _KCT_TIMEOUT_H */
