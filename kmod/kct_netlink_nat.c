// SPDX-License-Identifier: GPL-2.0
/*
 * ctnetlink's attributes for what NAT and SYNPROXY keep on a connection:
 * the mapping of a connection being created (CTA_NAT_SRC, CTA_NAT_DST:
 * conntrack -I --src-nat/--dst-nat, conntrackd committing a NATed
 * connection its peer made), the TCP sequence adjustment a NAT helper or
 * SYNPROXY set up (CTA_SEQ_ADJ_*), and SYNPROXY's own state.
 *
 * The mapping is set up by nf_nat itself, through the parser it offers
 * ctnetlink (nf_nat_hook->parse_nat_setup), so the reply tuple, the NAT
 * status bits and nf_nat's by-source table end up as a packet's NAT
 * would have left them, and nf_nat's uniqueness search asks kct's table
 * (kct_stock_query.c).  As stock: a request naming one direction gets
 * nf_nat's null binding for the other, and without nf_nat loaded, it is
 * loaded and the request replayed.
 *
 * Locking: requests run under nfnetlink's ctnetlink mutex.  nf_nat's
 * parser runs under RCU: it reads nf_nat's by-source table.  Sequence
 * adjustment is written under ct->lock, where nf_nat's and SYNPROXY's
 * packet path read it.
 */
#include <linux/module.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <net/netfilter/nf_nat.h>
#include <net/netfilter/nf_conntrack_seqadj.h>
#include <net/netfilter/nf_conntrack_synproxy.h>
#include "kct_netlink_nat.h"

/*
 * nf_nat is not loaded: ask for it by stock's name ("nf-nat", which
 * Debian's nf_nat module does not answer to, so that, as on stock, the
 * answer is then EOPNOTSUPP) and, if it came, have nfnetlink replay the
 * request (-EAGAIN).  The mutex is dropped meanwhile; the reference
 * keeps kct's code (this caller's) from going away, and without one
 * (kct is being unloaded) nothing is loaded.
 */
static int kct_nl_load_nat(void)
{
	int err;

	if (!try_module_get(THIS_MODULE))
		return -EOPNOTSUPP;
	nfnl_unlock(NFNL_SUBSYS_CTNETLINK);
	err = request_module("nf-nat");
	nfnl_lock(NFNL_SUBSYS_CTNETLINK);
	module_put(THIS_MODULE);
	if (err < 0 || !rcu_access_pointer(nf_nat_hook))
		return -EOPNOTSUPP;
	return -EAGAIN;
}

int kct_nl_nat_setup(struct nf_conn *ct, const struct nlattr * const cda[])
{
	const struct nf_nat_hook *nat;
	int err;

	lockdep_assert(lockdep_nfnl_is_held(NFNL_SUBSYS_CTNETLINK));
	if (!cda[CTA_NAT_SRC] && !cda[CTA_NAT_DST])
		return 0;
	rcu_read_lock();
	nat = rcu_dereference(nf_nat_hook);
	if (!nat) {
		rcu_read_unlock();
		return kct_nl_load_nat();
	}
	/* Destination first, as a packet meets NAT (prerouting, then out). */
	err = nat->parse_nat_setup(ct, NF_NAT_MANIP_DST, cda[CTA_NAT_DST]);
	if (!err)
		err = nat->parse_nat_setup(ct, NF_NAT_MANIP_SRC,
					   cda[CTA_NAT_SRC]);
	rcu_read_unlock();
	return err;
}

static const struct nla_policy kct_nl_seqadj_policy[CTA_SEQADJ_MAX + 1] = {
	[CTA_SEQADJ_CORRECTION_POS]	= { .type = NLA_U32 },
	[CTA_SEQADJ_OFFSET_BEFORE]	= { .type = NLA_U32 },
	[CTA_SEQADJ_OFFSET_AFTER]	= { .type = NLA_U32 },
};

/* One direction's CTA_SEQ_ADJ_*: all three numbers, as stock requires. */
static int kct_nl_parse_seqadj(const struct nlattr *attr,
			       struct nf_ct_seqadj *seq)
{
	struct nlattr *tb[CTA_SEQADJ_MAX + 1];
	int err;

	err = nla_parse_nested_deprecated(tb, CTA_SEQADJ_MAX, attr,
					  kct_nl_seqadj_policy, NULL);
	if (err)
		return err;
	if (!tb[CTA_SEQADJ_CORRECTION_POS] || !tb[CTA_SEQADJ_OFFSET_BEFORE] ||
	    !tb[CTA_SEQADJ_OFFSET_AFTER])
		return -EINVAL;
	seq->correction_pos = ntohl(nla_get_be32(tb[CTA_SEQADJ_CORRECTION_POS]));
	seq->offset_before = ntohl(nla_get_be32(tb[CTA_SEQADJ_OFFSET_BEFORE]));
	seq->offset_after = ntohl(nla_get_be32(tb[CTA_SEQADJ_OFFSET_AFTER]));
	return 0;
}

int kct_nl_seqadj(const struct nlattr * const cda[], struct nf_conn *ct,
		  bool commit)
{
	static const int attr[IP_CT_DIR_MAX] = {
		[IP_CT_DIR_ORIGINAL] = CTA_SEQ_ADJ_ORIG,
		[IP_CT_DIR_REPLY] = CTA_SEQ_ADJ_REPLY,
	};
	struct nf_conn_seqadj *seqadj = nfct_seqadj(ct);
	struct nf_ct_seqadj seq[IP_CT_DIR_MAX];
	enum ip_conntrack_dir dir;
	int err;

	if (!seqadj || (!cda[CTA_SEQ_ADJ_ORIG] && !cda[CTA_SEQ_ADJ_REPLY]))
		return 0;
	for (dir = IP_CT_DIR_ORIGINAL; dir < IP_CT_DIR_MAX; dir++) {
		if (!cda[attr[dir]])
			continue;
		err = kct_nl_parse_seqadj(cda[attr[dir]], &seq[dir]);
		if (err)
			return err;
	}
	if (!commit)
		return 0;
	spin_lock_bh(&ct->lock);
	for (dir = IP_CT_DIR_ORIGINAL; dir < IP_CT_DIR_MAX; dir++)
		if (cda[attr[dir]])
			seqadj->seq[dir] = seq[dir];
	set_bit(IPS_SEQ_ADJUST_BIT, &ct->status);
	spin_unlock_bh(&ct->lock);
	return 0;
}

static const struct nla_policy kct_nl_synproxy_policy[CTA_SYNPROXY_MAX + 1] = {
	[CTA_SYNPROXY_ISN]	= { .type = NLA_U32 },
	[CTA_SYNPROXY_ITS]	= { .type = NLA_U32 },
	[CTA_SYNPROXY_TSOFF]	= { .type = NLA_U32 },
};

int kct_nl_synproxy(const struct nlattr *attr, struct nf_conn *ct,
		    bool commit)
{
	struct nf_conn_synproxy *synproxy = nfct_synproxy(ct);
	struct nlattr *tb[CTA_SYNPROXY_MAX + 1];
	int err;

	if (!synproxy)
		return 0;
	err = nla_parse_nested_deprecated(tb, CTA_SYNPROXY_MAX, attr,
					  kct_nl_synproxy_policy, NULL);
	if (err)
		return err;
	if (!tb[CTA_SYNPROXY_ISN] || !tb[CTA_SYNPROXY_ITS] ||
	    !tb[CTA_SYNPROXY_TSOFF])
		return -EINVAL;
	if (commit) {
		synproxy->isn = ntohl(nla_get_be32(tb[CTA_SYNPROXY_ISN]));
		synproxy->its = ntohl(nla_get_be32(tb[CTA_SYNPROXY_ITS]));
		synproxy->tsoff = ntohl(nla_get_be32(tb[CTA_SYNPROXY_TSOFF]));
	}
	return 0;
}
