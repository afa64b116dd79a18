/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_PERNET_H
#define _KCT_PERNET_H

#include <linux/percpu.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include "kct_invalid.h"

/*
 * Per-CPU counters: the columns of /proc/net/stat/kct that kct counts
 * (it prints stock's columns, in stock's order, the others as 0) and
 * kct's per-reason INVALID counters.
 */
struct kct_stat {
	unsigned int found;
	unsigned int invalid;
	unsigned int insert;
	unsigned int insert_failed;
	unsigned int clash_resolve;
	unsigned int drop;
	unsigned int early_drop;
	unsigned int icmp_error;
	unsigned int expect_new;
	unsigned int expect_create;
	unsigned int expect_delete;
	unsigned int search_restart;
	unsigned int invalid_reason[KCT_INVALID_MAX];
};

/*
 * The net.kct.* settings of one namespace: only what stock has no
 * setting for.  Everything else is stock's (see kct_proto.h).
 */
struct kct_sysctl {
	int enable;
};

/* Everything kct keeps per network namespace. */
struct kct_net {
	struct net *net;
	atomic_t count;
	atomic_t expect_count;
	/* Its expectations, newest first (kct_expect.c); RCU readers. */
	struct hlist_head expect_list;
	spinlock_t expect_lock;		/* writers of expect_list */
	struct kct_stat __percpu *stat;
	struct kct_sysctl sysctl;
	struct ctl_table_header *sysctl_header;
};

/* Where net_generic() keeps it: set by kct_netns_register(). */
extern unsigned int kct_net_id;

static inline struct kct_net *kct_pernet(const struct net *net)
{
	return net_generic(net, kct_net_id);
}

/*
 * The same for the packet path, which runs inside the RCU read-side
 * section of nf_hook(): net_generic() opens one of its own, and with
 * preemptible RCU (Debian's kernel) that is two calls on every packet.
 */
static inline struct kct_net *kct_pernet_rcu(const struct net *net)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(),
			 "a namespace's kct state read outside RCU");
	return rcu_dereference(net->gen)->ptr[kct_net_id];
}

/* @field names a member of struct kct_stat, so it cannot be parenthesised. */
static inline void kct_stat_inc(struct kct_net *kn, size_t offset)
{
	unsigned int __percpu *counter =
		(unsigned int __percpu *)((char __percpu *)kn->stat + offset);

	this_cpu_inc(*counter);
}

#define KCT_STAT_INC(kn, member) \
	kct_stat_inc(kn, offsetof(struct kct_stat, member))

#endif /* _KCT_PERNET_H */
