#!/bin/bash
# Lowering nf_conntrack_max below the number of entries does not shut
# out new connections: each gets room by early drop, as on stock.  Stock
# lets a new connection in once its early drop dropped one; kct asks
# nf_conntrack_alloc() for the object, which refuses while stock's count
# (kct's connections included) is at the limit, so kct must drop until
# the count is below it (it comes down to the limit; stock's stays
# above).  A table of 3000 unassured UDP entries (8192 buckets,
# nf_conntrack_max 4096), then nf_conntrack_max 2000 and 500 new flows:
# about as many find no room on kct as on stock (kct refused all 500,
# stock 2).
# kct-test-cost: 27
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/table.sh"
require_tool python3 nft

# lowered_fill NS: the new flows of 500 that found no room after the
# limit went from above the table's 3000 entries to 2000.
lowered_fill() {
	local failed

	sysctl -qw net.netfilter.nf_conntrack_max=4096
	failed=$(sink_fill "$1" 3000)
	[ "$failed" = 0 ] || echo "# $failed of the first 3000 found no room" >&2
	sysctl -qw net.netfilter.nf_conntrack_max=2000
	sink_fill "$1" 500
	echo "# $(ip netns exec "$1" sysctl -n net.netfilter.nf_conntrack_count) entries after the 500" >&2
}

stock_with_limits 8192 4096
sink_ns_stock kct-sink
stock_failed=$(lowered_fill kct-sink)
ip netns del kct-sink
echo "# stock: $stock_failed of 500 new flows found no room"

modprobe kct hashsize=8192 || { ktap_fail "modprobe kct"; ktap_done; }
sink_ns kct-sink
kct_failed=$(lowered_fill kct-sink)
ktap_check "kct: it early-dropped unassured ones" \
	test "$(kct_stat kct-sink early_drop)" -gt 0
echo "# kct: $kct_failed of 500 new flows found no room; $(kct_stat kct-sink early_drop) early drops, $(kct_stat kct-sink entries) entries left, $(kct_invalid kct-sink table_full) table full, $(kct_invalid kct-sink no_memory) no memory"
ip netns del kct-sink
# Misses are chance (early drop finds no unassured entry in 8 buckets):
# twice stock's and 30 more is far beyond chance.
ktap_check "kct admits new flows as stock does ($kct_failed vs $stock_failed)" \
	test "$kct_failed" -le $((2 * stock_failed + 30))
ktap_done
