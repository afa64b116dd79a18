// SPDX-License-Identifier: GPL-2.0
/*
 * Stock modules that ask "the conntrack table" get kct's answer.
 *
 * Stock code looks connections up in nf_conntrack's own hash, which is
 * empty where kct tracks:
 * - nf_conncount (iptables -m connlimit, nft "ct count") decides whether
 *   a connection it counted is still alive with nf_conntrack_find_get();
 *   told "no" every time, no limit would ever trigger.
 * - nf_conntrack_update(), which NFQUEUE calls when it gives a packet
 *   back, asks it whether the packet's still unconfirmed connection was
 *   confirmed meanwhile by another packet of the flow (two datagrams of
 *   a new UDP flow queued together); if so the packet joins that
 *   connection and NAT is redone by its mapping.  Told "no", the packet
 *   kept its own, possibly different, outside port and lost its answer.
 * - nf_nat, choosing the outside tuple of a new connection, asks
 *   nf_conntrack_tuple_taken() whether another connection has it; told
 *   "no" every time, it would give two inside hosts using the same
 *   source port the same outside tuple, and kct's confirm would then
 *   drop the second connection as a clash.
 * - sch_cake's "nat" keyword, shaping a link's ingress on an ifb device,
 *   asks nf_ct_get_tuple_skb() for the inside address of a packet that
 *   has no connection yet; nf_conntrack answers with a lookup.  Told
 *   "no", cake shared the link between flows, not inside hosts.
 * nf_conntrack offers no hook for lookups, so kct answers those calls in
 * place of the two exported functions (kct_redirect.c), from its table.
 * (Stock modules that end connections: kct_stock_end.c.)
 *
 * The answers are in place for as long as kct makes connections: from
 * before its hooks see the first packet to after they saw the last.  A
 * connection kct picks up in a namespace, when it loads or unloads
 * under traffic, may be one that stock tracked meanwhile from its other
 * end; asked by stock's nf_conntrack_tuple_taken() alone, nf_nat would
 * move a port of that live flow (below).  kct's table is asked only
 * while every namespace has kct's state (kct_stock_query_live()).
 *
 * Only callers known to treat the answer as read-only are sent here:
 * the rest of nf_conntrack's own code and stock's ctnetlink would go on
 * to unlink or change what nf_conntrack_find_get() finds with
 * nf_conntrack's locks and lists, which kct's entries are not in.  nf_conntrack_tuple_taken()
 * returns a yes or no only; nf_nat is its one caller.
 */
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include "kct_redirect.h"
#include "kct_stock_query.h"
#include "kct_table.h"
#include "kct_tuple.h"

/* The callers whose nf_conntrack_find_get() kct answers: module, function. */
static const struct {
	const char *module;
	const char *function;	/* NULL: any of the module's */
} kct_stock_readers[] = {
	{ "nf_conncount", NULL },
	/* One or the other, as the compiler inlined it. */
	{ "nf_conntrack", "__nf_conntrack_update" },
	{ "nf_conntrack", "nf_conntrack_update" },
	/* nf_ct_hook's get_tuple_skb, for sch_cake. */
	{ "nf_conntrack", "nf_conntrack_get_tuple_skb" },
};

/*
 * Which function a call comes from costs a symbol lookup (kallsyms is the
 * only exported way to ask), so the answer is remembered per call site.
 * Call sites are few (each caller's return address); a module loading or
 * going away may reuse addresses, so the cache is emptied then.
 */
#define KCT_STOCK_CALLERS 8

static struct {
	unsigned long site[KCT_STOCK_CALLERS];
	bool wanted[KCT_STOCK_CALLERS];
	unsigned int used;
} kct_stock_callers;
static DEFINE_SEQLOCK(kct_stock_callers_lock);

static bool kct_stock_site_wanted(unsigned long site)
{
	char sym[KSYM_SYMBOL_LEN], *mod, *end, *plus;
	unsigned int i;

	/* "function+0x1c/0x90 [module]" */
	sprint_symbol(sym, site);
	mod = strrchr(sym, '[');
	end = mod ? strchr(mod, ']') : NULL;
	plus = strchr(sym, '+');
	if (!end || !plus || plus > mod)
		return false;
	*end = '\0';
	*plus = '\0';
	for (i = 0; i < ARRAY_SIZE(kct_stock_readers); i++)
		if (!strcmp(mod + 1, kct_stock_readers[i].module) &&
		    (!kct_stock_readers[i].function ||
		     !strcmp(sym, kct_stock_readers[i].function)))
			return true;
	return false;
}

static bool kct_stock_caller_wanted(unsigned long site)
{
	bool wanted = false, known;
	unsigned long flags;
	unsigned int seq, i;

	do {
		seq = read_seqbegin(&kct_stock_callers_lock);
		known = false;
		for (i = 0; i < kct_stock_callers.used; i++) {
			if (kct_stock_callers.site[i] == site) {
				known = true;
				wanted = kct_stock_callers.wanted[i];
				break;
			}
		}
	} while (read_seqretry(&kct_stock_callers_lock, seq));
	if (known)
		return wanted;

	wanted = kct_stock_site_wanted(site);
	write_seqlock_irqsave(&kct_stock_callers_lock, flags);
	i = kct_stock_callers.used;
	if (i < KCT_STOCK_CALLERS) {
		kct_stock_callers.site[i] = site;
		kct_stock_callers.wanted[i] = wanted;
		kct_stock_callers.used = i + 1;
	}
	write_sequnlock_irqrestore(&kct_stock_callers_lock, flags);
	return wanted;
}

static int kct_stock_module_event(struct notifier_block *nb,
				  unsigned long state, void *data)
{
	unsigned long flags;

	if (state == MODULE_STATE_COMING || state == MODULE_STATE_GOING) {
		write_seqlock_irqsave(&kct_stock_callers_lock, flags);
		kct_stock_callers.used = 0;
		write_sequnlock_irqrestore(&kct_stock_callers_lock, flags);
	}
	return NOTIFY_DONE;
}

static struct notifier_block kct_stock_module_nb = {
	.notifier_call = kct_stock_module_event,
};

/*
 * Whether every namespace has kct's state (kct_pernet()), for the
 * replacements to read kct's table: set once kct_netns_register() made
 * it, cleared before kct_netns_unregister() takes it, whose grace period
 * before freeing it lets a replacement that saw it set, in an RCU
 * read-side section, finish first.
 */
static bool kct_stock_query_on;

void kct_stock_query_live(bool live)
{
	/* Release: a reader that sees it set sees every namespace's state. */
	smp_store_release(&kct_stock_query_on, live);
}

bool kct_stock_query_is_live(void)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "kct's state asked outside RCU");
	/* Pairs with kct_stock_query_live(). */
	return smp_load_acquire(&kct_stock_query_on);
}

/*
 * In place of nf_conntrack_find_get(), same contract: the tuplehash of
 * @tuple with a reference on its connection, or NULL.  Where kct does
 * not track, and for what kct's table lacks, stock's table answers, as
 * it does for connections stock made before kct was loaded.
 */
static struct nf_conntrack_tuple_hash *
kct_stock_find_get(struct net *net, const struct nf_conntrack_zone *zone,
		   const struct nf_conntrack_tuple *tuple)
{
	struct nf_conntrack_tuple_hash *h = NULL;
	struct kct_net *kn;

	rcu_read_lock();
	/* Pairs with kct_stock_query_live(): kn is whole once it is set. */
	if (smp_load_acquire(&kct_stock_query_on)) {
		kn = kct_pernet(net);
		if (READ_ONCE(kn->sysctl.enable))
			h = kct_table_lookup(kn, zone, tuple);
	}
	rcu_read_unlock();
	if (h)
		return h;
	h = nf_conntrack_find_get(net, zone, tuple);
	barrier();	/* not a tail call: see kct_redirect.c */
	return h;
}

/*
 * Whether a connection of kct's table other than @ignored has @tuple in
 * either direction, in @ignored's namespace and zone, as stock decides
 * for its table: an expired one does not count (the lookup takes it
 * out), nor one with the same original tuple as @ignored, which is the
 * same flow seen twice (two threads sending on one UDP socket), for
 * kct's confirm to resolve.  A tuple is in kct's table once at most.
 */
static bool kct_stock_taken_by_kct(const struct nf_conntrack_tuple *tuple,
				   const struct nf_conn *ignored)
{
	const struct nf_conntrack_tuple *orig =
		&ignored->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	const struct nf_conntrack_zone *zone = nf_ct_zone(ignored);
	struct net *net = nf_ct_net(ignored);
	struct nf_conntrack_tuple_hash *h;
	struct nf_conn *ct;
	bool taken;

	/* A reply tuple to be: stock hashes it in the reply direction's zone. */
	h = kct_table_find(kct_pernet(net), zone, tuple,
			   kct_tuple_hash(net, tuple,
					  nf_ct_zone_id(zone, IP_CT_DIR_REPLY)));
	if (!h)
		return false;
	ct = nf_ct_tuplehash_to_ctrack(h);
	taken = ct != ignored &&
		!(kct_tuple_equal(orig, &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple) &&
		  nf_ct_zone_equal(ct, zone, IP_CT_DIR_ORIGINAL));
	nf_ct_put(ct);
	return taken;
}

/*
 * Whether stock's connection with @tuple is @ignored's own flow, seen
 * from its other end: stock tracked it before kct was loaded (or while
 * kct was off), and kct picked it up from a packet of the other
 * direction (a server speaking first after the load).  Stock's entry
 * gets no packet any more; counted as taking the tuple, it would make
 * nf_nat move a port of the live flow, whose packets would then miss
 * their socket.  (Looked up in the original direction's zone: with
 * directional zones that may miss it, and the tuple stays taken.)
 */
static bool kct_stock_same_flow_reversed(const struct nf_conntrack_tuple *tuple,
					 const struct nf_conn *ignored)
{
	const struct nf_conntrack_tuple *orig =
		&ignored->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	struct nf_conntrack_tuple_hash *h;
	struct nf_conn *ct;
	bool same;

	h = nf_conntrack_find_get(nf_ct_net(ignored), nf_ct_zone(ignored),
				  tuple);
	if (!h)
		return false;
	ct = nf_ct_tuplehash_to_ctrack(h);
	same = kct_tuple_equal(orig, &ct->tuplehash[!NF_CT_DIRECTION(h)].tuple);
	nf_ct_put(ct);
	return same;
}

/*
 * In place of nf_conntrack_tuple_taken(), same contract: whether a
 * connection other than @ignored (a new one, not yet confirmed) has
 * @tuple.  For a connection of kct's, kct's table answers, and stock's
 * too, which may still hold connections stock made before kct was
 * loaded or while kct was off (an idle one keeps its outside port for
 * when it speaks again), except @ignored's own flow; for stock's own,
 * stock's table alone.  While kct loads or unloads, a connection of
 * kct's is asked of stock's table only: kct's is not there yet, or is
 * going with the module.
 */
static int kct_stock_tuple_taken(const struct nf_conntrack_tuple *tuple,
				 const struct nf_conn *ignored)
{
	bool by_kct = false;
	int taken;

	if (!kct_owned(ignored)) {
		taken = nf_conntrack_tuple_taken(tuple, ignored);
		barrier();	/* not a tail call: see kct_redirect.c */
		return taken;
	}
	rcu_read_lock();
	/* Pairs with kct_stock_query_live(), as in kct_stock_find_get(). */
	if (smp_load_acquire(&kct_stock_query_on))
		by_kct = kct_stock_taken_by_kct(tuple, ignored);
	rcu_read_unlock();
	if (by_kct)
		return 1;
	return nf_conntrack_tuple_taken(tuple, ignored) &&
	       !kct_stock_same_flow_reversed(tuple, ignored);
}

static struct kct_redirect kct_stock_find_get_redirect = {
	.target = nf_conntrack_find_get,
	.replacement = kct_stock_find_get,
	.wanted = kct_stock_caller_wanted,
	.loss = "connlimit and ct count will not see kct's connections",
};

static struct kct_redirect kct_stock_tuple_taken_redirect = {
	.target = nf_conntrack_tuple_taken,
	.replacement = kct_stock_tuple_taken,
	.loss = "NAT may give two connections the same outside tuple",
};

static struct kct_redirect *const kct_stock_redirects[] = {
	&kct_stock_find_get_redirect,
	&kct_stock_tuple_taken_redirect,
};

int kct_stock_query_init(void)
{
	int ret;

	ret = register_module_notifier(&kct_stock_module_nb);
	if (ret)
		return ret;
	kct_redirects_add(kct_stock_redirects, ARRAY_SIZE(kct_stock_redirects));
	return 0;
}

void kct_stock_query_exit(void)
{
	unregister_module_notifier(&kct_stock_module_nb);
}
