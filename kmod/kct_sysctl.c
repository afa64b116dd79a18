// SPDX-License-Identifier: GPL-2.0
/*
 * net.kct.*: only what stock's net.netfilter.nf_conntrack_* has no
 * setting for (enable, per namespace), kct's views of its own table
 * (count, buckets), and expect_max (global like stock's).  The trackers
 * obey stock's settings themselves (kct_proto.h): one source of truth,
 * set with the names users and tools already use.  Every value is
 * range-checked: a bad write fails with EINVAL and changes nothing.
 */
#include <linux/sysctl.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include "kct_sysctl.h"
#include "kct_pernet.h"
#include "kct_table.h"
#include "kct_expect.h"

static unsigned int kct_buckets_value;

void kct_sysctl_defaults(struct kct_sysctl *s)
{
	s->enable = 1;
}

enum {
	KCT_SYSCTL_ENABLE,
	KCT_SYSCTL_COUNT,
	KCT_SYSCTL_BUCKETS,
	KCT_SYSCTL_EXPECT_MAX,
	KCT_SYSCTL_ENTRIES
};

static void kct_sysctl_flag(struct ctl_table *t, const char *name, int *data)
{
	t->procname = name;
	t->data = data;
	t->maxlen = sizeof(int);
	t->mode = 0644;
	t->proc_handler = proc_dointvec_minmax;
	t->extra1 = SYSCTL_ZERO;
	t->extra2 = SYSCTL_ONE;
}

int kct_sysctl_init_net(struct net *net)
{
	struct kct_net *kn = kct_pernet(net);
	struct kct_sysctl *s = &kn->sysctl;
	struct ctl_table *table, *t;

	/* One more, zeroed, ends the table. */
	table = kcalloc(KCT_SYSCTL_ENTRIES + 1, sizeof(*table), GFP_KERNEL);
	if (!table)
		return -ENOMEM;

	kct_sysctl_flag(&table[KCT_SYSCTL_ENABLE], "enable", &s->enable);

	t = &table[KCT_SYSCTL_COUNT];
	t->procname = "count";
	t->data = &kn->count;
	t->maxlen = sizeof(int);
	t->mode = 0444;
	t->proc_handler = proc_dointvec;

	kct_buckets_value = kct_table_size();
	t = &table[KCT_SYSCTL_BUCKETS];
	t->procname = "buckets";
	t->data = &kct_buckets_value;
	t->maxlen = sizeof(int);
	t->mode = 0444;
	t->proc_handler = proc_dointvec;

	t = &table[KCT_SYSCTL_EXPECT_MAX];
	kct_sysctl_flag(t, "expect_max", &kct_expect_max);
	t->extra1 = SYSCTL_ONE;
	t->extra2 = SYSCTL_INT_MAX;
	/*
	 * Global like stock's nf_conntrack_expect_max, and like it read
	 * only outside the initial namespace: a container must not raise
	 * the host's limit (each namespace counts its own against it).
	 */
	if (!net_eq(net, &init_net))
		t->mode = 0444;

	kn->sysctl_header = register_net_sysctl(net, "net/kct", table);
	if (!kn->sysctl_header) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

void kct_sysctl_exit_net(struct net *net)
{
	struct kct_net *kn = kct_pernet(net);
	struct ctl_table *table;

	if (!kn->sysctl_header)
		return;
	table = kn->sysctl_header->ctl_table_arg;
	unregister_net_sysctl_table(kn->sysctl_header);
	kfree(table);
	kn->sysctl_header = NULL;
}
