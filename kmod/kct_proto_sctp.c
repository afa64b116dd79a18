// SPDX-License-Identifier: GPL-2.0
/*
 * SCTP: the kernel side of the SCTP tracker.  Checks the common header
 * and its CRC32c, lets the portable association tracker
 * (kct_sctp_state.c) walk the chunks through skb_header_pointer(), and
 * applies its verdict: state, ASSURED, timeout.  Also the SCTP parts of
 * /proc/net/kct and of ctnetlink (CTA_PROTOINFO_SCTP).
 */
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <net/netlink.h>
#include <linux/sctp.h>
#include <linux/crc32.h>
#include <linux/crc32c.h>
#include "kct_timeout.h"
#include "kct_conn.h"

/*
 * Stock code and ctnetlink readers may read ct->proto.sctp: kct's SCTP
 * state is struct ip_ct_sctp, field by field, and its numbers mean what
 * they mean to stock.
 */
#define kct_off(f)	offsetof(struct kct_sctp_conn, f)
#define kct_len(f)	sizeof_field(struct kct_sctp_conn, f)
#define stock_off(f)	offsetof(struct ip_ct_sctp, f)
#define stock_len(f)	sizeof_field(struct ip_ct_sctp, f)
#define kct_same(a, b)	((int)(a) == (int)(b))

static_assert(sizeof(struct kct_sctp_conn) == sizeof(struct ip_ct_sctp));
static_assert(kct_off(state) == stock_off(state) &&
	      kct_len(state) == stock_len(state));
static_assert(kct_off(vtag) == stock_off(vtag) &&
	      kct_len(vtag) == stock_len(vtag));
static_assert(kct_off(init) == stock_off(init) &&
	      kct_len(init) == stock_len(init));
static_assert(kct_off(last_dir) == stock_off(last_dir) &&
	      kct_len(last_dir) == stock_len(last_dir));
static_assert(kct_off(flags) == stock_off(flags) &&
	      kct_len(flags) == stock_len(flags));
static_assert(kct_same(KCT_SCTP_NONE, SCTP_CONNTRACK_NONE) &&
	      kct_same(KCT_SCTP_CLOSED, SCTP_CONNTRACK_CLOSED) &&
	      kct_same(KCT_SCTP_COOKIE_WAIT, SCTP_CONNTRACK_COOKIE_WAIT) &&
	      kct_same(KCT_SCTP_COOKIE_ECHOED, SCTP_CONNTRACK_COOKIE_ECHOED) &&
	      kct_same(KCT_SCTP_ESTABLISHED, SCTP_CONNTRACK_ESTABLISHED) &&
	      kct_same(KCT_SCTP_SHUTDOWN_SENT, SCTP_CONNTRACK_SHUTDOWN_SENT) &&
	      kct_same(KCT_SCTP_SHUTDOWN_RECD, SCTP_CONNTRACK_SHUTDOWN_RECD) &&
	      kct_same(KCT_SCTP_SHUTDOWN_ACK_SENT,
		       SCTP_CONNTRACK_SHUTDOWN_ACK_SENT) &&
	      kct_same(KCT_SCTP_HEARTBEAT_SENT, SCTP_CONNTRACK_HEARTBEAT_SENT) &&
	      kct_same(KCT_SCTP_HEARTBEAT_ACKED,
		       SCTP_CONNTRACK_HEARTBEAT_ACKED) &&
	      kct_same(KCT_SCTP_STATE_MAX, SCTP_CONNTRACK_MAX));
static_assert(kct_same(KCT_SCTP_INIT, SCTP_CID_INIT) &&
	      kct_same(KCT_SCTP_INIT_ACK, SCTP_CID_INIT_ACK) &&
	      kct_same(KCT_SCTP_HEARTBEAT, SCTP_CID_HEARTBEAT) &&
	      kct_same(KCT_SCTP_HEARTBEAT_ACK, SCTP_CID_HEARTBEAT_ACK) &&
	      kct_same(KCT_SCTP_ABORT, SCTP_CID_ABORT) &&
	      kct_same(KCT_SCTP_SHUTDOWN, SCTP_CID_SHUTDOWN) &&
	      kct_same(KCT_SCTP_SHUTDOWN_ACK, SCTP_CID_SHUTDOWN_ACK) &&
	      kct_same(KCT_SCTP_ERROR, SCTP_CID_ERROR) &&
	      kct_same(KCT_SCTP_COOKIE_ECHO, SCTP_CID_COOKIE_ECHO) &&
	      kct_same(KCT_SCTP_COOKIE_ACK, SCTP_CID_COOKIE_ACK) &&
	      kct_same(KCT_SCTP_SHUTDOWN_COMPLETE, SCTP_CID_SHUTDOWN_COMPLETE) &&
	      kct_same(KCT_SCTP_FLAG_T, SCTP_CHUNK_FLAG_T) &&
	      kct_same(KCT_SCTP_HDR_LEN, sizeof(struct sctphdr)));

static const void *kct_sctp_read(const void *ctx, unsigned int off,
				 unsigned int len, void *buf)
{
	const struct kct_pkt *p = ctx;

	return skb_header_pointer(p->skb, p->l4off + off, len, buf);
}

static void kct_sctp_pkt_init(struct kct_sctp_pkt *sp, const struct kct_pkt *p)
{
	sp->read = kct_sctp_read;
	sp->ctx = p;
	sp->len = p->skb->len - p->l4off;
}

static __wsum kct_crc32c_update(const void *buf, int len, __wsum crc)
{
	return (__force __wsum)crc32c((__force u32)crc, buf, len);
}

static __wsum kct_crc32c_combine(__wsum crc, __wsum crc2, int off, int len)
{
	return (__force __wsum)__crc32c_le_combine((__force u32)crc,
						   (__force u32)crc2, len);
}

static const struct skb_checksum_ops kct_crc32c_ops = {
	.update = kct_crc32c_update,
	.combine = kct_crc32c_combine,
};

/*
 * The CRC32c of the SCTP packet at @off (RFC 9260 6.8), its checksum
 * field counted as zero, without writing to the packet.
 */
static __le32 kct_sctp_crc(const struct sk_buff *skb, unsigned int off,
			   const struct sctphdr *sh)
{
	static const u8 zero[sizeof(sh->checksum)];
	u32 crc;

	crc = crc32c(~0U, sh, offsetof(struct sctphdr, checksum));
	crc = crc32c(crc, zero, sizeof(zero));
	crc = (__force u32)__skb_checksum(skb, off + sizeof(*sh),
					  skb->len - off - sizeof(*sh),
					  (__force __wsum)crc, &kct_crc32c_ops);
	return cpu_to_le32(~crc);
}

static enum kct_invalid_reason kct_sctp_error(struct kct_pkt *p)
{
	struct sk_buff *skb = p->skb;
	const struct sctphdr *sh;
	struct sctphdr _sh;

	sh = skb_header_pointer(skb, p->l4off, sizeof(_sh), &_sh);
	if (!sh)
		return KCT_INVALID_TRUNCATED;
	/*
	 * Verified once, on the way in, and only when no one has yet: a
	 * locally made packet or one whose device checked the CRC says so
	 * in ip_summed.
	 */
	if (p->hook == NF_INET_PRE_ROUTING &&
	    READ_ONCE(p->net->ct.sysctl_checksum) &&
	    skb->ip_summed == CHECKSUM_NONE) {
		if (sh->checksum != kct_sctp_crc(skb, p->l4off, sh))
			return KCT_INVALID_BAD_CHECKSUM;
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	}
	return KCT_VALID;
}

static enum kct_invalid_reason kct_sctp_new(struct nf_conn *ct,
					    const struct kct_pkt *p)
{
	struct kct_sctp_chunks ch;
	struct kct_sctp_pkt sp;
	enum kct_invalid_reason why;

	kct_sctp_pkt_init(&sp, p);
	why = kct_sctp_scan(&sp, &ch);
	if (why)
		return why;
	/* Not visible to anyone yet: no lock. */
	return kct_sctp_conn_new(&kct_proto_data(ct)->sctp, &sp, &ch);
}

static unsigned int kct_sctp_state_timeout(const struct nf_conn *ct,
					   enum kct_sctp_state state)
{
	/* An entry still in NONE lives as long as a CLOSED one, as stock. */
	if (state == KCT_SCTP_NONE || state > KCT_SCTP_HEARTBEAT_SENT)
		state = KCT_SCTP_CLOSED;
	/* Stock's, indexed by state: the states are numbered alike. */
	return READ_ONCE(kct_timeouts(ct,
				      nf_sctp_pernet(nf_ct_net(ct))->timeouts)[state]);
}

static enum kct_invalid_reason kct_sctp_packet(struct nf_conn *ct,
					       const struct kct_pkt *p,
					       enum ip_conntrack_info ctinfo)
{
	struct kct_sctp_verdict v;
	struct kct_sctp_chunks ch;
	struct kct_sctp_pkt sp;
	enum kct_invalid_reason why;

	kct_sctp_pkt_init(&sp, p);
	why = kct_sctp_scan(&sp, &ch);
	if (why)
		return why;

	spin_lock_bh(&ct->lock);
	kct_sctp_conn_packet(&kct_proto_data(ct)->sctp, &sp, &ch,
			     CTINFO2DIR(ctinfo), nf_ct_is_confirmed(ct), &v);
	spin_unlock_bh(&ct->lock);

	if (v.assured && !test_bit(IPS_ASSURED_BIT, &ct->status))
		set_bit(IPS_ASSURED_BIT, &ct->status);
	if (v.invalid)
		return v.invalid;
	if (v.refresh)
		kct_refresh(ct, kct_sctp_state_timeout(ct, v.state));
	return KCT_VALID;
}

/* The state name in /proc/net/kct. */
static void kct_sctp_print(struct seq_file *s, struct nf_conn *ct)
{
	u32 state = READ_ONCE(kct_proto_data(ct)->sctp.state);

	if (state < KCT_SCTP_STATE_MAX)
		seq_printf(s, "%s ", kct_sctp_state_names[state]);
}

static bool kct_sctp_early_drop(struct nf_conn *ct)
{
	return kct_sctp_can_early_drop(&kct_proto_data(ct)->sctp);
}

static u8 kct_sctp_event_state(struct nf_conn *ct)
{
	return READ_ONCE(kct_proto_data(ct)->sctp.state);
}

/*
 * CTA_PROTOINFO_SCTP: the state, and unless @ct is being destroyed, both
 * verification tags.
 */
static int kct_sctp_to_nlattr(struct sk_buff *skb, struct nf_conn *ct,
			      bool destroy)
{
	struct kct_sctp_conn *sc = &kct_proto_data(ct)->sctp;
	struct nlattr *nest;
	__be32 vtag[2];
	u8 state;

	/* One consistent picture of what the tracker writes. */
	spin_lock_bh(&ct->lock);
	state = sc->state;
	vtag[0] = sc->vtag[IP_CT_DIR_ORIGINAL];
	vtag[1] = sc->vtag[IP_CT_DIR_REPLY];
	spin_unlock_bh(&ct->lock);

	nest = nla_nest_start(skb, CTA_PROTOINFO_SCTP);
	if (!nest || nla_put_u8(skb, CTA_PROTOINFO_SCTP_STATE, state))
		return -EMSGSIZE;
	if (!destroy &&
	    (nla_put_be32(skb, CTA_PROTOINFO_SCTP_VTAG_ORIGINAL, vtag[0]) ||
	     nla_put_be32(skb, CTA_PROTOINFO_SCTP_VTAG_REPLY, vtag[1])))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static const struct nla_policy kct_sctp_nl_policy[CTA_PROTOINFO_SCTP_MAX + 1] = {
	[CTA_PROTOINFO_SCTP_STATE] =
		NLA_POLICY_MAX(NLA_U8, KCT_SCTP_HEARTBEAT_SENT),
	[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL] = { .type = NLA_U32 },
	[CTA_PROTOINFO_SCTP_VTAG_REPLY] = { .type = NLA_U32 },
};

/*
 * An update's CTA_PROTOINFO (@pi, parsed) for an SCTP @ct: its
 * CTA_PROTOINFO_SCTP, if any, sets the state and both tags, all three
 * given, as stock takes them.  Without @commit it only checks, so that a
 * request is refused before it changes anything.
 */
static int kct_sctp_from_nlattr(struct nlattr *pi[], struct nf_conn *ct,
				bool commit)
{
	struct kct_sctp_conn *sc = &kct_proto_data(ct)->sctp;
	struct nlattr *tb[CTA_PROTOINFO_SCTP_MAX + 1];
	int err;

	if (!pi[CTA_PROTOINFO_SCTP])
		return 0;
	err = nla_parse_nested(tb, CTA_PROTOINFO_SCTP_MAX,
			       pi[CTA_PROTOINFO_SCTP], kct_sctp_nl_policy, NULL);
	if (err)
		return err;
	if (!tb[CTA_PROTOINFO_SCTP_STATE] ||
	    !tb[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL] ||
	    !tb[CTA_PROTOINFO_SCTP_VTAG_REPLY])
		return -EINVAL;
	if (!commit)
		return 0;
	spin_lock_bh(&ct->lock);
	sc->state = nla_get_u8(tb[CTA_PROTOINFO_SCTP_STATE]);
	sc->vtag[IP_CT_DIR_ORIGINAL] =
		nla_get_be32(tb[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL]);
	sc->vtag[IP_CT_DIR_REPLY] =
		nla_get_be32(tb[CTA_PROTOINFO_SCTP_VTAG_REPLY]);
	spin_unlock_bh(&ct->lock);
	return 0;
}

const struct kct_proto kct_proto_sctp = {
	.l4num = IPPROTO_SCTP,
	.name = "sctp",
	.tuple = kct_ports_tuple,
	.invert = kct_ports_invert,
	.error = kct_sctp_error,
	.new = kct_sctp_new,
	.packet = kct_sctp_packet,
	/* Stock lets no SCTP clash share an entry: allow_clash stays false. */
	.can_early_drop = kct_sctp_early_drop,
	.event_state = kct_sctp_event_state,
	.print = kct_sctp_print,
	.print_tuple = kct_ports_print_tuple,
	.tuple_to_nlattr = kct_ports_to_nlattr,
	.nlattr_to_tuple = kct_ports_from_nlattr,
	.nl_tuple_fields = KCT_PORTS_NL_FIELDS,
	.protoinfo_to_nlattr = kct_sctp_to_nlattr,
	.nlattr_to_protoinfo = kct_sctp_from_nlattr,
};
