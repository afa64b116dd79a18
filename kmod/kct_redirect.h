/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_REDIRECT_H
#define _KCT_REDIRECT_H

#include <linux/ftrace.h>

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
	/* What users lose when the redirect cannot be made, for the log. */
	const char *loss;
#ifdef KCT_HAVE_REDIRECT
	struct ftrace_ops ops;
#endif
};

void kct_redirects_start(struct kct_redirect *const *r, unsigned int n);
void kct_redirects_stop(struct kct_redirect *const *r, unsigned int n);

#endif /* _KCT_REDIRECT_H */
