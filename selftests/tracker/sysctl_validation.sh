#!/bin/bash
# Every net.kct.* setting exists with stock nf_conntrack's name and
# default; a bad value (negative, not a number, out of range) is refused
# with EINVAL and changes nothing; buckets and count are read-only; max
# can be changed only from the initial namespace; and each namespace has
# its own settings, which its new connections follow.
. "$(dirname "$0")/../lib/preamble.sh"
require_tool sysctl python3 ss

kct_load
ip netns add kct-a
ip netns add kct-b
for ns in kct-a kct-b; do ip -n $ns link set lo up; done

# sysctl_read NS KEY...: "key=value ..." from /proc/sys/net/kct (or,
# with a KEY starting with /, that file), in one process.
sysctl_read() {
	local ns=$1
	shift
	ip netns exec "$ns" bash -c '
		out=
		for k in "$@"; do
			f=/proc/sys/net/kct/$k
			[ "${k#/}" = "$k" ] || f=$k
			read -r v < "$f" || v=missing
			out="$out ${k##*/}=$v"
		done
		echo "${out# }"' sh "$@"
}

# sysctl_try NS KEY=VALUE...: write each VALUE to KEY; for each, "KEY=VALUE
# EINVAL unchanged" when refused with EINVAL and the value stays, else
# what happened.  One process.
sysctl_try() {
	local ns=$1
	shift
	ip netns exec "$ns" bash -c '
		for kv in "$@"; do
			k=${kv%%=*} f=/proc/sys/net/kct/${kv%%=*}
			read -r before < "$f"
			err=$( { printf "%s\n" "${kv#*=}" > "$f"; } 2>&1)
			read -r after < "$f"
			case "$err" in
			*"Invalid argument"*) err=EINVAL ;;
			*"Permission denied"*) err=EACCES ;;
			"") err=accepted ;;
			*) err="error($err)" ;;
			esac
			if [ "$before" = "$after" ]; then
				echo "$kv $err unchanged"
			else
				echo "$kv $err changed to $after"
			fi
		done' sh "$@"
}

defaults="enable=1 checksum=1 log_invalid=0 tcp_loose=1 tcp_be_liberal=0
tcp_max_retrans=3 tcp_ignore_invalid_rst=0 tcp_timeout_syn_sent=120
tcp_timeout_syn_recv=60 tcp_timeout_established=432000
tcp_timeout_fin_wait=120 tcp_timeout_close_wait=60 tcp_timeout_last_ack=30
tcp_timeout_time_wait=120 tcp_timeout_close=10 tcp_timeout_syn_sent2=120
tcp_timeout_max_retrans=300 tcp_timeout_unacknowledged=300 udp_timeout=30
udp_timeout_stream=120 icmp_timeout=30 icmpv6_timeout=30
generic_timeout=600 count=0"
keys=$(for kv in $defaults; do echo "${kv%%=*}"; done)
ktap_expect "every setting has stock's default (new namespace)" \
	"$(echo $defaults)" "$(sysctl_read kct-a $keys)"

# Where stock has the same setting, kct's default is stock's own value.
same=$(for k in $keys max buckets; do
	[ -e /proc/sys/net/netfilter/nf_conntrack_$k ] && [ $k != count ] && echo $k
done)
stock=$(sysctl_read kct-a $(for k in $same; do echo /proc/sys/net/netfilter/nf_conntrack_$k; done) |
	sed 's/nf_conntrack_//g')
ktap_expect "the same values as stock's own nf_conntrack_* settings ($(echo $same | wc -w) of them)" \
	"$stock" "$(sysctl_read kct-a $same)"

bad=$(sysctl_try kct-a enable=2 enable=-1 enable=abc checksum=2 tcp_loose=2 \
	tcp_be_liberal=2 tcp_ignore_invalid_rst=2 log_invalid=256 \
	log_invalid=-1 tcp_max_retrans=-1 udp_timeout=-1 udp_timeout=abc \
	icmp_timeout=-5 generic_timeout=99999999999 \
	tcp_timeout_established=-1 | grep -v " EINVAL unchanged$")
ktap_expect "bad values are refused with EINVAL and change nothing" "" "$bad"

# 2147483 s is the longest timeout whose jiffies fit an int at any HZ up
# to 1000 (the stock kernel has 250, the debug kernel 1000).
ktap_expect "good values are taken; buckets, count and (here) max are read-only" \
	"log_invalid=17 accepted changed to 17
udp_timeout=2147483 accepted changed to 2147483
buckets=1024 EACCES unchanged
count=5 EACCES unchanged
max=1000 EACCES unchanged" \
	"$(sysctl_try kct-a log_invalid=17 udp_timeout=2147483 buckets=1024 count=5 max=1000)"

max=$(cat /proc/sys/net/kct/max)
echo $((max - 1)) > /proc/sys/net/kct/max
ktap_expect "max is writable in the initial namespace, and global" \
	"$((max - 1)) $((max - 1))" \
	"$(cat /proc/sys/net/kct/max) $(ip netns exec kct-a cat /proc/sys/net/kct/max)"
echo $max > /proc/sys/net/kct/max

# Per namespace: a new UDP entry gets its own namespace's udp_timeout.
ip netns exec kct-a sysctl -qw net.kct.udp_timeout=77
ktap_expect "udp_timeout changed in one namespace only" "udp_timeout=77 udp_timeout=30" \
	"$(sysctl_read kct-a udp_timeout) $(sysctl_read kct-b udp_timeout)"
# Each entry is read as soon as it is made: on a slow kernel a 30 s entry
# can be gone by the time the other namespace's is made.
declare -A left
for ns in kct-a kct-b; do
	udp_sink $ns 5000
	pkt $ns udp --dst 127.0.0.1 --dport 5000
	left[$ns]=$(kct_timeout "$(kct_entry $ns "dport=5000")")
done
ktap_check "a new UDP entry there gets 77 s ($((77 - KCT_SLACK))..77)" \
	in_range "${left[kct-a]}" $((77 - KCT_SLACK)) 77
ktap_check "in the other namespace still 30 s ($((30 - KCT_SLACK))..30)" \
	in_range "${left[kct-b]}" $((30 - KCT_SLACK)) 30
ktap_done
