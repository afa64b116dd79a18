// SPDX-License-Identifier: GPL-2.0
/*
 * A module whose only purpose is to trigger a kernel warning when loaded,
 * so that the harness can prove that scripts/vm-run notices one.
 */
#include <linux/module.h>
#include <linux/bug.h>

static bool trigger = true;
module_param(trigger, bool, 0444);
MODULE_PARM_DESC(trigger, "Emit the warning on load (default yes)");

static int __init kct_test_warn_init(void)
{
	WARN_ON(trigger);
	return 0;
}

static void __exit kct_test_warn_exit(void)
{
}

module_init(kct_test_warn_init);
module_exit(kct_test_warn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kct harness self-check: warns on load");
