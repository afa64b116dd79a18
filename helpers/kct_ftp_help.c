// SPDX-License-Identifier: GPL-2.0
/*
 * The per-packet callback of the FTP helper: kct calls it from its confirm
 * hook for every packet of a control connection.  It finds the segment's
 * payload and hands it to the line tracker of its direction
 * (kct_ftp_stream.h), which calls back for each PORT, EPRT, 227 or 229.
 * Packets always pass.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/tcp.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include "kct_ftp.h"
#include "kct_ftp_stream.h"

/* Unfinished lines kept at once, over all control connections. */
#define KCT_FTP_SLOTS		128

/*
 * One lock for all control connections, as stock has: they are few and
 * slow.  It guards every connection's line state, the pool of kept lines
 * and the buffers.
 */
static DEFINE_SPINLOCK(kct_ftp_lock);
static struct kct_ftp_lines kct_ftp_lines;
/* Where the payload of a non-linear packet is copied. */
static u8 *kct_ftp_payload;

int kct_ftp_help_init(void)
{
	kct_ftp_payload = kvmalloc(KCT_FTP_SEGMENT_MAX, GFP_KERNEL);
	kct_ftp_lines.join = kvmalloc(KCT_FTP_LINE_MAX + KCT_FTP_SEGMENT_MAX,
				      GFP_KERNEL);
	kct_ftp_lines.slots = kvcalloc(KCT_FTP_SLOTS,
				       sizeof(*kct_ftp_lines.slots),
				       GFP_KERNEL);
	kct_ftp_lines.nslots = KCT_FTP_SLOTS;
	if (kct_ftp_payload && kct_ftp_lines.join && kct_ftp_lines.slots)
		return 0;
	kct_ftp_help_exit();
	return -ENOMEM;
}

void kct_ftp_help_exit(void)
{
	kvfree(kct_ftp_payload);
	kvfree(kct_ftp_lines.join);
	kvfree(kct_ftp_lines.slots);
	kct_ftp_payload = NULL;
	kct_ftp_lines.join = NULL;
	kct_ftp_lines.slots = NULL;
}

int kct_ftp_help(struct sk_buff *skb, unsigned int protoff, struct nf_conn *ct,
		 enum ip_conntrack_info ctinfo)
{
	enum ip_conntrack_dir dir = CTINFO2DIR(ctinfo);
	struct kct_ftp_found_ctx ctx = { .ct = ct, .dir = dir };
	struct nf_conn_help *help = nfct_help(ct);
	unsigned int dataoff, datalen;
	struct kct_ftp_stream *s;
	const struct tcphdr *th;
	struct tcphdr _th;
	const void *data;

	BUILD_BUG_ON(sizeof(struct kct_ftp_conn) >
		     sizeof_field(struct nf_conn_help, data));
	BUILD_BUG_ON(KCT_FTP_SLOTS > 256);
	BUILD_BUG_ON((int)IP_CT_DIR_ORIGINAL != (int)KCT_FTP_FROM_CLIENT);
	BUILD_BUG_ON((int)IP_CT_DIR_REPLY != (int)KCT_FTP_FROM_SERVER);

	if (!help || nf_ct_protonum(ct) != IPPROTO_TCP)
		return NF_ACCEPT;
	th = skb_header_pointer(skb, protoff, sizeof(_th), &_th);
	if (!th)
		return NF_ACCEPT;
	dataoff = protoff + th->doff * 4;
	s = &((struct kct_ftp_conn *)help->data)->dir[dir];

	spin_lock_bh(&kct_ftp_lock);
	if (th->syn) {
		kct_ftp_stream_syn(&kct_ftp_lines, s, ntohl(th->seq));
	} else if (dataoff < skb->len) {
		datalen = skb->len - dataoff;
		data = NULL;
		if (datalen <= KCT_FTP_SEGMENT_MAX)
			data = skb_header_pointer(skb, dataoff, datalen,
						  kct_ftp_payload);
		if (data)
			kct_ftp_stream_data(&kct_ftp_lines, s, ntohl(th->seq),
					    data, datalen,
					    (enum kct_ftp_dir)dir,
					    nf_ct_l3num(ct) == NFPROTO_IPV4 ?
					    4 : 6, kct_ftp_found, &ctx);
		else
			kct_ftp_stream_lost(&kct_ftp_lines, s);
	}
	spin_unlock_bh(&kct_ftp_lock);
	return NF_ACCEPT;
}
