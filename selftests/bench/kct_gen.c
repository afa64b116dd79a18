// SPDX-License-Identifier: GPL-2.0
/*
 * kct_gen: a raw IPv4 packet generator for kct's benchmarks.  It crafts
 * small UDP datagrams or TCP SYNs from SRC to DST and sends them in
 * batches with sendmmsg(), so that one process can put many flows and
 * many packets per second through the firewall.
 *
 * Flow number i has source port 1024 + i % 64000 and destination port
 * 10000 + i / 64000 (so 64000 * 55535 distinct flows).  The generator
 * sends packets for the flows FIRST .. FIRST+FLOWS-1 in turn, wrapping
 * around, until it has sent COUNT packets or SECS seconds have passed.
 * With COUNT = FLOWS every packet opens a new flow.  With -r it sends at
 * most RATE packets per second, in batches of about a hundredth of that,
 * so that the load is steady rather than bursts; after a stall it goes on
 * at that rate without catching up, so no flow comes round sooner than
 * FLOWS / RATE seconds after its previous packet.
 *
 *   kct_gen [-p udp|syn] [-f FIRST] [-n FLOWS] [-c COUNT] [-t SECS]
 *           [-b BATCH] [-r RATE] [-w] SRC DST
 *
 * Prints the number of packets sent and the seconds it took; with -w
 * also the wall-clock times (seconds since the epoch) just before the
 * first batch and just after the last, which a listener's timestamps can
 * be compared with.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/types.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 256
#define PKT_LEN 64

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleep until the monotonic clock reads @t. */
static void sleep_until(double t)
{
	double d = t - now();
	struct timespec ts;

	if (d <= 0)
		return;
	ts.tv_sec = (time_t)d;
	ts.tv_nsec = (long)((d - ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

static __u16 csum_fold(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

static __u32 csum_add(__u32 sum, const void *buf, size_t len)
{
	const __u8 *p = buf;

	for (; len > 1; len -= 2, p += 2)
		sum += (p[0] << 8) | p[1];
	if (len)
		sum += p[0] << 8;
	return sum;
}

/* The IPv4 header and the L4 header of flow @i into @pkt; its length. */
static size_t build(__u8 *pkt, int syn, __u32 src, __u32 dst,
		    __u64 i)
{
	struct iphdr *ip = (struct iphdr *)pkt;
	__u8 *l4 = pkt + sizeof(*ip);
	__u16 sport = 1024 + i % 64000, dport = 10000 + i / 64000;
	size_t l4len = syn ? 20 : PKT_LEN - sizeof(*ip);
	__u32 sum;

	memset(pkt, 0, PKT_LEN);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = syn ? IPPROTO_TCP : IPPROTO_UDP;
	ip->saddr = src;
	ip->daddr = dst;
	ip->tot_len = htons(sizeof(*ip) + l4len);
	/* Ports first in both headers. */
	l4[0] = sport >> 8;
	l4[1] = sport;
	l4[2] = dport >> 8;
	l4[3] = dport;
	if (syn) {
		l4[4] = i >> 24;	/* sequence number */
		l4[5] = i >> 16;
		l4[6] = i >> 8;
		l4[7] = i;
		l4[12] = 5 << 4;	/* data offset */
		l4[13] = 0x02;		/* SYN */
		l4[14] = 0xff;		/* window */
		l4[15] = 0xff;
	} else {
		l4[4] = l4len >> 8;
		l4[5] = l4len;
		/* UDP checksum 0: none, legal over IPv4. */
	}
	if (syn) {
		__u8 pseudo[12];

		memcpy(pseudo, &src, 4);
		memcpy(pseudo + 4, &dst, 4);
		pseudo[8] = 0;
		pseudo[9] = IPPROTO_TCP;
		pseudo[10] = l4len >> 8;
		pseudo[11] = l4len;
		sum = csum_add(0, pseudo, sizeof(pseudo));
		sum = csum_add(sum, l4, l4len);
		sum = csum_fold(sum);
		l4[16] = sum >> 8;
		l4[17] = sum;
	}
	return sizeof(*ip) + l4len;
}

int main(int argc, char **argv)
{
	static __u8 pkts[MAX_BATCH][PKT_LEN];
	struct iovec iov[MAX_BATCH];
	struct mmsghdr msgs[MAX_BATCH];
	struct sockaddr_in to = { .sin_family = AF_INET };
	__u64 first = 0, flows = 1, count = 0, sent = 0, k = 0;
	double secs = 0, rate = 0, start, end, base, wall_first, wall_last;
	int syn = 0, batch = 64, opt, fd, one = 1, j, show_wall = 0;
	__u32 src;

	while ((opt = getopt(argc, argv, "p:f:n:c:t:b:r:w")) != -1) {
		switch (opt) {
		case 'p':
			syn = !strcmp(optarg, "syn");
			break;
		case 'f':
			first = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			flows = strtoull(optarg, NULL, 0);
			break;
		case 'c':
			count = strtoull(optarg, NULL, 0);
			break;
		case 't':
			secs = atof(optarg);
			break;
		case 'b':
			batch = atoi(optarg);
			break;
		case 'r':
			rate = atof(optarg);
			break;
		case 'w':
			show_wall = 1;
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2 || !flows || batch < 1 || batch > MAX_BATCH ||
	    (!count && secs <= 0) || rate < 0 ||
	    inet_pton(AF_INET, argv[optind], &src) != 1 ||
	    inet_pton(AF_INET, argv[optind + 1], &to.sin_addr) != 1)
		goto usage;

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one))) {
		perror("kct_gen: raw socket");
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (j = 0; j < batch; j++) {
		iov[j].iov_base = pkts[j];
		msgs[j].msg_hdr.msg_iov = &iov[j];
		msgs[j].msg_hdr.msg_iovlen = 1;
		msgs[j].msg_hdr.msg_name = &to;
		msgs[j].msg_hdr.msg_namelen = sizeof(to);
	}
	/* Paced: about a hundred batches a second, whatever the rate. */
	if (rate > 0 && rate / 100 < batch)
		batch = rate / 100 < 1 ? 1 : (int)(rate / 100);
	wall_first = wall();
	start = now();
	base = start;
	end = secs > 0 ? start + secs : 0;
	while (!count || sent < count) {
		int n = batch, r;

		/*
		 * Behind by more than a few batches (the process was not
		 * scheduled): carry on at the rate from here rather than
		 * catch up with a burst, so that any FLOWS packets in a row
		 * span at least FLOWS / RATE seconds.
		 */
		if (rate > 0 && now() > base + sent / rate + 0.05)
			base = now() - sent / rate;
		if (rate > 0)
			sleep_until(base + sent / rate);

		if (count && count - sent < (__u64)n)
			n = count - sent;
		for (j = 0; j < n; j++) {
			iov[j].iov_len = build(pkts[j], syn, src, to.sin_addr.s_addr,
					       first + k);
			if (++k == flows)
				k = 0;
		}
		r = sendmmsg(fd, msgs, n, 0);
		if (r < 0) {
			/* A full queue on the way: the packets are lost, go on. */
			r = n;
		}
		sent += r;
		if (end && now() >= end)
			break;
	}
	end = now();
	wall_last = wall();
	if (show_wall)
		printf("%llu %.3f %.6f %.6f\n", (unsigned long long)sent,
		       end - start, wall_first, wall_last);
	else
		printf("%llu %.3f\n", (unsigned long long)sent, end - start);
	return 0;
usage:
	fprintf(stderr, "usage: kct_gen [-p udp|syn] [-f FIRST] [-n FLOWS] [-c COUNT]\n"
		"               [-t SECS] [-b BATCH] [-r RATE] [-w] SRC DST\n");
	return 2;
}
