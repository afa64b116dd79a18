// SPDX-License-Identifier: GPL-2.0
/*
 * ctnetlink for kct: the conntrack subsystem of nfnetlink (list, get,
 * create, delete, flush, update, counters) answered from kct's table.
 *
 * nfnetlink itself checks CAP_NET_ADMIN in the user namespace that owns
 * the socket's network namespace for every message, and parses the
 * top-level attributes with the policy below before calling us; nested
 * ones are parsed with their own policies where they are used.  Every
 * request is checked whole before it changes anything.
 *
 * Only one module can own the subsystem.  If nf_conntrack_netlink got it
 * first, kct loads without this interface and says so once; while kct
 * owns it, loading nf_conntrack_netlink fails with EBUSY.
 *
 * Lifetime and locking:
 * - The event sink is registered after both subsystems and unregistered
 *   before them: events go out only while kct owns ctnetlink, and none
 *   once kct_netlink_exit() has returned.
 * - Requests run one at a time under nfnetlink's ctnetlink mutex
 *   (NFNL_CB_MUTEX), so two updates of one connection do not interleave
 *   (the mark is read, masked and written back).  The packet path runs
 *   alongside: what a request changes is set-only status bits, words
 *   written whole, TCP or SCTP state and sequence adjustment under
 *   ct->lock, and the helper pointer (RCU readers see it or NULL).  Dumps run
 *   without the mutex, over the table's iterator.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <net/netfilter/nf_conntrack_labels.h>
#include "kct_netlink.h"
#include "kct_netlink_conn.h"
#include "kct_netlink_create.h"
#include "kct_netlink_dump.h"
#include "kct_netlink_event.h"
#include "kct_netlink_exp.h"
#include "kct_netlink_glue.h"
#include "kct_netlink_nat.h"
#include "kct_netlink_notifier.h"
#include "kct_netlink_tuple.h"
#include "kct_event.h"
#include "kct_helper.h"
#include "kct_table.h"
#include "kct_tuple.h"

/* kct owns both subsystems: requests and events are ours to answer. */
static bool kct_netlink_active;

const struct nla_policy kct_nl_ct_policy[CTA_MAX + 1] = {
	[CTA_TUPLE_ORIG]	= { .type = NLA_NESTED },
	[CTA_TUPLE_REPLY]	= { .type = NLA_NESTED },
	[CTA_STATUS]		= { .type = NLA_U32 },
	[CTA_PROTOINFO]		= { .type = NLA_NESTED },
	[CTA_HELP]		= { .type = NLA_NESTED },
	[CTA_NAT_SRC]		= { .type = NLA_NESTED },
	[CTA_TIMEOUT]		= { .type = NLA_U32 },
	[CTA_MARK]		= { .type = NLA_U32 },
	[CTA_ID]		= { .type = NLA_U32 },
	[CTA_NAT_DST]		= { .type = NLA_NESTED },
	[CTA_TUPLE_MASTER]	= { .type = NLA_NESTED },
	[CTA_NAT_SEQ_ADJ_ORIG]	= { .type = NLA_NESTED },
	[CTA_NAT_SEQ_ADJ_REPLY]	= { .type = NLA_NESTED },
	[CTA_ZONE]		= { .type = NLA_U16 },
	[CTA_MARK_MASK]		= { .type = NLA_U32 },
	[CTA_LABELS]		= { .type = NLA_BINARY, .len = 16 },
	[CTA_LABELS_MASK]	= { .type = NLA_BINARY, .len = 16 },
	[CTA_SYNPROXY]		= { .type = NLA_NESTED },
	[CTA_FILTER]		= { .type = NLA_NESTED },
	[CTA_STATUS_MASK]	= { .type = NLA_U32 },
};

static u8 kct_nl_family(const struct nfnl_info *info)
{
	return info->nfmsg->nfgen_family;
}

/*
 * The connection a request names by CTA_TUPLE_ORIG or _REPLY, in the
 * zone it names, referenced.
 */
static int kct_nl_lookup(const struct nfnl_info *info,
			 const struct nlattr * const cda[], struct nf_conn **ctp)
{
	int type = cda[CTA_TUPLE_ORIG] ? CTA_TUPLE_ORIG : CTA_TUPLE_REPLY;
	struct nf_conntrack_tuple_hash *h;
	struct nf_conntrack_zone zone;
	struct nf_conntrack_tuple t;
	int err;

	if (!cda[type])
		return -EINVAL;
	err = kct_nl_parse_tuple(cda[type], kct_nl_family(info), &t, NULL);
	if (err)
		return err;
	err = kct_nl_parse_zone(cda[CTA_ZONE], cda[type], type, &zone);
	if (err)
		return err;
	h = kct_table_lookup(kct_pernet(info->net), &zone, &t);
	if (!h)
		return -ENOENT;
	*ctp = nf_ct_tuplehash_to_ctrack(h);
	return 0;
}

static int kct_nl_dump_start(struct netlink_callback *cb)
{
	const struct nlattr * const *cda = cb->data;
	const struct nfgenmsg *nfmsg = nlmsg_data(cb->nlh);
	struct kct_nl_filter *f;
	int err;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	err = kct_nl_filter_parse(cda, nfmsg->nfgen_family, f);
	if (err) {
		kfree(f);
		return err;
	}
	cb->data = f;
	return 0;
}

static int kct_nl_dump_done(struct netlink_callback *cb)
{
	kfree(cb->data);
	return 0;
}

static int kct_nl_get(struct sk_buff *skb, const struct nfnl_info *info,
		      const struct nlattr * const cda[])
{
	u32 portid = NETLINK_CB(skb).portid;
	struct sk_buff *answer;
	struct nf_conn *ct;
	int err;

	if (info->nlh->nlmsg_flags & NLM_F_DUMP) {
		struct netlink_dump_control c = {
			.start = kct_nl_dump_start,
			.dump = kct_nl_dump_table,
			.done = kct_nl_dump_done,
			.data = (void *)cda,
		};

		return netlink_dump_start(info->sk, skb, info->nlh, &c);
	}

	err = kct_nl_lookup(info, cda, &ct);
	if (err)
		return err;
	answer = nlmsg_new(kct_nl_conn_size(), GFP_KERNEL);
	if (!answer) {
		nf_ct_put(ct);
		return -ENOMEM;
	}
	err = kct_nl_fill_conn(answer, portid, info->nlh->nlmsg_seq,
			       NFNL_MSG_TYPE(info->nlh->nlmsg_type), 0, ct, 0);
	nf_ct_put(ct);
	if (err) {
		kfree_skb(answer);
		return err;
	}
	return nfnetlink_unicast(answer, info->net, portid);
}

/* The request @skb carries, as its events name it. */
static struct kct_event_req kct_nl_req(const struct sk_buff *skb,
				       const struct nfnl_info *info)
{
	return (struct kct_event_req){
		.portid = NETLINK_CB(skb).portid,
		.report = nlmsg_report(info->nlh),
	};
}

static int kct_nl_delete(struct sk_buff *skb, const struct nfnl_info *info,
			 const struct nlattr * const cda[])
{
	struct kct_event_req req = kct_nl_req(skb, info);
	struct kct_nl_filter f;
	struct nf_conn *ct;
	int err;

	if (!cda[CTA_TUPLE_ORIG] && !cda[CTA_TUPLE_REPLY]) {
		/* No tuple: flush, within the family and filter given. */
		err = kct_nl_filter_parse(cda, kct_nl_family(info), &f);
		if (err)
			return err;
		kct_nl_flush(info->net, &f, &req);
		return 0;
	}
	err = kct_nl_lookup(info, cda, &ct);
	if (err)
		return err;
	/* The id guards against deleting a newer connection, same tuple. */
	if (cda[CTA_ID] && ntohl(nla_get_be32(cda[CTA_ID])) != nf_ct_get_id(ct))
		err = -ENOENT;
	else
		kct_table_unlink_for(ct, &req);
	nf_ct_put(ct);
	return err;
}

/*
 * A change to an existing connection (conntrack -U, conntrackd), checked
 * whole before anything changes, with stock's rules and answers.
 */
static int kct_nl_check_change(const struct nlattr * const cda[],
			       struct nf_conn *ct)
{
	int err;

	/* As stock: NAT and a master only for a connection being made. */
	if (cda[CTA_NAT_SRC] || cda[CTA_NAT_DST] || cda[CTA_TUPLE_MASTER])
		return -EOPNOTSUPP;
	err = kct_nl_seqadj(cda, ct, false);
	if (err)
		return err;
	if (cda[CTA_SYNPROXY]) {
		err = kct_nl_synproxy(cda[CTA_SYNPROXY], ct, false);
		if (err)
			return err;
	}
	if (cda[CTA_LABELS]) {
		err = kct_nl_check_labels(cda, ct);
		if (err)
			return err;
	}
	if (cda[CTA_HELP]) {
		err = kct_nl_check_helper(cda[CTA_HELP], ct);
		if (err)
			return err;
	}
	if (cda[CTA_TIMEOUT] && test_bit(IPS_FIXED_TIMEOUT_BIT, &ct->status))
		return -EPERM;
	if (cda[CTA_STATUS]) {
		u32 want = ntohl(nla_get_be32(cda[CTA_STATUS]));
		u32 d = (u32)READ_ONCE(ct->status) ^ want;

		/*
		 * As stock: EXPECTED, CONFIRMED and DYING are not the
		 * request's to change, SEEN_REPLY and ASSURED only to set.
		 */
		if ((d & (IPS_EXPECTED | IPS_CONFIRMED | IPS_DYING)) ||
		    (d & ~want & (IPS_SEEN_REPLY | IPS_ASSURED)))
			return -EBUSY;
	}
	if (cda[CTA_PROTOINFO])
		return kct_nl_protoinfo(cda[CTA_PROTOINFO], ct, false);
	return 0;
}

/*
 * Apply a checked change.  The protocol's part comes first: its tracker
 * applies it under the connection's lock, and may still refuse it there
 * (then nothing is changed).
 */
static int kct_nl_change(const struct nlattr * const cda[],
			 struct nf_conn *ct)
{
	int err;

	if (cda[CTA_PROTOINFO]) {
		err = kct_nl_protoinfo(cda[CTA_PROTOINFO], ct, true);
		if (err)
			return err;
	}
	if (cda[CTA_HELP]) {
		const char *name;

		/* Checked: only "" changes anything (the helper goes). */
		if (!kct_nl_helper_name(cda[CTA_HELP], &name) && !*name)
			kct_helper_remove(ct);
	}
	if (cda[CTA_STATUS]) {
		u32 want = ntohl(nla_get_be32(cda[CTA_STATUS]));
		unsigned int bit;

		/* Set what it may set (it clears nothing), bit by bit. */
		want &= ~IPS_UNCHANGEABLE_MASK & (BIT(__IPS_MAX_BIT) - 1);
		for (bit = 0; bit < __IPS_MAX_BIT; bit++)
			if (want & BIT(bit))
				set_bit(bit, &ct->status);
	}
	kct_nl_set_conn(cda, ct);
	kct_nl_seqadj(cda, ct, true);
	if (cda[CTA_SYNPROXY])
		kct_nl_synproxy(cda[CTA_SYNPROXY], ct, true);
	return 0;
}

/*
 * NEW on an existing connection updates it (conntrack -U); with
 * NLM_F_CREATE, NEW on a missing one creates it (conntrack -I).
 */
static int kct_nl_new(struct sk_buff *skb, const struct nfnl_info *info,
		      const struct nlattr * const cda[])
{
	struct kct_event_req req = kct_nl_req(skb, info);
	struct nf_conn *ct;
	int err;

	lockdep_assert(lockdep_nfnl_is_held(NFNL_SUBSYS_CTNETLINK));
	err = kct_nl_lookup(info, cda, &ct);
	if (err == -ENOENT && (info->nlh->nlmsg_flags & NLM_F_CREATE))
		return kct_nl_create(info->net, cda, kct_nl_family(info),
				     &req);
	if (err)
		return err;
	if (info->nlh->nlmsg_flags & NLM_F_EXCL)
		err = -EEXIST;
	else
		err = kct_nl_check_change(cda, ct);
	if (!err)
		err = kct_nl_change(cda, ct);
	if (!err)
		kct_event_update(ct, &req);
	nf_ct_put(ct);
	return err;
}

/* conntrack -C: how many entries the namespace has, and the limit. */
static int kct_nl_get_stats(struct sk_buff *skb, const struct nfnl_info *info,
			    const struct nlattr * const cda[])
{
	u32 portid = NETLINK_CB(skb).portid;
	struct kct_net *kn = kct_pernet(info->net);
	struct sk_buff *answer;
	struct nlmsghdr *nlh;

	answer = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!answer)
		return -ENOMEM;
	nlh = nfnl_msg_put(answer, portid, info->nlh->nlmsg_seq,
			   nfnl_msg_type(NFNL_SUBSYS_CTNETLINK,
					 IPCTNL_MSG_CT_GET_STATS),
			   0, AF_UNSPEC, NFNETLINK_V0, 0);
	if (!nlh ||
	    nla_put_be32(answer, CTA_STATS_GLOBAL_ENTRIES,
			 htonl(atomic_read(&kn->count))) ||
	    nla_put_be32(answer, CTA_STATS_GLOBAL_MAX_ENTRIES,
			 htonl(kct_table_max()))) {
		kfree_skb(answer);
		return -EMSGSIZE;
	}
	nlmsg_end(answer, nlh);
	return nfnetlink_unicast(answer, info->net, portid);
}

static int kct_nl_put_cpu(struct sk_buff *skb, const struct kct_stat *st)
{
	return nla_put_be32(skb, CTA_STATS_FOUND, htonl(st->found)) ||
	       nla_put_be32(skb, CTA_STATS_INVALID, htonl(st->invalid)) ||
	       nla_put_be32(skb, CTA_STATS_INSERT, htonl(st->insert)) ||
	       nla_put_be32(skb, CTA_STATS_INSERT_FAILED,
			    htonl(st->insert_failed)) ||
	       nla_put_be32(skb, CTA_STATS_DROP, htonl(st->drop)) ||
	       nla_put_be32(skb, CTA_STATS_EARLY_DROP, htonl(st->early_drop)) ||
	       nla_put_be32(skb, CTA_STATS_ERROR, htonl(st->icmp_error)) ||
	       nla_put_be32(skb, CTA_STATS_SEARCH_RESTART,
			    htonl(st->search_restart)) ||
	       nla_put_be32(skb, CTA_STATS_CLASH_RESOLVE,
			    htonl(st->clash_resolve)) ||
	       nla_put_be32(skb, CTA_STATS_CHAIN_TOOLONG, 0);
}

/* conntrack -S: one message per CPU, cb->args[0] the next CPU. */
static int kct_nl_dump_cpu(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct kct_net *kn = kct_pernet(sock_net(skb->sk));
	struct nlmsghdr *nlh;
	int cpu;

	for (cpu = cb->args[0]; cpu < nr_cpu_ids; cpu++) {
		if (!cpu_possible(cpu))
			continue;
		nlh = nfnl_msg_put(skb, NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq,
				   nfnl_msg_type(NFNL_SUBSYS_CTNETLINK,
						 IPCTNL_MSG_CT_GET_STATS_CPU),
				   NLM_F_MULTI, AF_UNSPEC, NFNETLINK_V0,
				   htons(cpu));
		if (!nlh)
			break;
		if (kct_nl_put_cpu(skb, per_cpu_ptr(kn->stat, cpu))) {
			nlmsg_cancel(skb, nlh);
			break;
		}
		nlmsg_end(skb, nlh);
	}
	cb->args[0] = cpu;
	return skb->len;
}

static int kct_nl_get_cpu(struct sk_buff *skb, const struct nfnl_info *info,
			  const struct nlattr * const cda[])
{
	struct netlink_dump_control c = { .dump = kct_nl_dump_cpu };

	if (!(info->nlh->nlmsg_flags & NLM_F_DUMP))
		return -EOPNOTSUPP;
	return netlink_dump_start(info->sk, skb, info->nlh, &c);
}

#define KCT_NL_CB(fn) { .call = fn, .type = NFNL_CB_MUTEX, \
			.attr_count = CTA_MAX, .policy = kct_nl_ct_policy }

static const struct nfnl_callback kct_nl_ct_cb[IPCTNL_MSG_MAX] = {
	[IPCTNL_MSG_CT_NEW]		= KCT_NL_CB(kct_nl_new),
	[IPCTNL_MSG_CT_GET]		= KCT_NL_CB(kct_nl_get),
	[IPCTNL_MSG_CT_DELETE]		= KCT_NL_CB(kct_nl_delete),
	/* kct keeps no per-connection counters: nothing to zero. */
	[IPCTNL_MSG_CT_GET_CTRZERO]	= KCT_NL_CB(kct_nl_get),
	[IPCTNL_MSG_CT_GET_STATS_CPU]	= KCT_NL_CB(kct_nl_get_cpu),
	[IPCTNL_MSG_CT_GET_STATS]	= KCT_NL_CB(kct_nl_get_stats),
};

static const struct nfnetlink_subsystem kct_nl_ct_subsys = {
	.name = "kct_conntrack",
	.subsys_id = NFNL_SUBSYS_CTNETLINK,
	.cb_count = IPCTNL_MSG_MAX,
	.cb = kct_nl_ct_cb,
	.owner = THIS_MODULE,
};

int kct_netlink_init(void)
{
	int err;

	err = nfnetlink_subsys_register(&kct_nl_ct_subsys);
	if (!err) {
		err = nfnetlink_subsys_register(&kct_nl_exp_subsys);
		if (err)
			nfnetlink_subsys_unregister(&kct_nl_ct_subsys);
	}
	if (err == -EBUSY) {
		pr_warn("kct: ctnetlink is taken (nf_conntrack_netlink loaded): the conntrack command will not see kct; unload nf_conntrack_netlink before kct to use it\n");
		return 0;
	}
	if (err)
		return err;
	err = kct_nl_event_init();
	if (!err) {
		err = kct_nl_notifier_init();
		if (err)
			kct_nl_event_exit();
	}
	if (err) {
		nfnetlink_subsys_unregister(&kct_nl_exp_subsys);
		nfnetlink_subsys_unregister(&kct_nl_ct_subsys);
		return err;
	}
	kct_nl_glue_init();
	kct_netlink_active = true;
	return 0;
}

void kct_netlink_exit(void)
{
	if (!kct_netlink_active)
		return;
	kct_netlink_active = false;
	kct_nl_glue_exit();
	kct_nl_notifier_exit();
	/* No event is sent once this returns. */
	kct_nl_event_exit();
	nfnetlink_subsys_unregister(&kct_nl_exp_subsys);
	nfnetlink_subsys_unregister(&kct_nl_ct_subsys);
}
