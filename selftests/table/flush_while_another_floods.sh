#!/bin/bash
# `conntrack -F` empties a namespace holding 10000 live connections while
# another namespace opens new connections as fast as it can, three times
# over: afterwards net.kct.count, `conntrack -L` and nf_conntrack's count
# of connection objects (which includes kct's) all say 0 there.  Before,
# /proc/net/kct and `conntrack -L` (read in many pieces) list each of the
# 10000 once.
# kct-test-cost: 77
# kct-test-tier: long
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/table.sh"
require_tool python3 conntrack

stop=$(mktemp -u)
modprobe nf_conntrack
stock_limits_save
trap 'touch $stop; wait; rm -f $stop; stock_limits_restore' EXIT
rmmod nf_conntrack_netlink 2>/dev/null
# Few buckets, long chains: entries of both namespaces share them.
modprobe kct hashsize=1024 || { ktap_fail "modprobe kct"; ktap_done; }
sysctl -qw net.netfilter.nf_conntrack_max=12000
sink_ns kct-full
sink_ns kct-flood
ip netns exec kct-full sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600
sink_flood kct-flood "$stop" &
flooding() { test "$(ip netns exec kct-flood sysctl -n net.kct.count)" -ge 1000; }
ktap_check "another namespace floods new flows" wait_for flooding
full_zero() { test "$(nf_count kct-full)" = 0; }

for round in 1 2 3; do
	sink_fill kct-full 10000 >/dev/null
	ktap_expect "round $round: the namespace holds 10000 connections" \
		10000 "$(ip netns exec kct-full sysctl -n net.kct.count)"
	if [ $round = 1 ]; then
		ktap_expect "/proc/net/kct lists each once" "10000 10000" \
			"$(kct_table kct-full | wc -l) $(kct_table kct-full | sort -u | wc -l)"
		ktap_expect "conntrack -L lists each once" "10000 10000" \
			"$(ip netns exec kct-full conntrack -L 2>/dev/null | wc -l) $(
				ip netns exec kct-full conntrack -L 2>/dev/null | sort -u | wc -l)"
	fi
	ip netns exec kct-full conntrack -F >/dev/null 2>&1
	ktap_expect "round $round: net.kct.count is 0 after conntrack -F" 0 \
		"$(ip netns exec kct-full sysctl -n net.kct.count)"
	ktap_expect "round $round: conntrack -L lists nothing" "" \
		"$(ip netns exec kct-full conntrack -L 2>/dev/null)"
	ktap_check "round $round: nf_conntrack_count is 0" wait_for full_zero
done
touch "$stop"
wait
ktap_done
