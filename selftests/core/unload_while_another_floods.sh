#!/bin/bash
# kct unloads cleanly while one namespace holds 10000 live connections and
# another opens new connections as fast as it can, three times over:
# rmmod succeeds without a kernel warning, and afterwards nf_conntrack's
# count of connection objects (which includes kct's) is 0 in both
# namespaces.  A connection kct forgot would stay counted, and would keep
# its namespace from ever being deleted.
# kct-test-cost: 42
# kct-test-tier: long
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/table.sh"
require_tool python3

stop=$(mktemp -u)
modprobe nf_conntrack
stock_limits_save
trap 'touch $stop; wait; rm -f $stop; stock_limits_restore' EXIT
sysctl -qw net.netfilter.nf_conntrack_max=12000
sink_ns kct-full
sink_ns kct-flood
both_zero() {
	test "$(nf_count kct-full)" = 0 && test "$(nf_count kct-flood)" = 0
}

for round in 1 2 3; do
	# Few buckets, long chains: entries of both namespaces share them.
	modprobe kct hashsize=1024 || { ktap_fail "modprobe kct"; break; }
	ip netns exec kct-full sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600
	sink_fill kct-full 10000 >/dev/null
	ktap_expect "round $round: the namespace holds 10000 connections" \
		10000 "$(ip netns exec kct-full sysctl -n net.kct.count)"
	rm -f "$stop"
	sink_flood kct-flood "$stop" &
	flooding() { test "$(ip netns exec kct-flood sysctl -n net.kct.count)" -ge 1000; }
	wait_for flooding
	ktap_check "round $round: rmmod kct under the flood" rmmod kct
	ktap_check "round $round: no connection object left in either namespace" \
		wait_for both_zero
	touch "$stop"
	wait
done
ktap_done
