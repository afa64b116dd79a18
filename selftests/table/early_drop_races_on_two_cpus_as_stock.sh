#!/bin/bash
# At nf_conntrack_max, two CPUs making new connections at once get room
# by early drop as often on kct as on stock, and a packet dropped for
# want of room is counted as "table full", not "no memory".  kct checks
# the limit and makes room in its own table before it takes a struct
# nf_conn from nf_conntrack_alloc(), which checks the limit again by
# stock's count; when the other CPU took the last room in between,
# stock's early drop looks in stock's own table, which holds none of
# kct's connections, and the allocation fails.  Two senders, one per
# CPU, each 4000 new UDP flows into a table a quarter full (8192
# buckets, nf_conntrack_max 2048), on stock and on kct.
# kct-test-cost: 32
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/table.sh"
require_tool python3 nft taskset

FLOWS=4000

# two_cpu_fill NS: the new flows that found no room (dropped: EPERM) of
# two senders in NS, one pinned to each CPU, each from its own socket
# (so their flows differ), both started together once both are ready.
two_cpu_fill() {
	local go out cpu
	go=$(mktemp -u) out=$(mktemp -d)
	for cpu in 0 1; do
		taskset -c $cpu bash -c "$(declare -f sink_fill); sink_fill \"\$@\"" \
			- "$1" $FLOWS "$out/ready.$cpu" "$go" >"$out/$cpu" &
	done
	poll 60 test -e "$out/ready.0" -a -e "$out/ready.1"
	touch "$go"
	wait
	echo $(($(cat "$out/0") + $(cat "$out/1")))
	rm -rf "$go" "$out"
}

stock_with_limits 8192 2048
sink_ns_stock kct-sink
stock_failed=$(two_cpu_fill kct-sink)
ip netns del kct-sink
echo "# stock: $stock_failed of $((2 * FLOWS)) new flows found no room"

modprobe kct hashsize=8192 || { ktap_fail "modprobe kct"; ktap_done; }
sink_ns kct-sink
kct_failed=$(two_cpu_fill kct-sink)
no_memory=$(kct_invalid kct-sink no_memory)
table_full=$(kct_invalid kct-sink table_full)
ip netns del kct-sink
echo "# kct: $kct_failed of $((2 * FLOWS)) new flows found no room ($table_full table full, $no_memory no memory)"
ktap_check "kct: no new flow dropped for want of memory" test "$no_memory" -eq 0
# The misses are chance (about 2% of the flows after the table filled):
# twice stock's and 30 more is far beyond chance.
ktap_check "kct finds room as often as stock ($kct_failed vs $stock_failed)" \
	test "$kct_failed" -le $((2 * stock_failed + 30))
ktap_done
