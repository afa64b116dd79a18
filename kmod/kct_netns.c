// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace life cycle.  kct tracks in every namespace as soon
 * as it is loaded (stock waits until a rule asks); net.kct.enable turns it
 * off where it is not wanted, and with it kct's hooks there.
 */
#include "kct_netns.h"
#include "kct_pernet.h"
#include "kct_proc.h"
#include "kct_stat.h"
#include "kct_sysctl.h"
#include "kct_hooks.h"
#include "kct_gc.h"
#include "kct_expect.h"

unsigned int kct_net_id __read_mostly;

static int __net_init kct_net_init(struct net *net)
{
	struct kct_net *kn = kct_pernet(net);
	int ret;

	kn->net = net;
	atomic_set(&kn->count, 0);
	atomic_set(&kn->expect_count, 0);
	INIT_HLIST_HEAD(&kn->expect_list);
	spin_lock_init(&kn->expect_lock);
	kct_sysctl_defaults(&kn->sysctl);
	kn->stat = alloc_percpu(struct kct_stat);
	if (!kn->stat)
		return -ENOMEM;
	ret = kct_proc_init_net(net);
	if (ret)
		goto err_stat;
	ret = kct_stat_init_net(net);
	if (ret)
		goto err_proc;
	ret = kct_expect_proc_init_net(net);
	if (ret)
		goto err_statfile;
	ret = kct_hooks_init_net(net);
	if (ret)
		goto err_expect;
	/* Last: from here on net.kct.enable may switch the hooks. */
	ret = kct_sysctl_init_net(net);
	if (ret)
		goto err_hooks;
	return 0;

err_hooks:
	kct_hooks_exit_net(net);
err_expect:
	kct_expect_proc_exit_net(net);
err_statfile:
	kct_stat_exit_net(net);
err_proc:
	kct_proc_exit_net(net);
err_stat:
	free_percpu(kn->stat);
	return ret;
}

static void __net_exit kct_net_exit(struct net *net)
{
	struct kct_net *kn = kct_pernet(net);

	/* First, so that no write of net.kct.enable switches the hooks on. */
	kct_sysctl_exit_net(net);
	/*
	 * No new packets; kct_hooks_exit_net() waits for those in flight.
	 * Then nothing of this namespace may stay in the table.
	 */
	kct_hooks_exit_net(net);
	kct_expect_flush_net(net);
	kct_gc_flush_net(net);
	kct_expect_proc_exit_net(net);
	kct_stat_exit_net(net);
	kct_proc_exit_net(net);
	free_percpu(kn->stat);
}

static struct pernet_operations kct_net_ops = {
	.init = kct_net_init,
	.exit = kct_net_exit,
	.id = &kct_net_id,
	.size = sizeof(struct kct_net),
};

int kct_netns_register(void)
{
	return register_pernet_subsys(&kct_net_ops);
}

void kct_netns_unregister(void)
{
	unregister_pernet_subsys(&kct_net_ops);
}
