// SPDX-License-Identifier: GPL-2.0
/*
 * One connection as a ctnetlink message, with the attributes stock
 * gives: both tuples, status, timeout (seconds left), TCP state with
 * window scales and flags, helper name, mark, id and, in answers, use.
 * Dumps, GET answers and events (@portid 0) all come from here.
 */
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include "kct_netlink.h"
#include "kct_conn.h"
#include "kct_proto_sctp.h"

static int kct_nl_put_tcp(struct sk_buff *skb, struct nf_conn *ct,
			  bool destroy)
{
	struct kct_tcp_conn *tc = &kct_proto_data(ct)->tcp;
	struct nf_ct_tcp_flags flags[2] = {};
	struct nlattr *info, *tcp;
	u8 state, scale[2];

	/* One consistent picture of the state the tracker writes. */
	spin_lock_bh(&ct->lock);
	state = tc->state;
	scale[0] = tc->seen[0].td_scale;
	scale[1] = tc->seen[1].td_scale;
	flags[0].flags = tc->seen[0].flags;
	flags[1].flags = tc->seen[1].flags;
	spin_unlock_bh(&ct->lock);

	info = nla_nest_start(skb, CTA_PROTOINFO);
	if (!info)
		return -EMSGSIZE;
	tcp = nla_nest_start(skb, CTA_PROTOINFO_TCP);
	if (!tcp || nla_put_u8(skb, CTA_PROTOINFO_TCP_STATE, state))
		return -EMSGSIZE;
	/* A destroyed connection says only its last state, as stock. */
	if (!destroy &&
	    (nla_put_u8(skb, CTA_PROTOINFO_TCP_WSCALE_ORIGINAL, scale[0]) ||
	     nla_put_u8(skb, CTA_PROTOINFO_TCP_WSCALE_REPLY, scale[1]) ||
	     nla_put(skb, CTA_PROTOINFO_TCP_FLAGS_ORIGINAL, sizeof(flags[0]),
		     &flags[0]) ||
	     nla_put(skb, CTA_PROTOINFO_TCP_FLAGS_REPLY, sizeof(flags[1]),
		     &flags[1])))
		return -EMSGSIZE;
	nla_nest_end(skb, tcp);
	nla_nest_end(skb, info);
	return 0;
}

static long kct_nl_seconds_left(const struct nf_conn *ct)
{
	return nf_ct_is_confirmed(ct) ? (long)(nf_ct_expires(ct) / HZ) :
	       (long)(READ_ONCE(ct->timeout) / HZ);
}

/*
 * The name of the helper assigned to @ct (conntrack's "helper=ftp"),
 * whichever module registered it, as stock names it.  A helper module
 * going away clears the pointer and waits for RCU readers, so the name
 * is read inside one.
 */
static int kct_nl_put_helper(struct sk_buff *skb, const struct nf_conn *ct)
{
	const struct nf_conn_help *help = nfct_help(ct);
	const struct nf_conntrack_helper *helper;
	struct nlattr *nest;
	int err = 0;

	if (!help)
		return 0;
	rcu_read_lock();
	helper = rcu_dereference(help->helper);
	if (helper) {
		nest = nla_nest_start(skb, CTA_HELP);
		if (!nest || nla_put_string(skb, CTA_HELP_NAME, helper->name))
			err = -EMSGSIZE;
		else
			nla_nest_end(skb, nest);
	}
	rcu_read_unlock();
	return err;
}

/*
 * Append @ct as message @msg of the conntrack subsystem.  @destroy builds
 * a DESTROY event: no timeout when none is left, TCP state only, no
 * helper (stock names it in dumps, answers, NEW and UPDATE events).
 */
int kct_nl_fill_conn(struct sk_buff *skb, u32 portid, u32 seq, u16 msg,
		     unsigned int flags, struct nf_conn *ct, bool destroy)
{
	u32 mark = READ_ONCE(ct->mark);
	long left = kct_nl_seconds_left(ct);
	struct nlmsghdr *nlh;

	nlh = nfnl_msg_put(skb, portid, seq,
			   nfnl_msg_type(NFNL_SUBSYS_CTNETLINK, msg), flags,
			   nf_ct_l3num(ct), NFNETLINK_V0, 0);
	if (!nlh)
		return -EMSGSIZE;
	if (kct_nl_put_tuple(skb, CTA_TUPLE_ORIG,
			     &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple) ||
	    kct_nl_put_tuple(skb, CTA_TUPLE_REPLY,
			     &ct->tuplehash[IP_CT_DIR_REPLY].tuple))
		goto cancel;
	/* Only the low 32 bits are uapi; kct's own bit stays inside. */
	if (nla_put_be32(skb, CTA_STATUS, htonl((u32)READ_ONCE(ct->status))))
		goto cancel;
	if ((!destroy || left > 0) &&
	    nla_put_be32(skb, CTA_TIMEOUT, htonl(max(left, 0L))))
		goto cancel;
	if (nf_ct_protonum(ct) == IPPROTO_TCP &&
	    kct_nl_put_tcp(skb, ct, destroy))
		goto cancel;
	if (nf_ct_protonum(ct) == IPPROTO_SCTP &&
	    kct_sctp_to_nlattr(skb, ct, destroy))
		goto cancel;
	if (!destroy && kct_nl_put_helper(skb, ct))
		goto cancel;
	/* Answers always carry the mark, events only when it is set. */
	if ((portid || mark) && nla_put_be32(skb, CTA_MARK, htonl(mark)))
		goto cancel;
	if (nla_put_be32(skb, CTA_ID, htonl(nf_ct_get_id(ct))))
		goto cancel;
	/*
	 * Answers only.  A dump holds one reference while it builds a
	 * message, which stock's dump (under the bucket lock) does not
	 * count; a GET answer counts its lookup's, as stock's does.
	 */
	if (portid &&
	    nla_put_be32(skb, CTA_USE,
			 htonl(refcount_read(&ct->ct_general.use) -
			       !!(flags & NLM_F_MULTI))))
		goto cancel;
	nlmsg_end(skb, nlh);
	return 0;

cancel:
	nlmsg_cancel(skb, nlh);
	return -EMSGSIZE;
}

/* Room for the largest message kct_nl_fill_conn() builds. */
size_t kct_nl_conn_size(void)
{
	size_t tuple = nla_total_size(0) +			/* nest */
		       nla_total_size(0) +			/* IP */
		       2 * nla_total_size(sizeof(struct in6_addr)) +
		       nla_total_size(0) +			/* PROTO */
		       nla_total_size(sizeof(u8)) +
		       2 * nla_total_size(sizeof(u16)) +
		       nla_total_size(sizeof(u8));

	return NLMSG_ALIGN(sizeof(struct nfgenmsg)) +
	       2 * tuple +
	       4 * nla_total_size(sizeof(u32)) +	/* status..id */
	       nla_total_size(sizeof(u32)) +		/* use */
	       2 * nla_total_size(0) +			/* protoinfo */
	       3 * nla_total_size(sizeof(u8)) +
	       2 * nla_total_size(sizeof(struct nf_ct_tcp_flags)) +
	       nla_total_size(0) +			/* help */
	       nla_total_size(NF_CT_HELPER_NAME_LEN);	/* its name */
}

static const struct nla_policy kct_nl_protoinfo_policy[CTA_PROTOINFO_MAX + 1] = {
	[CTA_PROTOINFO_TCP]	= { .type = NLA_NESTED },
	[CTA_PROTOINFO_SCTP]	= { .type = NLA_NESTED },
};

static const struct nla_policy kct_nl_tcp_policy[CTA_PROTOINFO_TCP_MAX + 1] = {
	[CTA_PROTOINFO_TCP_STATE] = NLA_POLICY_MAX(NLA_U8, KCT_TCP_SYN_SENT2),
	[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL] =
		NLA_POLICY_MAX(NLA_U8, KCT_TCP_MAX_WSCALE),
	[CTA_PROTOINFO_TCP_WSCALE_REPLY] =
		NLA_POLICY_MAX(NLA_U8, KCT_TCP_MAX_WSCALE),
	[CTA_PROTOINFO_TCP_FLAGS_ORIGINAL] =
		NLA_POLICY_EXACT_LEN(sizeof(struct nf_ct_tcp_flags)),
	[CTA_PROTOINFO_TCP_FLAGS_REPLY] =
		NLA_POLICY_EXACT_LEN(sizeof(struct nf_ct_tcp_flags)),
};

/* The side flags a request may change: what conntrack -U sends. */
#define KCT_NL_TCP_FLAGS_SETTABLE (KCT_TCP_SIDE_SACK | KCT_TCP_SIDE_LIBERAL)

/*
 * Check a CTA_PROTOINFO of an update against @ct.  Other protocols have
 * nothing to change, as with stock.  kct does not let a request move the
 * TCP state machine or its window scales; the SACK and liberal flags of
 * each side it does change, as stock does.
 */
int kct_nl_tcp_parse(const struct nlattr *attr, struct nf_conn *ct,
		     struct kct_nl_tcp_change *c)
{
	static const int flag_attr[2] = { CTA_PROTOINFO_TCP_FLAGS_ORIGINAL,
					  CTA_PROTOINFO_TCP_FLAGS_REPLY };
	static const int scale_attr[2] = { CTA_PROTOINFO_TCP_WSCALE_ORIGINAL,
					   CTA_PROTOINFO_TCP_WSCALE_REPLY };
	struct kct_tcp_conn *tc = &kct_proto_data(ct)->tcp;
	struct nlattr *pi[CTA_PROTOINFO_MAX + 1];
	struct nlattr *tb[CTA_PROTOINFO_TCP_MAX + 1];
	int err, dir;

	memset(c, 0, sizeof(*c));
	err = nla_parse_nested(pi, CTA_PROTOINFO_MAX, attr,
			       kct_nl_protoinfo_policy, NULL);
	if (err)
		return err;
	if (nf_ct_protonum(ct) != IPPROTO_TCP || !pi[CTA_PROTOINFO_TCP])
		return 0;
	err = nla_parse_nested(tb, CTA_PROTOINFO_TCP_MAX, pi[CTA_PROTOINFO_TCP],
			       kct_nl_tcp_policy, NULL);
	if (err)
		return err;
	if (tb[CTA_PROTOINFO_TCP_STATE] &&
	    nla_get_u8(tb[CTA_PROTOINFO_TCP_STATE]) != READ_ONCE(tc->state))
		return -EOPNOTSUPP;
	for (dir = 0; dir < 2; dir++) {
		if (tb[scale_attr[dir]] &&
		    nla_get_u8(tb[scale_attr[dir]]) !=
		    READ_ONCE(tc->seen[dir].td_scale))
			return -EOPNOTSUPP;
		if (!tb[flag_attr[dir]])
			continue;
		memcpy(&c->flags[dir], nla_data(tb[flag_attr[dir]]),
		       sizeof(c->flags[dir]));
		if (c->flags[dir].mask & ~KCT_NL_TCP_FLAGS_SETTABLE)
			return -EOPNOTSUPP;
		c->set[dir] = true;
	}
	return 0;
}

void kct_nl_tcp_apply(struct nf_conn *ct, const struct kct_nl_tcp_change *c)
{
	struct kct_tcp_conn *tc = &kct_proto_data(ct)->tcp;
	int dir;

	spin_lock_bh(&ct->lock);
	for (dir = 0; dir < 2; dir++)
		if (c->set[dir])
			tc->seen[dir].flags =
				(tc->seen[dir].flags & ~c->flags[dir].mask) |
				(c->flags[dir].flags & c->flags[dir].mask);
	spin_unlock_bh(&ct->lock);
}
