// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only: an ftrace callback that does nothing, on the entry of
 * nf_conntrack_tuple_taken() while loaded.  Loading and unloading it
 * patches that function's entry the way kct's redirects do (the same
 * int3-then-bytes sequence), without anything of kct's running: the
 * control of the reload lockup reproducer (soak/reload_flood_lockup.sh).
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

static int __init kct_test_ftrace_init(void)
{
	unsigned long ip = (unsigned long)nf_conntrack_tuple_taken;
	int ret;

	ret = ftrace_set_filter_ip(&kct_test_ftrace_ops, ip, 0, 0);
	if (ret)
		return ret;
	ret = register_ftrace_function(&kct_test_ftrace_ops);
	if (ret)
		ftrace_set_filter_ip(&kct_test_ftrace_ops, ip, 1, 0);
	return ret;
}

static void __exit kct_test_ftrace_exit(void)
{
	unregister_ftrace_function(&kct_test_ftrace_ops);
	ftrace_set_filter_ip(&kct_test_ftrace_ops,
			     (unsigned long)nf_conntrack_tuple_taken, 1, 0);
}

module_init(kct_test_ftrace_init);
module_exit(kct_test_ftrace_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kct test: a no-op ftrace callback on nf_conntrack_tuple_taken");
