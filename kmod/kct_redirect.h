/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_REDIRECT_H
#define _KCT_REDIRECT_H

#include <linux/ftrace.h>
#include <linux/module.h>

#if defined(CONFIG_DYNAMIC_FTRACE_WITH_REGS) || \
	defined(CONFIG_DYNAMIC_FTRACE_WITH_ARGS)
#define KCT_HAVE_REDIRECT 1
#endif

/*
 * A function of stock's that kct answers in its place for some callers
 * (kct_redirect.c).  @replacement has @target's prototype and contract.
 */
struct kct_redirect {
	void *target;
	void *replacement;
	/*
	 * Whether the call returning to @parent_ip goes to @replacement
	 * (NULL: every call from outside kct).  Called on every call of
	 * @target: must not sleep and should be quick.
	 */
	bool (*wanted)(unsigned long parent_ip);
	/*
	 * The replacement may sleep: a call is sent to it only with a
	 * reference on this module taken, which the replacement drops as
	 * its last act (kct_redirect_done()); while kct is going away,
	 * calls go to @target.
	 */
	bool sleeps;
	/* What users lose when the redirect cannot be made, for the log. */
	const char *loss;
	/* Where ftrace calls out for @target: kct_redirect.c's. */
	unsigned long ip;
	/*
	 * Calls are sent to @replacement: set when kct_redirects_start()
	 * made the redirect, unchanged until kct_redirects_stop().
	 */
	bool live;
};

/*
 * Module init adds every redirect, then starts them all; module exit
 * stops them all, after the last packet kct's hooks saw.
 */
void kct_redirects_add(struct kct_redirect *const *r, unsigned int n);
void kct_redirects_start(void);

/* The last act of a replacement that sleeps. */
static inline void kct_redirect_done(void)
{
	module_put(THIS_MODULE);
}

void kct_redirects_stop(void);

#endif /* _KCT_REDIRECT_H */
