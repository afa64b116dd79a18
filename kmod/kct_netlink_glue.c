// SPDX-License-Identifier: GPL-2.0
/*
 * What nfnetlink_queue and nfnetlink_log ask of ctnetlink about a
 * packet's connection (nfnl_ct_hook, which stock's nf_conntrack_netlink
 * provides while it is loaded): the connection's attributes beside the
 * packet, for a queue or log group set up with the conntrack flag
 * (NFQA_CT, NFULA_CT: what Suricata, ulogd and nf-queue read), and from
 * a queue's verdict, changes to the connection (NFQA_CT) and the
 * sequence adjustment after userspace changed a NATed TCP payload's
 * length.  kct provides it while it owns ctnetlink: both cannot be
 * loaded at once, and stock's fails to load before it touches the hook.
 *
 * The queue and log code call these under rcu_read_lock(), with the
 * packet holding its reference on the connection.
 */
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_seqadj.h>
#include "kct_netlink.h"
#include "kct_netlink_conn.h"
#include "kct_netlink_create.h"
#include "kct_netlink_glue.h"

static size_t kct_nl_glue_build_size(const struct nf_conn *ct)
{
	/* The message's room bounds the nest; and the packet's ctinfo. */
	return kct_nl_conn_size() + nla_total_size(sizeof(u32));
}

static int kct_nl_glue_build(struct sk_buff *skb, struct nf_conn *ct,
			     enum ip_conntrack_info ctinfo, u16 ct_attr,
			     u16 ct_info_attr)
{
	struct nlattr *nest;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "kct: glue outside RCU");
	nest = nla_nest_start(skb, ct_attr);
	if (!nest || kct_nl_put_conn_of_packet(skb, ct))
		return -ENOSPC;
	nla_nest_end(skb, nest);
	if (nla_put_be32(skb, ct_info_attr, htonl(ctinfo)))
		return -ENOSPC;
	return 0;
}

/*
 * A verdict's changes, checked whole before any is made.  Stock's rules
 * for a verdict are looser than conntrack -U's: status bits nobody may
 * change are ignored rather than refused (programs send back what they
 * read), and the changeable ones may be cleared as well as set; only
 * SEEN_REPLY and ASSURED cannot be taken away.
 */
static int kct_nl_glue_check(const struct nlattr * const cda[],
			     const struct nf_conn *ct)
{
	int err;

	if (cda[CTA_TIMEOUT] && test_bit(IPS_FIXED_TIMEOUT_BIT, &ct->status))
		return -EPERM;
	if (cda[CTA_STATUS]) {
		u32 want = ntohl(nla_get_be32(cda[CTA_STATUS]));
		u32 gone = (u32)READ_ONCE(ct->status) & ~want;

		if (gone & (IPS_SEEN_REPLY | IPS_ASSURED))
			return -EBUSY;
	}
	if (cda[CTA_HELP]) {
		err = kct_nl_check_helper(cda[CTA_HELP], ct);
		if (err)
			return err;
	}
	if (cda[CTA_LABELS])
		return kct_nl_check_labels(cda, ct);
	return 0;
}

static int kct_nl_glue_parse(const struct nlattr *attr, struct nf_conn *ct)
{
	struct nlattr *cda[CTA_MAX + 1];
	int err;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "kct: glue outside RCU");
	/* As stock: attributes a program sends back unasked are ignored. */
	err = nla_parse_nested_deprecated(cda, CTA_MAX, attr,
					  kct_nl_ct_policy, NULL);
	if (!err)
		err = kct_nl_glue_check((const struct nlattr * const *)cda, ct);
	if (err)
		return err;
	if (cda[CTA_STATUS]) {
		u32 want = ntohl(nla_get_be32(cda[CTA_STATUS]));

		__nf_ct_change_status(ct, want, ~want);
	}
	kct_nl_set_conn((const struct nlattr * const *)cda, ct);
	return 0;
}

/*
 * Expectations from a verdict (NFQA_EXP) are not made yet: the queue
 * ignores the answer, as it ignores stock's.
 */
static int kct_nl_glue_attach_expect(const struct nlattr *attr,
				     struct nf_conn *ct, u32 portid, u32 report)
{
	return -EOPNOTSUPP;
}

/* Userspace changed a queued TCP payload's length by @off bytes. */
static void kct_nl_glue_seqadj(struct sk_buff *skb, struct nf_conn *ct,
			       enum ip_conntrack_info ctinfo, s32 off)
{
	/* As stock: only NAT keeps the sequence adjustment it needs. */
	if (ct->status & IPS_NAT_MASK)
		nf_ct_tcp_seqadj_set(skb, ct, ctinfo, off);
}

static const struct nfnl_ct_hook kct_nl_glue_hook = {
	.build_size	= kct_nl_glue_build_size,
	.build		= kct_nl_glue_build,
	.parse		= kct_nl_glue_parse,
	.attach_expect	= kct_nl_glue_attach_expect,
	.seq_adjust	= kct_nl_glue_seqadj,
};

void kct_nl_glue_init(void)
{
	/* Only stock's ctnetlink sets it, and it cannot load beside kct's. */
	if (!rcu_access_pointer(nfnl_ct_hook))
		rcu_assign_pointer(nfnl_ct_hook, &kct_nl_glue_hook);
}

void kct_nl_glue_exit(void)
{
	if (rcu_access_pointer(nfnl_ct_hook) != &kct_nl_glue_hook)
		return;
	RCU_INIT_POINTER(nfnl_ct_hook, NULL);
	/* Queue and log code still in a call finish before kct goes. */
	synchronize_rcu();
}
