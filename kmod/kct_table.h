/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_TABLE_H
#define _KCT_TABLE_H

#include <linux/list_nulls.h>
#include <net/netfilter/nf_conntrack.h>
#include "kct_netns.h"

/*
 * The connection table: one hash of both tuples of every confirmed
 * connection, shared by all namespaces (the namespace is part of the
 * hash and of every comparison), read locklessly under RCU.
 */
struct kct_table {
	struct hlist_nulls_head *buckets;
	unsigned int size;
};

extern struct kct_table kct_table;
extern unsigned int kct_max;	/* net.kct.max, global like stock's */

/* Set on every nf_conn kct made, never on stock's; see kct_conn.c. */
#define KCT_OWNED_BIT	48
static inline bool kct_owned(const struct nf_conn *ct)
{
	return test_bit(KCT_OWNED_BIT, &ct->status);
}

/*
 * End-of-chain markers: the bucket number with a tag that stock's table
 * never uses, because nf_conn objects are recycled between stock and kct
 * (SLAB_TYPESAFE_BY_RCU) and a reader may wander into a foreign chain.
 */
#define KCT_NULLS_TAG	BIT(31)

int kct_table_init(void);
void kct_table_exit(void);

struct nf_conntrack_tuple_hash *
kct_table_find(struct kct_net *kn, const struct nf_conntrack_tuple *t,
	       u32 hash);
int kct_table_insert(struct kct_net *kn, struct nf_conn *ct,
		     struct nf_conn **existing);
bool kct_table_unlink(struct nf_conn *ct);
bool kct_table_early_drop(struct kct_net *kn, u32 hash);

static inline unsigned int kct_bucket(u32 hash)
{
	return reciprocal_scale(hash, kct_table.size);
}

#endif /* _KCT_TABLE_H */
