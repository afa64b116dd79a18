// SPDX-License-Identifier: GPL-2.0
/*
 * ctnetlink's expectation subsystem for kct: conntrack -L expect, -G
 * expect, -D expect, -F expect, and -I expect (conntrackd's commit of
 * its peer's expectations), which makes one on a connection kct's
 * helper serves as stock's ctnetlink does; the message of each
 * expectation, for dumps and for events (kct_netlink_event.c).
 */
#include <linux/siphash.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include "kct_netlink_exp.h"
#include "kct_netlink_tuple.h"
#include "kct_event.h"
#include "kct_expect.h"
#include "kct_helper.h"
#include "kct_table.h"

static const struct nla_policy kct_nl_exp_policy[CTA_EXPECT_MAX + 1] = {
	[CTA_EXPECT_MASTER]	= { .type = NLA_NESTED },
	[CTA_EXPECT_TUPLE]	= { .type = NLA_NESTED },
	[CTA_EXPECT_MASK]	= { .type = NLA_NESTED },
	[CTA_EXPECT_TIMEOUT]	= { .type = NLA_U32 },
	[CTA_EXPECT_ID]		= { .type = NLA_U32 },
	[CTA_EXPECT_HELP_NAME]	= { .type = NLA_NUL_STRING,
				    .len = NF_CT_HELPER_NAME_LEN - 1 },
	[CTA_EXPECT_ZONE]	= { .type = NLA_U16 },
	[CTA_EXPECT_FLAGS]	= { .type = NLA_U32 },
	[CTA_EXPECT_CLASS]	= { .type = NLA_U32 },
	[CTA_EXPECT_NAT]	= { .type = NLA_NESTED },
	[CTA_EXPECT_FN]		= { .type = NLA_NUL_STRING },
};

static siphash_key_t kct_exp_id_key __read_mostly;

/* A stable id that does not reveal the kernel address. */
static u32 kct_exp_id(const struct kct_expect *exp)
{
	net_get_random_once(&kct_exp_id_key, sizeof(kct_exp_id_key));
	return (u32)siphash_1u64((u64)(unsigned long)exp, &kct_exp_id_key);
}

/* Stock's mask tuple: the expectation's masks, all ones elsewhere. */
static void kct_exp_mask_tuple(const struct kct_expect *exp,
			       struct nf_conntrack_tuple *m)
{
	memset(m, 0xff, sizeof(*m));
	m->src.u3 = exp->mask.src.u3;
	m->src.u.all = exp->mask.src.u.all;
	m->src.l3num = exp->tuple.src.l3num;
	m->dst.protonum = exp->tuple.dst.protonum;
}

/*
 * An expectation that NAT's helper part maps (kct_nat_ftp): as stock
 * with nf_nat_ftp, the direction and port the data connection is mapped
 * to, and the name stock gives that mapping function.
 */
static int kct_exp_put_nat(struct sk_buff *skb, const struct kct_expect *exp)
{
	struct nf_conntrack_tuple nat = {};
	struct nlattr *nest;

	if (!exp->saved_proto.all && ipv6_addr_any(&exp->saved_addr.in6))
		return 0;
	nat.src.l3num = exp->tuple.src.l3num;
	nat.dst.protonum = exp->tuple.dst.protonum;
	nat.src.u3 = exp->saved_addr;
	nat.src.u = exp->saved_proto;
	nest = nla_nest_start(skb, CTA_EXPECT_NAT);
	if (!nest || nla_put_be32(skb, CTA_EXPECT_NAT_DIR, htonl(exp->dir)) ||
	    kct_nl_put_tuple(skb, CTA_EXPECT_NAT_TUPLE, &nat))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The name of the function @exp calls on its connection, if any. */
static int kct_exp_put_fn(struct sk_buff *skb, const struct kct_expect *exp)
{
	const char *name;
	int err = 0;

	if (!exp->expectfn)
		return 0;
	rcu_read_lock();
	name = kct_expectfn_name(exp->expectfn);
	if (name)
		err = nla_put_string(skb, CTA_EXPECT_FN, name);
	rcu_read_unlock();
	return err;
}

/* @exp's message of @type (IPCTNL_MSG_EXP_*), with a reference or lock. */
int kct_nl_exp_fill(struct sk_buff *skb, u32 portid, u32 seq, u16 type,
		    unsigned int flags, struct kct_expect *exp)
{
	s32 left = (s32)(READ_ONCE(exp->timeout) - nfct_time_stamp) / HZ;
	struct nf_conntrack_tuple mask;
	struct nlmsghdr *nlh;

	nlh = nfnl_msg_put(skb, portid, seq,
			   nfnl_msg_type(NFNL_SUBSYS_CTNETLINK_EXP, type),
			   flags, exp->tuple.src.l3num, NFNETLINK_V0, 0);
	if (!nlh)
		return -EMSGSIZE;
	kct_exp_mask_tuple(exp, &mask);
	if (kct_nl_put_tuple(skb, CTA_EXPECT_TUPLE, &exp->tuple) ||
	    kct_nl_put_tuple(skb, CTA_EXPECT_MASK, &mask) ||
	    kct_nl_put_tuple(skb, CTA_EXPECT_MASTER,
			     &exp->master->tuplehash[IP_CT_DIR_ORIGINAL].tuple) ||
	    kct_exp_put_nat(skb, exp) ||
	    nla_put_be32(skb, CTA_EXPECT_TIMEOUT, htonl(max(left, 0))) ||
	    nla_put_be32(skb, CTA_EXPECT_ID, htonl(kct_exp_id(exp))) ||
	    nla_put_be32(skb, CTA_EXPECT_FLAGS,
			 htonl(exp->flags & NF_CT_EXPECT_MASK)) ||
	    nla_put_be32(skb, CTA_EXPECT_CLASS, htonl(exp->class)) ||
	    (exp->helper &&
	     nla_put_string(skb, CTA_EXPECT_HELP_NAME, exp->helper->stock.name)) ||
	    kct_exp_put_fn(skb, exp)) {
		nlmsg_cancel(skb, nlh);
		return -EMSGSIZE;
	}
	nlmsg_end(skb, nlh);
	return 0;
}

/* What a GET or DELETE names, and the dump's family and socket. */
struct kct_exp_sel {
	struct net *net;
	struct sk_buff *skb;
	u32 portid, seq;
	u8 family;
	bool by_tuple, by_master, by_id;
	struct nf_conntrack_tuple t;
	struct nf_conntrack_zone zone;	/* of the tuple or master */
	u32 id;
	const char *helper;
};

static bool kct_exp_selected(struct kct_expect *exp, const void *arg)
{
	const struct kct_exp_sel *s = arg;

	if (!net_eq(exp->net, s->net))
		return false;
	if (s->by_tuple && !kct_expect_matches(exp, &s->t))
		return false;
	if (s->by_master &&
	    !nf_ct_tuple_equal(&exp->master->tuplehash[IP_CT_DIR_ORIGINAL].tuple,
			       &s->t))
		return false;
	if ((s->by_tuple || s->by_master) &&
	    !nf_ct_zone_equal_any(exp->master, &s->zone))
		return false;
	if (s->by_id && kct_exp_id(exp) != s->id)
		return false;
	if (s->helper &&
	    (!exp->helper || strcmp(exp->helper->stock.name, s->helper)))
		return false;
	return true;
}

static int kct_exp_parse_sel(const struct nfnl_info *info,
			     const struct nlattr * const cda[],
			     struct kct_exp_sel *s)
{
	int err = 0;

	memset(s, 0, sizeof(*s));
	s->net = info->net;
	s->family = info->nfmsg->nfgen_family;
	kct_nl_parse_zone(cda[CTA_EXPECT_ZONE], NULL, 0, &s->zone);
	if (cda[CTA_EXPECT_TUPLE]) {
		s->by_tuple = true;
		err = kct_nl_parse_tuple(cda[CTA_EXPECT_TUPLE], s->family,
					 &s->t, NULL);
	} else if (cda[CTA_EXPECT_MASTER]) {
		s->by_master = true;
		err = kct_nl_parse_tuple(cda[CTA_EXPECT_MASTER], s->family,
					 &s->t, NULL);
	}
	if (cda[CTA_EXPECT_ID]) {
		s->by_id = true;
		s->id = ntohl(nla_get_be32(cda[CTA_EXPECT_ID]));
	}
	return err;
}

/* Under RCU, with a reference so that the master stays put. */
static int kct_exp_dump_one(struct kct_expect *exp, void *arg)
{
	struct kct_exp_sel *s = arg;
	int err = 0;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "expectation walk outside RCU");
	if (s->family && exp->tuple.src.l3num != s->family)
		return 0;
	if (!refcount_inc_not_zero(&exp->use))
		return 0;
	err = kct_nl_exp_fill(s->skb, s->portid, s->seq, IPCTNL_MSG_EXP_NEW,
			      NLM_F_MULTI, exp);
	kct_expect_put(exp);
	return err;
}

static int kct_exp_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct nfgenmsg *nfmsg = nlmsg_data(cb->nlh);
	struct kct_exp_sel s = {
		.skb = skb,
		.portid = NETLINK_CB(cb->skb).portid,
		.seq = cb->nlh->nlmsg_seq,
		.family = nfmsg->nfgen_family,
	};
	unsigned long pos = cb->args[0];

	kct_expect_walk(sock_net(skb->sk), &pos, kct_exp_dump_one, &s);
	cb->args[0] = pos;
	return skb->len;
}

static int kct_exp_get_one(struct kct_expect *exp, void *arg)
{
	struct kct_exp_sel *s = arg;
	int err;

	if (!kct_exp_selected(exp, s) || !refcount_inc_not_zero(&exp->use))
		return 0;
	err = kct_nl_exp_fill(s->skb, s->portid, s->seq, IPCTNL_MSG_EXP_NEW, 0,
			      exp);
	kct_expect_put(exp);
	/* Stop at the first one either way; a full skb is an error. */
	return err ? err : 1;
}

static int kct_exp_get(struct sk_buff *skb, const struct nfnl_info *info,
		       const struct nlattr * const cda[])
{
	struct kct_exp_sel s;
	unsigned long pos = 0;
	int err;

	if (info->nlh->nlmsg_flags & NLM_F_DUMP) {
		struct netlink_dump_control c = { .dump = kct_exp_dump };

		return netlink_dump_start(info->sk, skb, info->nlh, &c);
	}
	err = kct_exp_parse_sel(info, cda, &s);
	if (err)
		return err;
	if (!s.by_tuple && !s.by_master)
		return -EINVAL;
	s.skb = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!s.skb)
		return -ENOMEM;
	s.portid = NETLINK_CB(skb).portid;
	s.seq = info->nlh->nlmsg_seq;
	kct_expect_walk(info->net, &pos, kct_exp_get_one, &s);
	if (!s.skb->len) {
		kfree_skb(s.skb);
		return -ENOENT;
	}
	return nfnetlink_unicast(s.skb, info->net, s.portid);
}

static int kct_exp_delete(struct sk_buff *skb, const struct nfnl_info *info,
			  const struct nlattr * const cda[])
{
	const struct kct_event_req req = {
		.portid = NETLINK_CB(skb).portid,
		.report = nlmsg_report(info->nlh),
	};
	struct kct_exp_sel s;
	int err;

	err = kct_exp_parse_sel(info, cda, &s);
	if (err)
		return err;
	if (s.by_master)
		return -EINVAL;
	if (!s.by_tuple && cda[CTA_EXPECT_HELP_NAME])
		s.helper = nla_data(cda[CTA_EXPECT_HELP_NAME]);
	/* Neither tuple nor helper: flush the namespace, all families. */
	if (!kct_expect_remove_if(info->net, kct_exp_selected, &s, &req) &&
	    s.by_tuple)
		return -ENOENT;
	return 0;
}

static const struct nla_policy kct_nl_exp_nat_policy[CTA_EXPECT_NAT_MAX + 1] = {
	[CTA_EXPECT_NAT_DIR]	= { .type = NLA_U32 },
	[CTA_EXPECT_NAT_TUPLE]	= { .type = NLA_NESTED },
};

/*
 * CTA_EXPECT_NAT: the master's direction the expected connection comes
 * along, and the address and port it is mapped to (its source part).
 */
static int kct_exp_parse_nat(const struct nlattr *attr, u8 family,
			     struct kct_expect *exp)
{
	struct nlattr *tb[CTA_EXPECT_NAT_MAX + 1];
	struct nf_conntrack_tuple nat;
	u32 dir;
	int err;

	err = nla_parse_nested_deprecated(tb, CTA_EXPECT_NAT_MAX, attr,
					  kct_nl_exp_nat_policy, NULL);
	if (err)
		return err;
	if (!tb[CTA_EXPECT_NAT_DIR] || !tb[CTA_EXPECT_NAT_TUPLE])
		return -EINVAL;
	/* Stock takes any number; only two mean a direction. */
	dir = ntohl(nla_get_be32(tb[CTA_EXPECT_NAT_DIR]));
	if (dir > IP_CT_DIR_REPLY)
		return -EINVAL;
	err = kct_nl_parse_tuple(tb[CTA_EXPECT_NAT_TUPLE], family, &nat, NULL);
	if (err)
		return err;
	exp->saved_addr = nat.src.u3;
	exp->saved_proto = nat.src.u;
	exp->dir = dir;
	return 0;
}

/*
 * A new expectation from a request, as stock's: on the master the
 * request names (either direction's tuple, in the request's zone), for
 * the master's helper, which must be one of kct's (EOPNOTSUPP if it has
 * none; a helper name in the request is not read); of a class the
 * helper has (EINVAL); expiring after the helper's timeout, not the
 * request's, as stock's.  The NAT of the expected connection, as a NAT
 * helper left it on the expectation conntrackd synced: the function to
 * call on it by name (CTA_EXPECT_FN, EINVAL if none has that name) and
 * what that function reads (CTA_EXPECT_NAT).  Everything is checked
 * before the expectation is listed.
 */
static int kct_exp_create(const struct nfnl_info *info,
			  const struct nlattr * const cda[],
			  const struct nf_conntrack_zone *zone,
			  const struct nf_conntrack_tuple *tuple,
			  const struct kct_event_req *req)
{
	u8 family = info->nfmsg->nfgen_family;
	const struct kct_expectfn *fn = NULL;
	struct nf_conntrack_tuple mask, mt;
	struct nf_conntrack_tuple_hash *h;
	const struct kct_helper *helper;
	struct kct_expect *exp;
	struct nf_conn *master;
	int err;

	err = kct_nl_parse_tuple(cda[CTA_EXPECT_MASK], family, &mask, NULL);
	if (err)
		return err;
	err = kct_nl_parse_tuple(cda[CTA_EXPECT_MASTER], family, &mt, NULL);
	if (err)
		return err;
	h = kct_table_lookup(kct_pernet(info->net), zone, &mt);
	if (!h)
		return -ENOENT;
	master = nf_ct_tuplehash_to_ctrack(h);

	rcu_read_lock();
	helper = kct_helper_of(master);
	if (!helper) {
		err = -EOPNOTSUPP;
		goto out;
	}
	if (cda[CTA_EXPECT_CLASS] &&
	    ntohl(nla_get_be32(cda[CTA_EXPECT_CLASS])) >
	    helper->stock.expect_class_max) {
		err = -EINVAL;
		goto out;
	}
	if (cda[CTA_EXPECT_FN]) {
		fn = kct_expectfn_by_name(nla_data(cda[CTA_EXPECT_FN]));
		if (!fn) {
			err = -EINVAL;
			goto out;
		}
	}
	exp = kct_expect_alloc(master);
	if (!exp) {
		err = -ENOMEM;
		goto out;
	}
	if (cda[CTA_EXPECT_NAT]) {
		err = kct_exp_parse_nat(cda[CTA_EXPECT_NAT], family, exp);
		if (err) {
			kct_expect_put(exp);
			goto out;
		}
	}
	exp->expectfn = fn ? fn->fn : NULL;
	exp->helper = helper;
	if (cda[CTA_EXPECT_CLASS])
		exp->class = ntohl(nla_get_be32(cda[CTA_EXPECT_CLASS]));
	/* USERSPACE is stock's mark of a userspace helper's, not a request's. */
	if (cda[CTA_EXPECT_FLAGS])
		exp->flags = ntohl(nla_get_be32(cda[CTA_EXPECT_FLAGS])) &
			     ~NF_CT_EXPECT_USERSPACE;
	exp->tuple = *tuple;
	exp->mask.src.u3 = mask.src.u3;
	exp->mask.src.u.all = mask.src.u.all;
	err = kct_expect_related_report(exp, req);
	kct_expect_put(exp);
out:
	rcu_read_unlock();
	nf_ct_put(master);
	return err;
}

/*
 * conntrack -I expect: an expectation that would take the request's
 * tuple exists already (EEXIST with NLM_F_EXCL, else its countdown is
 * set to CTA_EXPECT_TIMEOUT); otherwise, with NLM_F_CREATE, a new one.
 */
static int kct_exp_new(struct sk_buff *skb, const struct nfnl_info *info,
		       const struct nlattr * const cda[])
{
	const struct kct_event_req req = {
		.portid = NETLINK_CB(skb).portid,
		.report = nlmsg_report(info->nlh),
	};
	u16 nl_flags = info->nlh->nlmsg_flags;
	struct nf_conntrack_tuple tuple;
	struct nf_conntrack_zone zone;
	u32 secs, *retime = NULL;
	int err;

	if (!cda[CTA_EXPECT_TUPLE] || !cda[CTA_EXPECT_MASK] ||
	    !cda[CTA_EXPECT_MASTER])
		return -EINVAL;
	err = kct_nl_parse_zone(cda[CTA_EXPECT_ZONE], NULL, 0, &zone);
	if (err)
		return err;
	err = kct_nl_parse_tuple(cda[CTA_EXPECT_TUPLE],
				 info->nfmsg->nfgen_family, &tuple, NULL);
	if (err)
		return err;
	if (!(nl_flags & NLM_F_EXCL) && cda[CTA_EXPECT_TIMEOUT]) {
		secs = ntohl(nla_get_be32(cda[CTA_EXPECT_TIMEOUT]));
		retime = &secs;
	}
	if (kct_expect_retime(info->net, &zone, &tuple, retime))
		return nl_flags & NLM_F_EXCL ? -EEXIST : 0;
	if (!(nl_flags & NLM_F_CREATE))
		return -ENOENT;
	return kct_exp_create(info, cda, &zone, &tuple, &req);
}

#define KCT_NL_EXP_CB(fn) { .call = fn, .type = NFNL_CB_MUTEX, \
			    .attr_count = CTA_EXPECT_MAX, \
			    .policy = kct_nl_exp_policy }

static const struct nfnl_callback kct_nl_exp_cb[IPCTNL_MSG_EXP_MAX] = {
	[IPCTNL_MSG_EXP_NEW]	= KCT_NL_EXP_CB(kct_exp_new),
	[IPCTNL_MSG_EXP_GET]	= KCT_NL_EXP_CB(kct_exp_get),
	[IPCTNL_MSG_EXP_DELETE]	= KCT_NL_EXP_CB(kct_exp_delete),
};

const struct nfnetlink_subsystem kct_nl_exp_subsys = {
	.name = "kct_expect",
	.subsys_id = NFNL_SUBSYS_CTNETLINK_EXP,
	.cb_count = IPCTNL_MSG_EXP_MAX,
	.cb = kct_nl_exp_cb,
	.owner = THIS_MODULE,
};
