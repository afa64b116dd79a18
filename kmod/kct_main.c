// SPDX-License-Identifier: GPL-2.0
/*
 * kct: a connection tracker for Linux.  Module entry and exit.
 */
#include <linux/module.h>
#include "kct_netns.h"
#include "kct_table.h"
#include "kct_tuple.h"
#include "kct_gc.h"
#include "kct_netlink.h"
#include "kct_expect.h"
#include "kct_stock_query.h"
#include "kct_stock_expect.h"
#include "kct_stock_end.h"
#include "kct_stock_confirm.h"
#include "kct_redirect.h"
#include "kct_sysctl.h"

static int __init kct_init(void)
{
	int ret;

	kct_tuple_init_key();
	ret = kct_sysctl_stock_init();
	if (ret)
		return ret;
	ret = kct_table_init();
	if (ret)
		return ret;
	/*
	 * Stock modules ask about, expect on and end each connection kct
	 * makes, from the first packet kct's hooks see: kct answers them
	 * before the hooks are registered (kct_stock_query.h), and until
	 * they are gone.
	 */
	ret = kct_stock_query_init();
	if (ret)
		goto err_table;
	kct_stock_expect_init();
	kct_stock_end_init();
	kct_stock_confirm_init();
	kct_redirects_start();
	ret = kct_netns_register();
	if (ret)
		goto err_query;
	kct_stock_query_live(true);
	kct_gc_start();
	ret = kct_netlink_init();
	if (ret)
		goto err_netns;
	pr_info("kct: connection tracker loaded (%u buckets, max %u)\n",
		kct_table_size(), kct_table_max());
	return 0;

err_netns:
	kct_gc_stop();
	kct_stock_query_live(false);
	kct_netns_unregister();
err_query:
	kct_redirects_stop();
	kct_stock_query_exit();
err_table:
	kct_table_exit();
	return ret;
}

static void __exit kct_exit(void)
{
	kct_netlink_exit();
	kct_gc_stop();
	kct_stock_query_live(false);
	/* Every namespace's exit empties its part of the table. */
	kct_netns_unregister();
	/* Until here kct's hooks could make connections (kct_stock_query.h). */
	kct_redirects_stop();
	kct_stock_query_exit();
	/* Lockless readers may still be walking the buckets. */
	synchronize_rcu();
	/* Expectations are freed after a grace period. */
	rcu_barrier();
	kct_table_exit();
}

module_init(kct_init);
module_exit(kct_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kct: connection tracking for IPv4 and IPv6");
MODULE_AUTHOR("The kct developers");
