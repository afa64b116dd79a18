// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/kct: the connection table of one network namespace, one line
 * per connection in exactly the format of /proc/net/nf_conntrack, so that
 * scripts and eyes used to stock's file read it unchanged.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include "kct_proc.h"
#include "kct_proto.h"
#include "kct_table.h"

struct kct_iter {
	struct seq_net_private p;
	unsigned int bucket;
};

static struct hlist_nulls_node *kct_iter_first(struct seq_file *seq)
{
	struct kct_iter *it = seq->private;
	struct hlist_nulls_node *n;

	for (; it->bucket < kct_table.size; it->bucket++) {
		n = rcu_dereference(hlist_nulls_first_rcu(&kct_table.buckets[it->bucket]));
		if (!is_a_nulls(n))
			return n;
	}
	return NULL;
}

static struct hlist_nulls_node *kct_iter_next(struct seq_file *seq,
					      struct hlist_nulls_node *n)
{
	struct kct_iter *it = seq->private;

	n = rcu_dereference(hlist_nulls_next_rcu(n));
	while (is_a_nulls(n)) {
		/* Ended in another chain (entry moved): go on from ours. */
		if (likely(get_nulls_value(n) == (it->bucket | KCT_NULLS_TAG)))
			it->bucket++;
		if (it->bucket >= kct_table.size)
			return NULL;
		n = rcu_dereference(hlist_nulls_first_rcu(&kct_table.buckets[it->bucket]));
	}
	return n;
}

static void *kct_seq_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct kct_iter *it = seq->private;
	struct hlist_nulls_node *n;
	loff_t i = *pos;

	rcu_read_lock();
	it->bucket = 0;
	n = kct_iter_first(seq);
	while (n && i--)
		n = kct_iter_next(seq, n);
	return n;
}

static void *kct_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	++*pos;
	return kct_iter_next(seq, v);
}

static void kct_seq_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

static const char *kct_l3_name(u16 l3num)
{
	switch (l3num) {
	case NFPROTO_IPV4:
		return "ipv4";
	case NFPROTO_IPV6:
		return "ipv6";
	}
	return "unknown";
}

static void kct_print_tuple(struct seq_file *s,
			    const struct nf_conntrack_tuple *t)
{
	if (t->src.l3num == NFPROTO_IPV4)
		seq_printf(s, "src=%pI4 dst=%pI4 ", &t->src.u3.ip, &t->dst.u3.ip);
	else
		seq_printf(s, "src=%pI6 dst=%pI6 ", t->src.u3.ip6, t->dst.u3.ip6);

	switch (t->dst.protonum) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		seq_printf(s, "sport=%hu dport=%hu ", ntohs(t->src.u.all),
			   ntohs(t->dst.u.all));
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		seq_printf(s, "type=%u code=%u id=%u ", t->dst.u.icmp.type,
			   t->dst.u.icmp.code, ntohs(t->src.u.icmp.id));
		break;
	}
}

static int kct_seq_show(struct seq_file *s, void *v)
{
	struct nf_conntrack_tuple_hash *h =
		hlist_nulls_entry(v, struct nf_conntrack_tuple_hash, hnnode);
	struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);
	const struct kct_proto *proto;
	int ret = 0;

	if (!refcount_inc_not_zero(&ct->ct_general.use))
		return 0;
	smp_acquire__after_ctrl_dep();

	/* One line per connection: its original direction's entry. */
	if (NF_CT_DIRECTION(h) || !kct_owned(ct) ||
	    !net_eq(nf_ct_net(ct), seq_file_net(s)) || nf_ct_is_expired(ct))
		goto release;

	proto = kct_proto_find(nf_ct_protonum(ct));
	ret = -ENOSPC;
	seq_printf(s, "%-8s %u %-8s %u ", kct_l3_name(nf_ct_l3num(ct)),
		   nf_ct_l3num(ct), proto->name, nf_ct_protonum(ct));
	/* Offloaded, the timeout is the flowtable's business, as for stock. */
	if (!test_bit(IPS_OFFLOAD_BIT, &ct->status))
		seq_printf(s, "%ld ", (long)(nf_ct_expires(ct) / HZ));
	if (proto->print)
		proto->print(s, ct);
	kct_print_tuple(s, &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple);
	if (!test_bit(IPS_SEEN_REPLY_BIT, &ct->status))
		seq_puts(s, "[UNREPLIED] ");
	kct_print_tuple(s, &ct->tuplehash[IP_CT_DIR_REPLY].tuple);
	if (test_bit(IPS_HW_OFFLOAD_BIT, &ct->status))
		seq_puts(s, "[HW_OFFLOAD] ");
	else if (test_bit(IPS_OFFLOAD_BIT, &ct->status))
		seq_puts(s, "[OFFLOAD] ");
	else if (test_bit(IPS_ASSURED_BIT, &ct->status))
		seq_puts(s, "[ASSURED] ");
	seq_printf(s, "mark=%u ", READ_ONCE(ct->mark));
	seq_printf(s, "zone=%u ", nf_ct_zone(ct)->id);
	/* Counting the reader's own reference, as stock does. */
	seq_printf(s, "use=%u\n", refcount_read(&ct->ct_general.use));
	if (!seq_has_overflowed(s))
		ret = 0;
release:
	nf_ct_put(ct);
	return ret;
}

static const struct seq_operations kct_seq_ops = {
	.start = kct_seq_start,
	.next = kct_seq_next,
	.stop = kct_seq_stop,
	.show = kct_seq_show,
};

int kct_proc_init_net(struct net *net)
{
	struct proc_dir_entry *pde;
	kuid_t root_uid = make_kuid(net->user_ns, 0);
	kgid_t root_gid = make_kgid(net->user_ns, 0);

	/* Readable by root of the namespace only, as stock's table is. */
	pde = proc_create_net("kct", 0440, net->proc_net, &kct_seq_ops,
			      sizeof(struct kct_iter));
	if (!pde)
		return -ENOMEM;
	if (uid_valid(root_uid) && gid_valid(root_gid))
		proc_set_user(pde, root_uid, root_gid);
	return 0;
}

void kct_proc_exit_net(struct net *net)
{
	remove_proc_entry("kct", net->proc_net);
}
