// SPDX-License-Identifier: GPL-2.0
/*
 * Calls of a stock function answered by kct instead, the way livepatch
 * replaces a function: an ftrace callback on the function's entry sets
 * the instruction pointer to kct's replacement, which then runs with the
 * caller's arguments and returns to the caller.
 *
 * A replacement may call the original function itself (to ask stock's
 * table too): such a call comes from kct's own text and is let through.
 * It must not be a tail call, or its return address would be the
 * redirected caller's and the call would come back to the replacement.
 *
 * Lifetime: a caller sent to a replacement that does not sleep runs
 * kct's code without any reference on this module.  Stopping the
 * redirects waits until no task can still be on its way into this
 * module's text (synchronize_rcu_tasks(), as ftrace does for callbacks
 * of modules): such a replacement never sleeps, so a task in one is
 * never quiescent.  A replacement that sleeps would be, so a call is sent
 * to it only with a reference on the module, dropped as the
 * replacement's last act; from there to its return it does not sleep,
 * which the grace period above covers again.
 */
#include <linux/module.h>
#include "kct_redirect.h"

#ifdef KCT_HAVE_REDIRECT

static void notrace kct_redirect_call(unsigned long ip,
				      unsigned long parent_ip,
				      struct ftrace_ops *ops,
				      struct ftrace_regs *fregs)
{
	struct kct_redirect *r = container_of(ops, struct kct_redirect, ops);

	if (within_module(parent_ip, THIS_MODULE))
		return;
	if (r->wanted && !r->wanted(parent_ip))
		return;
	if (r->sleeps && !try_module_get(THIS_MODULE))
		return;
	ftrace_instruction_pointer_set(fregs, (unsigned long)r->replacement);
}

static int kct_redirect_start(struct kct_redirect *r)
{
	unsigned long target = (unsigned long)r->target;
	int ret;

	r->ops.func = kct_redirect_call;
	r->ops.flags = FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_RECURSION |
#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
		       FTRACE_OPS_FL_SAVE_REGS |
#endif
		       0;
	ret = ftrace_set_filter_ip(&r->ops, target, 0, 0);
	if (ret)
		return ret;
	ret = register_ftrace_function(&r->ops);
	if (ret)
		ftrace_set_filter_ip(&r->ops, target, 1, 0);
	return ret;
}

/*
 * Start @n redirects.  One that cannot be made costs only what its
 * ->loss says (tracking works without any), so it is logged, not fatal.
 */
void kct_redirects_start(struct kct_redirect *const *r, unsigned int n)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = kct_redirect_start(r[i]);
		if (ret)
			pr_warn("kct: cannot answer %ps() (error %d): %s\n",
				r[i]->target, ret, r[i]->loss);
	}
}

/* Stop the redirects that started; kct's text may go once this returns. */
void kct_redirects_stop(struct kct_redirect *const *r, unsigned int n)
{
	bool any = false;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!(r[i]->ops.flags & FTRACE_OPS_FL_ENABLED))
			continue;
		unregister_ftrace_function(&r[i]->ops);
		ftrace_set_filter_ip(&r[i]->ops, (unsigned long)r[i]->target,
				     1, 0);
		any = true;
	}
	/* No task may still be inside a replacement; see above. */
	if (any)
		synchronize_rcu_tasks();
}

#else

void kct_redirects_start(struct kct_redirect *const *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		pr_warn("kct: kernel without dynamic ftrace, cannot answer %ps(): %s\n",
			r[i]->target, r[i]->loss);
}

void kct_redirects_stop(struct kct_redirect *const *r, unsigned int n)
{
}

#endif
