// SPDX-License-Identifier: GPL-2.0
/*
 * TCP: the kernel side of the TCP tracker.  Reads the header and options
 * of each segment into a struct kct_tcp_seg and lets the portable state
 * machine (kct_tcp_state.c) judge it under the connection's lock; then
 * applies the verdict: flags, timeout, INVALID, or reopen.
 */
#include <linux/tcp.h>
#include <linux/netfilter.h>
#include <net/tcp.h>
#include <asm/unaligned.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <net/netlink.h>
#include <net/netfilter/nf_conntrack_seqadj.h>
#include <net/netfilter/nf_conntrack_synproxy.h>
#include "kct_timeout.h"
#include "kct_conn.h"

/*
 * Stock code reads and writes ct->proto.tcp (see struct kct_tcp_conn):
 * kct's TCP state is struct ip_ct_tcp, field by field, and its numbers
 * mean what they mean to stock.
 */
#define kct_off(f)	offsetof(struct kct_tcp_conn, f)
#define kct_len(f)	sizeof_field(struct kct_tcp_conn, f)
#define stock_off(f)	offsetof(struct ip_ct_tcp, f)
#define stock_len(f)	sizeof_field(struct ip_ct_tcp, f)
#define kct_same(a, b)	((int)(a) == (int)(b))

static_assert(sizeof(struct kct_tcp_conn) == sizeof(struct ip_ct_tcp));
static_assert(sizeof(struct kct_tcp_side) == sizeof(struct ip_ct_tcp_state));
static_assert(kct_off(seen[1]) == stock_off(seen[1]));
static_assert(kct_off(seen[0].td_end) == stock_off(seen[0].td_end) &&
	      kct_len(seen[0].td_end) == stock_len(seen[0].td_end));
static_assert(kct_off(seen[0].td_maxend) == stock_off(seen[0].td_maxend) &&
	      kct_len(seen[0].td_maxend) == stock_len(seen[0].td_maxend));
static_assert(kct_off(seen[0].td_maxwin) == stock_off(seen[0].td_maxwin) &&
	      kct_len(seen[0].td_maxwin) == stock_len(seen[0].td_maxwin));
static_assert(kct_off(seen[0].td_maxack) == stock_off(seen[0].td_maxack) &&
	      kct_len(seen[0].td_maxack) == stock_len(seen[0].td_maxack));
static_assert(kct_off(seen[0].td_scale) == stock_off(seen[0].td_scale) &&
	      kct_len(seen[0].td_scale) == stock_len(seen[0].td_scale));
static_assert(kct_off(seen[0].flags) == stock_off(seen[0].flags) &&
	      kct_len(seen[0].flags) == stock_len(seen[0].flags));
static_assert(kct_off(state) == stock_off(state) &&
	      kct_len(state) == stock_len(state));
static_assert(kct_off(last_dir) == stock_off(last_dir) &&
	      kct_len(last_dir) == stock_len(last_dir));
static_assert(kct_off(retrans) == stock_off(retrans) &&
	      kct_len(retrans) == stock_len(retrans));
static_assert(kct_off(last_index) == stock_off(last_index) &&
	      kct_len(last_index) == stock_len(last_index));
static_assert(kct_off(last_seq) == stock_off(last_seq) &&
	      kct_len(last_seq) == stock_len(last_seq));
static_assert(kct_off(last_ack) == stock_off(last_ack) &&
	      kct_len(last_ack) == stock_len(last_ack));
static_assert(kct_off(last_end) == stock_off(last_end) &&
	      kct_len(last_end) == stock_len(last_end));
static_assert(kct_off(last_win) == stock_off(last_win) &&
	      kct_len(last_win) == stock_len(last_win));
static_assert(kct_off(last_wscale) == stock_off(last_wscale) &&
	      kct_len(last_wscale) == stock_len(last_wscale));
static_assert(kct_off(last_flags) == stock_off(last_flags) &&
	      kct_len(last_flags) == stock_len(last_flags));

static_assert(kct_same(KCT_TCP_NONE, TCP_CONNTRACK_NONE) &&
	      kct_same(KCT_TCP_SYN_SENT, TCP_CONNTRACK_SYN_SENT) &&
	      kct_same(KCT_TCP_SYN_RECV, TCP_CONNTRACK_SYN_RECV) &&
	      kct_same(KCT_TCP_ESTABLISHED, TCP_CONNTRACK_ESTABLISHED) &&
	      kct_same(KCT_TCP_FIN_WAIT, TCP_CONNTRACK_FIN_WAIT) &&
	      kct_same(KCT_TCP_CLOSE_WAIT, TCP_CONNTRACK_CLOSE_WAIT) &&
	      kct_same(KCT_TCP_LAST_ACK, TCP_CONNTRACK_LAST_ACK) &&
	      kct_same(KCT_TCP_TIME_WAIT, TCP_CONNTRACK_TIME_WAIT) &&
	      kct_same(KCT_TCP_CLOSE, TCP_CONNTRACK_CLOSE) &&
	      kct_same(KCT_TCP_SYN_SENT2, TCP_CONNTRACK_SYN_SENT2) &&
	      kct_same(KCT_TCP_STATE_MAX, TCP_CONNTRACK_MAX));
static_assert(kct_same(KCT_TCP_SIDE_WSCALE, IP_CT_TCP_FLAG_WINDOW_SCALE) &&
	      kct_same(KCT_TCP_SIDE_SACK, IP_CT_TCP_FLAG_SACK_PERM) &&
	      kct_same(KCT_TCP_SIDE_CLOSER, IP_CT_TCP_FLAG_CLOSE_INIT) &&
	      kct_same(KCT_TCP_SIDE_LIBERAL, IP_CT_TCP_FLAG_BE_LIBERAL) &&
	      kct_same(KCT_TCP_SIDE_UNACKED,
		       IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED) &&
	      kct_same(KCT_TCP_SIDE_MAXACK, IP_CT_TCP_FLAG_MAXACK_SET));
static_assert(kct_same(KCT_TCP_LAST_WSCALE, IP_CT_TCP_FLAG_WINDOW_SCALE) &&
	      kct_same(KCT_TCP_LAST_SACK, IP_CT_TCP_FLAG_SACK_PERM) &&
	      kct_same(KCT_TCP_LAST_CHALLENGE, IP_CT_EXP_CHALLENGE_ACK) &&
	      kct_same(KCT_TCP_LAST_SIMOPEN, IP_CT_TCP_SIMULTANEOUS_OPEN));

/* The options the window tracker needs: scale, SACK-permitted, SACK. */
static void kct_tcp_options(const struct sk_buff *skb, unsigned int l4off,
			    const struct tcphdr *th, struct kct_tcp_seg *seg)
{
	unsigned char buf[MAX_TCP_OPTION_SPACE];
	int len = th->doff * 4 - sizeof(*th);
	const unsigned char *opt;
	int i;

	if (len <= 0)
		return;
	opt = skb_header_pointer(skb, l4off + sizeof(*th), len, buf);
	if (!opt)
		return;
	/*
	 * Most segments of a connection carry a timestamp and nothing else,
	 * laid out as the stacks send it: none of the options above.
	 */
	if (len == TCPOLEN_TSTAMP_ALIGNED &&
	    get_unaligned_be32(opt) == (TCPOPT_NOP << 24 | TCPOPT_NOP << 16 |
					TCPOPT_TIMESTAMP << 8 |
					TCPOLEN_TIMESTAMP))
		return;
	while (len > 0) {
		int kind = *opt++, size;

		if (kind == TCPOPT_EOL)
			return;
		if (kind == TCPOPT_NOP) {
			len--;
			continue;
		}
		if (len < 2)
			return;
		size = *opt++;
		if (size < 2 || size > len)
			return;	/* malformed: stop, as the stack does */
		switch (kind) {
		case TCPOPT_WINDOW:
			if (size == TCPOLEN_WINDOW) {
				seg->has_wscale = true;
				seg->wscale = min_t(u8, *opt, TCP_MAX_WSCALE);
			}
			break;
		case TCPOPT_SACK_PERM:
			if (size == TCPOLEN_SACK_PERM)
				seg->sack_perm = true;
			break;
		case TCPOPT_SACK:
			/*
			 * Only the first well-formed SACK option counts, as
			 * for stock: its highest right edge.
			 */
			if (seg->has_sack || size < TCPOLEN_SACK_BASE +
			    TCPOLEN_SACK_PERBLOCK ||
			    (size - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_PERBLOCK)
				break;
			for (i = 0; i + TCPOLEN_SACK_PERBLOCK <=
			     size - TCPOLEN_SACK_BASE;
			     i += TCPOLEN_SACK_PERBLOCK) {
				u32 end = get_unaligned_be32(opt + i + 4);

				if (!seg->has_sack || after(end, seg->sack_max))
					seg->sack_max = end;
				seg->has_sack = true;
			}
			break;
		}
		opt += size - 2;
		len -= size;
	}
}

INDIRECT_CALLABLE_SCOPE enum kct_invalid_reason kct_tcp_error(struct kct_pkt *p)
{
	unsigned int len = p->skb->len - p->l4off;
	const struct tcphdr *th;
	struct tcphdr _th;

	th = skb_header_pointer(p->skb, p->l4off, sizeof(_th), &_th);
	if (!th)
		return KCT_INVALID_TRUNCATED;
	if (th->doff * 4 < sizeof(*th) || th->doff * 4 > len)
		return KCT_INVALID_TRUNCATED;
	if (p->hook == NF_INET_PRE_ROUTING &&
	    READ_ONCE(p->net->ct.sysctl_checksum) &&
	    nf_checksum(p->skb, p->hook, p->l4off, IPPROTO_TCP, p->pf))
		return KCT_INVALID_BAD_CHECKSUM;
	if (!kct_tcp_flags_valid(tcp_flag_byte(th)))
		return KCT_INVALID_TCP_BAD_FLAGS;
	return KCT_VALID;
}

static void kct_tcp_read_seg(const struct kct_pkt *p,
			     enum ip_conntrack_dir dir,
			     struct kct_tcp_seg *seg)
{
	const struct tcphdr *th;
	struct tcphdr _th;

	memset(seg, 0, sizeof(*seg));
	/* Checked by kct_tcp_error() already. */
	th = skb_header_pointer(p->skb, p->l4off, sizeof(_th), &_th);
	if (!th)
		return;
	seg->dir = dir;
	seg->flags = tcp_flag_byte(th);
	seg->seq = ntohl(th->seq);
	seg->ack = ntohl(th->ack_seq);
	seg->win = ntohs(th->window);
	seg->datalen = p->skb->len - p->l4off - th->doff * 4;
	seg->no_options = th->doff == 5;
	kct_tcp_options(p->skb, p->l4off, th, seg);
}

static void kct_tcp_cfg(struct net *net, struct kct_tcp_cfg *cfg)
{
	const struct nf_tcp_net *tn = nf_tcp_pernet(net);

	cfg->loose = READ_ONCE(tn->tcp_loose);
	cfg->be_liberal = READ_ONCE(tn->tcp_be_liberal);
	cfg->ignore_invalid_rst = READ_ONCE(tn->tcp_ignore_invalid_rst);
	cfg->max_retrans = READ_ONCE(tn->tcp_max_retrans);
	cfg->synproxy = false;
}

INDIRECT_CALLABLE_SCOPE
enum kct_invalid_reason kct_tcp_new(struct nf_conn *ct, const struct kct_pkt *p)
{
	struct kct_tcp_seg seg;
	struct kct_tcp_cfg cfg;

	kct_tcp_read_seg(p, IP_CT_DIR_ORIGINAL, &seg);
	kct_tcp_cfg(p->net, &cfg);
	return kct_tcp_conn_new(&kct_proto_data(ct)->tcp, &seg, &cfg);
}

/*
 * Stock's TCP timeouts (by state, then TCP_CONNTRACK_RETRANS and _UNACK)
 * of the connection's policy or namespace, in jiffies; each read with
 * READ_ONCE(), as a sysctl or a policy update may change it.
 */
static const unsigned int *kct_tcp_timeouts(const struct nf_conn *ct)
{
	return kct_timeouts(ct, nf_tcp_pernet(nf_ct_net(ct))->timeouts);
}

/*
 * An out-of-window FIN or RST answering a FIN or RST: both ends are most
 * likely gone, so do not keep the entry for days (stock does the same).
 */
static void kct_tcp_lower_timeout(struct nf_conn *ct)
{
	unsigned int unack = READ_ONCE(kct_tcp_timeouts(ct)[TCP_CONNTRACK_UNACK]);
	s32 left = nf_ct_expires(ct);

	if (nf_ct_is_confirmed(ct) && left >= 120 * HZ && left > unack)
		kct_refresh(ct, unack);
}

/*
 * A helper under NAT (kct_nat_ftp) changed the length of what the peer
 * sent, and the sender acknowledges the peer's bytes as rewritten, while
 * the peer's side is tracked in the peer's own numbers: bring the
 * acknowledgment back to those, as stock does.  Caller holds ct->lock,
 * under which the offsets change.
 */
static void kct_tcp_seqadj(const struct nf_conn *ct, struct kct_tcp_seg *seg)
{
	s32 off = nf_ct_seq_offset(ct, !seg->dir, seg->ack - 1);

	lockdep_assert_held(&ct->lock);
	seg->ack -= off;
	seg->sack_max -= off;
}

INDIRECT_CALLABLE_SCOPE
enum kct_invalid_reason kct_tcp_packet(struct nf_conn *ct,
				       const struct kct_pkt *p,
				       enum ip_conntrack_info ctinfo)
{
	struct kct_tcp_conn *tc = &kct_proto_data(ct)->tcp;
	struct kct_tcp_verdict v;
	struct kct_tcp_seg seg;
	struct kct_tcp_cfg cfg;

	kct_tcp_read_seg(p, CTINFO2DIR(ctinfo), &seg);
	kct_tcp_cfg(p->net, &cfg);
	cfg.synproxy = nfct_synproxy(ct);

	spin_lock_bh(&ct->lock);
	if (test_bit(IPS_SEQ_ADJUST_BIT, &ct->status))
		kct_tcp_seqadj(ct, &seg);
	kct_tcp_conn_packet(tc, &seg, &cfg,
			    test_bit(IPS_SEEN_REPLY_BIT, &ct->status),
			    test_bit(IPS_ASSURED_BIT, &ct->status), &v);
	if (v.invalid) {
		if (v.lower_timeout)
			kct_tcp_lower_timeout(ct);
		spin_unlock_bh(&ct->lock);
		return v.invalid;
	}
	if (v.refresh) {
		const unsigned int *t = kct_tcp_timeouts(ct);
		unsigned int timeout;

		timeout = kct_tcp_timeout(&v, READ_ONCE(t[v.state]),
					  READ_ONCE(t[TCP_CONNTRACK_RETRANS]),
					  READ_ONCE(t[TCP_CONNTRACK_UNACK]),
					  READ_ONCE(t[TCP_CONNTRACK_CLOSE]));
		kct_refresh(ct, timeout);
	}
	spin_unlock_bh(&ct->lock);

	if (v.reopen)
		return KCT_REOPEN;
	if (v.assured && !test_bit(IPS_ASSURED_BIT, &ct->status))
		set_bit(IPS_ASSURED_BIT, &ct->status);
	/* The RST passes with its connection, which ends now. */
	if (v.kill)
		kct_conn_kill(ct);
	return KCT_VALID;
}

static void kct_tcp_print(struct seq_file *s, struct nf_conn *ct)
{
	u8 state = READ_ONCE(kct_proto_data(ct)->tcp.state);

	/* The flowtable has the packets: the state is stale, stock says. */
	if (test_bit(IPS_OFFLOAD_BIT, &ct->status))
		return;
	if (state < KCT_TCP_STATE_MAX)
		seq_printf(s, "%s ", kct_tcp_state_names[state]);
}

static bool kct_tcp_early_drop(struct nf_conn *ct)
{
	return kct_tcp_can_early_drop(&kct_proto_data(ct)->tcp);
}

static u8 kct_tcp_event_state(struct nf_conn *ct)
{
	return READ_ONCE(kct_proto_data(ct)->tcp.state);
}

/*
 * ctnetlink's CTA_PROTOINFO_TCP: the state, each side's window scale and
 * flags, read as one consistent picture under the connection's lock.
 */
static int kct_tcp_to_nlattr(struct sk_buff *skb, struct nf_conn *ct,
			     bool destroy)
{
	struct kct_tcp_conn *tc = &kct_proto_data(ct)->tcp;
	struct nf_ct_tcp_flags flags[2] = {};
	struct nlattr *nest;
	u8 state, scale[2];

	spin_lock_bh(&ct->lock);
	state = tc->state;
	scale[0] = tc->seen[0].td_scale;
	scale[1] = tc->seen[1].td_scale;
	flags[0].flags = tc->seen[0].flags;
	flags[1].flags = tc->seen[1].flags;
	spin_unlock_bh(&ct->lock);

	nest = nla_nest_start(skb, CTA_PROTOINFO_TCP);
	if (!nest || nla_put_u8(skb, CTA_PROTOINFO_TCP_STATE, state))
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
	nla_nest_end(skb, nest);
	return 0;
}

static const struct nla_policy kct_tcp_nl_policy[CTA_PROTOINFO_TCP_MAX + 1] = {
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

/*
 * A request's CTA_PROTOINFO_TCP, on a connection it creates or updates
 * (conntrackd commits the state its peer saw): the state it names, each
 * side's flags under its mask, and the window scales where both are
 * given and both sides' flags say they offered scaling, as stock sets
 * them.  The windows themselves stay as they are (unknown on a new
 * connection: each side's next segment starts them, as a pickup does).
 * Nothing here can be refused once parsed, so the check is the parse.
 */
static int kct_tcp_from_nlattr(struct nlattr *pi[], struct nf_conn *ct,
			       bool commit)
{
	static const int flag_attr[2] = { CTA_PROTOINFO_TCP_FLAGS_ORIGINAL,
					  CTA_PROTOINFO_TCP_FLAGS_REPLY };
	struct kct_tcp_conn *tc = &kct_proto_data(ct)->tcp;
	struct nlattr *tb[CTA_PROTOINFO_TCP_MAX + 1];
	struct nf_ct_tcp_flags f;
	int err, dir;

	if (!pi[CTA_PROTOINFO_TCP])
		return 0;
	err = nla_parse_nested(tb, CTA_PROTOINFO_TCP_MAX, pi[CTA_PROTOINFO_TCP],
			       kct_tcp_nl_policy, NULL);
	if (err || !commit)
		return err;

	spin_lock_bh(&ct->lock);
	if (tb[CTA_PROTOINFO_TCP_STATE])
		tc->state = nla_get_u8(tb[CTA_PROTOINFO_TCP_STATE]);
	for (dir = 0; dir < 2; dir++) {
		if (!tb[flag_attr[dir]])
			continue;
		memcpy(&f, nla_data(tb[flag_attr[dir]]), sizeof(f));
		tc->seen[dir].flags = (tc->seen[dir].flags & ~f.mask) |
				      (f.flags & f.mask);
	}
	if (tb[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL] &&
	    tb[CTA_PROTOINFO_TCP_WSCALE_REPLY] &&
	    (tc->seen[0].flags & KCT_TCP_SIDE_WSCALE) &&
	    (tc->seen[1].flags & KCT_TCP_SIDE_WSCALE)) {
		tc->seen[0].td_scale =
			nla_get_u8(tb[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL]);
		tc->seen[1].td_scale =
			nla_get_u8(tb[CTA_PROTOINFO_TCP_WSCALE_REPLY]);
	}
	spin_unlock_bh(&ct->lock);
	return 0;
}

const struct kct_proto kct_proto_tcp = {
	.l4num = IPPROTO_TCP,
	.name = "tcp",
	.tuple = kct_ports_tuple,
	.invert = kct_ports_invert,
	.error = kct_tcp_error,
	.new = kct_tcp_new,
	.packet = kct_tcp_packet,
	.can_early_drop = kct_tcp_early_drop,
	.event_state = kct_tcp_event_state,
	.print = kct_tcp_print,
	.print_tuple = kct_ports_print_tuple,
	.tuple_to_nlattr = kct_ports_to_nlattr,
	.nlattr_to_tuple = kct_ports_from_nlattr,
	.nl_tuple_fields = KCT_PORTS_NL_FIELDS,
	.protoinfo_to_nlattr = kct_tcp_to_nlattr,
	.nlattr_to_protoinfo = kct_tcp_from_nlattr,
};
