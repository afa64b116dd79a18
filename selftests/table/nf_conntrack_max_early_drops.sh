#!/bin/bash
# net.netfilter.nf_conntrack_max is kct's limit as it is stock's, and a
# namespace at that limit makes room for a new connection by dropping one
# that never proved itself (not ASSURED), as stock does, instead of
# dropping the new connection's packet as out of memory.  First stock,
# then kct, each with 1024 buckets and nf_conntrack_max 1024, fed 2000
# new UDP flows.
# kct-test-cost: 15
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/table.sh"
require_tool python3 nft

stock_with_limits 1024 1024
sink_ns_stock kct-sink
failed=$(sink_fill kct-sink 2000)
ktap_expect "stock: every one of 2000 new flows is sent" 0 "$failed"
n=$(nf_count kct-sink)
ktap_check "stock: the table stays within nf_conntrack_max ($n)" test "$n" -le 1024
dropped=$(stock_stat kct-sink early_drop)
ktap_check "stock: it early-dropped unassured ones ($dropped)" \
	test "$dropped" -ge $((2000 - 1024))
ip netns del kct-sink

modprobe kct hashsize=1024 || { ktap_fail "modprobe kct"; ktap_done; }
sink_ns kct-sink
failed=$(sink_fill kct-sink 2000)
ktap_expect "kct: every one of 2000 new flows is sent" 0 "$failed"
ktap_expect "kct: none counted as no_memory" 0 "$(kct_invalid kct-sink no_memory)"
n=$(ip netns exec kct-sink sysctl -n net.kct.count)
ktap_check "kct: the table stays within nf_conntrack_max ($n)" test "$n" -le 1024
dropped=$(kct_stat kct-sink early_drop)
ktap_check "kct: it early-dropped unassured ones ($dropped)" \
	test "$dropped" -ge $((2000 - 1024))
ip netns del kct-sink
ktap_done
