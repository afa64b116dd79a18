/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_TABLE_H
#define _KCT_TABLE_H

#include <linux/list_nulls.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include "kct_pernet.h"
#include "kct_tuple.h"

/*
 * The limit of each namespace's table: stock's nf_conntrack_max (global,
 * 0: none), read now, the one nf_conntrack_alloc() enforces on the
 * namespace's connection objects too.
 */
static inline unsigned int kct_table_max(void)
{
	return READ_ONCE(nf_conntrack_max);
}

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
kct_table_find(struct kct_net *kn, const struct nf_conntrack_zone *zone,
	       const struct nf_conntrack_tuple *t, u32 hash);
/*
 * Look @t up in @zone as stock looks up a packet's tuple: hashed with the
 * zone's id for the original direction.
 */
static inline struct nf_conntrack_tuple_hash *
kct_table_lookup(struct kct_net *kn, const struct nf_conntrack_zone *zone,
		 const struct nf_conntrack_tuple *t)
{
	return kct_table_find(kn, zone, t,
			      kct_tuple_hash(kn->net, t,
					     nf_ct_zone_id(zone,
							   IP_CT_DIR_ORIGINAL)));
}

/*
 * The hash of a new connection's original tuple, from the lookup that
 * missed it, kept for its insert (one hash less per new connection):
 * in the link of its reply tuple, which means nothing before the insert
 * (stock keeps its own there the same way, and leaves it 0 for kct's).
 */
static inline void kct_table_keep_hash(struct nf_conn *ct, u32 hash)
{
	ct->tuplehash[IP_CT_DIR_REPLY].hnnode.pprev =
		(struct hlist_nulls_node **)(unsigned long)hash;
}

struct kct_event_req;
int kct_table_insert_for(struct kct_net *kn, struct nf_conn *ct,
			 struct nf_conn **existing,
			 const struct kct_event_req *req);

static inline int kct_table_insert(struct kct_net *kn, struct nf_conn *ct,
				   struct nf_conn **existing)
{
	return kct_table_insert_for(kn, ct, existing, NULL);
}

bool kct_table_unlink_for(struct nf_conn *ct, const struct kct_event_req *req);

static inline bool kct_table_unlink(struct nf_conn *ct)
{
	return kct_table_unlink_for(ct, NULL);
}

bool kct_table_early_drop(struct kct_net *kn, u32 hash, unsigned int round);

/*
 * A sweep over the table, the only way to visit its connections other
 * than by tuple.  Each connection that stays in the table for the whole
 * sweep is visited exactly once (by its original direction), however
 * the others come and go; one that comes or goes meanwhile may or may
 * not be.  kct_table_iter_next() returns the connections one by one, each
 * held by the iterator until the next call, so the caller may unlink it;
 * it may sleep.  @want, if set, is asked under the bucket's lock (it
 * must not sleep or touch the table) to leave out what the caller would
 * skip anyway.
 */
#define KCT_ITER_INLINE	16

struct kct_table_iter {
	const struct net *net;		/* only this namespace's, if set */
	bool (*want)(struct nf_conn *ct, void *arg);
	void *arg;
	unsigned int bucket;		/* the next bucket to load */
	unsigned int buckets_left;	/* of the range asked for */
	unsigned int visited;		/* buckets loaded so far */
	unsigned int nonempty;		/* of those, the ones with entries */
	unsigned int max_nonempty;	/* stop after that many */
	unsigned int cur;		/* the bucket of the batch */
	bool incomplete;		/* a bucket was too long to hold */
	unsigned int i, n, cap;
	struct nf_conn *held;		/* returned last, still referenced */
	struct nf_conn **batch;
	struct nf_conn *inline_batch[KCT_ITER_INLINE];
};

void kct_table_iter_start(struct kct_table_iter *it, const struct net *net,
			  unsigned int first, unsigned int count,
			  bool (*want)(struct nf_conn *ct, void *arg),
			  void *arg);
struct nf_conn *kct_table_iter_next(struct kct_table_iter *it);
void kct_table_iter_end(struct kct_table_iter *it);

/* The sweep ends with the bucket it is in: its other entries still come. */
static inline void kct_table_iter_stop_after_bucket(struct kct_table_iter *it)
{
	it->max_nonempty = it->nonempty;
}

unsigned int kct_table_size(void);

/*
 * Whether @ct is among the first @n connections of @out: a connection is
 * in two chains, so a walk that collects a chain's connections for one
 * act can meet it twice.
 */
static inline bool kct_conn_in_batch(const struct nf_conn *ct,
				     struct nf_conn *const *out,
				     unsigned int n)
{
	while (n--)
		if (out[n] == ct)
			return true;
	return false;
}

#endif /* _KCT_TABLE_H */
