// SPDX-License-Identifier: GPL-2.0
/*
 * The per-packet callback of the FTP helper: kct calls it from its confirm
 * hook for every packet of a control connection.  It finds the segment's
 * payload and hands it to the line tracker of its direction
 * (kct_ftp_stream.h), which calls back for each PORT, EPRT, 227 or 229.
 * Packets always pass.
 *
 * Each connection's state is its own: both directions' positions in the
 * helper area (struct kct_ftp_conn), and the unfinished lines in a
 * buffer it points to, allocated the first time a line must be kept and
 * freed by kct_ftp_destroy() when the connection leaves kct's table.
 */
#include <linux/err.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/tcp.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_seqadj.h>
#include "kct_ftp.h"
#include "kct_ftp_stream.h"

/* A connection's unfinished lines, one per direction. */
struct kct_ftp_lines {
	struct list_head node;		/* in kct_ftp_all */
	u8 line[2][KCT_FTP_LINE_MAX];
};

/* In the helper area of struct nf_conn_help. */
struct kct_ftp_conn {
	struct kct_ftp_stream dir[2];	/* indexed by enum kct_ftp_dir */
	/* NULL until needed; KCT_FTP_GONE once the connection left. */
	struct kct_ftp_lines *lines;
};

#define KCT_FTP_GONE	ERR_PTR(-ENOENT)

/*
 * The locking rule: kct_ftp_lock guards every connection's struct
 * kct_ftp_conn and the lines it points to, the list of all lines and the
 * payload buffer.  One lock for all control connections, as stock has:
 * they are few and slow.  A helper call on one CPU and the destroy on
 * another (the connection leaving the table while a packet of it is in
 * flight) are thereby ordered: the destroy frees the lines and marks the
 * connection gone, and a helper call after it keeps no line again.
 */
static DEFINE_SPINLOCK(kct_ftp_lock);
/* Every allocated lines buffer, for the module's exit. */
static LIST_HEAD(kct_ftp_all);
/* Where the payload of a non-linear packet is copied. */
static u8 *kct_ftp_payload;

struct kct_ftp_pkt {
	struct kct_ftp_found_ctx found;
	struct kct_ftp_conn *conn;
};

static struct kct_ftp_conn *kct_ftp_conn_of(struct nf_conn_help *help)
{
	BUILD_BUG_ON(sizeof(struct kct_ftp_conn) >
		     sizeof_field(struct nf_conn_help, data));
	return (struct kct_ftp_conn *)help->data;
}

static void kct_ftp_found_cb(const struct kct_ftp_match *m, void *arg)
{
	struct kct_ftp_pkt *p = arg;

	kct_ftp_found(m, &p->found);
}

/* The keep buffer of the packet's direction, allocated on first use. */
static u8 *kct_ftp_keep(void *arg)
{
	struct kct_ftp_pkt *p = arg;
	struct kct_ftp_conn *conn = p->conn;

	lockdep_assert_held(&kct_ftp_lock);
	if (IS_ERR(conn->lines))
		return NULL;
	if (!conn->lines) {
		conn->lines = kmalloc(sizeof(*conn->lines), GFP_ATOMIC);
		if (!conn->lines)
			return NULL;
		list_add(&conn->lines->node, &kct_ftp_all);
	}
	return conn->lines->line[p->found.dir];
}

static void kct_ftp_lines_free(struct kct_ftp_lines *lines)
{
	lockdep_assert_held(&kct_ftp_lock);
	list_del(&lines->node);
	kfree(lines);
}

void kct_ftp_destroy(struct nf_conn *ct)
{
	struct nf_conn_help *help = nfct_help(ct);
	struct kct_ftp_conn *conn;

	if (!help)
		return;
	conn = kct_ftp_conn_of(help);
	spin_lock_bh(&kct_ftp_lock);
	if (!IS_ERR_OR_NULL(conn->lines))
		kct_ftp_lines_free(conn->lines);
	conn->lines = KCT_FTP_GONE;
	conn->dir[0].saved = 0;
	conn->dir[1].saved = 0;
	spin_unlock_bh(&kct_ftp_lock);
}

int kct_ftp_help_init(void)
{
	kct_ftp_payload = kvmalloc(KCT_FTP_SEGMENT_MAX, GFP_KERNEL);
	return kct_ftp_payload ? 0 : -ENOMEM;
}

/*
 * After every helper is unregistered: no help or destroy call runs any
 * more, and the lines still allocated belong to connections that lost
 * the helper (kct_helper_unregister()), which nothing reads again.
 */
void kct_ftp_help_exit(void)
{
	struct kct_ftp_lines *lines, *next;

	spin_lock_bh(&kct_ftp_lock);
	list_for_each_entry_safe(lines, next, &kct_ftp_all, node)
		kct_ftp_lines_free(lines);
	spin_unlock_bh(&kct_ftp_lock);
	kvfree(kct_ftp_payload);
	kct_ftp_payload = NULL;
}

int kct_ftp_help(struct sk_buff *skb, unsigned int protoff, struct nf_conn *ct,
		 enum ip_conntrack_info ctinfo)
{
	enum ip_conntrack_dir dir = CTINFO2DIR(ctinfo);
	struct nf_conn_help *help = nfct_help(ct);
	struct kct_ftp_pkt p = {
		.found = { .ct = ct, .dir = dir, .skb = skb, .protoff = protoff,
			   .ctinfo = ctinfo, .verdict = NF_ACCEPT },
	};
	const struct kct_ftp_calls calls = {
		.found = kct_ftp_found_cb, .keep = kct_ftp_keep, .arg = &p,
	};
	unsigned int dataoff, datalen;
	struct kct_ftp_stream *s;
	const struct tcphdr *th;
	struct tcphdr _th;
	const void *data;

	BUILD_BUG_ON((int)IP_CT_DIR_ORIGINAL != (int)KCT_FTP_FROM_CLIENT);
	BUILD_BUG_ON((int)IP_CT_DIR_REPLY != (int)KCT_FTP_FROM_SERVER);

	if (!help || nf_ct_protonum(ct) != IPPROTO_TCP)
		return NF_ACCEPT;
	/*
	 * Room to record a rewrite's change of length, for when NAT maps
	 * the connection (kct_nat_ftp): only a connection not confirmed
	 * yet may grow extensions, and nf_nat adds this one only if the
	 * helper was assigned before NAT ran.
	 */
	if (!nf_ct_is_confirmed(ct) && !nfct_seqadj(ct))
		nfct_seqadj_ext_add(ct);
	th = skb_header_pointer(skb, protoff, sizeof(_th), &_th);
	if (!th)
		return NF_ACCEPT;
	dataoff = protoff + th->doff * 4;
	p.conn = kct_ftp_conn_of(help);
	s = &p.conn->dir[dir];
	p.found.line_seq = &s->line_seq;
	p.found.seg_seq = ntohl(th->seq);

	spin_lock_bh(&kct_ftp_lock);
	if (th->syn) {
		kct_ftp_stream_syn(s, ntohl(th->seq));
	} else if (dataoff < skb->len) {
		datalen = skb->len - dataoff;
		p.found.paylen = datalen;
		data = NULL;
		/*
		 * Under NAT the packet may be rewritten while its payload is
		 * read: read a copy.
		 */
		if (datalen <= KCT_FTP_SEGMENT_MAX &&
		    !(ct->status & IPS_NAT_MASK))
			data = skb_header_pointer(skb, dataoff, datalen,
						  kct_ftp_payload);
		else if (datalen <= KCT_FTP_SEGMENT_MAX &&
			 !skb_copy_bits(skb, dataoff, kct_ftp_payload, datalen))
			data = kct_ftp_payload;
		if (data)
			kct_ftp_stream_data(s, &calls, ntohl(th->seq), data,
					    datalen, (enum kct_ftp_dir)dir,
					    nf_ct_l3num(ct) == NFPROTO_IPV4 ?
					    4 : 6);
		else
			kct_ftp_stream_lost(s);
	}
	spin_unlock_bh(&kct_ftp_lock);
	return p.found.verdict;
}
