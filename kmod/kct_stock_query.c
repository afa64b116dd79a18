// SPDX-License-Identifier: GPL-2.0
/*
 * Stock modules that ask "the conntrack table" get kct's answer.
 *
 * nf_conncount (iptables -m connlimit, nft "ct count") decides whether a
 * connection it counted is still alive by looking its tuple up with
 * nf_conntrack_find_get(), which searches nf_conntrack's own hash.  Where
 * kct tracks, that hash is empty, so every counted connection looks dead
 * and no limit ever triggers.  nf_conntrack offers no hook for lookups, so
 * kct redirects that one exported function, the way livepatch replaces a
 * function: an ftrace callback on its entry sends chosen callers to
 * kct_stock_find_get() instead, which answers from kct's table.
 *
 * Only callers known to treat the answer as read-only are redirected
 * (kct_stock_caller_wanted()): nf_conntrack's own code and stock's
 * ctnetlink would go on to unlink or change what they find with
 * nf_conntrack's locks and lists, which kct's entries are not in.
 *
 * Lifetime: a caller sent here runs kct_stock_find_get() without any
 * reference on this module.  Unregistering the ftrace callback waits
 * until no task can still be on its way into this module's text
 * (synchronize_rcu_tasks(), as ftrace does for callbacks of modules):
 * kct_stock_find_get() never sleeps, so a task in it is never quiescent.
 */
#include <linux/ftrace.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include "kct_stock_query.h"
#include "kct_table.h"
#include "kct_tuple.h"

#if defined(CONFIG_DYNAMIC_FTRACE_WITH_REGS) || \
	defined(CONFIG_DYNAMIC_FTRACE_WITH_ARGS)

/* The modules whose lookups kct answers, by module name. */
static const char *const kct_stock_readers[] = {
	"nf_conncount",
};

/*
 * Which module a call comes from costs a symbol lookup (kallsyms is the
 * only exported way to ask), so the answer is remembered per call site.
 * Call sites are few (each caller's return address); a module loading or
 * going away may reuse addresses, so the cache is emptied then.
 */
#define KCT_STOCK_CALLERS 8

static struct {
	unsigned long site[KCT_STOCK_CALLERS];
	bool wanted[KCT_STOCK_CALLERS];
	unsigned int used;
} kct_stock_callers;
static DEFINE_SEQLOCK(kct_stock_callers_lock);

static bool kct_stock_module_wanted(unsigned long site)
{
	char sym[KSYM_SYMBOL_LEN], *mod, *end;
	unsigned int i;

	/* "function+0x1c/0x90 [module]" */
	sprint_symbol(sym, site);
	mod = strrchr(sym, '[');
	end = mod ? strchr(mod, ']') : NULL;
	if (!end)
		return false;
	*end = '\0';
	for (i = 0; i < ARRAY_SIZE(kct_stock_readers); i++)
		if (!strcmp(mod + 1, kct_stock_readers[i]))
			return true;
	return false;
}

static bool kct_stock_caller_wanted(unsigned long site)
{
	bool wanted = false, known;
	unsigned long flags;
	unsigned int seq, i;

	do {
		seq = read_seqbegin(&kct_stock_callers_lock);
		known = false;
		for (i = 0; i < kct_stock_callers.used; i++) {
			if (kct_stock_callers.site[i] == site) {
				known = true;
				wanted = kct_stock_callers.wanted[i];
				break;
			}
		}
	} while (read_seqretry(&kct_stock_callers_lock, seq));
	if (known)
		return wanted;

	wanted = kct_stock_module_wanted(site);
	write_seqlock_irqsave(&kct_stock_callers_lock, flags);
	i = kct_stock_callers.used;
	if (i < KCT_STOCK_CALLERS) {
		kct_stock_callers.site[i] = site;
		kct_stock_callers.wanted[i] = wanted;
		kct_stock_callers.used = i + 1;
	}
	write_sequnlock_irqrestore(&kct_stock_callers_lock, flags);
	return wanted;
}

static int kct_stock_module_event(struct notifier_block *nb,
				  unsigned long state, void *data)
{
	unsigned long flags;

	if (state == MODULE_STATE_COMING || state == MODULE_STATE_GOING) {
		write_seqlock_irqsave(&kct_stock_callers_lock, flags);
		kct_stock_callers.used = 0;
		write_sequnlock_irqrestore(&kct_stock_callers_lock, flags);
	}
	return NOTIFY_DONE;
}

static struct notifier_block kct_stock_module_nb = {
	.notifier_call = kct_stock_module_event,
};

/*
 * In place of nf_conntrack_find_get(), same contract: the tuplehash of
 * @tuple with a reference on its connection, or NULL.  kct keeps zone 0
 * only; elsewhere, and where kct does not track, stock's table answers,
 * as it does for connections stock made before kct was loaded.
 */
static struct nf_conntrack_tuple_hash *
kct_stock_find_get(struct net *net, const struct nf_conntrack_zone *zone,
		   const struct nf_conntrack_tuple *tuple)
{
	struct kct_net *kn = kct_pernet(net);
	struct nf_conntrack_tuple_hash *h = NULL;

	if (READ_ONCE(kn->sysctl.enable) &&
	    nf_ct_zone_id(zone, IP_CT_DIR_ORIGINAL) == NF_CT_DEFAULT_ZONE_ID)
		h = kct_table_find(kn, tuple, kct_tuple_hash(net, tuple));
	if (h)
		return h;
	h = nf_conntrack_find_get(net, zone, tuple);
	/*
	 * Not a tail call: its return address must be in this module, so
	 * that kct_stock_redirect() lets it through to stock's table
	 * instead of sending it back here.
	 */
	barrier();
	return h;
}

static void notrace kct_stock_redirect(unsigned long ip,
				       unsigned long parent_ip,
				       struct ftrace_ops *ops,
				       struct ftrace_regs *fregs)
{
	if (kct_stock_caller_wanted(parent_ip))
		ftrace_instruction_pointer_set(fregs,
					       (unsigned long)kct_stock_find_get);
}

static struct ftrace_ops kct_stock_ops = {
	.func = kct_stock_redirect,
	.flags = FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_RECURSION |
#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
		 FTRACE_OPS_FL_SAVE_REGS |
#endif
		 0,
};

int kct_stock_query_init(void)
{
	unsigned long target = (unsigned long)nf_conntrack_find_get;
	int ret;

	ret = register_module_notifier(&kct_stock_module_nb);
	if (ret)
		return ret;
	ret = ftrace_set_filter_ip(&kct_stock_ops, target, 0, 0);
	if (ret)
		goto fail;
	ret = register_ftrace_function(&kct_stock_ops);
	if (ret) {
		ftrace_set_filter_ip(&kct_stock_ops, target, 1, 0);
		goto fail;
	}
	return 0;
fail:
	unregister_module_notifier(&kct_stock_module_nb);
	/* Tracking works without it; connection limits do not. */
	pr_warn("kct: cannot answer nf_conntrack_find_get() (error %d): connlimit and ct count will not see kct's connections\n",
		ret);
	return 0;
}

void kct_stock_query_exit(void)
{
	unsigned long target = (unsigned long)nf_conntrack_find_get;

	if (!(kct_stock_ops.flags & FTRACE_OPS_FL_ENABLED))
		return;
	unregister_ftrace_function(&kct_stock_ops);
	ftrace_set_filter_ip(&kct_stock_ops, target, 1, 0);
	/* No task may still be inside kct_stock_find_get(); see above. */
	synchronize_rcu_tasks();
	unregister_module_notifier(&kct_stock_module_nb);
}

#else

int kct_stock_query_init(void)
{
	pr_warn("kct: kernel without dynamic ftrace: connlimit and ct count will not see kct's connections\n");
	return 0;
}

void kct_stock_query_exit(void)
{
}

#endif
