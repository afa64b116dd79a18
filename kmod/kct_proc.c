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
#include <net/netfilter/nf_conntrack_acct.h>
#include <net/netfilter/nf_conntrack_timestamp.h>
#include "kct_proc.h"
#include "kct_proto.h"
#include "kct_table.h"
#include "kct_tuple.h"

/*
 * A read resumes where the previous one stopped: at the connection of
 * rank @rank among the namespace's in @bucket.  As with stock's file, a
 * connection that comes or goes between two reads may shift what
 * follows by one.
 */
struct kct_proc_iter {
	struct seq_net_private p;
	struct kct_table_iter it;
	loff_t pos;		/* of the connection last returned, or -1 */
	unsigned int bucket;
	unsigned int rank;
	u64 time_now;		/* wall clock, ns, at the read's start */
};

/* The next connection, noting where it is. */
static struct nf_conn *kct_proc_next(struct kct_proc_iter *pi, bool first)
{
	struct nf_conn *ct = kct_table_iter_next(&pi->it);

	if (!ct)
		return NULL;
	if (!first && pi->it.cur == pi->bucket) {
		pi->rank++;
	} else {
		pi->bucket = pi->it.cur;
		pi->rank = 0;
	}
	return ct;
}

static void *kct_seq_start(struct seq_file *seq, loff_t *pos)
{
	struct kct_proc_iter *pi = seq->private;
	bool resume = *pos && *pos == pi->pos;
	unsigned int bucket = resume ? pi->bucket : 0;
	unsigned int rank = pi->rank;
	struct nf_conn *ct;
	loff_t i;

	pi->time_now = ktime_get_real_ns();
	kct_table_iter_start(&pi->it, seq_file_net(seq), bucket,
			     kct_table_size() - bucket, NULL, NULL);
	ct = kct_proc_next(pi, true);
	if (resume) {
		while (ct && pi->bucket == bucket && pi->rank < rank)
			ct = kct_proc_next(pi, false);
	} else {
		for (i = 0; ct && i < *pos; i++)
			ct = kct_proc_next(pi, false);
	}
	pi->pos = ct ? *pos : -1;
	return ct;
}

static void *kct_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct kct_proc_iter *pi = seq->private;
	struct nf_conn *ct;

	++*pos;
	ct = kct_proc_next(pi, false);
	/* At the end, a later read starts over to find its place. */
	pi->pos = ct ? *pos : -1;
	return ct;
}

static void kct_seq_stop(struct seq_file *seq, void *v)
{
	struct kct_proc_iter *pi = seq->private;

	kct_table_iter_end(&pi->it);
}

static const char *kct_l3_name(u16 l3num)
{
	if (l3num == NFPROTO_IPV4)
		return "ipv4";
	return l3num == NFPROTO_IPV6 ? "ipv6" : "unknown";
}

/*
 * The zone where stock's line names it: a zone of both directions as
 * "zone=N" near the end (zone=0 included), a directional one after the
 * tuple of its direction.
 */
static void kct_proc_zone(struct seq_file *s, const struct nf_conn *ct,
			  u8 dir)
{
	static const char * const label[] = {
		[NF_CT_ZONE_DIR_ORIG] = "zone-orig",
		[NF_CT_ZONE_DIR_REPL] = "zone-reply",
		[NF_CT_DEFAULT_ZONE_DIR] = "zone",
	};
	const struct nf_conntrack_zone *zone = nf_ct_zone(ct);

	if (zone->dir == dir)
		seq_printf(s, "%s=%u ", label[dir], zone->id);
}

/* A direction's counters, where nf_conntrack_acct gave it some. */
static void kct_seq_acct(struct seq_file *s, const struct nf_conn *ct,
			 enum ip_conntrack_dir dir)
{
	const struct nf_conn_acct *acct = nf_conn_acct_find(ct);

	if (acct)
		seq_printf(s, "packets=%llu bytes=%llu ",
			   (u64)atomic64_read(&acct->counter[dir].packets),
			   (u64)atomic64_read(&acct->counter[dir].bytes));
}

/* Seconds since confirm, where nf_conntrack_timestamp stamped it. */
static void kct_seq_delta_time(struct seq_file *s, const struct nf_conn *ct)
{
	const struct kct_proc_iter *pi = s->private;
	const struct nf_conn_tstamp *tstamp = nf_conn_tstamp_find(ct);
	s64 delta;

	if (!tstamp)
		return;
	delta = pi->time_now - tstamp->start;
	seq_printf(s, "delta-time=%llu ",
		   delta > 0 ? (u64)div_s64(delta, NSEC_PER_SEC) : 0ULL);
}

static int kct_seq_show(struct seq_file *s, void *v)
{
	struct nf_conn *ct = v;		/* held by the iterator */
	const struct kct_proto *proto;

	if (nf_ct_is_expired(ct))
		return 0;
	proto = kct_proto_find(nf_ct_protonum(ct));
	seq_printf(s, "%-8s %u %-8s %u ", kct_l3_name(nf_ct_l3num(ct)),
		   nf_ct_l3num(ct), proto->name, nf_ct_protonum(ct));
	/* Offloaded, the timeout is the flowtable's business, as for stock. */
	if (!test_bit(IPS_OFFLOAD_BIT, &ct->status))
		seq_printf(s, "%ld ", (long)(nf_ct_expires(ct) / HZ));
	if (proto->print)
		proto->print(s, ct);
	kct_tuple_print(s, &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple);
	kct_proc_zone(s, ct, NF_CT_ZONE_DIR_ORIG);
	kct_seq_acct(s, ct, IP_CT_DIR_ORIGINAL);
	if (!test_bit(IPS_SEEN_REPLY_BIT, &ct->status))
		seq_puts(s, "[UNREPLIED] ");
	kct_tuple_print(s, &ct->tuplehash[IP_CT_DIR_REPLY].tuple);
	kct_proc_zone(s, ct, NF_CT_ZONE_DIR_REPL);
	kct_seq_acct(s, ct, IP_CT_DIR_REPLY);
	if (test_bit(IPS_HW_OFFLOAD_BIT, &ct->status))
		seq_puts(s, "[HW_OFFLOAD] ");
	else if (test_bit(IPS_OFFLOAD_BIT, &ct->status))
		seq_puts(s, "[OFFLOAD] ");
	else if (test_bit(IPS_ASSURED_BIT, &ct->status))
		seq_puts(s, "[ASSURED] ");
	seq_printf(s, "mark=%u ", READ_ONCE(ct->mark));
	kct_proc_zone(s, ct, NF_CT_DEFAULT_ZONE_DIR);
	kct_seq_delta_time(s, ct);
	/* Counting the reader's own reference, as stock does. */
	seq_printf(s, "use=%u\n", refcount_read(&ct->ct_general.use));
	return 0;
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
			      sizeof(struct kct_proc_iter));
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
