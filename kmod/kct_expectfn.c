// SPDX-License-Identifier: GPL-2.0
/*
 * The functions an expectation may call on the connection it expected,
 * by name, as stock keeps them (nf_ct_helper_expectfn_register()): a
 * ctnetlink request names one (CTA_EXPECT_FN: conntrackd commits a
 * synced NAT helper's expectation with "nat-follow-master"), and a dump
 * names the one an expectation carries.  A NAT helper module registers
 * its own (kct_nat_ftp.c); without it loaded, the name is unknown, as
 * stock's is without nf_nat.
 *
 * Lifetime and locking: the list changes under kct_expectfn_lock (module
 * load and unload) and is read under RCU.  A request holds the RCU read
 * lock from finding a function to listing the expectation that carries
 * it; so a module that unregisters, waits for a grace period and then
 * calls kct_expect_expectfn_gone() leaves no expectation that calls it.
 */
#include <linux/rculist.h>
#include <linux/mutex.h>
#include "kct_expect.h"

static LIST_HEAD(kct_expectfns);
static DEFINE_MUTEX(kct_expectfn_lock);

void kct_expectfn_register(struct kct_expectfn *f)
{
	mutex_lock(&kct_expectfn_lock);
	list_add_rcu(&f->list, &kct_expectfns);
	mutex_unlock(&kct_expectfn_lock);
}
EXPORT_SYMBOL_GPL(kct_expectfn_register);

/* The caller waits for a grace period before its function goes. */
void kct_expectfn_unregister(struct kct_expectfn *f)
{
	mutex_lock(&kct_expectfn_lock);
	list_del_rcu(&f->list);
	mutex_unlock(&kct_expectfn_lock);
}
EXPORT_SYMBOL_GPL(kct_expectfn_unregister);

const struct kct_expectfn *kct_expectfn_by_name(const char *name)
{
	const struct kct_expectfn *f;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "kct: expectfn lookup outside RCU");
	list_for_each_entry_rcu(f, &kct_expectfns, list)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

const char *kct_expectfn_name(kct_expectfn_t fn)
{
	const struct kct_expectfn *f;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "kct: expectfn lookup outside RCU");
	list_for_each_entry_rcu(f, &kct_expectfns, list)
		if (f->fn == fn)
			return f->name;
	return NULL;
}
