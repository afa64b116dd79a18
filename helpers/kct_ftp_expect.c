// SPDX-License-Identifier: GPL-2.0
/*
 * From an announcement to an expectation.  The data connection will come
 * from the host that received the announcement, from any port, and go to
 * the address and port announced.  That address must be the sender's own
 * unless loose=1: otherwise a client could make the firewall open a door
 * from the server to any third host (or the server one to any host).
 *
 * Where NAT maps the control connection, the receiver knows the sender
 * by its mapped address: that is the one expected, and the NAT part
 * (kct_ftp_nat.h), if loaded, rewrites the announcement to match.
 */
#include <linux/module.h>
#include <net/ipv6.h>
#include "kct_ftp.h"
#include "kct_ftp_nat.h"
#include "kct_expect.h"

const struct kct_ftp_nat_ops __rcu *kct_ftp_nat;
EXPORT_SYMBOL_GPL(kct_ftp_nat);

static bool kct_ftp_addr_equal(u8 l3num, const union nf_inet_addr *a,
			       const union nf_inet_addr *b)
{
	if (l3num == NFPROTO_IPV4)
		return a->ip == b->ip;
	return ipv6_addr_equal(&a->in6, &b->in6);
}

/*
 * Under NAT: the NAT part inserts @exp and rewrites the announcement,
 * which must lie within this packet (a line begun in an earlier segment
 * has gone out as it was), and be its first rewritten.  Otherwise
 * nothing is expected: the data connection could not reach its host.
 */
static void kct_ftp_found_nat(struct kct_ftp_found_ctx *ctx,
			      const struct kct_ftp_nat_ops *nat,
			      const struct kct_ftp_match *m,
			      struct kct_expect *exp)
{
	s32 off = (s32)(*ctx->line_seq + (u32)m->off - ctx->seg_seq);
	struct kct_ftp_nat_req req = {
		.skb = ctx->skb, .protoff = ctx->protoff, .ct = ctx->ct,
		.ctinfo = ctx->ctinfo, .type = m->type, .off = off,
		.len = m->len,
	};

	if (ctx->rewritten || off < 0 || (u32)off + m->len > ctx->paylen)
		return;
	ctx->rewritten = true;
	ctx->verdict = nat->rewrite(&req, exp);
}

void kct_ftp_found(const struct kct_ftp_match *m, void *arg)
{
	struct kct_ftp_found_ctx *ctx = arg;
	struct nf_conn *ct = ctx->ct;
	/* The receiver's direction: from the receiver to the sender. */
	const struct nf_conntrack_tuple *back = &ct->tuplehash[!ctx->dir].tuple;
	const union nf_inet_addr *sender = &ct->tuplehash[ctx->dir].tuple.src.u3;
	u8 l3num = nf_ct_l3num(ct);
	union nf_inet_addr addr = {};
	__be16 port = htons(m->port);
	const struct kct_ftp_nat_ops *nat = NULL;
	struct kct_expect *exp;

	/* An IPv6 address announced on IPv4, or the other way round. */
	if (m->family != (l3num == NFPROTO_IPV4 ? 4 : 6))
		return;
	if (m->peer_addr) {
		/* 229 names no address: the sender's own. */
		addr = back->dst.u3;
	} else {
		memcpy(&addr, m->addr, l3num == NFPROTO_IPV4 ? 4 : 16);
		if (kct_ftp_addr_equal(l3num, &addr, sender))
			addr = back->dst.u3;	/* the sender as mapped */
		else if (!READ_ONCE(kct_ftp_loose))
			return;
	}
	if (ct->status & IPS_NAT_MASK)
		nat = rcu_dereference(kct_ftp_nat);

	exp = kct_expect_alloc(ct);
	if (!exp)
		return;
	kct_expect_init(exp, l3num, &back->src.u3, &addr, IPPROTO_TCP, NULL,
			&port);
	if (nat) {
		kct_ftp_found_nat(ctx, nat, m, exp);
		kct_expect_put(exp);
		return;
	}
	/*
	 * Failure (the table full, or another control connection expecting
	 * the very same data connection) leaves the connection as it is.
	 */
	kct_expect_related(exp);
	kct_expect_put(exp);
}
