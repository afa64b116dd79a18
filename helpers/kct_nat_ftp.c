// SPDX-License-Identifier: GPL-2.0
/*
 * kct_nat_ftp: FTP through NAT for kct_ftp, what stock's nf_nat_ftp does
 * for nf_conntrack_ftp.  Load it where NAT maps FTP control connections
 * (a client behind masquerade or SNAT, a server behind DNAT).
 *
 * An announcement names the sender as it knows itself (PORT 10,0,0,2,...),
 * which the receiver on the other side of the NAT cannot reach.  For each
 * one kct_ftp reads on a connection NAT maps (kct_ftp_nat.h):
 * - the expected data connection goes to where the receiver sees the
 *   sender (the master's mapped address, kct_ftp_found()) and to the
 *   announced port, or, if another master expects that one, to another;
 * - the announcement is rewritten in the packet to name that address
 *   and port; a change of length is recorded in the master's seqadj
 *   extension, from which stock's confirm hook (NAT rules register it)
 *   shifts the sequence numbers of the packets that follow, and kct's
 *   TCP tracker reads acknowledgments through it;
 * - when the data connection comes, it is mapped like its master:
 *   towards the sender's own address and the port it announced.
 */
#include <linux/module.h>
#include <linux/inet.h>
#include <linux/random.h>
#include <net/netfilter/nf_nat.h>
#include <net/netfilter/nf_nat_helper.h>
#include <net/netfilter/nf_conntrack_seqadj.h>
#include "kct_ftp_nat.h"

/* Ports tried after the announced one, when other masters expect it. */
#define KCT_NAT_FTP_PORT_TRIES	128

/*
 * @exp's expectfn: @ct, new and RELATED to exp->master, comes from the
 * receiver along exp->dir of the master; it is mapped as the master's
 * packets in that direction are (source), and to the sender's own
 * address and announced port (destination).
 */
static void kct_nat_ftp_follow(struct nf_conn *ct, struct kct_expect *exp)
{
	const struct nf_conntrack_tuple *master_back =
		&exp->master->tuplehash[!exp->dir].tuple;
	struct nf_nat_range2 range = {};

	range.flags = NF_NAT_RANGE_MAP_IPS;
	range.min_addr = master_back->dst.u3;
	range.max_addr = range.min_addr;
	nf_nat_setup_info(ct, &range, NF_NAT_MANIP_SRC);

	range.flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED;
	range.min_addr = master_back->src.u3;
	range.max_addr = range.min_addr;
	range.min_proto = exp->saved_proto;
	range.max_proto = range.min_proto;
	nf_nat_setup_info(ct, &range, NF_NAT_MANIP_DST);
}

/*
 * Insert @exp for the port it names or, where another master expects
 * that one (-EBUSY), for another above it; the port, or 0 if none.
 */
static u16 kct_nat_ftp_expect(struct kct_expect *exp)
{
	u16 first = ntohs(exp->tuple.dst.u.tcp.port), port = first;
	unsigned int tries = min_t(unsigned int, KCT_NAT_FTP_PORT_TRIES,
				   USHRT_MAX - first);
	int ret;

	for (;;) {
		exp->tuple.dst.u.tcp.port = htons(port);
		ret = kct_expect_related(exp);
		if (!ret)
			return port;
		if (ret != -EBUSY || !tries--)
			return 0;
		port = first + get_random_u32_below(USHRT_MAX - first) + 1;
	}
}

/* The announcement's replacement text; its length. */
static int kct_nat_ftp_text(char *buf, size_t size, enum kct_ftp_type type,
			    u8 l3num, const union nf_inet_addr *addr, u16 port)
{
	const u8 *a = (const u8 *)&addr->ip;

	switch (type) {
	case KCT_FTP_PORT:
	case KCT_FTP_PASV:
		return snprintf(buf, size, "%u,%u,%u,%u,%u,%u", a[0], a[1],
				a[2], a[3], port >> 8, port & 0xff);
	case KCT_FTP_EPRT:
		if (l3num == NFPROTO_IPV4)
			return snprintf(buf, size, "|1|%pI4|%u|", &addr->ip,
					port);
		return snprintf(buf, size, "|2|%pI6|%u|", &addr->in6, port);
	case KCT_FTP_EPSV:
		return snprintf(buf, size, "|||%u|", port);
	}
	return 0;
}

static unsigned int kct_nat_ftp_rewrite(const struct kct_ftp_nat_req *req,
					struct kct_expect *exp)
{
	enum ip_conntrack_dir dir = CTINFO2DIR(req->ctinfo);
	/* The address the receiver knows the sender by. */
	const union nf_inet_addr *mapped =
		&req->ct->tuplehash[!dir].tuple.dst.u3;
	char text[sizeof("|2||65535|") + INET6_ADDRSTRLEN];
	int len;
	u16 port;

	exp->saved_proto.tcp.port = exp->tuple.dst.u.tcp.port;
	exp->dir = !dir;
	exp->expectfn = kct_nat_ftp_follow;
	port = kct_nat_ftp_expect(exp);
	if (!port) {
		net_info_ratelimited("kct_nat_ftp: no port to expect a data connection on\n");
		return NF_DROP;
	}
	len = kct_nat_ftp_text(text, sizeof(text), req->type,
			       nf_ct_l3num(req->ct), mapped, port);
	/*
	 * A change of length needs the master's seqadj extension, which
	 * only a connection not yet confirmed can get (kct_ftp_help()).
	 */
	if (len <= 0 || len >= sizeof(text) ||
	    (len != req->len && !nfct_seqadj(req->ct)) ||
	    !nf_nat_mangle_tcp_packet(req->skb, req->ct, req->ctinfo,
				      req->protoff, req->off, req->len, text,
				      len)) {
		net_info_ratelimited("kct_nat_ftp: cannot rewrite the announcement\n");
		kct_expect_unrelate(exp);
		return NF_DROP;
	}
	return NF_ACCEPT;
}

static const struct kct_ftp_nat_ops kct_nat_ftp_ops = {
	.rewrite = kct_nat_ftp_rewrite,
};

/* The name stock's nf_nat gives the same mapping (conntrackd sends it). */
static struct kct_expectfn kct_nat_ftp_follow_fn = {
	.name = "nat-follow-master",
	.fn = kct_nat_ftp_follow,
};

static int __init kct_nat_ftp_init(void)
{
	if (rcu_access_pointer(kct_ftp_nat))
		return -EBUSY;
	kct_expectfn_register(&kct_nat_ftp_follow_fn);
	rcu_assign_pointer(kct_ftp_nat, &kct_nat_ftp_ops);
	return 0;
}

static void __exit kct_nat_ftp_exit(void)
{
	RCU_INIT_POINTER(kct_ftp_nat, NULL);
	kct_expectfn_unregister(&kct_nat_ftp_follow_fn);
	/*
	 * No rewrite or request runs any more, so no expectation gets our
	 * expectfn...
	 */
	synchronize_rcu();
	kct_expect_expectfn_gone(kct_nat_ftp_follow);
	/* ... and one taken by a packet meanwhile has been used. */
	synchronize_rcu();
}

module_init(kct_nat_ftp_init);
module_exit(kct_nat_ftp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kct: FTP through NAT (rewrites PORT, EPRT, 227 and 229)");
MODULE_AUTHOR("The kct developers");
