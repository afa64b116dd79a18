// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only: an ftrace callback that does nothing, on the entry of
 * nf_conntrack_tuple_taken() (or, with confirm=1, __nf_conntrack_confirm())
 * while loaded.  Loading and unloading it
 * patches that function's entry the way kct's redirects do (the same
 * int3-then-bytes sequence), without anything of kct's running: the
 * control of the reload lockup reproducer (soak/reload_flood_lockup.sh).
 * With cycles=N, loading first registers and unregisters the callback N
 * times: N times the patching of a reload, without the cost of starting
 * insmod and rmmod for each.  With ipmodify=1 it claims the right to
 * change where the function goes, as livepatch does, which only one
 * callback of a function may hold: kct's redirect of it cannot be made
 * (core/redirect_held_elsewhere_loses_only_it,
 * core/confirm_held_elsewhere_keeps_confirm_hooks).
 */
#include <linux/ftrace.h>
#include <linux/module.h>
#include <net/netfilter/nf_conntrack_core.h>

static void notrace kct_test_ftrace_call(unsigned long ip,
					 unsigned long parent_ip,
					 struct ftrace_ops *ops,
					 struct ftrace_regs *fregs)
{
}

static struct ftrace_ops kct_test_ftrace_ops = {
	.func = kct_test_ftrace_call,
	.flags = FTRACE_OPS_FL_RECURSION,
};

static unsigned int cycles;
module_param(cycles, uint, 0444);
MODULE_PARM_DESC(cycles, "register and unregister this many times at load");

static bool ipmodify;
module_param(ipmodify, bool, 0444);
MODULE_PARM_DESC(ipmodify, "hold the function as livepatch would (IPMODIFY)");

static bool confirm;
module_param(confirm, bool, 0444);
MODULE_PARM_DESC(confirm, "on __nf_conntrack_confirm() instead");

static unsigned long kct_test_ftrace_ip(void)
{
	return confirm ? (unsigned long)__nf_conntrack_confirm :
			 (unsigned long)nf_conntrack_tuple_taken;
}

static int __init kct_test_ftrace_init(void)
{
	unsigned long ip = kct_test_ftrace_ip();
	unsigned int i;
	int ret;

	if (ipmodify)
		kct_test_ftrace_ops.flags |= FTRACE_OPS_FL_IPMODIFY;
	ret = ftrace_set_filter_ip(&kct_test_ftrace_ops, ip, 0, 0);
	if (ret)
		return ret;
	for (i = 0; i < cycles; i++) {
		ret = register_ftrace_function(&kct_test_ftrace_ops);
		if (ret)
			goto out;
		unregister_ftrace_function(&kct_test_ftrace_ops);
		cond_resched();
	}
	ret = register_ftrace_function(&kct_test_ftrace_ops);
out:
	if (ret)
		ftrace_set_filter_ip(&kct_test_ftrace_ops, ip, 1, 0);
	return ret;
}

static void __exit kct_test_ftrace_exit(void)
{
	unregister_ftrace_function(&kct_test_ftrace_ops);
	ftrace_set_filter_ip(&kct_test_ftrace_ops, kct_test_ftrace_ip(), 1, 0);
}

module_init(kct_test_ftrace_init);
module_exit(kct_test_ftrace_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kct test: a no-op ftrace callback on a function of nf_conntrack");
