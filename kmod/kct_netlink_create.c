// SPDX-License-Identifier: GPL-2.0
/*
 * ctnetlink's create (conntrack -I, conntrackd's commit): a connection
 * made whole from a request's attributes and put in the table through
 * the table's own insert, as a packet's connection is at confirm, with
 * the same counters and NEW event.
 *
 * The rules are stock's: both tuples, of one protocol, and a timeout
 * are required; status bits are set as stock sets them (ASSURED,
 * SEEN_REPLY, FIXED_TIMEOUT...; a request naming EXPECTED, DYING or not
 * naming CONFIRMED is refused with EBUSY); the protocol's tracker sets
 * up its state from CTA_PROTOINFO; a helper is named, a master tuple
 * makes the connection an expected one; a NAT mapping is set up by
 * nf_nat (kct_netlink_nat.c) before the reply tuple goes in the table.
 * As stock, every connection made here gets room for sequence
 * adjustment and SYNPROXY's state, so that a NATed or proxied
 * connection a peer firewall made (conntrackd) carries on here; labels
 * are set where the namespace has room for them and silently dropped
 * where not.  A helper kct has not loaded is refused with EOPNOTSUPP.
 *
 * Lifetime and locking: the request runs under nfnetlink's ctnetlink
 * mutex.  The connection is nobody else's until the insert publishes
 * it; until then every check may fail and the connection is simply put,
 * which frees it (with its master reference) through nf_conntrack's
 * destroy path, as an unconfirmed packet's connection is.
 */
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_seqadj.h>
#include <net/netfilter/nf_conntrack_synproxy.h>
#include "kct_netlink_create.h"
#include "kct_netlink_tuple.h"
#include "kct_netlink_conn.h"
#include "kct_netlink_nat.h"
#include "kct_conn.h"
#include "kct_helper.h"
#include "kct_table.h"
#include "kct_tuple.h"

/* What a request is, parsed and checked before a connection exists. */
struct kct_nl_create_req {
	struct nf_conntrack_tuple orig, reply;
	struct nf_conntrack_zone zone;
	u64 timeout;			/* jiffies */
};

/*
 * The zone of a request: CTA_ZONE, or one tuple's own CTA_TUPLE_ZONE
 * (that direction only); a zone given twice is an error, as for stock.
 */
static int kct_nl_create_zone(const struct nlattr * const cda[],
			      struct nf_conntrack_zone *zone)
{
	const struct nlattr *dir_attr;
	int err;

	err = kct_nl_parse_zone(cda[CTA_ZONE], cda[CTA_TUPLE_ORIG],
				CTA_TUPLE_ORIG, zone);
	if (err)
		return err;
	dir_attr = nla_find_nested(cda[CTA_TUPLE_REPLY], CTA_TUPLE_ZONE);
	if (!dir_attr)
		return 0;
	if (zone->id != NF_CT_DEFAULT_ZONE_ID || nla_len(dir_attr) < sizeof(u16))
		return -EINVAL;
	zone->id = ntohs(nla_get_be16(dir_attr));
	zone->dir = NF_CT_ZONE_DIR_REPL;
	return 0;
}

static int kct_nl_create_parse(const struct nlattr * const cda[], u8 family,
			       struct kct_nl_create_req *req)
{
	int err;

	if (!cda[CTA_TUPLE_ORIG] || !cda[CTA_TUPLE_REPLY])
		return -EINVAL;
	err = kct_nl_create_zone(cda, &req->zone);
	if (err)
		return err;
	err = kct_nl_parse_tuple(cda[CTA_TUPLE_ORIG], family, &req->orig, NULL);
	if (err)
		return err;
	err = kct_nl_parse_tuple(cda[CTA_TUPLE_REPLY], family, &req->reply,
				 NULL);
	if (err)
		return err;
	if (req->orig.dst.protonum != req->reply.dst.protonum)
		return -EINVAL;
	req->reply.dst.dir = IP_CT_DIR_REPLY;
	if (!cda[CTA_TIMEOUT])
		return -EINVAL;
	req->timeout = min_t(u64, (u64)ntohl(nla_get_be32(cda[CTA_TIMEOUT])) *
				  HZ, INT_MAX);
	return 0;
}

/* CTA_HELP: the helper by name (its CTA_HELP_INFO: none of kct's has any). */
static const struct nla_policy kct_nl_help_policy[CTA_HELP_MAX + 1] = {
	[CTA_HELP_NAME]	= { .type = NLA_NUL_STRING,
			    .len = NF_CT_HELPER_NAME_LEN - 1 },
	[CTA_HELP_INFO]	= { .type = NLA_NESTED },
};

int kct_nl_helper_name(const struct nlattr *attr, const char **name)
{
	struct nlattr *tb[CTA_HELP_MAX + 1];
	int err;

	err = nla_parse_nested(tb, CTA_HELP_MAX, attr, kct_nl_help_policy, NULL);
	if (err)
		return err;
	if (!tb[CTA_HELP_NAME])
		return -EINVAL;
	*name = nla_data(tb[CTA_HELP_NAME]);
	return 0;
}

/* A request's CTA_HELP for an existing @ct: 0 if stock would take it. */
int kct_nl_check_helper(const struct nlattr *attr, const struct nf_conn *ct)
{
	const char *name;
	int err;

	err = kct_nl_helper_name(attr, &name);
	return err ? err : kct_helper_check_name(ct, name);
}

static int kct_nl_create_helper(const struct nlattr *attr, struct nf_conn *ct)
{
	const char *name;
	int err;

	err = kct_nl_helper_name(attr, &name);
	if (err)
		return err;
	rcu_read_lock();
	err = kct_helper_assign_name(ct, name);
	rcu_read_unlock();
	if (err)
		return err;
	/* As stock: the helper named, no other assigned later. */
	__set_bit(IPS_HELPER_BIT, &ct->status);
	return 0;
}

/*
 * CTA_STATUS on a connection being created, which stock already counts
 * as CONFIRMED: what it may not change is refused, the rest is set.
 */
static int kct_nl_create_status(const struct nlattr *attr, struct nf_conn *ct)
{
	u32 want = ntohl(nla_get_be32(attr));
	u32 now = (u32)ct->status | IPS_CONFIRMED;

	if ((want ^ now) & (IPS_EXPECTED | IPS_CONFIRMED | IPS_DYING))
		return -EBUSY;
	ct->status |= want & ~IPS_UNCHANGEABLE_MASK & (BIT(__IPS_MAX_BIT) - 1);
	return 0;
}

/*
 * CTA_TUPLE_MASTER: the connection this one was expected by, in the same
 * zone; it holds a reference on it, dropped when it is freed.
 */
static int kct_nl_create_master(struct kct_net *kn,
				const struct nlattr *attr, u8 family,
				struct nf_conn *ct)
{
	struct nf_conntrack_tuple_hash *h;
	struct nf_conntrack_tuple t;
	int err;

	if (nla_find_nested(attr, CTA_TUPLE_ZONE))
		return -EINVAL;
	err = kct_nl_parse_tuple(attr, family, &t, NULL);
	if (err)
		return err;
	h = kct_table_lookup(kn, nf_ct_zone(ct), &t);
	if (!h)
		return -ENOENT;
	ct->master = nf_ct_tuplehash_to_ctrack(h);
	__set_bit(IPS_EXPECTED_BIT, &ct->status);
	return 0;
}

/* Everything the request gives, on the still private connection. */
static int kct_nl_create_fill(struct kct_net *kn,
			      const struct nlattr * const cda[], u8 family,
			      const struct kct_nl_create_req *req,
			      struct nf_conn *ct)
{
	int err;

	if (cda[CTA_HELP]) {
		err = kct_nl_create_helper(cda[CTA_HELP], ct);
		if (err)
			return err;
	}
	err = kct_nl_nat_setup(ct, cda);
	if (err)
		return err;
	/* Only before the insert can extensions be added. */
	if (!nfct_seqadj_ext_add(ct) ||
	    (IS_ENABLED(CONFIG_NETFILTER_SYNPROXY) && !nfct_synproxy_ext_add(ct)))
		return -ENOMEM;
	/* Relative until the insert makes it absolute. */
	ct->timeout = (u32)req->timeout;
	if (cda[CTA_STATUS]) {
		err = kct_nl_create_status(cda[CTA_STATUS], ct);
		if (err)
			return err;
	}
	err = kct_nl_seqadj(cda, ct, true);
	if (err)
		return err;
	/* The protocol's tracker sets up its own state (TCP, SCTP). */
	if (cda[CTA_PROTOINFO]) {
		err = kct_nl_protoinfo(cda[CTA_PROTOINFO], ct, true);
		if (err)
			return err;
	}
	if (cda[CTA_SYNPROXY]) {
		err = kct_nl_synproxy(cda[CTA_SYNPROXY], ct, true);
		if (err)
			return err;
	}
	if (cda[CTA_MARK])
		ct->mark = ntohl(nla_get_be32(cda[CTA_MARK]));
	/* As stock: labels that find no room are dropped, not refused. */
	if (cda[CTA_LABELS] && !kct_nl_check_labels(cda, ct))
		kct_nl_set_labels(cda, ct);
	if (cda[CTA_TUPLE_MASTER])
		return kct_nl_create_master(kn, cda[CTA_TUPLE_MASTER], family,
					    ct);
	return 0;
}

int kct_nl_create(struct net *net, const struct nlattr * const cda[],
		  u8 family, const struct kct_event_req *who)
{
	struct kct_net *kn = kct_pernet(net);
	struct kct_nl_create_req req;
	enum kct_invalid_reason why;
	struct nf_conn *ct, *existing;
	bool pinned;
	u32 hash;
	int err;

	err = kct_nl_create_parse(cda, family, &req);
	if (err)
		return err;
	hash = kct_tuple_hash(net, &req.orig,
			      nf_ct_zone_id(&req.zone, IP_CT_DIR_ORIGINAL));
	ct = kct_conn_new(kn, &req.zone, &req.orig, &req.reply, hash,
			  GFP_KERNEL, &why);
	if (!ct)
		return -ENOMEM;
	err = kct_nl_create_fill(kn, cda, family, &req, ct);
	if (err)
		goto out;
	/* As at confirm: extensions gone stale meanwhile are not pinned. */
	rcu_read_lock();
	pinned = kct_helper_ext_pin(ct);
	rcu_read_unlock();
	if (!pinned) {
		err = -EAGAIN;
		goto out;
	}
	err = kct_table_insert_for(kn, ct, &existing, who);
	if (err) {
		/* Stock counts no failed insert here either. */
		if (existing)
			nf_ct_put(existing);
		goto out;
	}
	KCT_STAT_INC(kn, insert);
out:
	/* The table's reference keeps it; without one, this frees it. */
	nf_ct_put(ct);
	return err;
}
