// SPDX-License-Identifier: GPL-2.0
/*
 * The netfilter hooks, per namespace, IPv4 and IPv6:
 *
 *   PRE_ROUTING, LOCAL_OUT  at -201  find or create the connection and
 *                                    set skb->_nfct (kct_track)
 *                           at -199  undo nf_conntrack's work on packets
 *                                    kct judged INVALID (kct_keep_invalid)
 *   POST_ROUTING, LOCAL_IN  at INT_MAX - 1  confirm new connections
 *
 * kct runs just before nf_conntrack's own hooks (-200 and INT_MAX), which
 * are registered whenever a stock ct rule exists; nf_conntrack leaves
 * alone any packet that already carries a connection, so kct owns every
 * packet it tracks.  They are registered in a namespace only while its
 * net.kct.enable is 1 (kct_hooks_set(); the confirm hooks stay if stock's
 * confirm cannot be answered, kct_confirm_hooks_add()).
 */
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_synproxy.h>
#include <net/netfilter/nf_nat.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include "kct_hooks.h"
#include "kct_stock_confirm.h"
#include "kct_conn.h"
#include "kct_table.h"
#include "kct_tuple.h"
#include "kct_log.h"
#include "kct_expect.h"
#include "kct_helper.h"
#include "kct_event.h"
#include "kct_timeout.h"

#define KCT_PRI_TRACK		(NF_IP_PRI_CONNTRACK - 1)
#define KCT_PRI_KEEP_INVALID	(NF_IP_PRI_CONNTRACK + 1)
#define KCT_PRI_CONFIRM		(NF_IP_PRI_CONNTRACK_CONFIRM - 1)
/*
 * Stock confirms IPv6 input one below the others (NF_IP6_PRI_LAST - 1):
 * kct must still come first, or stock inserts kct's connection into its
 * own table.
 */
#define KCT_PRI_CONFIRM6_IN	(NF_IP6_PRI_LAST - 2)

static void kct_count_invalid(struct kct_pkt *p, enum kct_invalid_reason why)
{
	/*
	 * No room or no memory: stock drops such packets and counts them
	 * in "drop" only; kct's per-reason file still says why.
	 */
	/*
	 * An ICMP error quoting no connection: stock counts it under
	 * icmp_error, not invalid.
	 */
	if (why == KCT_INVALID_ICMP_NO_MATCH)
		KCT_STAT_INC(p->kn, icmp_error);
	else if (why != KCT_INVALID_TABLE_FULL && why != KCT_INVALID_NO_MEMORY)
		KCT_STAT_INC(p->kn, invalid);
	KCT_STAT_INC(p->kn, invalid_reason[why]);
	kct_log_invalid(p, why);
}

/* ctinfo of a packet of a known connection, as stock computes it. */
static enum ip_conntrack_info kct_ctinfo(const struct nf_conntrack_tuple_hash *h)
{
	const struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);
	unsigned long status;

	if (NF_CT_DIRECTION(h) == IP_CT_DIR_REPLY)
		return IP_CT_ESTABLISHED_REPLY;
	status = READ_ONCE(ct->status);
	if (status & IPS_SEEN_REPLY)
		return IP_CT_ESTABLISHED;
	if (status & IPS_EXPECTED)
		return IP_CT_RELATED;
	return IP_CT_NEW;
}

/*
 * A new connection: if a helper expected it, it is RELATED to the
 * helper's master connection; otherwise a -j CT template may assign it a
 * helper.
 */
static enum ip_conntrack_info kct_adopt(struct kct_pkt *p, struct nf_conn *ct,
					const struct nf_conntrack_tuple *t,
					const struct nf_conn *tmpl)
{
	struct kct_expect *exp = kct_expect_take(p->kn, p->zone, t);

	if (!exp) {
		if (tmpl)
			kct_helper_assign(ct, tmpl);
		return IP_CT_NEW;
	}
	__set_bit(IPS_EXPECTED_BIT, &ct->status);
	/* Put by nf_conntrack's destroy path with the connection. */
	nf_conntrack_get(&exp->master->ct_general);
	ct->master = exp->master;
	ct->mark = READ_ONCE(exp->master->mark);
	/* NAT of the master: the data connection follows it (kct_nat_ftp). */
	if (exp->expectfn)
		exp->expectfn(ct, exp);
	kct_expect_put(exp);
	return IP_CT_RELATED;
}

/*
 * Track one packet.  On success the packet carries its connection and
 * ctinfo; otherwise it carries none (INVALID) and the reason is returned.
 * *verdict is NF_DROP only where stock drops (table full, no memory).
 */
static enum kct_invalid_reason kct_track_packet(struct kct_pkt *p,
						const struct nf_conn *tmpl,
						unsigned int *verdict)
{
	struct nf_conntrack_tuple *tuple = &p->tuple;
	struct nf_conntrack_tuple_hash *h;
	struct nf_conntrack_tuple reply;
	const struct kct_proto *proto;
	enum ip_conntrack_info ctinfo;
	enum kct_invalid_reason why;
	struct nf_conn *ct;
	u32 hash, before;

	if (!kct_tuple_parse_l3(p, skb_network_offset(p->skb)))
		return KCT_INVALID_BAD_HEADER;
	proto = kct_proto_find(p->l4num);
	if (proto->error) {
		why = kct_proto_error(proto, p);
		/* Errors that were RELATED, and untracked types, are done. */
		if (why || p->skb->_nfct)
			return why;
	}
	if (!kct_tuple_finish(p, proto))
		return KCT_INVALID_TRUNCATED;

repeat:
	hash = kct_tuple_hash(p->net, tuple,
			      nf_ct_zone_id(p->zone, IP_CT_DIR_ORIGINAL));
	h = kct_table_find(p->kn, p->zone, tuple, hash);
	if (h) {
		ct = nf_ct_tuplehash_to_ctrack(h);
		ctinfo = kct_ctinfo(h);
		KCT_STAT_INC(p->kn, found);
	} else {
		if (!kct_tuple_invert(&reply, tuple))
			return proto->no_reply ?: KCT_INVALID_BAD_HEADER;
		ct = kct_conn_alloc(p, tuple, &reply, hash, &why);
		if (!ct) {
			KCT_STAT_INC(p->kn, drop);
			*verdict = NF_DROP;
			return why;
		}
		why = kct_proto_new(proto, ct, p);
		if (why) {
			nf_ct_put(ct);
			return why;
		}
		if (tmpl)
			kct_timeout_adopt(ct, tmpl);
		/*
		 * -j CT --ctevents; SYNPROXY's SYN to the server, whose
		 * template asks for room for the sequence adjustment and
		 * SYNPROXY's state (without them SYNPROXY's hooks leave
		 * the handshake to the server unfinished).  Without
		 * memory for either, stock drops.
		 */
		if (tmpl && (!kct_event_adopt(ct, tmpl) ||
			     !nf_ct_add_synproxy(ct, tmpl))) {
			nf_ct_put(ct);
			KCT_STAT_INC(p->kn, drop);
			*verdict = NF_DROP;
			return KCT_INVALID_NO_MEMORY;
		}
		ctinfo = kct_adopt(p, ct, tuple, tmpl);
	}

	before = kct_event_snapshot(ct);	/* for conntrack -E's UPDATE */
	why = kct_proto_packet(proto, ct, p, ctinfo);
	if (unlikely(why == KCT_REOPEN)) {
		/* A new connection reusing a closed one's ports. */
		kct_conn_kill(ct);
		nf_ct_put(ct);
		goto repeat;
	}
	if (why) {
		/* An INVALID SCTP packet may have moved the state first. */
		kct_event_changed(ct, before);
		nf_ct_put(ct);
		return why;
	}
	if (ctinfo == IP_CT_ESTABLISHED_REPLY &&
	    !test_bit(IPS_SEEN_REPLY_BIT, &ct->status))
		set_bit(IPS_SEEN_REPLY_BIT, &ct->status);
	kct_acct(ct, ctinfo, p->skb->len);
	kct_event_changed(ct, before);
	nf_ct_set(p->skb, ct, ctinfo);
	return KCT_VALID;
}

static unsigned int kct_track(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct kct_net *kn = kct_pernet_rcu(state->net);
	enum ip_conntrack_info ctinfo;
	enum kct_invalid_reason why;
	unsigned int verdict = NF_ACCEPT;
	struct nf_conn *tmpl;
	struct kct_pkt p;

	tmpl = nf_ct_get(skb, &ctinfo);
	if (tmpl || ctinfo == IP_CT_UNTRACKED) {
		/* Seen already (loopback), or a notrack rule said so. */
		if ((tmpl && !nf_ct_is_template(tmpl)) ||
		    ctinfo == IP_CT_UNTRACKED)
			return NF_ACCEPT;
		/* A template from -j CT: ours to consume. */
		skb->_nfct = 0;
	}

	p.skb = skb;
	p.net = state->net;
	p.kn = kn;
	p.pf = state->pf;
	p.hook = state->hook;
	p.l4num = 0;
	/* The template's zone, or one it takes from the packet's mark. */
	p.zone = nf_ct_zone_tmpl(tmpl, skb, &p.zone_buf);
	why = kct_track_packet(&p, tmpl, &verdict);
	if (why)
		kct_count_invalid(&p, why);
	if (tmpl)
		nf_ct_put(tmpl);
	return verdict;
}

/*
 * Stock's hook at -200 tracks any packet that carries no connection,
 * including those kct judged INVALID: take that away again, so that
 * "ct state invalid" sees them as kct said.
 *
 * Where kct tracks, every packet leaves kct_track() with kct's connection,
 * with none (INVALID), or untracked; so a connection kct does not own here
 * can only be nf_conntrack's, made at -200 for a packet kct left without
 * one.  Deciding from the packet alone, not from anything remembered
 * between the two hooks, holds however the traversal is interleaved with
 * other packets on this CPU (softirqs, copies a rule sends out meanwhile)
 * or moved to another CPU.
 */
static unsigned int kct_keep_invalid(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;

	ct = nf_ct_get(skb, &ctinfo);
	if (likely(!ct || kct_owned(ct)))
		return NF_ACCEPT;
	nf_reset_ct(skb);
	return NF_ACCEPT;
}

/*
 * @ct will never be confirmed: its packet is dropped, or joins the
 * connection another CPU confirmed first.  A helper may have run on it
 * already (kct_confirm() runs it before the insert): its expectations go
 * with it, else a later connection could become RELATED to a connection
 * that never existed, and so does what the helper keeps for it.
 */
static void kct_confirm_failed(struct nf_conn *ct)
{
	kct_expect_master_gone(ct);
	kct_helper_destroy(ct);
}

/* The packet @ct counted joins @winner: its count goes there too. */
static void kct_acct_merge(struct nf_conn *winner, const struct nf_conn *ct,
			   enum ip_conntrack_info ctinfo)
{
	const struct nf_conn_acct *acct = nf_conn_acct_find(ct);

	if (acct)
		kct_acct(winner, ctinfo,
			 atomic64_read(&acct->counter[CTINFO2DIR(ctinfo)].bytes));
}

/*
 * The packet joins @winner, but NAT gave it @loser's mapping already: on
 * two CPUs, two packets of one new flow each got a connection, and NAT
 * (fully-random, or a port taken meanwhile) may map them differently.
 * Rewrite it by the winner's mapping, so that its answer comes back
 * through the winner, as stock's nf_conntrack_update() does when a
 * queued packet rejoins; stock's confirm instead keeps the loser for its
 * answer for a second (hidden from listings).  Either way both answers
 * arrive.
 */
static unsigned int kct_clash_renat(struct sk_buff *skb,
				    const struct nf_conn *loser,
				    struct nf_conn *winner)
{
	unsigned long nat = (loser->status | winner->status) & IPS_NAT_MASK;
	const struct nf_nat_hook *nat_hook;
	unsigned int verdict = NF_ACCEPT;

	if (!nat ||
	    kct_tuple_equal(&loser->tuplehash[IP_CT_DIR_REPLY].tuple,
			    &winner->tuplehash[IP_CT_DIR_REPLY].tuple))
		return NF_ACCEPT;
	rcu_read_lock();
	nat_hook = rcu_dereference(nf_nat_hook);
	if (!nat_hook)
		verdict = NF_DROP;
	else if (nat & IPS_SRC_NAT)
		verdict = nat_hook->manip_pkt(skb, winner, NF_NAT_MANIP_SRC,
					      IP_CT_DIR_ORIGINAL);
	if (nat_hook && verdict == NF_ACCEPT && (nat & IPS_DST_NAT))
		verdict = nat_hook->manip_pkt(skb, winner, NF_NAT_MANIP_DST,
					      IP_CT_DIR_ORIGINAL);
	rcu_read_unlock();
	return verdict;
}

/*
 * The packet made it through: a new connection becomes real and visible
 * to lookups.  Until here nothing was inserted, so a packet dropped by the
 * ruleset leaves no entry behind.  @ct is kct's, on @skb (of family @pf,
 * in @net) as @ctinfo.
 */
unsigned int kct_confirm_skb(struct sk_buff *skb, struct nf_conn *ct,
			     enum ip_conntrack_info ctinfo, struct net *net,
			     u8 pf)
{
	struct nf_conn *existing;
	unsigned int verdict;
	struct kct_net *kn;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "confirm outside RCU");
	if (unlikely(nfct_help(ct))) {
		verdict = kct_helper_run(skb, ct, ctinfo, pf);
		if (verdict != NF_ACCEPT) {
			if (!nf_ct_is_confirmed(ct))
				kct_confirm_failed(ct);
			return verdict;
		}
	}
	if (nf_ct_is_confirmed(ct)) {
		kct_event_cached(ct);
		return NF_ACCEPT;
	}
	/* Only the first packet of a connection confirms it. */
	if (CTINFO2DIR(ctinfo) != IP_CT_DIR_ORIGINAL)
		return NF_ACCEPT;

	kn = kct_pernet_rcu(net);
	if (unlikely(!kct_helper_ext_pin(ct)))
		goto failed;
	kct_timeout_own(ct);
	if (likely(!kct_table_insert(kn, ct, &existing))) {
		KCT_STAT_INC(kn, insert);
		return NF_ACCEPT;
	}

	/*
	 * Another CPU confirmed the same connection first (two packets of
	 * a new flow at once, typical of UDP and DNS).  Where stock lets
	 * them share, the packet joins the existing connection.
	 */
	if (existing && kct_proto_find(nf_ct_protonum(ct))->allow_clash &&
	    kct_tuple_equal(&existing->tuplehash[IP_CT_DIR_ORIGINAL].tuple,
			    &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple) &&
	    kct_clash_renat(skb, ct, existing) == NF_ACCEPT) {
		kct_acct_merge(existing, ct, ctinfo);
		nf_ct_set(skb, existing, ctinfo);
		kct_confirm_failed(ct);
		nf_ct_put(ct);
		KCT_STAT_INC(kn, clash_resolve);
		return NF_ACCEPT;
	}
	if (existing)
		nf_ct_put(existing);
	KCT_STAT_INC(kn, invalid_reason[KCT_INVALID_CLASH]);
failed:
	kct_confirm_failed(ct);
	KCT_STAT_INC(kn, insert_failed);
	KCT_STAT_INC(kn, drop);
	return NF_DROP;
}

static unsigned int kct_confirm(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || !kct_owned(ct))
		return NF_ACCEPT;
	return kct_confirm_skb(skb, ct, ctinfo, state->net, state->pf);
}

/*
 * Two sets, both switched by net.kct.enable.  A packet kct_track() gave a
 * new connection may still be on its way to its last hook when kct is
 * switched off (no grace period bounds how long a locally sent packet
 * takes from LOCAL_OUT to POST_ROUTING: dst_output() runs outside RCU).
 * Where nf_conntrack's confirm hook then meets it (a stock ct rule
 * exists), kct's redirect of stock's confirm inserts it into kct's table
 * (kct_stock_confirm.c); elsewhere it goes unconfirmed, as if kct had
 * been switched off a moment earlier.  Without that redirect, stock's
 * confirm would insert it into nf_conntrack's table, so the confirm
 * hooks then stay for the namespace's life.
 */
static const struct nf_hook_ops kct_track_ops[] = {
	{ .hook = kct_track, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_PRE_ROUTING, .priority = KCT_PRI_TRACK },
	{ .hook = kct_track, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_LOCAL_OUT, .priority = KCT_PRI_TRACK },
	{ .hook = kct_keep_invalid, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_PRE_ROUTING, .priority = KCT_PRI_KEEP_INVALID },
	{ .hook = kct_keep_invalid, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_LOCAL_OUT, .priority = KCT_PRI_KEEP_INVALID },
	{ .hook = kct_track, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_PRE_ROUTING, .priority = KCT_PRI_TRACK },
	{ .hook = kct_track, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_LOCAL_OUT, .priority = KCT_PRI_TRACK },
	{ .hook = kct_keep_invalid, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_PRE_ROUTING, .priority = KCT_PRI_KEEP_INVALID },
	{ .hook = kct_keep_invalid, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_LOCAL_OUT, .priority = KCT_PRI_KEEP_INVALID },
};

static const struct nf_hook_ops kct_confirm_ops[] = {
	{ .hook = kct_confirm, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_POST_ROUTING, .priority = KCT_PRI_CONFIRM },
	{ .hook = kct_confirm, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_LOCAL_IN, .priority = KCT_PRI_CONFIRM },
	{ .hook = kct_confirm, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_POST_ROUTING, .priority = KCT_PRI_CONFIRM },
	{ .hook = kct_confirm, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_LOCAL_IN, .priority = KCT_PRI_CONFIRM6_IN },
};

/* Serialises switching: net.kct.enable writes, namespace init and exit. */
static DEFINE_MUTEX(kct_hooks_mutex);

/*
 * The confirm hooks follow net.kct.enable where stock's confirm sends
 * kct's connections to kct (kct_stock_confirm_live(), which does not
 * change while a namespace has kct's state); else they stay for the
 * namespace's life.
 */
static int kct_confirm_hooks_add(struct net *net)
{
	return nf_register_net_hooks(net, kct_confirm_ops,
				     ARRAY_SIZE(kct_confirm_ops));
}

static void kct_confirm_hooks_del(struct net *net)
{
	nf_unregister_net_hooks(net, kct_confirm_ops,
				ARRAY_SIZE(kct_confirm_ops));
}

static int kct_hooks_on(struct net *net)
{
	int ret;

	/* Trackers need whole datagrams: reassembly runs at -400. */
	ret = nf_defrag_ipv4_enable(net);
	if (ret)
		return ret;
	ret = nf_defrag_ipv6_enable(net);
	if (ret)
		goto err_defrag4;
	/* Confirm first: every packet tracked finds it. */
	if (kct_stock_confirm_live()) {
		ret = kct_confirm_hooks_add(net);
		if (ret)
			goto err_defrag6;
	}
	ret = nf_register_net_hooks(net, kct_track_ops,
				    ARRAY_SIZE(kct_track_ops));
	if (ret)
		goto err_confirm;
	return 0;

err_confirm:
	if (kct_stock_confirm_live())
		kct_confirm_hooks_del(net);
err_defrag6:
	nf_defrag_ipv6_disable(net);
err_defrag4:
	nf_defrag_ipv4_disable(net);
	return ret;
}

static void kct_hooks_off(struct net *net)
{
	nf_unregister_net_hooks(net, kct_track_ops, ARRAY_SIZE(kct_track_ops));
	if (kct_stock_confirm_live())
		kct_confirm_hooks_del(net);
	nf_defrag_ipv6_disable(net);
	nf_defrag_ipv4_disable(net);
}

/*
 * Switch kct on or off in @net: its hooks (and the reassembly they need)
 * are registered exactly while net.kct.enable is 1, so a namespace where
 * kct is off runs none of kct's code on its packets, as a namespace
 * without a stock ct rule runs none of stock's (but see
 * kct_confirm_hooks_add()).  The value changes only here.
 */
int kct_hooks_set(struct net *net, bool on)
{
	struct kct_net *kn = kct_pernet(net);
	int ret = 0;

	mutex_lock(&kct_hooks_mutex);
	if (on == kn->sysctl.enable)
		goto out;
	if (on) {
		/* Before the hooks: stock's lookups ask kct's table from now on. */
		WRITE_ONCE(kn->sysctl.enable, 1);
		ret = kct_hooks_on(net);
		if (ret)
			WRITE_ONCE(kn->sysctl.enable, 0);
	} else {
		WRITE_ONCE(kn->sysctl.enable, 0);
		kct_hooks_off(net);
	}
out:
	mutex_unlock(&kct_hooks_mutex);
	return ret;
}

/* Before net.kct.enable exists: kct tracks from the start (it defaults to 1). */
int kct_hooks_init_net(struct net *net)
{
	int ret;

	if (!kct_stock_confirm_live()) {
		ret = kct_confirm_hooks_add(net);
		if (ret)
			return ret;
	}
	ret = kct_hooks_on(net);
	if (ret && !kct_stock_confirm_live())
		kct_confirm_hooks_del(net);
	return ret;
}

/* The caller has made sure net.kct.enable can no longer be written. */
void kct_hooks_exit_net(struct net *net)
{
	kct_hooks_set(net, false);
	if (!kct_stock_confirm_live())
		kct_confirm_hooks_del(net);
	/* No packet is in kct's hooks of this namespace any more. */
	synchronize_net();
}
