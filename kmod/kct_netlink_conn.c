// SPDX-License-Identifier: GPL-2.0
/*
 * One connection as a ctnetlink message, with the attributes stock
 * gives: both tuples, zone, status, timeout (seconds left), the
 * protocol's own info (TCP: state, window scales and flags), helper name,
 * mark, id, in answers use, labels, sequence adjustment and SYNPROXY's
 * state, and in answers and DESTROY events the counters and timestamp.
 * Dumps, GET answers and events (@portid 0) all come from here.
 */
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_tcp.h>	/* the largest protoinfo */
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_labels.h>
#include <net/netfilter/nf_conntrack_acct.h>
#include <net/netfilter/nf_conntrack_timestamp.h>
#include <net/netfilter/nf_conntrack_seqadj.h>
#include <net/netfilter/nf_conntrack_synproxy.h>
#include "kct_netlink_conn.h"
#include "kct_netlink_tuple.h"
#include "kct_conn.h"
#include "kct_gc.h"

/* CTA_PROTOINFO, with what the protocol's tracker says in it. */
static int kct_nl_put_protoinfo(struct sk_buff *skb, struct nf_conn *ct,
				const struct kct_proto *proto, bool destroy)
{
	struct nlattr *nest = nla_nest_start(skb, CTA_PROTOINFO);

	if (!nest || proto->protoinfo_to_nlattr(skb, ct, destroy))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
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
 * CTA_COUNTERS_ORIG and _REPLY, where nf_conntrack_acct gave @ct
 * counters; what was reported goes in @sent (packets, bytes per
 * direction).
 */
static int kct_nl_put_acct(struct sk_buff *skb, const struct nf_conn *ct,
			   u64 sent[IP_CT_DIR_MAX][2])
{
	const struct nf_conn_acct *acct = nf_conn_acct_find(ct);
	enum ip_conntrack_dir dir;
	struct nlattr *nest;

	if (!acct)
		return 0;
	for (dir = IP_CT_DIR_ORIGINAL; dir < IP_CT_DIR_MAX; dir++) {
		sent[dir][0] = atomic64_read(&acct->counter[dir].packets);
		sent[dir][1] = atomic64_read(&acct->counter[dir].bytes);
		nest = nla_nest_start(skb, dir == IP_CT_DIR_ORIGINAL ?
					   CTA_COUNTERS_ORIG : CTA_COUNTERS_REPLY);
		if (!nest ||
		    nla_put_be64(skb, CTA_COUNTERS_PACKETS,
				 cpu_to_be64(sent[dir][0]), CTA_COUNTERS_PAD) ||
		    nla_put_be64(skb, CTA_COUNTERS_BYTES,
				 cpu_to_be64(sent[dir][1]), CTA_COUNTERS_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

/* CTA_LABELS, where the connection has a label set, as stock. */
static int kct_nl_put_labels(struct sk_buff *skb, const struct nf_conn *ct)
{
	const struct nf_conn_labels *labels = nf_ct_labels_find(ct);

	if (!labels || !memchr_inv(labels->bits, 0, sizeof(labels->bits)))
		return 0;
	return nla_put(skb, CTA_LABELS, sizeof(labels->bits), labels->bits);
}

/* One direction's sequence adjustment (CTA_SEQ_ADJ_ORIG or _REPLY). */
static int kct_nl_put_seqadj_dir(struct sk_buff *skb, int type,
				 const struct nf_ct_seqadj *seq)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest ||
	    nla_put_be32(skb, CTA_SEQADJ_CORRECTION_POS,
			 htonl(seq->correction_pos)) ||
	    nla_put_be32(skb, CTA_SEQADJ_OFFSET_BEFORE,
			 htonl(seq->offset_before)) ||
	    nla_put_be32(skb, CTA_SEQADJ_OFFSET_AFTER,
			 htonl(seq->offset_after)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * The sequence adjustment of both directions once a NAT helper or
 * SYNPROXY adjusts @ct's numbers, as stock's answers carry it
 * (conntrackd replicates it).  The offsets change under ct->lock: both
 * directions are read in one go.
 */
static int kct_nl_put_seqadj(struct sk_buff *skb, struct nf_conn *ct)
{
	const struct nf_conn_seqadj *seqadj = nfct_seqadj(ct);
	struct nf_ct_seqadj seq[IP_CT_DIR_MAX];

	if (!seqadj || !test_bit(IPS_SEQ_ADJUST_BIT, &ct->status))
		return 0;
	spin_lock_bh(&ct->lock);
	memcpy(seq, seqadj->seq, sizeof(seq));
	spin_unlock_bh(&ct->lock);
	if (kct_nl_put_seqadj_dir(skb, CTA_SEQ_ADJ_ORIG,
				  &seq[IP_CT_DIR_ORIGINAL]) ||
	    kct_nl_put_seqadj_dir(skb, CTA_SEQ_ADJ_REPLY,
				  &seq[IP_CT_DIR_REPLY]))
		return -EMSGSIZE;
	return 0;
}

/* SYNPROXY's state, where SYNPROXY set @ct up (conntrackd replicates it). */
static int kct_nl_put_synproxy(struct sk_buff *skb, const struct nf_conn *ct)
{
	const struct nf_conn_synproxy *synproxy = nfct_synproxy(ct);
	struct nlattr *nest;

	if (!synproxy)
		return 0;
	nest = nla_nest_start(skb, CTA_SYNPROXY);
	if (!nest ||
	    nla_put_be32(skb, CTA_SYNPROXY_ISN, htonl(synproxy->isn)) ||
	    nla_put_be32(skb, CTA_SYNPROXY_ITS, htonl(synproxy->its)) ||
	    nla_put_be32(skb, CTA_SYNPROXY_TSOFF, htonl(synproxy->tsoff)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* CTA_TIMESTAMP, where nf_conntrack_timestamp stamped @ct: stop once ended. */
static int kct_nl_put_tstamp(struct sk_buff *skb, const struct nf_conn *ct)
{
	const struct nf_conn_tstamp *tstamp = nf_conn_tstamp_find(ct);
	struct nlattr *nest;

	if (!tstamp)
		return 0;
	nest = nla_nest_start(skb, CTA_TIMESTAMP);
	if (!nest ||
	    nla_put_be64(skb, CTA_TIMESTAMP_START, cpu_to_be64(tstamp->start),
			 CTA_TIMESTAMP_PAD) ||
	    (tstamp->stop &&
	     nla_put_be64(skb, CTA_TIMESTAMP_STOP, cpu_to_be64(tstamp->stop),
			  CTA_TIMESTAMP_PAD)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * conntrack -Z (GET_CTRZERO): take what was reported off the counters,
 * once the message holding it is complete, so that a message that did
 * not fit (a dump sends it again) loses nothing, nor do packets counted
 * in between.
 */
static void kct_nl_zero_acct(const struct nf_conn *ct,
			     u64 sent[IP_CT_DIR_MAX][2])
{
	struct nf_conn_acct *acct = nf_conn_acct_find(ct);
	enum ip_conntrack_dir dir;

	if (!acct)
		return;
	for (dir = IP_CT_DIR_ORIGINAL; dir < IP_CT_DIR_MAX; dir++) {
		atomic64_sub(sent[dir][0], &acct->counter[dir].packets);
		atomic64_sub(sent[dir][1], &acct->counter[dir].bytes);
	}
}

/*
 * @ct's attributes as stock puts them in a message of its kind: an
 * @answer to a request (also what NFQUEUE and NFLOG attach to a packet)
 * carries counters, labels and the mark; an event standing for @ipct
 * carries labels and protocol state if it stands for their change; a DESTROY event has no
 * timeout when none is left, protocol state only, and no helper (stock
 * names it in dumps, answers, NEW and UPDATE events).  @sent gets the
 * counters reported, for GET_CTRZERO.
 */
static int kct_nl_put_conn(struct sk_buff *skb, struct nf_conn *ct,
			   bool answer, unsigned int ipct,
			   u64 sent[IP_CT_DIR_MAX][2])
{
	bool destroy = ipct & BIT(IPCT_DESTROY);
	const struct kct_proto *proto = kct_proto_find(nf_ct_protonum(ct));
	const struct nf_conntrack_zone *zone = nf_ct_zone(ct);
	u32 mark = READ_ONCE(ct->mark);
	long left = kct_nl_seconds_left(ct);

	if (kct_nl_put_tuple_zone(skb, CTA_TUPLE_ORIG,
				  &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple,
				  zone, NF_CT_ZONE_DIR_ORIG) ||
	    kct_nl_put_tuple_zone(skb, CTA_TUPLE_REPLY,
				  &ct->tuplehash[IP_CT_DIR_REPLY].tuple,
				  zone, NF_CT_ZONE_DIR_REPL) ||
	    kct_nl_put_zone(skb, CTA_ZONE, zone, NF_CT_DEFAULT_ZONE_DIR))
		return -EMSGSIZE;
	/* Only the low 32 bits are uapi; kct's own bit stays inside. */
	if (nla_put_be32(skb, CTA_STATUS, htonl((u32)READ_ONCE(ct->status))))
		return -EMSGSIZE;
	if ((!destroy || left > 0) &&
	    nla_put_be32(skb, CTA_TIMEOUT, htonl(max(left, 0L))))
		return -EMSGSIZE;
	/* Events that do not stand for a state change name none, as stock's. */
	if (proto->protoinfo_to_nlattr &&
	    (answer || destroy || (ipct & BIT(IPCT_PROTOINFO))) &&
	    kct_nl_put_protoinfo(skb, ct, proto, destroy))
		return -EMSGSIZE;
	if (!destroy && kct_nl_put_helper(skb, ct))
		return -EMSGSIZE;
	if ((answer || destroy) &&
	    (kct_nl_put_acct(skb, ct, sent) || kct_nl_put_tstamp(skb, ct)))
		return -EMSGSIZE;
	if ((answer || (ipct & BIT(IPCT_LABEL))) && kct_nl_put_labels(skb, ct))
		return -EMSGSIZE;
	/* Events too, each where they stand for its change (stock's). */
	if ((answer || (ipct & BIT(IPCT_SEQADJ))) && kct_nl_put_seqadj(skb, ct))
		return -EMSGSIZE;
	if ((answer || (ipct & BIT(IPCT_SYNPROXY))) &&
	    kct_nl_put_synproxy(skb, ct))
		return -EMSGSIZE;
	/*
	 * Answers always carry the mark, events when it is set or when
	 * they stand for its change (conntrack -U's, even to 0), as stock.
	 */
	if ((answer || mark || (ipct & BIT(IPCT_MARK))) &&
	    nla_put_be32(skb, CTA_MARK, htonl(mark)))
		return -EMSGSIZE;
	if (nla_put_be32(skb, CTA_ID, htonl(nf_ct_get_id(ct))))
		return -EMSGSIZE;
	return 0;
}

/*
 * Append @ct as message @msg of the conntrack subsystem: an answer to
 * @portid's request, or an event (@portid 0) standing for @ipct (IPCT_*
 * bits; IPCT_DESTROY for a DESTROY event).  An answer to GET or
 * GET_CTRZERO (@msg the request's) is a NEW message; to GET_CTRZERO it
 * also zeroes the counters it reports.
 */
int kct_nl_fill_conn(struct sk_buff *skb, u32 portid, u32 seq, u16 msg,
		     unsigned int flags, struct nf_conn *ct, unsigned int ipct)
{
	bool zero = msg == IPCTNL_MSG_CT_GET_CTRZERO;
	u64 sent[IP_CT_DIR_MAX][2] = {};
	struct nlmsghdr *nlh;

	if (zero || msg == IPCTNL_MSG_CT_GET)
		msg = IPCTNL_MSG_CT_NEW;
	nlh = nfnl_msg_put(skb, portid, seq,
			   nfnl_msg_type(NFNL_SUBSYS_CTNETLINK, msg), flags,
			   nf_ct_l3num(ct), NFNETLINK_V0, 0);
	if (!nlh)
		return -EMSGSIZE;
	if (kct_nl_put_conn(skb, ct, portid, ipct, sent))
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
	if (zero)
		kct_nl_zero_acct(ct, sent);
	return 0;

cancel:
	nlmsg_cancel(skb, nlh);
	return -EMSGSIZE;
}

/* What NFQUEUE and NFLOG attach to a packet: @ct as an answer has it. */
int kct_nl_put_conn_of_packet(struct sk_buff *skb, struct nf_conn *ct)
{
	u64 sent[IP_CT_DIR_MAX][2] = {};

	return kct_nl_put_conn(skb, ct, true, 0, sent);
}

/*
 * A request's labels (conntrack -U --label-add/--label-del): whole
 * 32-bit words, a mask (if any) as long as the labels, and room for
 * labels on the connection (made while a rule of its namespace used
 * labels), as stock checks.
 */
int kct_nl_check_labels(const struct nlattr * const cda[],
			const struct nf_conn *ct)
{
	int len = nla_len(cda[CTA_LABELS]);

	if (len % sizeof(u32))
		return -EINVAL;
	if (cda[CTA_LABELS_MASK] && (!nla_len(cda[CTA_LABELS_MASK]) ||
				     nla_len(cda[CTA_LABELS_MASK]) != len))
		return -EINVAL;
	return nf_ct_labels_find(ct) ? 0 : -ENOSPC;
}

/* A request's labels, checked already, set on @ct (masked, if asked). */
void kct_nl_set_labels(const struct nlattr * const cda[], struct nf_conn *ct)
{
	nf_connlabels_replace(ct, nla_data(cda[CTA_LABELS]),
			      cda[CTA_LABELS_MASK] ?
			      nla_data(cda[CTA_LABELS_MASK]) : NULL,
			      nla_len(cda[CTA_LABELS]) / sizeof(u32));
}

/*
 * A request's timeout, labels and mark, checked already, set on @ct: for
 * conntrack -U and for a verdict on a queued packet.
 */
void kct_nl_set_conn(const struct nlattr * const cda[], struct nf_conn *ct)
{
	if (cda[CTA_TIMEOUT]) {
		u64 secs = ntohl(nla_get_be32(cda[CTA_TIMEOUT]));
		u64 ticks = min_t(u64, secs * HZ, INT_MAX);

		WRITE_ONCE(ct->timeout, nfct_time_stamp + (u32)ticks);
		if (nf_ct_is_confirmed(ct)) {
			/* Outside the packet path's RCU: kct_gc_due_by(). */
			smp_mb();
			kct_gc_due_by(ct->timeout);
		}
	}
	if (cda[CTA_LABELS])
		kct_nl_set_labels(cda, ct);
	if (cda[CTA_MARK]) {
		u32 mark = ntohl(nla_get_be32(cda[CTA_MARK]));
		u32 keep = cda[CTA_MARK_MASK] ?
			   ~ntohl(nla_get_be32(cda[CTA_MARK_MASK])) : 0;

		/* Stock's rule: the bits outside the mask, XOR the mark. */
		WRITE_ONCE(ct->mark, (READ_ONCE(ct->mark) & keep) ^ mark);
	}
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
	       nla_total_size(sizeof(u16)) +		/* one zone */
	       4 * nla_total_size(sizeof(u32)) +	/* status..id */
	       nla_total_size(sizeof(u32)) +		/* use */
	       /* protoinfo: TCP's is the largest (SCTP's: 3 attributes) */
	       2 * nla_total_size(0) +
	       3 * nla_total_size(sizeof(u8)) +
	       2 * nla_total_size(sizeof(struct nf_ct_tcp_flags)) +
	       nla_total_size(0) +			/* help */
	       nla_total_size(NF_CT_HELPER_NAME_LEN) +	/* its name */
	       /* counters: two nests of packets and bytes; timestamp */
	       3 * (nla_total_size(0) + 2 * nla_total_size_64bit(sizeof(u64))) +
	       nla_total_size(NF_CT_LABELS_MAX_SIZE) +	/* labels */
	       /* seqadj: two nests of three; SYNPROXY: one of three */
	       3 * (nla_total_size(0) + 3 * nla_total_size(sizeof(u32)));
}

static const struct nla_policy kct_nl_protoinfo_policy[CTA_PROTOINFO_MAX + 1] = {
	[CTA_PROTOINFO_TCP]	= { .type = NLA_NESTED },
	[CTA_PROTOINFO_DCCP]	= { .type = NLA_NESTED },
	[CTA_PROTOINFO_SCTP]	= { .type = NLA_NESTED },
};

/*
 * A request's CTA_PROTOINFO for @ct: checked only, or with @commit also
 * applied, by the protocol's tracker.  A protocol with no state of its
 * own has nothing to change, as with stock.
 */
int kct_nl_protoinfo(const struct nlattr *attr, struct nf_conn *ct,
		     bool commit)
{
	const struct kct_proto *proto = kct_proto_find(nf_ct_protonum(ct));
	struct nlattr *pi[CTA_PROTOINFO_MAX + 1];
	int err;

	err = nla_parse_nested(pi, CTA_PROTOINFO_MAX, attr,
			       kct_nl_protoinfo_policy, NULL);
	if (err || !proto->nlattr_to_protoinfo)
		return err;
	return proto->nlattr_to_protoinfo(pi, ct, commit);
}
