// SPDX-License-Identifier: GPL-2.0
/*
 * Expectations.  There are few of them (a handful per FTP session, at
 * most net.netfilter.nf_conntrack_expect_max per namespace), so each namespace keeps its own
 * in one list under one lock (struct kct_net), and only packets that
 * would create a connection look there.  Expired ones are removed
 * lazily: when met, and by the GC worker.
 *
 * Lifetime and locking:
 * - A namespace's list changes only under its expect_lock (taken with
 *   BHs off: the packet path takes it too); expect_count counts what is
 *   listed and is read without the lock as a hint.  Readers that do not
 *   change the list (dumps, /proc) walk it under RCU.
 * - The list holds one reference on each listed expectation, dropped
 *   when it is taken off; anyone else holding one took it under the
 *   lock, or under RCU with refcount_inc_not_zero().  The last put frees
 *   it after a grace period, so an RCU reader may still see one that is
 *   off the list, but never a freed one.
 * - An expectation holds a reference on its master connection for its
 *   whole life, so exp->master is always valid.  exp->helper is valid
 *   while the expectation is listed, and for RCU readers until they
 *   unlock: a helper's removal takes its expectations off every list,
 *   then waits for a grace period (kct_helper_unregister()).
 * - Events (conntrack -E expect) are announced under the lock, as each
 *   one is listed and taken off, so that they come in the list's order.
 * - Each listed expectation is also counted, under the lock, in its
 *   master's nf_conn_help.expecting[], the count stock keeps and nft's
 *   "ct expectation" object reads (its size) on the master's first
 *   packet.  An unconfirmed master's extensions may still be moved
 *   (krealloc) by that packet's path, so the count of an unconfirmed
 *   master is changed only from its own packet's path (@path below);
 *   once confirmed, its extensions stay where they are.
 * - A stock module (nft_ct) may make an expectation for a master not
 *   confirmed yet (kct_stock_expect.c).  Should that packet be dropped,
 *   the master is held by its expectations alone, which stock would
 *   have removed when it freed the master: the GC pass removes them
 *   (kct_expect_orphaned()).
 */
#include <linux/slab.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/rculist.h>
#include <net/netfilter/nf_conntrack_core.h>
#include "kct_expect.h"
#include "kct_event.h"
#include "kct_helper.h"
#include "kct_table.h"
#include "kct_proto.h"
#include "kct_tuple.h"
#include "kct_sysctl.h"
#include "kct_gc.h"

static bool kct_expect_orphaned(struct kct_expect *exp);

struct kct_expect *kct_expect_alloc(struct nf_conn *master)
{
	struct kct_expect *exp = kzalloc(sizeof(*exp), GFP_ATOMIC);

	if (!exp)
		return NULL;
	/* Dropped with the expectation's last reference. */
	nf_conntrack_get(&master->ct_general);
	exp->master = master;
	exp->net = nf_ct_net(master);
	refcount_set(&exp->use, 1);
	return exp;
}
EXPORT_SYMBOL_GPL(kct_expect_alloc);

/*
 * Describe the expected connection's original direction; a NULL source
 * address or port matches any.
 */
void kct_expect_init(struct kct_expect *exp, u8 family,
		     const union nf_inet_addr *saddr,
		     const union nf_inet_addr *daddr, u8 proto,
		     const __be16 *sport, const __be16 *dport)
{
	size_t len = family == NFPROTO_IPV4 ? 4 : 16;

	memset(&exp->tuple, 0, sizeof(exp->tuple));
	memset(&exp->mask, 0, sizeof(exp->mask));
	exp->tuple.src.l3num = family;
	exp->tuple.dst.protonum = proto;
	if (saddr) {
		memcpy(&exp->tuple.src.u3, saddr, len);
		memset(&exp->mask.src.u3, 0xff, len);
	}
	memcpy(&exp->tuple.dst.u3, daddr, len);
	if (sport) {
		exp->tuple.src.u.all = *sport;
		exp->mask.src.u.all = htons(0xffff);
	}
	exp->tuple.dst.u.all = *dport;
}
EXPORT_SYMBOL_GPL(kct_expect_init);

static void kct_expect_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct kct_expect, rcu));
}

void kct_expect_put(struct kct_expect *exp)
{
	if (refcount_dec_and_test(&exp->use)) {
		nf_ct_put(exp->master);
		call_rcu(&exp->rcu, kct_expect_free_rcu);
	}
}
EXPORT_SYMBOL_GPL(kct_expect_put);

static bool kct_expect_expired(const struct kct_expect *exp)
{
	return (exp->flags & NF_CT_EXPECT_DEAD) ||
	       (s32)(READ_ONCE(exp->timeout) - nfct_time_stamp) <= 0;
}

/*
 * Add @delta to stock's count of @exp's master's expectations, where the
 * master has a helper area; @path is the connection whose packet path
 * the caller is on, if any (see the top of this file).
 */
static void kct_expect_count(struct kct_expect *exp,
			     const struct nf_conn *path, int delta)
	__must_hold(&kct_pernet(exp->net)->expect_lock)
{
	struct nf_conn_help *help;

	lockdep_assert_held(&kct_pernet(exp->net)->expect_lock);
	if (exp->master != path && !nf_ct_is_confirmed(exp->master))
		return;
	/* Its extensions were final before it was marked confirmed. */
	smp_rmb();
	help = nfct_help(exp->master);
	if (!help)
		return;
	if (delta > 0 && !exp->counted) {
		help->expecting[exp->class]++;
		exp->counted = true;
	} else if (delta < 0 && exp->counted) {
		if (help->expecting[exp->class])
			help->expecting[exp->class]--;
		exp->counted = false;
	}
}

/*
 * Take @exp off the list (lock held) and drop the list's reference; @req
 * names the ctnetlink request that asked for it, if one did; @path as
 * for kct_expect_count().
 */
static void kct_expect_unlink_on(struct kct_expect *exp,
				 const struct kct_event_req *req,
				 const struct nf_conn *path)
	__must_hold(&kct_pernet(exp->net)->expect_lock)
{
	lockdep_assert_held(&kct_pernet(exp->net)->expect_lock);
	kct_expect_count(exp, path, -1);
	hlist_del_rcu(&exp->node);
	atomic_dec(&kct_pernet(exp->net)->expect_count);
	KCT_STAT_INC(kct_pernet(exp->net), expect_delete);
	kct_event_expect(exp, KCT_EVENT_EXP_DESTROY, req);
	kct_expect_put(exp);
}

static void kct_expect_unlink(struct kct_expect *exp)
	__must_hold(&kct_pernet(exp->net)->expect_lock)
{
	kct_expect_unlink_on(exp, NULL, NULL);
}

/* Does the connection tuple @t fall under @exp's tuple and mask? */
bool kct_expect_matches(const struct kct_expect *exp,
			const struct nf_conntrack_tuple *t)
{
	const struct nf_conntrack_tuple *e = &exp->tuple;
	const struct nf_conntrack_tuple_mask *m = &exp->mask;
	int i;

	if (e->src.l3num != t->src.l3num || e->dst.protonum != t->dst.protonum ||
	    !nf_inet_addr_cmp(&e->dst.u3, &t->dst.u3) ||
	    e->dst.u.all != t->dst.u.all ||
	    ((e->src.u.all ^ t->src.u.all) & m->src.u.all))
		return false;
	for (i = 0; i < ARRAY_SIZE(t->src.u3.all); i++)
		if ((e->src.u3.all[i] ^ t->src.u3.all[i]) & m->src.u3.all[i])
			return false;
	return true;
}

/* Same expected connection (equal tuple, mask and zone)? */
static bool kct_expect_same(const struct kct_expect *a,
			    const struct kct_expect *b)
{
	return !memcmp(&a->tuple, &b->tuple, sizeof(a->tuple)) &&
	       !memcmp(&a->mask, &b->mask, sizeof(a->mask)) &&
	       nf_ct_zone_equal_any(a->master, nf_ct_zone(b->master));
}

/*
 * Could one connection fall under both?  As stock: their tuples agree
 * wherever both masks look, in the same zone.
 */
static bool kct_expect_clash(const struct kct_expect *a,
			     const struct kct_expect *b)
{
	const struct nf_conntrack_tuple *x = &a->tuple, *y = &b->tuple;
	int i;

	if (x->src.l3num != y->src.l3num ||
	    x->dst.protonum != y->dst.protonum ||
	    !nf_inet_addr_cmp(&x->dst.u3, &y->dst.u3) ||
	    x->dst.u.all != y->dst.u.all ||
	    ((x->src.u.all ^ y->src.u.all) &
	     a->mask.src.u.all & b->mask.src.u.all))
		return false;
	for (i = 0; i < ARRAY_SIZE(x->src.u3.all); i++)
		if ((x->src.u3.all[i] ^ y->src.u3.all[i]) &
		    a->mask.src.u3.all[i] & b->mask.src.u3.all[i])
			return false;
	return nf_ct_zone_equal_any(a->master, nf_ct_zone(b->master));
}

/*
 * Insert @exp (the caller keeps its own reference), to expire at
 * @timeout (jiffies32).  As stock: the master must have a helper area;
 * an equal expectation of the same master is replaced; one that clashes
 * with another's (some connection would fall under both) is refused;
 * past the helper's max_expected for this master (if it has a helper)
 * the oldest one goes; past stock's nf_conntrack_expect_max (global,
 * each namespace counting its own) the new one is refused.  @req names
 * the ctnetlink request that made it, if one did (conntrack -I expect),
 * for its NEW event.  The caller is on the master's packet path or the
 * master is confirmed.
 */
int kct_expect_insert(struct kct_expect *exp, u32 timeout,
		      const struct kct_event_req *req)
{
	struct kct_net *kn = kct_pernet(exp->net);
	unsigned int max = exp->helper ? exp->helper->policy.max_expected : 0;
	struct kct_expect *i, *oldest = NULL;
	struct hlist_node *next;
	unsigned int mine = 0;
	int ret = 0;

	if (!nfct_help(exp->master))
		return -ESHUTDOWN;

	spin_lock_bh(&kn->expect_lock);
	/* A master on its way out would leave the expectation behind. */
	if (nf_ct_is_dying(exp->master)) {
		ret = -ESHUTDOWN;
		goto out;
	}
	hlist_for_each_entry_safe(i, next, &kn->expect_list, node) {
		if (kct_expect_expired(i)) {
			kct_expect_unlink_on(i, NULL, exp->master);
			continue;
		}
		if (i->master == exp->master && kct_expect_same(i, exp)) {
			if (i->class != exp->class) {
				ret = -EALREADY;
				goto out;
			}
			kct_expect_unlink_on(i, NULL, exp->master);
			continue;
		}
		if (kct_expect_clash(i, exp)) {
			/*
			 * Left by a first packet the ruleset dropped: stock
			 * frees it with that master at once, so it blocks
			 * nobody (a retransmitted SYN's master expects the
			 * same).
			 */
			if (kct_expect_orphaned(i)) {
				kct_expect_unlink_on(i, NULL, exp->master);
				continue;
			}
			ret = -EBUSY;
			goto out;
		}
		if (i->master == exp->master && i->class == exp->class) {
			mine++;
			oldest = i;	/* the list is newest first */
		}
	}
	if (max && mine >= max) {
		kct_expect_unlink_on(oldest, NULL, exp->master);
		mine--;
	}
	if ((unsigned int)atomic_read(&kn->expect_count) >= kct_sysctl_expect_max()) {
		net_warn_ratelimited("kct: expectation table full\n");
		ret = -EMFILE;
		goto out;
	}

	refcount_inc(&exp->use);
	WRITE_ONCE(exp->timeout, timeout);
	kct_gc_due_by(timeout);
	/*
	 * A master not confirmed yet is a first packet the ruleset may
	 * still drop, leaving the expectation orphaned (stock's goes with
	 * the master at once): a crossing soon removes it.
	 */
	if (!nf_ct_is_confirmed(exp->master))
		kct_gc_due_by(nfct_time_stamp + HZ);
	kct_expect_count(exp, exp->master, 1);
	hlist_add_head_rcu(&exp->node, &kn->expect_list);
	atomic_inc(&kn->expect_count);
	KCT_STAT_INC(kn, expect_create);
	kct_event_expect(exp, KCT_EVENT_EXP_NEW, req);
out:
	spin_unlock_bh(&kn->expect_lock);
	return ret;
}

/*
 * Insert an expectation of a kct helper (the master's, if @exp names
 * none), living for the helper's timeout: see kct_expect_insert().
 */
int kct_expect_related_report(struct kct_expect *exp,
			      const struct kct_event_req *req)
{
	if (!exp->helper)
		exp->helper = kct_helper_of(exp->master);
	if (!exp->helper)
		return -ESHUTDOWN;
	return kct_expect_insert(exp, nfct_time_stamp +
				 exp->helper->policy.timeout * HZ, req);
}
EXPORT_SYMBOL_GPL(kct_expect_related_report);

/*
 * The expectation a new connection with tuple @t in @zone fulfils, if
 * any, taken off the list (unless PERMANENT) and returned with a
 * reference.  The data connection is expected in its master's zone.
 */
struct kct_expect *kct_expect_take(struct kct_net *kn,
				   const struct nf_conntrack_zone *zone,
				   const struct nf_conntrack_tuple *t)
{
	struct kct_expect *i, *found = NULL;
	struct hlist_node *next;

	if (!atomic_read(&kn->expect_count))
		return NULL;

	spin_lock_bh(&kn->expect_lock);
	hlist_for_each_entry_safe(i, next, &kn->expect_list, node) {
		if (kct_expect_expired(i)) {
			kct_expect_unlink(i);
			continue;
		}
		/*
		 * A master on its way out cannot adopt children, nor, as
		 * with stock, one not confirmed yet, which may never be.
		 */
		if ((i->flags & NF_CT_EXPECT_INACTIVE) ||
		    nf_ct_is_dying(i->master) ||
		    !nf_ct_is_confirmed(i->master) ||
		    !nf_ct_zone_equal_any(i->master, zone) ||
		    !kct_expect_matches(i, t))
			continue;
		found = i;
		refcount_inc(&found->use);
		if (!(found->flags & NF_CT_EXPECT_PERMANENT))
			kct_expect_unlink(found);
		break;
	}
	spin_unlock_bh(&kn->expect_lock);
	if (found)
		KCT_STAT_INC(kn, expect_new);
	return found;
}

/*
 * Remove the expectations of @net @cond selects; returns how many.  @req
 * names the ctnetlink request that asked, if one did.
 */
static unsigned int kct_expect_remove_on(struct net *net,
					 bool (*cond)(struct kct_expect *exp,
						      const void *arg),
					 const void *arg,
					 const struct kct_event_req *req,
					 const struct nf_conn *path)
{
	struct kct_net *kn = kct_pernet(net);
	struct kct_expect *i;
	struct hlist_node *next;
	unsigned int n = 0;

	spin_lock_bh(&kn->expect_lock);
	hlist_for_each_entry_safe(i, next, &kn->expect_list, node)
		if (cond(i, arg)) {
			kct_expect_unlink_on(i, req, path);
			n++;
		}
	spin_unlock_bh(&kn->expect_lock);
	return n;
}

unsigned int kct_expect_remove_if(struct net *net,
				  bool (*cond)(struct kct_expect *exp,
					       const void *arg),
				  const void *arg,
				  const struct kct_event_req *req)
{
	return kct_expect_remove_on(net, cond, arg, req, NULL);
}

/*
 * For ctnetlink: whether a live expectation of @net would take a
 * connection with tuple @t in @zone; if so and @secs is set, it now
 * expires @secs seconds from now (stock's update of an expectation).
 */
bool kct_expect_retime(struct net *net, const struct nf_conntrack_zone *zone,
		       const struct nf_conntrack_tuple *t, const u32 *secs)
{
	struct kct_net *kn = kct_pernet(net);
	struct kct_expect *i;
	bool found = false;

	spin_lock_bh(&kn->expect_lock);
	hlist_for_each_entry(i, &kn->expect_list, node) {
		if (kct_expect_expired(i) ||
		    !nf_ct_zone_equal_any(i->master, zone) ||
		    !kct_expect_matches(i, t))
			continue;
		found = true;
		if (secs) {
			/*
			 * As stock's: in 32 bits, so that a request beyond
			 * 2^31 ticks wraps (2^32 - 1 s expires at once).
			 */
			WRITE_ONCE(i->timeout, nfct_time_stamp + *secs * HZ);
			kct_gc_due_by(i->timeout);
		}
		break;
	}
	spin_unlock_bh(&kn->expect_lock);
	return found;
}

/*
 * The same in every namespace.  One being dismantled is off the list
 * already, and its exit flushes its expectations itself.
 */
static void kct_expect_remove_everywhere(bool (*cond)(struct kct_expect *exp,
						      const void *arg),
					 const void *arg)
{
	struct net *net;

	rcu_read_lock();
	for_each_net_rcu(net)
		if (atomic_read(&kct_pernet(net)->expect_count))
			kct_expect_remove_if(net, cond, arg, NULL);
	rcu_read_unlock();
}

/*
 * For ctnetlink dumps: call @fn (under RCU, it must not sleep) on each
 * live expectation of @net after the first @*pos of them, until it
 * returns nonzero; @*pos then counts those @fn accepted before.
 */
void kct_expect_walk(struct net *net, unsigned long *pos,
		     int (*fn)(struct kct_expect *exp, void *arg), void *arg)
{
	struct kct_net *kn = kct_pernet(net);
	struct kct_expect *exp;
	unsigned long seen = 0;

	rcu_read_lock();
	hlist_for_each_entry_rcu(exp, &kn->expect_list, node) {
		if (kct_expect_expired(exp))
			continue;
		if (seen++ < *pos)
			continue;
		if (fn(exp, arg)) {
			seen--;
			break;
		}
	}
	rcu_read_unlock();
	*pos = seen;
}

static bool kct_expect_is(struct kct_expect *exp, const void *which)
{
	return exp == which;
}

/* A helper gives up on @exp, which it inserted: take it off its list. */
void kct_expect_unrelate(struct kct_expect *exp)
{
	kct_expect_remove_if(exp->net, kct_expect_is, exp, NULL);
}
EXPORT_SYMBOL_GPL(kct_expect_unrelate);

static bool kct_expect_of_expectfn(struct kct_expect *exp, const void *fn)
{
	return exp->expectfn == fn;
}

/*
 * The module providing @fn goes: no expectation may call it any more.
 * Those listed go; one taken by a packet in flight is used in the same
 * RCU section: the caller waits for a grace period after this returns.
 */
void kct_expect_expectfn_gone(void (*fn)(struct nf_conn *ct,
					 struct kct_expect *exp))
{
	kct_expect_remove_everywhere(kct_expect_of_expectfn, fn);
}
EXPORT_SYMBOL_GPL(kct_expect_expectfn_gone);

static bool kct_expect_of_master(struct kct_expect *exp, const void *master)
{
	return exp->master == master;
}

static bool kct_expect_of_helper(struct kct_expect *exp, const void *helper)
{
	return exp->helper == helper;
}

static bool kct_expect_any(struct kct_expect *exp, const void *unused)
{
	return true;
}

/*
 * Is @exp's master a connection that was never confirmed and that
 * nothing but its expectations holds any more (its packet was dropped,
 * or went without confirming it)?  Nobody can take a new reference on
 * it then: it is in no table, and kct_expect_take() passes it by.  Each
 * expectation holds one reference, so the last one of them removed
 * frees the master, as stock frees such a master with its expectations.
 */
static bool kct_expect_orphaned(struct kct_expect *exp)
{
	struct kct_net *kn = kct_pernet(exp->net);
	struct kct_expect *i;
	unsigned int n = 0;

	lockdep_assert_held(&kn->expect_lock);
	if (nf_ct_is_confirmed(exp->master))
		return false;
	hlist_for_each_entry(i, &kn->expect_list, node)
		if (i->master == exp->master)
			n++;
	return refcount_read(&exp->master->ct_general.use) <= n;
}

/* What the GC removes. */
static bool kct_expect_is_stale(struct kct_expect *exp, const void *unused)
{
	return kct_expect_expired(exp) || kct_expect_orphaned(exp);
}

/*
 * The master connection left the table: its children will not come.
 * Called for every connection that leaves (its helper area may have gone
 * invisible when some module bumped the extension generation), so the
 * common case, no expectation in the namespace, costs one read.
 */
void kct_expect_master_gone(struct nf_conn *master)
{
	struct net *net = nf_ct_net(master);

	if (!atomic_read(&kct_pernet(net)->expect_count))
		return;
	/* Unconfirmed, it is on its own packet's path (kct_confirm()). */
	kct_expect_remove_on(net, kct_expect_of_master, master, NULL, master);
}

void kct_expect_helper_gone(const struct kct_helper *helper)
{
	kct_expect_remove_everywhere(kct_expect_of_helper, helper);
}

void kct_expect_flush_net(struct net *net)
{
	kct_expect_remove_if(net, kct_expect_any, NULL, NULL);
}

/*
 * When the GC must look at @exp again: at its expiry, or within a second
 * while its master is a first packet still on its way (kct_expect_insert()).
 */
static u32 kct_expect_gc_horizon(const struct kct_expect *exp, u32 horizon)
{
	u32 when = READ_ONCE(exp->timeout);

	if (!nf_ct_is_confirmed(exp->master) &&
	    (s32)(nfct_time_stamp + HZ - when) < 0)
		when = nfct_time_stamp + HZ;
	return (s32)(when - horizon) < 0 ? when : horizon;
}

/*
 * The GC's pass: remove the stale expectations of every namespace, and
 * return the expiry of the soonest of the others, or @horizon if none is
 * sooner.
 */
u32 kct_expect_gc(u32 horizon)
{
	struct kct_expect *i;
	struct hlist_node *next;
	struct kct_net *kn;
	struct net *net;

	rcu_read_lock();
	for_each_net_rcu(net) {
		kn = kct_pernet(net);
		if (!atomic_read(&kn->expect_count))
			continue;
		spin_lock_bh(&kn->expect_lock);
		hlist_for_each_entry_safe(i, next, &kn->expect_list, node) {
			if (kct_expect_is_stale(i, NULL))
				kct_expect_unlink_on(i, NULL, NULL);
			else
				horizon = kct_expect_gc_horizon(i, horizon);
		}
		spin_unlock_bh(&kn->expect_lock);
	}
	rcu_read_unlock();
	return horizon;
}

/* /proc/net/kct_expect, in the format of /proc/net/nf_conntrack_expect. */
static void *kct_expect_seq_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	rcu_read_lock();
	return seq_hlist_start_rcu(&kct_pernet(seq_file_net(seq))->expect_list,
				   *pos);
}

static void *kct_expect_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	return seq_hlist_next_rcu(v, &kct_pernet(seq_file_net(seq))->expect_list,
				  pos);
}

static void kct_expect_seq_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

static int kct_expect_seq_show(struct seq_file *s, void *v)
{
	struct kct_expect *exp = hlist_entry(v, struct kct_expect, node);
	const struct nf_conntrack_tuple *t = &exp->tuple;
	s32 left;

	if (kct_expect_expired(exp))
		return 0;
	left = (s32)(READ_ONCE(exp->timeout) - nfct_time_stamp) / HZ;
	seq_printf(s, "%d l3proto = %u proto=%u ", left > 0 ? left : 0,
		   t->src.l3num, t->dst.protonum);
	kct_tuple_print(s, t);
	/* One a stock module made may have no helper: nothing is printed. */
	if (exp->helper)
		seq_puts(s, exp->helper->stock.name);
	seq_putc(s, '\n');
	return 0;
}

static const struct seq_operations kct_expect_seq_ops = {
	.start = kct_expect_seq_start,
	.next = kct_expect_seq_next,
	.stop = kct_expect_seq_stop,
	.show = kct_expect_seq_show,
};

int kct_expect_proc_init_net(struct net *net)
{
	struct proc_dir_entry *pde;
	kuid_t root_uid = make_kuid(net->user_ns, 0);
	kgid_t root_gid = make_kgid(net->user_ns, 0);

	pde = proc_create_net("kct_expect", 0440, net->proc_net,
			      &kct_expect_seq_ops,
			      sizeof(struct seq_net_private));
	if (!pde)
		return -ENOMEM;
	if (uid_valid(root_uid) && gid_valid(root_gid))
		proc_set_user(pde, root_uid, root_gid);
	return 0;
}

void kct_expect_proc_exit_net(struct net *net)
{
	remove_proc_entry("kct_expect", net->proc_net);
}
