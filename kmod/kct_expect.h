/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_EXPECT_H
#define _KCT_EXPECT_H

#include <linux/refcount.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include "kct_pernet.h"

struct kct_helper;
struct kct_event_req;

/*
 * An expected connection: a helper saw, inside its master connection,
 * that a new connection matching @tuple under @mask is coming (an FTP data
 * connection).  The first packet that matches becomes RELATED to the
 * master and uses the expectation up.
 */
struct kct_expect {
	struct hlist_node node;		/* in its namespace's list, RCU */
	struct nf_conntrack_tuple tuple;
	struct nf_conntrack_tuple_mask mask;
	struct nf_conn *master;		/* holds a reference */
	/* The master's helper, or NULL for one a stock module asked for. */
	const struct kct_helper *helper;
	struct net *net;
	u32 timeout;			/* jiffies32, absolute once inserted */
	/*
	 * Stock's NF_CT_EXPECT_* bits a ctnetlink request set (0 for a
	 * helper's): PERMANENT stays listed when used, INACTIVE is never
	 * used, DEAD counts as expired.  Set before the insert, read-only
	 * after.
	 */
	u32 flags;
	/* Stock's expectation class; kct's helpers have one, 0. */
	u8 class;
	/* Counted in the master's nf_conn_help.expecting[class]. */
	bool counted;
	refcount_t use;
	struct rcu_head rcu;
	/*
	 * Where NAT maps the master, the data connection must be mapped
	 * too: @expectfn (NULL if nothing to do) is called on the new
	 * connection, RELATED to the master and not confirmed yet, from
	 * the packet path under RCU.  It reads @dir (the direction of the
	 * master the expected connection goes along) and @saved_proto (the
	 * port the sender announced, before the rewrite).  The module
	 * providing @expectfn calls kct_expect_expectfn_gone() before it
	 * goes.
	 */
	void (*expectfn)(struct nf_conn *ct, struct kct_expect *exp);
	union nf_conntrack_man_proto saved_proto;
	/* Only a ctnetlink request sets it (CTA_EXPECT_NAT), as stock's. */
	union nf_inet_addr saved_addr;
	u8 dir;
};

typedef void (*kct_expectfn_t)(struct nf_conn *ct, struct kct_expect *exp);

/* An expectfn with the name ctnetlink knows it by (kct_expectfn.c). */
struct kct_expectfn {
	struct list_head list;
	const char *name;
	kct_expectfn_t fn;
};

void kct_expectfn_register(struct kct_expectfn *f);
void kct_expectfn_unregister(struct kct_expectfn *f);
/* Under RCU: the function of that name, or NULL; the name of @fn, or NULL. */
const struct kct_expectfn *kct_expectfn_by_name(const char *name);
const char *kct_expectfn_name(kct_expectfn_t fn);

/* For helpers. */
struct kct_expect *kct_expect_alloc(struct nf_conn *master);
void kct_expect_init(struct kct_expect *exp, u8 family,
		     const union nf_inet_addr *saddr,
		     const union nf_inet_addr *daddr, u8 proto,
		     const __be16 *sport, const __be16 *dport);
int kct_expect_related_report(struct kct_expect *exp,
			      const struct kct_event_req *req);
int kct_expect_insert(struct kct_expect *exp, u32 timeout,
		      const struct kct_event_req *req);
static inline int kct_expect_related(struct kct_expect *exp)
{
	return kct_expect_related_report(exp, NULL);
}

void kct_expect_unrelate(struct kct_expect *exp);
void kct_expect_put(struct kct_expect *exp);
void kct_expect_expectfn_gone(void (*fn)(struct nf_conn *ct,
					 struct kct_expect *exp));

/* For the core. */
bool kct_expect_matches(const struct kct_expect *exp,
			const struct nf_conntrack_tuple *t);
struct kct_expect *kct_expect_take(struct kct_net *kn,
				   const struct nf_conntrack_zone *zone,
				   const struct nf_conntrack_tuple *t);
void kct_expect_master_gone(struct nf_conn *master);
void kct_expect_helper_gone(const struct kct_helper *helper);
void kct_expect_flush_net(struct net *net);
u32 kct_expect_gc(u32 horizon);
int kct_expect_proc_init_net(struct net *net);
void kct_expect_proc_exit_net(struct net *net);

/* For ctnetlink. */
unsigned int kct_expect_remove_if(struct net *net,
				  bool (*cond)(struct kct_expect *exp,
					       const void *arg),
				  const void *arg,
				  const struct kct_event_req *req);
bool kct_expect_retime(struct net *net, const struct nf_conntrack_zone *zone,
		       const struct nf_conntrack_tuple *t, const u32 *secs);
void kct_expect_walk(struct net *net, unsigned long *pos,
		     int (*fn)(struct kct_expect *exp, void *arg), void *arg);

#endif /* _KCT_EXPECT_H */
