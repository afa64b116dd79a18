// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/stat/kct: stock's per-CPU counter table, same columns, same
 * format; and /proc/net/stat/kct_invalid: why packets were INVALID, one
 * line per reason, summed over CPUs, which stock cannot tell.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include "kct_stat.h"
#include "kct_pernet.h"
#include "kct_log.h"

static void *kct_cpu_seq_start(struct seq_file *seq, loff_t *pos)
{
	struct kct_net *kn = kct_pernet(seq_file_net(seq));
	int cpu;

	if (*pos == 0)
		return SEQ_START_TOKEN;
	for (cpu = *pos - 1; cpu < nr_cpu_ids; ++cpu) {
		if (!cpu_possible(cpu))
			continue;
		*pos = cpu + 1;
		return per_cpu_ptr(kn->stat, cpu);
	}
	return NULL;
}

static void *kct_cpu_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct kct_net *kn = kct_pernet(seq_file_net(seq));
	int cpu;

	for (cpu = *pos; cpu < nr_cpu_ids; ++cpu) {
		if (!cpu_possible(cpu))
			continue;
		*pos = cpu + 1;
		return per_cpu_ptr(kn->stat, cpu);
	}
	(*pos)++;
	return NULL;
}

static void kct_cpu_seq_stop(struct seq_file *seq, void *v)
{
}

static int kct_cpu_seq_show(struct seq_file *seq, void *v)
{
	struct kct_net *kn = kct_pernet(seq_file_net(seq));
	const struct kct_stat *st = v;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n");
		return 0;
	}
	seq_printf(seq,
		   "%08x  %08x %08x %08x %08x %08x %08x %08x %08x %08x %08x %08x %08x  %08x %08x %08x %08x\n",
		   atomic_read(&kn->count), st->clash_resolve, st->found, 0,
		   st->invalid, 0, 0, 0, st->insert,
		   st->insert_failed, st->drop, st->early_drop, st->icmp_error,
		   st->expect_new, st->expect_create, st->expect_delete,
		   st->search_restart);
	return 0;
}

static const struct seq_operations kct_cpu_seq_ops = {
	.start = kct_cpu_seq_start,
	.next = kct_cpu_seq_next,
	.stop = kct_cpu_seq_stop,
	.show = kct_cpu_seq_show,
};

static int kct_invalid_show(struct seq_file *seq, void *v)
{
	struct kct_net *kn = kct_pernet(seq_file_single_net(seq));
	unsigned int reason;
	int cpu;

	for (reason = KCT_VALID + 1; reason < KCT_INVALID_MAX; reason++) {
		unsigned long sum = 0;

		for_each_possible_cpu(cpu)
			sum += per_cpu_ptr(kn->stat, cpu)->invalid_reason[reason];
		seq_printf(seq, "%-20s %lu\n", kct_invalid_names[reason], sum);
	}
	return 0;
}

int kct_stat_init_net(struct net *net)
{
	if (!proc_create_net("kct", 0444, net->proc_net_stat,
			     &kct_cpu_seq_ops, sizeof(struct seq_net_private)))
		return -ENOMEM;
	if (!proc_create_net_single("kct_invalid", 0444, net->proc_net_stat,
				    kct_invalid_show, NULL)) {
		remove_proc_entry("kct", net->proc_net_stat);
		return -ENOMEM;
	}
	return 0;
}

void kct_stat_exit_net(struct net *net)
{
	remove_proc_entry("kct_invalid", net->proc_net_stat);
	remove_proc_entry("kct", net->proc_net_stat);
}
