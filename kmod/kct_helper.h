/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_HELPER_H
#define _KCT_HELPER_H

#include <net/netfilter/nf_conntrack_helper.h>

/*
 * A connection helper (FTP): kct calls @help for every packet of a
 * connection the helper is assigned to, from its confirm hook.
 *
 * Users assign helpers with stock rules (-j CT --helper, nft ct helper),
 * which look the name up in nf_conntrack's helper registry; so each kct
 * helper is also registered there, as @stock.  nf_confirm() calls
 * @stock.help when stock's hooks are active: that callback does nothing,
 * kct has already done the work.
 *
 * @destroy, if set, frees what the helper keeps for a connection (in or
 * beyond its helper area).  kct calls it once the connection has left
 * the table, or failed to enter it; @help may still run afterwards on
 * packets that hold the connection, and must then keep nothing new.
 */
struct kct_helper {
	struct nf_conntrack_helper stock;
	struct nf_conntrack_expect_policy policy;
	int (*help)(struct sk_buff *skb, unsigned int protoff,
		    struct nf_conn *ct, enum ip_conntrack_info ctinfo);
	void (*destroy)(struct nf_conn *ct);
};

void kct_helper_init(struct kct_helper *h, const char *name, u16 id,
		     u8 family, u8 l4num, u16 port,
		     unsigned int max_expected, unsigned int timeout,
		     int (*help)(struct sk_buff *skb, unsigned int protoff,
				 struct nf_conn *ct,
				 enum ip_conntrack_info ctinfo),
		     struct module *me);
int kct_helper_register(struct kct_helper *h);
void kct_helper_unregister(struct kct_helper *h);

const struct kct_helper *kct_helper_of(const struct nf_conn *ct);
void kct_helper_assign(struct nf_conn *ct, const struct nf_conn *tmpl);
int kct_helper_assign_name(struct nf_conn *ct, const char *name);
int kct_helper_check_name(const struct nf_conn *ct, const char *name);
void kct_helper_remove(struct nf_conn *ct);
bool kct_helper_ext_pin(struct nf_conn *ct);
void kct_helper_destroy(struct nf_conn *ct);
unsigned int kct_helper_run(struct sk_buff *skb, struct nf_conn *ct,
			    enum ip_conntrack_info ctinfo, u8 pf);

#endif /* _KCT_HELPER_H */
