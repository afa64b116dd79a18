// SPDX-License-Identifier: GPL-2.0
/*
 * kct_ftp: the FTP helper for kct.  Registers one helper per configured
 * port and address family, under stock's names ("ftp" for port 21,
 * "ftp-PORT" for others), so that the rules users already write assign
 * it: "-j CT --helper ftp", nft "ct helper" objects.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include "kct_ftp.h"
#include "kct_helper.h"

#define KCT_FTP_PORT		21
#define KCT_FTP_PORTS_MAX	8

static unsigned short ports[KCT_FTP_PORTS_MAX] = { KCT_FTP_PORT };
static unsigned int ports_c;
module_param_array(ports, ushort, &ports_c, 0400);
MODULE_PARM_DESC(ports, "TCP ports of the FTP servers (default 21, up to 8)");

bool kct_ftp_loose;
module_param_named(loose, kct_ftp_loose, bool, 0600);
MODULE_PARM_DESC(loose,
		 "also expect data connections to an address other than the announcing host's (default 0)");

static struct kct_helper kct_ftp_helpers[KCT_FTP_PORTS_MAX * 2];
static unsigned int kct_ftp_registered;

static void kct_ftp_unregister_all(void)
{
	while (kct_ftp_registered)
		kct_helper_unregister(&kct_ftp_helpers[--kct_ftp_registered]);
}

static int kct_ftp_check_ports(void)
{
	unsigned int i, j;

	/* No ports= given: the default, 21. */
	if (!ports_c)
		ports_c = 1;
	for (i = 0; i < ports_c; i++) {
		if (!ports[i]) {
			pr_err("kct_ftp: ports: 0 is not a port\n");
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (ports[j] == ports[i]) {
				pr_err("kct_ftp: ports: %u given twice\n",
				       ports[i]);
				return -EINVAL;
			}
		}
	}
	return 0;
}

static int __init kct_ftp_init(void)
{
	static const u8 families[] = { NFPROTO_IPV4, NFPROTO_IPV6 };
	unsigned int i, f;
	int ret;

	ret = kct_ftp_check_ports();
	if (ret)
		return ret;
	ret = kct_ftp_help_init();
	if (ret)
		return ret;
	for (i = 0; i < ports_c; i++) {
		for (f = 0; f < ARRAY_SIZE(families); f++) {
			struct kct_helper *h =
				&kct_ftp_helpers[kct_ftp_registered];

			kct_helper_init(h, "ftp",
					ports[i] == KCT_FTP_PORT ? 0 : ports[i],
					families[f], IPPROTO_TCP, ports[i],
					KCT_FTP_MAX_EXPECTED,
					KCT_FTP_EXPECT_TIMEOUT, kct_ftp_help,
					THIS_MODULE);
			h->destroy = kct_ftp_destroy;
			/* Prints why when stock's nf_conntrack_ftp holds the name. */
			ret = kct_helper_register(h);
			if (ret)
				goto err;
			kct_ftp_registered++;
		}
	}
	return 0;

err:
	kct_ftp_unregister_all();
	kct_ftp_help_exit();
	return ret;
}

static void __exit kct_ftp_exit(void)
{
	/* Connections lose the helper, its expectations go. */
	kct_ftp_unregister_all();
	kct_ftp_help_exit();
}

module_init(kct_ftp_init);
module_exit(kct_ftp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kct: FTP helper (expectations for FTP data connections)");
MODULE_AUTHOR("The kct developers");
