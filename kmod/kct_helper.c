// SPDX-License-Identifier: GPL-2.0
/*
 * The helper framework: registration (in stock's name registry, so that
 * stock assignment rules find kct's helpers), assignment to a new
 * connection from the template a -j CT rule attached, and running the
 * helper on each packet.
 *
 * Lifetime and locking:
 * - A connection's helper pointer (its nf_conn_help area) is set once,
 *   on the packet path before the connection is confirmed, and cleared
 *   only by kct_helper_unregister(); it is read under RCU, and what it
 *   points to (a struct kct_helper in a helper module) stays valid until
 *   that reader unlocks.
 * - kct_helper_unregister() runs in process context, once per helper,
 *   from its module's exit.  When it returns no connection or
 *   expectation refers to the helper and no help() or destroy() call
 *   runs or will run: the module may go.
 * - The hooks call in here from their RCU section; kct_helper_run() and
 *   kct_helper_destroy() take their own, as they may be called outside
 *   one (destroy from the table's unlink, in any context).
 */
#include <linux/module.h>
#include <net/netfilter/nf_conntrack_extend.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include "kct_helper.h"
#include "kct_expect.h"
#include "kct_table.h"
#include "kct_tuple.h"

/* What nf_confirm() calls: kct ran the real helper already. */
static int kct_helper_stock_help(struct sk_buff *skb, unsigned int protoff,
				 struct nf_conn *ct,
				 enum ip_conntrack_info ctinfo)
{
	return NF_ACCEPT;
}

void kct_helper_init(struct kct_helper *h, const char *name, u16 id,
		     u8 family, u8 l4num, u16 port,
		     unsigned int max_expected, unsigned int timeout,
		     int (*help)(struct sk_buff *skb, unsigned int protoff,
				 struct nf_conn *ct,
				 enum ip_conntrack_info ctinfo),
		     struct module *me)
{
	struct nf_conntrack_helper *s = &h->stock;

	memset(h, 0, sizeof(*h));
	/* Stock's naming: "ftp" for the first port, "ftp-N" for others. */
	if (id == 0)
		snprintf(s->name, sizeof(s->name), "%s", name);
	else
		snprintf(s->name, sizeof(s->name), "%s-%u", name, id);
	s->me = me;
	s->tuple.src.l3num = family;
	s->tuple.dst.protonum = l4num;
	s->tuple.src.u.all = htons(port);
	s->help = kct_helper_stock_help;
	s->expect_policy = &h->policy;
	h->policy.max_expected = max_expected;
	h->policy.timeout = timeout;
	strscpy(h->policy.name, name, sizeof(h->policy.name));
	h->help = help;
}
EXPORT_SYMBOL_GPL(kct_helper_init);

int kct_helper_register(struct kct_helper *h)
{
	int ret = nf_conntrack_helper_register(&h->stock);

	if (ret == -EBUSY || ret == -EEXIST)
		pr_err("kct: helper %s is already registered (is nf_conntrack_%s loaded?)\n",
		       h->stock.name, h->policy.name);
	return ret;
}
EXPORT_SYMBOL_GPL(kct_helper_register);

/* Forget @h on every connection of the table. */
static void kct_helper_unassign_all(const struct kct_helper *h)
{
	struct kct_table_iter it;
	struct nf_conn_help *help;
	struct nf_conn *ct;

	kct_table_iter_start(&it, NULL, 0, kct_table_size(), NULL, NULL);
	while ((ct = kct_table_iter_next(&it))) {
		help = nfct_help(ct);
		if (help && rcu_access_pointer(help->helper) == &h->stock)
			RCU_INIT_POINTER(help->helper, NULL);
	}
	kct_table_iter_end(&it);
}

void kct_helper_unregister(struct kct_helper *h)
{
	might_sleep();
	kct_helper_unassign_all(h);
	kct_expect_helper_gone(h);
	/*
	 * Waits for RCU readers that may still hold the old pointer, and
	 * bumps the extension generation: a connection not yet confirmed
	 * that got the helper meanwhile no longer finds it.
	 */
	nf_conntrack_helper_unregister(&h->stock);
	/*
	 * A connection confirmed during the first walk may have pinned its
	 * extensions (kct_helper_ext_pin()) before the generation moved:
	 * once every confirm hook that started before has returned, the
	 * second walk finds it in the table.
	 */
	synchronize_rcu();
	kct_helper_unassign_all(h);
	/* A help() that was running above may have added expectations. */
	kct_expect_helper_gone(h);
	/* /proc readers may still be printing exp->helper->stock.name. */
	synchronize_rcu();
}
EXPORT_SYMBOL_GPL(kct_helper_unregister);

/*
 * @ct is being confirmed (caller in an RCU section: a hook).  As stock's
 * confirm does: false if its extensions went stale since they were added
 * (a helper or nf_nat unregistered meanwhile and bumped the extension
 * generation: a helper pointer in them may point into a module that is
 * gone), else pin them: from now on the table's walks, helper removal
 * included, find the connection, so its extensions stay valid whatever
 * unregisters later.  nf_conntrack_ext_genid is not exported: a stale
 * area is one where __nf_ct_ext_find() finds nothing that exists.
 */
bool kct_helper_ext_pin(struct nf_conn *ct)
{
	struct nf_ct_ext *ext = ct->ext;
	unsigned int id;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "confirm outside RCU");
	if (!ext || !READ_ONCE(ext->gen_id))
		return true;
	for (id = 0; id < NF_CT_EXT_NUM; id++) {
		if (__nf_ct_ext_exist(ext, id)) {
			if (!__nf_ct_ext_find(ext, id))
				return false;
			break;
		}
	}
	WRITE_ONCE(ext->gen_id, 0);
	return true;
}

/* The kct helper assigned to @ct, if any (caller in an RCU section). */
const struct kct_helper *kct_helper_of(const struct nf_conn *ct)
{
	const struct nf_conntrack_helper *helper;
	const struct nf_conn_help *help = nfct_help(ct);

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "helper lookup outside RCU");
	if (!help)
		return NULL;
	helper = rcu_dereference(help->helper);
	/* Only kct's own helpers: a stock helper cannot run on kct's. */
	if (!helper || helper->help != kct_helper_stock_help)
		return NULL;
	return container_of(helper, struct kct_helper, stock);
}
EXPORT_SYMBOL_GPL(kct_helper_of);

/* A -j CT --helper template came with the packet: assign its helper. */
void kct_helper_assign(struct nf_conn *ct, const struct nf_conn *tmpl)
{
	const struct nf_conntrack_helper *helper;
	const struct nf_conn_help *tmpl_help = nfct_help(tmpl);
	struct nf_conn_help *help;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "helper assignment outside RCU");
	if (!tmpl_help)
		return;
	helper = rcu_dereference(tmpl_help->helper);
	if (!helper || helper->help != kct_helper_stock_help)
		return;
	help = nf_ct_helper_ext_add(ct, GFP_ATOMIC);
	if (help)
		rcu_assign_pointer(help->helper,
				   (struct nf_conntrack_helper *)helper);
}

/*
 * A request (conntrack -I) names @ct's helper: kct's helper of that name
 * for @ct's family and protocol, or -EOPNOTSUPP if kct has none loaded.
 * @ct is not confirmed yet, and the caller is in an RCU section.
 */
int kct_helper_assign_name(struct nf_conn *ct, const char *name)
{
	struct nf_conntrack_helper *helper;
	struct nf_conn_help *help;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "helper assignment outside RCU");
	helper = __nf_conntrack_helper_find(name, nf_ct_l3num(ct),
					    nf_ct_protonum(ct));
	if (!helper || helper->help != kct_helper_stock_help)
		return -EOPNOTSUPP;
	help = nf_ct_helper_ext_add(ct, GFP_ATOMIC);
	if (!help)
		return -ENOMEM;
	rcu_assign_pointer(help->helper, helper);
	return 0;
}

/*
 * A request (conntrack -U) names a helper for the connection @ct: as
 * stock, naming the helper it has already changes nothing and is
 * accepted; another one, or one for a connection without a helper
 * area, is refused (EBUSY, EOPNOTSUPP), and so is any change on an
 * expected connection.  No name ("") takes the helper away, if any
 * (kct_helper_remove()).
 */
int kct_helper_check_name(const struct nf_conn *ct, const char *name)
{
	const struct nf_conn_help *help = nfct_help(ct);
	const struct nf_conntrack_helper *cur = NULL, *want;
	int err;

	rcu_read_lock();
	if (help)
		cur = rcu_dereference(help->helper);
	if (ct->master) {
		err = cur && !strcmp(cur->name, name) ? 0 : -EBUSY;
	} else if (!*name) {
		err = 0;
	} else {
		want = __nf_conntrack_helper_find(name, nf_ct_l3num(ct),
						  nf_ct_protonum(ct));
		if (!want || !help)
			err = -EOPNOTSUPP;
		else
			err = cur == want ? 0 : -EBUSY;
	}
	rcu_read_unlock();
	return err;
}

/* Run the connection's helper, if it has one, on this packet. */
unsigned int kct_helper_run(struct sk_buff *skb, struct nf_conn *ct,
			    enum ip_conntrack_info ctinfo, u8 pf)
{
	const struct kct_helper *h;
	struct kct_pkt p = { .skb = skb, .pf = pf };
	unsigned int ret = NF_ACCEPT;

	/*
	 * Only the connection's own packets are its conversation: not an
	 * ICMP error about it (RELATED either way), whose headers and quote
	 * a parser would misread as the connection's data.  Stock runs
	 * helpers on ESTABLISHED and ESTABLISHED_REPLY packets; kct's also
	 * see a new connection's first packet (its SYN starts the stream).
	 */
	if (ctinfo != IP_CT_NEW && ctinfo != IP_CT_ESTABLISHED &&
	    ctinfo != IP_CT_ESTABLISHED_REPLY)
		return NF_ACCEPT;
	rcu_read_lock();
	h = kct_helper_of(ct);
	if (h && kct_tuple_parse_l3(&p, skb_network_offset(skb)))
		ret = h->help(skb, p.l4off, ct, ctinfo);
	rcu_read_unlock();
	return ret;
}

/*
 * conntrack -U with no helper name, checked by kct_helper_check_name():
 * @ct loses its helper, as on stock.  The helper frees what it keeps for
 * @ct first (kct's helpers allow that alongside a packet's call, which
 * then keeps nothing), later packets see no helper, and the expectations
 * @ct made go.  A packet's helper call already under way may still add
 * one, as on stock.  The caller (ctnetlink, under its mutex) runs one
 * request at a time.
 */
void kct_helper_remove(struct nf_conn *ct)
{
	struct nf_conn_help *help = nfct_help(ct);

	if (!help || !rcu_access_pointer(help->helper))
		return;
	kct_helper_destroy(ct);
	RCU_INIT_POINTER(help->helper, NULL);
	kct_expect_master_gone(ct);
}

/*
 * @ct left the table or will never enter it (or loses its helper, see
 * kct_helper_remove()): its helper frees what it keeps for it.  The
 * helper module cannot go meanwhile: its unregister waits for RCU
 * readers.  A helper area gone stale (see kct_helper_ext_pin()) is not
 * followed: a helper module may be gone.
 */
void kct_helper_destroy(struct nf_conn *ct)
{
	const struct kct_helper *h;

	if (!nfct_help(ct))
		return;
	rcu_read_lock();
	h = kct_helper_of(ct);
	if (h && h->destroy)
		h->destroy(ct);
	rcu_read_unlock();
}
