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
 * The redirects are added first and then started and stopped together, as
 * one ftrace_ops: ftrace's own wait when an ops is taken off (an
 * RCU-tasks-rude and an RCU-tasks grace period) was most of the time
 * rmmod kct took with one ops per redirect, and a function already
 * called through a BPF trampoline is shared with an IPMODIFY ops only
 * when the ops is registered with it, not when added to a live ops.
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
#ifdef CONFIG_X86_KERNEL_IBT
#include <asm/ibt.h>
#endif
#include "kct_redirect.h"

#define KCT_REDIRECTS_MAX	8

/*
 * The redirects added, read by the callback without a lock: they are
 * written only at module init, before kct_redirects_start() registers
 * the callback, and never change while it is registered.
 */
static struct kct_redirect *kct_redirects[KCT_REDIRECTS_MAX];
static unsigned int kct_redirects_added;

/* Called at module init, before kct_redirects_start(). */
void kct_redirects_add(struct kct_redirect *const *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (WARN_ON(kct_redirects_added == KCT_REDIRECTS_MAX))
			return;
		kct_redirects[kct_redirects_added++] = r[i];
	}
}

#ifdef KCT_HAVE_REDIRECT

/* The redirect whose target ftrace calls out for at @ip, if any. */
static struct kct_redirect *notrace kct_redirect_at(unsigned long ip)
{
	unsigned int i;

	for (i = 0; i < kct_redirects_added; i++)
		if (kct_redirects[i]->ip == ip)
			return kct_redirects[i];
	return NULL;
}

static void notrace kct_redirect_call(unsigned long ip,
				      unsigned long parent_ip,
				      struct ftrace_ops *ops,
				      struct ftrace_regs *fregs)
{
	struct kct_redirect *r = kct_redirect_at(ip);

	if (!r)
		return;
	if (within_module(parent_ip, THIS_MODULE))
		return;
	if (r->wanted && !r->wanted(parent_ip))
		return;
	if (r->sleeps && !try_module_get(THIS_MODULE))
		return;
	ftrace_instruction_pointer_set(fregs, (unsigned long)r->replacement);
}

static struct ftrace_ops kct_redirect_ops = {
	.func = kct_redirect_call,
	.flags = FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_RECURSION |
#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
		 FTRACE_OPS_FL_SAVE_REGS |
#endif
		 0,
};

/*
 * Where ftrace calls out for @fn (the address its callback is given): the
 * function's first instruction, or the one after its ENDBR where the
 * kernel marks indirect branch targets (ftrace_location() is not
 * exported).
 */
static unsigned long kct_redirect_site(const void *fn)
{
	unsigned long ip = (unsigned long)fn;

#ifdef CONFIG_X86_KERNEL_IBT
	if (is_endbr(*(const u32 *)ip))
		ip += ENDBR_INSN_SIZE;
#endif
	return ip;
}

static void kct_redirect_lost(const struct kct_redirect *r, int err)
{
	pr_warn("kct: cannot answer %ps (error %d): %s\n", r->target, err,
		r->loss);
}

/*
 * Another user of a function that changes where it goes (livepatch, a
 * second IPMODIFY callback) makes the registration of all of them fail:
 * then each is added on its own, so that only that one is lost.
 */
static void kct_redirects_start_one_by_one(void)
{
	bool registered = false;
	unsigned int i;
	int ret;

	for (i = 0; i < kct_redirects_added; i++) {
		struct kct_redirect *r = kct_redirects[i];

		ret = ftrace_set_filter_ip(&kct_redirect_ops, r->ip, 0, 0);
		if (!ret && !registered) {
			ret = register_ftrace_function(&kct_redirect_ops);
			if (ret)
				ftrace_set_filter_ip(&kct_redirect_ops, r->ip,
						     1, 0);
			registered = !ret;
		}
		if (ret)
			kct_redirect_lost(r, ret);
		r->live = !ret;
	}
}

/*
 * Start the redirects added: from here on, calls of their targets go to
 * the replacements.  One that cannot be made costs only what its ->loss
 * says (tracking works without any), so it is logged, not fatal.
 */
void kct_redirects_start(void)
{
	unsigned long ips[KCT_REDIRECTS_MAX];
	unsigned int i;
	int ret;

	for (i = 0; i < kct_redirects_added; i++) {
		ips[i] = kct_redirect_site(kct_redirects[i]->target);
		kct_redirects[i]->ip = ips[i];
	}
	ret = ftrace_set_filter_ips(&kct_redirect_ops, ips, kct_redirects_added,
				    0, 0);
	if (!ret) {
		ret = register_ftrace_function(&kct_redirect_ops);
		if (!ret) {
			for (i = 0; i < kct_redirects_added; i++)
				kct_redirects[i]->live = true;
			return;
		}
		/* Not registered: this only empties the filter. */
		ftrace_set_filter_ips(&kct_redirect_ops, ips,
				      kct_redirects_added, 1, 0);
	}
	kct_redirects_start_one_by_one();
}

/* Stop every redirect; kct's text may go once this returns. */
void kct_redirects_stop(void)
{
	unsigned int i;

	for (i = 0; i < kct_redirects_added; i++)
		kct_redirects[i]->live = false;
	if (kct_redirect_ops.flags & FTRACE_OPS_FL_ENABLED) {
		unregister_ftrace_function(&kct_redirect_ops);
		/* No task may still be inside a replacement; see above. */
		synchronize_rcu_tasks();
	}
	/* The filter, also what a start that failed left of it. */
	ftrace_free_filter(&kct_redirect_ops);
}

#else

void kct_redirects_start(void)
{
	unsigned int i;

	for (i = 0; i < kct_redirects_added; i++)
		pr_warn("kct: kernel without dynamic ftrace, cannot answer %ps: %s\n",
			kct_redirects[i]->target, kct_redirects[i]->loss);
}

void kct_redirects_stop(void)
{
}

#endif
