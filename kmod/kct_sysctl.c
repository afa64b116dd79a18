// SPDX-License-Identifier: GPL-2.0
/*
 * net.kct.*: only what stock's net.netfilter.nf_conntrack_* has no
 * setting for (enable, per namespace) and kct's views of its own table
 * (count, buckets).  The trackers obey stock's settings themselves
 * (kct_proto.h): one source of truth, set with the names users and tools
 * already use.  Every value is range-checked: a bad write fails with
 * EINVAL and changes nothing.
 */
#include <linux/sysctl.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include "kct_sysctl.h"
#include "kct_pernet.h"
#include "kct_table.h"
#include "kct_hooks.h"

static unsigned int kct_buckets_value;

/*
 * Stock's nf_conntrack_expect_max is a global of nf_conntrack.ko
 * (nf_ct_expect_max) that it does not export, unlike nf_conntrack_max.
 * The one public way to it is the sysctl that sets it: the entry
 * net/netfilter/nf_conntrack_expect_max of the initial namespace, whose
 * data pointer is that global in every namespace.  It is looked up once,
 * at load, and read at each use, so a write applies at once.
 *
 * The sysctl tree's lock is private to it, so the walk takes RCU, which
 * keeps every header (and each directory's own entry, allocated with it)
 * from being freed under it; an insertion elsewhere in a directory at
 * the same moment can at worst hide the entry, never crash the walk, and
 * the walk is retried.  The entries met on the way are stock's,
 * nf_defrag_ipv6's (modules kct depends on) and directories'.  What it
 * finds stays valid while kct is loaded: nf_conntrack cannot unload first.
 */
static const unsigned int *kct_stock_expect_max_ptr;

/* @dir's entry @name, and in *@head the header that holds it. */
static struct ctl_table *kct_sysctl_entry(struct ctl_dir *dir, const char *name,
					  struct ctl_table_header **head)
{
	struct rb_node *node = READ_ONCE(dir->root.rb_node);

	while (node) {
		struct ctl_node *cn = rb_entry(node, struct ctl_node, node);
		struct ctl_table *entry;
		int cmp;

		*head = READ_ONCE(cn->header);
		entry = &(*head)->ctl_table[cn - (*head)->node];
		/* The tree is ordered as strcmp() orders names. */
		cmp = strcmp(name, entry->procname);
		if (!cmp)
			return entry;
		node = cmp < 0 ? READ_ONCE(node->rb_left) :
				 READ_ONCE(node->rb_right);
	}
	return NULL;
}

/* The initial namespace's net/netfilter/@name, or NULL. */
static struct ctl_table *kct_sysctl_stock_entry(const char *name)
{
	static const char * const path[] = { "net", "netfilter" };
	struct ctl_dir *dir = &init_net.sysctls.dir;
	struct ctl_table_header *head;
	struct ctl_table *entry;
	int i;

	for (i = 0; i < ARRAY_SIZE(path); i++) {
		entry = kct_sysctl_entry(dir, path[i], &head);
		if (!entry || !S_ISDIR(entry->mode))
			return NULL;
		/* A directory is the header holding its own entry. */
		dir = container_of(head, struct ctl_dir, header);
	}
	return kct_sysctl_entry(dir, name, &head);
}

int kct_sysctl_stock_init(void)
{
	struct ctl_table *entry = NULL;
	int try;

	for (try = 0; try < 3 && !entry; try++) {
		rcu_read_lock();
		entry = kct_sysctl_stock_entry("nf_conntrack_expect_max");
		rcu_read_unlock();
	}
	if (!entry || !entry->data || entry->maxlen != sizeof(unsigned int)) {
		pr_err("kct: stock's nf_conntrack_expect_max sysctl not found\n");
		return -ENOENT;
	}
	kct_stock_expect_max_ptr = entry->data;
	return 0;
}

unsigned int kct_sysctl_expect_max(void)
{
	return READ_ONCE(*kct_stock_expect_max_ptr);
}

void kct_sysctl_defaults(struct kct_sysctl *s)
{
	s->enable = 1;
}

enum {
	KCT_SYSCTL_ENABLE,
	KCT_SYSCTL_COUNT,
	KCT_SYSCTL_BUCKETS,
	KCT_SYSCTL_ENTRIES
};

/*
 * net.kct.enable: a write switches kct's hooks in this namespace, and
 * the value changes only if that worked (else the write fails with the
 * reason, e.g. ENOMEM).
 */
static int kct_sysctl_enable(struct ctl_table *table, int write, void *buffer,
			     size_t *lenp, loff_t *ppos)
{
	struct kct_net *kn = container_of(table->data, struct kct_net,
					  sysctl.enable);
	struct ctl_table parsed = *table;
	int on = write ? -1 : READ_ONCE(kn->sysctl.enable);
	int ret;

	parsed.data = &on;
	ret = proc_dointvec_minmax(&parsed, write, buffer, lenp, ppos);
	/* A write that set nothing (empty, or past the start) changes nothing. */
	if (ret || !write || on < 0)
		return ret;
	return kct_hooks_set(kn->net, on);
}

/* One int entry of the table, @t. */
static struct ctl_table *kct_sysctl_int(struct ctl_table *t, const char *name,
					void *data, umode_t mode,
					proc_handler *handler)
{
	t->procname = name;
	t->data = data;
	t->maxlen = sizeof(int);
	t->mode = mode;
	t->proc_handler = handler;
	return t;
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

	t = kct_sysctl_int(&table[KCT_SYSCTL_ENABLE], "enable", &s->enable,
			   0644, kct_sysctl_enable);
	t->extra1 = SYSCTL_ZERO;
	t->extra2 = SYSCTL_ONE;
	kct_sysctl_int(&table[KCT_SYSCTL_COUNT], "count", &kn->count, 0444,
		       proc_dointvec);
	kct_buckets_value = kct_table_size();
	kct_sysctl_int(&table[KCT_SYSCTL_BUCKETS], "buckets", &kct_buckets_value,
		       0444, proc_dointvec);

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
