// SPDX-License-Identifier: GPL-2.0
/*
 * Stock modules that end connections end kct's too, through kct's table.
 *
 * nf_conntrack offers three ways to end connections, and stock modules
 * use them on whatever connection they hold, kct's included:
 * - nf_ct_delete() (nf_ct_kill(), nf_ct_kill_acct()): nf_nat kills a
 *   masqueraded connection whose packets now leave by another interface;
 *   stock would take kct's entry off kct's chains with stock's locks and
 *   skip kct's count, expectations, helper and events.
 * - nf_ct_iterate_cleanup_net(): nf_nat's masquerade notifiers end every
 *   connection translated to an interface that went down or an address
 *   that went away.  Stock walks its own table only, so kct's
 *   connections would keep a mapping to an address the router no longer
 *   has.
 * - nf_ct_iterate_destroy(): a module going away (nf_nat, a helper) ends
 *   the connections that use what it takes with it: nf_nat ends every
 *   translated one (their NAT state links them into nf_nat's tables,
 *   which it frees).
 * kct answers these calls in place of stock (kct_redirect.c): stock's
 * function for stock's connections, kct's table for kct's.
 */
#include <linux/kallsyms.h>
#include <net/netfilter/nf_conntrack.h>
#include "kct_event.h"
#include "kct_redirect.h"
#include "kct_stock_end.h"
#include "kct_table.h"

/*
 * In place of nf_ct_delete(), same contract: end @ct, reporting its
 * DESTROY as asked by @portid and @report; whether this call ended it.
 * A kct connection not yet confirmed is in no table and stock never
 * ends one: there is nothing to end.
 */
static bool kct_stock_delete(struct nf_conn *ct, u32 portid, int report)
{
	struct kct_event_req req = { .portid = portid, .report = report };
	bool ended;

	if (kct_owned(ct))
		return nf_ct_is_confirmed(ct) &&
		       kct_table_unlink_for(ct, portid || report ? &req : NULL);
	ended = nf_ct_delete(ct, portid, report);
	barrier();	/* not a tail call: see kct_redirect.c */
	return ended;
}

/*
 * Show @iter every connection of kct's in @net (all namespaces if NULL)
 * and end those it picks.  @iter runs outside the table's locks, on a
 * referenced connection; stock's callbacks only read or clear fields of
 * the connection, which that allows.
 */
static void kct_stock_end_picked(struct net *net,
				 int (*iter)(struct nf_conn *ct, void *data),
				 void *data, const struct kct_event_req *req)
{
	struct kct_table_iter it;
	struct nf_conn *ct;

	kct_table_iter_start(&it, net, 0, kct_table_size(), NULL, NULL);
	while ((ct = kct_table_iter_next(&it)))
		if (iter(ct, data))
			kct_table_unlink_for(ct, req);
	kct_table_iter_end(&it);
}

/*
 * Whether @iter, given to nf_ct_iterate_cleanup_net(), is to see kct's
 * connections too: nf_nat's masquerade callbacks are.  The other callers
 * mean stock's table only: stock's ctnetlink flushing where kct does not
 * own ctnetlink (it lists stock's table only), nf_conntrack resetting the
 * TCP windows of connections its hooks could not see (kct's saw every
 * packet), and the unhooking of a deleted timeout policy (kct's
 * connections hold copies: kct_timeout.c).
 */
static bool kct_stock_cleanup_wanted(int (*iter)(struct nf_conn *ct,
						 void *data))
{
	char sym[KSYM_SYMBOL_LEN];
	const char *owner;

	/* "device_cmp+0x0/0x30 [nf_nat]" (kallsyms: the exported way to ask) */
	sprint_symbol(sym, (unsigned long)iter);
	owner = strrchr(sym, '[');
	return owner && !strcmp(owner, "[nf_nat]");
}

/*
 * In place of nf_ct_iterate_cleanup_net(), same contract: @iter sees
 * every connection of the namespace and picks those to end.  Stock's
 * table first, then kct's, for the callers that mean it.
 */
static void kct_stock_iterate_cleanup(int (*iter)(struct nf_conn *ct,
						  void *data),
				      const struct nf_ct_iter_data *iter_data)
{
	struct kct_event_req req = {
		.portid = iter_data->portid,
		.report = iter_data->report,
	};

	nf_ct_iterate_cleanup_net(iter, iter_data);
	if (kct_stock_cleanup_wanted(iter))
		kct_stock_end_picked(iter_data->net, iter, iter_data->data,
				     req.portid || req.report ? &req : NULL);
	kct_redirect_done();
}

/*
 * In place of nf_ct_iterate_destroy(), same contract: @iter sees every
 * connection and picks those to end.  Stock's sweep first: it also makes
 * the extensions of unconfirmed connections, kct's too, stale; then
 * kct's table, and a grace period for what @iter cleared under RCU
 * readers, as stock waits for its own.
 */
static void kct_stock_iterate_destroy(int (*iter)(struct nf_conn *ct,
						  void *data),
				      void *data)
{
	nf_ct_iterate_destroy(iter, data);
	kct_stock_end_picked(NULL, iter, data, NULL);
	synchronize_rcu();
	kct_redirect_done();
}

static struct kct_redirect kct_stock_delete_redirect = {
	.target = nf_ct_delete,
	.replacement = kct_stock_delete,
	.loss = "NAT ending a connection corrupts kct's table",
};

static struct kct_redirect kct_stock_iterate_cleanup_redirect = {
	.target = nf_ct_iterate_cleanup_net,
	.replacement = kct_stock_iterate_cleanup,
	.sleeps = true,
	.loss = "masquerade keeps kct's connections of a downed interface",
};

static struct kct_redirect kct_stock_iterate_destroy_redirect = {
	.target = nf_ct_iterate_destroy,
	.replacement = kct_stock_iterate_destroy,
	.sleeps = true,
	.loss = "rmmod nf_nat leaves kct's NATed connections pointing into freed memory",
};

static struct kct_redirect *const kct_stock_end_redirects[] = {
	&kct_stock_delete_redirect,
	&kct_stock_iterate_cleanup_redirect,
	&kct_stock_iterate_destroy_redirect,
};

void kct_stock_end_init(void)
{
	kct_redirects_add(kct_stock_end_redirects,
			  ARRAY_SIZE(kct_stock_end_redirects));
}
