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
#include <linux/mutex.h>
#ifdef CONFIG_X86_KERNEL_IBT
#include <asm/ibt.h>
#endif
#include "kct_redirect.h"

#ifdef KCT_HAVE_REDIRECT

/*
 * One ftrace_ops carries every redirect, told apart by the address of the
 * function called.  Taking an ops off waits for two RCU-tasks grace
 * periods (ftrace's own, for tasks still in its trampoline): one ops per
 * redirect made that most of the time rmmod kct took.
 */
#define KCT_REDIRECTS_MAX	8

/* Starts and stops; kct_redirects[] and kct_redirects_live change under it. */
static DEFINE_MUTEX(kct_redirects_lock);
/* The redirects started; read by the callback without the lock. */
static struct kct_redirect *kct_redirects[KCT_REDIRECTS_MAX];
static unsigned int kct_redirects_live;

static void notrace kct_redirect_call(unsigned long ip,
				      unsigned long parent_ip,
				      struct ftrace_ops *ops,
				      struct ftrace_regs *fregs)
{
	struct kct_redirect *r = NULL;
	unsigned int i;

	for (i = 0; i < KCT_REDIRECTS_MAX && !r; i++) {
		/* Pairs with kct_redirect_start(): ->ip is set. */
		r = smp_load_acquire(&kct_redirects[i]);
		if (r && r->ip != ip)
			r = NULL;
	}
	/* Stopped meanwhile: the call goes on to the function itself. */
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

static int kct_redirect_start(struct kct_redirect *r)
{
	unsigned int slot;
	int ret;

	lockdep_assert_held(&kct_redirects_lock);
	r->ip = kct_redirect_site(r->target);
	for (slot = 0; slot < KCT_REDIRECTS_MAX && kct_redirects[slot]; slot++)
		;
	if (slot == KCT_REDIRECTS_MAX)
		return -ENOSPC;
	/* Found by the callback, ->ip set, before a call can reach it. */
	smp_store_release(&kct_redirects[slot], r);
	ret = ftrace_set_filter_ip(&kct_redirect_ops, r->ip, 0, 0);
	if (!ret && !kct_redirects_live) {
		ret = register_ftrace_function(&kct_redirect_ops);
		if (ret)
			ftrace_set_filter_ip(&kct_redirect_ops, r->ip, 1, 0);
	}
	if (ret) {
		WRITE_ONCE(kct_redirects[slot], NULL);
		return ret;
	}
	kct_redirects_live++;
	r->started = true;
	return 0;
}

/*
 * Start @n redirects.  One that cannot be made costs only what its
 * ->loss says (tracking works without any), so it is logged, not fatal.
 */
void kct_redirects_start(struct kct_redirect *const *r, unsigned int n)
{
	unsigned int i;
	int ret;

	mutex_lock(&kct_redirects_lock);
	for (i = 0; i < n; i++) {
		ret = kct_redirect_start(r[i]);
		if (ret)
			pr_warn("kct: cannot answer %ps() (error %d): %s\n",
				r[i]->target, ret, r[i]->loss);
	}
	mutex_unlock(&kct_redirects_lock);
}

static void kct_redirect_stop(struct kct_redirect *r)
{
	unsigned int slot;

	lockdep_assert_held(&kct_redirects_lock);
	/* An ops with an empty filter would trace every function: off first. */
	if (kct_redirects_live == 1)
		unregister_ftrace_function(&kct_redirect_ops);
	ftrace_set_filter_ip(&kct_redirect_ops, r->ip, 1, 0);
	for (slot = 0; slot < KCT_REDIRECTS_MAX; slot++)
		if (kct_redirects[slot] == r)
			WRITE_ONCE(kct_redirects[slot], NULL);
	kct_redirects_live--;
	r->started = false;
}

/* Stop the redirects that started; kct's text may go once this returns. */
void kct_redirects_stop(struct kct_redirect *const *r, unsigned int n)
{
	bool any = false;
	unsigned int i;

	mutex_lock(&kct_redirects_lock);
	for (i = 0; i < n; i++) {
		if (!r[i]->started)
			continue;
		kct_redirect_stop(r[i]);
		any = true;
	}
	mutex_unlock(&kct_redirects_lock);
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
