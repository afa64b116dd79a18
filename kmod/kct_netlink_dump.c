// SPDX-License-Identifier: GPL-2.0
/*
 * Walking one namespace's connections for ctnetlink: the dump behind
 * `conntrack -L` (and -D/-U, which dump and then act on each entry), and
 * the flush behind `conntrack -F`.  Both honour the same filter: family,
 * mark under a mask, status under a mask, and tuple fields (CTA_FILTER).
 */
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/slab.h>
#include "kct_netlink_dump.h"
#include "kct_netlink_conn.h"
#include "kct_table.h"

/*
 * The dump resumes where the previous skb filled up: cb->args[0] is the
 * bucket, cb->args[1] how many of its matching entries were sent.  An
 * entry moved meanwhile may be missed or repeated, as with any table
 * that changes under a dump.
 */
int kct_nl_dump_table(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct kct_nl_filter *f = cb->data;
	struct net *net = sock_net(skb->sk);
	unsigned int size = kct_table_size();
	unsigned long first = cb->args[0], skip = cb->args[1], seen = 0;
	unsigned int bucket = first;
	struct kct_table_iter it;
	struct nf_conn *ct;
	int err;

	if (first >= size)
		return 0;
	kct_table_iter_start(&it, net, first, size - first, NULL, NULL);
	while ((ct = kct_table_iter_next(&it))) {
		if (it.cur != bucket) {
			bucket = it.cur;
			seen = 0;
		}
		if (nf_ct_is_expired(ct) || !kct_nl_filter_match(f, ct))
			continue;
		if (bucket == first && seen < skip) {
			seen++;
			continue;
		}
		rcu_read_lock();
		/* The request's type: GET, or GET_CTRZERO (conntrack -Z). */
		err = kct_nl_fill_conn(skb, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq,
				       NFNL_MSG_TYPE(cb->nlh->nlmsg_type),
				       NLM_F_MULTI, ct, 0);
		rcu_read_unlock();
		if (err) {
			kct_table_iter_end(&it);
			cb->args[0] = bucket;
			cb->args[1] = seen;
			return skb->len;
		}
		seen++;
	}
	kct_table_iter_end(&it);
	cb->args[0] = size;
	cb->args[1] = 0;
	return skb->len;
}

/*
 * Delete every connection of @net that @f selects, for request @req;
 * returns how many.
 */
unsigned int kct_nl_flush(struct net *net, const struct kct_nl_filter *f,
			  const struct kct_event_req *req)
{
	struct kct_table_iter it;
	unsigned int killed = 0;
	struct nf_conn *ct;

	kct_table_iter_start(&it, net, 0, kct_table_size(), NULL, NULL);
	while ((ct = kct_table_iter_next(&it)))
		if (kct_nl_filter_match(f, ct) && kct_table_unlink_for(ct, req))
			killed++;
	kct_table_iter_end(&it);
	return killed;
}
