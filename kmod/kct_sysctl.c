// SPDX-License-Identifier: GPL-2.0
/*
 * net.kct.*: stock's conntrack sysctls under kct's own name, per
 * namespace, with stock's defaults.  Every value is range-checked: a bad
 * write fails with EINVAL and changes nothing.
 */
#include <linux/sysctl.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include "kct_sysctl.h"
#include "kct_pernet.h"
#include "kct_table.h"
#include "kct_expect.h"

static const struct {
	const char *name;
	unsigned int secs;
} kct_timeout_sysctls[KCT_TIMEOUT_MAX] = {
	[KCT_TIMEOUT_TCP_SYN_SENT] = { "tcp_timeout_syn_sent", 120 },
	[KCT_TIMEOUT_TCP_SYN_RECV] = { "tcp_timeout_syn_recv", 60 },
	[KCT_TIMEOUT_TCP_ESTABLISHED] = { "tcp_timeout_established", 432000 },
	[KCT_TIMEOUT_TCP_FIN_WAIT] = { "tcp_timeout_fin_wait", 120 },
	[KCT_TIMEOUT_TCP_CLOSE_WAIT] = { "tcp_timeout_close_wait", 60 },
	[KCT_TIMEOUT_TCP_LAST_ACK] = { "tcp_timeout_last_ack", 30 },
	[KCT_TIMEOUT_TCP_TIME_WAIT] = { "tcp_timeout_time_wait", 120 },
	[KCT_TIMEOUT_TCP_CLOSE] = { "tcp_timeout_close", 10 },
	[KCT_TIMEOUT_TCP_SYN_SENT2] = { "tcp_timeout_syn_sent2", 120 },
	[KCT_TIMEOUT_TCP_RETRANS] = { "tcp_timeout_max_retrans", 300 },
	[KCT_TIMEOUT_TCP_UNACK] = { "tcp_timeout_unacknowledged", 300 },
	[KCT_TIMEOUT_UDP] = { "udp_timeout", 30 },
	[KCT_TIMEOUT_UDP_STREAM] = { "udp_timeout_stream", 120 },
	[KCT_TIMEOUT_ICMP] = { "icmp_timeout", 30 },
	[KCT_TIMEOUT_ICMPV6] = { "icmpv6_timeout", 30 },
	[KCT_TIMEOUT_SCTP_CLOSED] = { "sctp_timeout_closed", 10 },
	[KCT_TIMEOUT_SCTP_COOKIE_WAIT] = { "sctp_timeout_cookie_wait", 3 },
	[KCT_TIMEOUT_SCTP_COOKIE_ECHOED] = { "sctp_timeout_cookie_echoed", 3 },
	[KCT_TIMEOUT_SCTP_ESTABLISHED] = { "sctp_timeout_established", 210 },
	[KCT_TIMEOUT_SCTP_SHUTDOWN_SENT] = { "sctp_timeout_shutdown_sent", 3 },
	[KCT_TIMEOUT_SCTP_SHUTDOWN_RECD] = { "sctp_timeout_shutdown_recd", 3 },
	[KCT_TIMEOUT_SCTP_SHUTDOWN_ACK_SENT] = {
		"sctp_timeout_shutdown_ack_sent", 3 },
	[KCT_TIMEOUT_SCTP_HEARTBEAT_SENT] = { "sctp_timeout_heartbeat_sent", 30 },
	[KCT_TIMEOUT_GENERIC] = { "generic_timeout", 600 },
};

static int kct_log_invalid_max = 255;
static int kct_retrans_max = 255;
static int kct_timeout_max_secs = INT_MAX / HZ;
static unsigned int kct_buckets_value;

void kct_sysctl_defaults(struct kct_sysctl *s)
{
	int i;

	s->enable = 1;
	s->checksum = 1;
	s->log_invalid = 0;
	s->tcp_loose = 1;
	s->tcp_be_liberal = 0;
	s->tcp_ignore_invalid_rst = 0;
	s->tcp_max_retrans = 3;
	for (i = 0; i < KCT_TIMEOUT_MAX; i++)
		s->timeouts[i] = kct_timeout_sysctls[i].secs * HZ;
}

/*
 * Timeouts are kept in jiffies and shown in seconds.  Stock's
 * proc_dointvec_jiffies takes negative values; kct refuses them.
 */
static int kct_proc_timeout(struct ctl_table *table, int write,
			    void *buffer, size_t *lenp, loff_t *ppos)
{
	unsigned int *jiffies_value = table->data;
	int secs = *jiffies_value / HZ;
	struct ctl_table tmp = {
		.data = &secs,
		.maxlen = sizeof(secs),
		.extra1 = SYSCTL_ZERO,
		.extra2 = &kct_timeout_max_secs,
	};
	int ret;

	ret = proc_dointvec_minmax(&tmp, write, buffer, lenp, ppos);
	if (write && !ret)
		WRITE_ONCE(*jiffies_value, secs * HZ);
	return ret;
}

/* Entries before the timeouts; the timeouts follow in enum order. */
enum {
	KCT_SYSCTL_ENABLE,
	KCT_SYSCTL_MAX,
	KCT_SYSCTL_COUNT,
	KCT_SYSCTL_BUCKETS,
	KCT_SYSCTL_CHECKSUM,
	KCT_SYSCTL_LOG_INVALID,
	KCT_SYSCTL_TCP_LOOSE,
	KCT_SYSCTL_TCP_BE_LIBERAL,
	KCT_SYSCTL_TCP_IGNORE_INVALID_RST,
	KCT_SYSCTL_TCP_MAX_RETRANS,
	KCT_SYSCTL_EXPECT_MAX,
	KCT_SYSCTL_TIMEOUTS,
	KCT_SYSCTL_ENTRIES = KCT_SYSCTL_TIMEOUTS + KCT_TIMEOUT_MAX,
};

static void kct_sysctl_flag(struct ctl_table *t, const char *name, int *data)
{
	t->procname = name;
	t->data = data;
	t->maxlen = sizeof(int);
	t->mode = 0644;
	t->proc_handler = proc_dointvec_minmax;
	t->extra1 = SYSCTL_ZERO;
	t->extra2 = SYSCTL_ONE;
}

int kct_sysctl_init_net(struct net *net)
{
	struct kct_net *kn = kct_pernet(net);
	struct kct_sysctl *s = &kn->sysctl;
	struct ctl_table *table, *t;
	int i;

	/* One more, zeroed, ends the table. */
	table = kcalloc(KCT_SYSCTL_ENTRIES + 1, sizeof(*table), GFP_KERNEL);
	if (!table)
		return -ENOMEM;

	kct_sysctl_flag(&table[KCT_SYSCTL_ENABLE], "enable", &s->enable);

	t = &table[KCT_SYSCTL_MAX];
	t->procname = "max";
	t->data = &kct_max;
	t->maxlen = sizeof(int);
	/*
	 * Global, like stock's: only the initial namespace may change it.
	 * nf_conntrack_max still bounds it where it is used
	 * (kct_table_max()), as that one may change at any time.
	 */
	t->mode = net_eq(net, &init_net) ? 0644 : 0444;
	t->proc_handler = proc_dointvec_minmax;
	t->extra1 = SYSCTL_ZERO;
	t->extra2 = SYSCTL_INT_MAX;

	t = &table[KCT_SYSCTL_COUNT];
	t->procname = "count";
	t->data = &kn->count;
	t->maxlen = sizeof(int);
	t->mode = 0444;
	t->proc_handler = proc_dointvec;

	kct_buckets_value = kct_table_size();
	t = &table[KCT_SYSCTL_BUCKETS];
	t->procname = "buckets";
	t->data = &kct_buckets_value;
	t->maxlen = sizeof(int);
	t->mode = 0444;
	t->proc_handler = proc_dointvec;

	kct_sysctl_flag(&table[KCT_SYSCTL_CHECKSUM], "checksum", &s->checksum);

	t = &table[KCT_SYSCTL_LOG_INVALID];
	kct_sysctl_flag(t, "log_invalid", &s->log_invalid);
	t->extra2 = &kct_log_invalid_max;

	kct_sysctl_flag(&table[KCT_SYSCTL_TCP_LOOSE], "tcp_loose",
			&s->tcp_loose);
	kct_sysctl_flag(&table[KCT_SYSCTL_TCP_BE_LIBERAL], "tcp_be_liberal",
			&s->tcp_be_liberal);
	kct_sysctl_flag(&table[KCT_SYSCTL_TCP_IGNORE_INVALID_RST],
			"tcp_ignore_invalid_rst", &s->tcp_ignore_invalid_rst);
	t = &table[KCT_SYSCTL_TCP_MAX_RETRANS];
	kct_sysctl_flag(t, "tcp_max_retrans", &s->tcp_max_retrans);
	t->extra2 = &kct_retrans_max;

	t = &table[KCT_SYSCTL_EXPECT_MAX];
	kct_sysctl_flag(t, "expect_max", &kct_expect_max);
	t->extra1 = SYSCTL_ONE;
	t->extra2 = SYSCTL_INT_MAX;
	/*
	 * Global like stock's nf_conntrack_expect_max, and like it read
	 * only outside the initial namespace: a container must not raise
	 * the host's limit (each namespace counts its own against it).
	 */
	if (!net_eq(net, &init_net))
		t->mode = 0444;

	for (i = 0; i < KCT_TIMEOUT_MAX; i++) {
		t = &table[KCT_SYSCTL_TIMEOUTS + i];
		t->procname = kct_timeout_sysctls[i].name;
		t->data = &s->timeouts[i];
		t->maxlen = sizeof(unsigned int);
		t->mode = 0644;
		t->proc_handler = kct_proc_timeout;
	}

	kn->sysctl_header = register_net_sysctl(net, "net/kct", table);
	if (!kn->sysctl_header) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

void kct_sysctl_exit_net(struct net *net)
{
	struct kct_net *kn = kct_pernet(net);
	struct ctl_table *table;

	if (!kn->sysctl_header)
		return;
	table = kn->sysctl_header->ctl_table_arg;
	unregister_net_sysctl_table(kn->sysctl_header);
	kfree(table);
	kn->sysctl_header = NULL;
}
