// SPDX-License-Identifier: GPL-2.0
/*
 * Expectations that stock modules make for kct's connections.
 *
 * nft's "ct expectation" object (nft_ct) makes one on the first packet
 * of a connection with stock's API: nf_ct_expect_alloc(), _init(), and
 * nf_ct_expect_related_report(), which would list it in nf_conntrack's
 * expectation table, where kct never looks for one.  kct answers that
 * call in its place (kct_redirect.c) when the master is kct's: the
 * expectation is copied into one of kct's and listed in kct's table,
 * with stock's checks and stock's answers (kct_expect_insert()), so the
 * caller acts on the result as on stock's (nft drops the packet on an
 * error).  A master of stock's own goes to stock's function.
 *
 * Lifetime: the caller keeps its stock object and puts it as usual;
 * kct's copy takes nothing from it but values, and holds its own
 * reference on the master (kct_expect.c).  The copy's timeout is the
 * stock object's, as its maker set it (in 6.1, jiffies32 at which it
 * expires), plus the helper's timeout where the master has a kct helper,
 * as stock's insert adds the helper's.  Locking: the replacement runs
 * where its caller does (nft: the packet path, in an RCU section, with
 * the master still unconfirmed) and takes kct's expectation lock only
 * inside kct_expect_insert().  It does not sleep.
 */
#include <net/netfilter/nf_conntrack_expect.h>
#include "kct_expect.h"
#include "kct_helper.h"
#include "kct_redirect.h"
#include "kct_stock_expect.h"
#include "kct_table.h"

/*
 * kct's copy of @stock, whose master is kct's, listed: 0 or stock's
 * error.  What kct cannot honour is refused: a function to call on the
 * expected connection or a helper to give it (stock's helpers and NAT
 * helpers do not run on kct's connections; kct_ftp and kct_nat_ftp use
 * kct's API).
 */
static int kct_stock_expect_insert(const struct nf_conntrack_expect *stock)
{
	const struct kct_helper *helper;
	struct kct_expect *exp;
	u32 timeout;
	int ret;

	if (stock->expectfn || rcu_access_pointer(stock->assign_helper))
		return -EOPNOTSUPP;
	if (stock->class >= NF_CT_MAX_EXPECT_CLASSES)
		return -EINVAL;
	exp = kct_expect_alloc(stock->master);
	if (!exp)
		return -ENOMEM;
	exp->tuple = stock->tuple;
	exp->mask = stock->mask;
	exp->flags = stock->flags & (NF_CT_EXPECT_PERMANENT |
				     NF_CT_EXPECT_INACTIVE);
	exp->class = stock->class;
	timeout = stock->timeout;
	rcu_read_lock();
	helper = kct_helper_of(stock->master);
	exp->helper = helper;
	if (helper)
		timeout += helper->policy.timeout * HZ;
	ret = kct_expect_insert(exp, timeout, NULL);
	rcu_read_unlock();
	kct_expect_put(exp);
	return ret;
}

/*
 * In place of nf_ct_expect_related_report(), same contract: 0 once
 * @expect is listed, or a negative error.  Events go to kct's listeners
 * (conntrack -E expect) as for kct's own expectations.
 */
static int kct_stock_expect_related_report(struct nf_conntrack_expect *expect,
					   u32 portid, int report,
					   unsigned int flags)
{
	int ret;

	if (kct_owned(expect->master))
		return kct_stock_expect_insert(expect);
	ret = nf_ct_expect_related_report(expect, portid, report, flags);
	barrier();	/* not a tail call: see kct_redirect.c */
	return ret;
}

static struct kct_redirect kct_stock_expect_redirect = {
	.target = nf_ct_expect_related_report,
	.replacement = kct_stock_expect_related_report,
	.loss = "nft ct expectation objects will not work on kct's connections",
};

static struct kct_redirect *const kct_stock_expect_redirects[] = {
	&kct_stock_expect_redirect,
};

void kct_stock_expect_init(void)
{
	kct_redirects_add(kct_stock_expect_redirects,
			  ARRAY_SIZE(kct_stock_expect_redirects));
}
