#!/bin/bash
# The connections stock made before kct was loaded count against
# nf_conntrack_max, and a new connection gets room by early drop among
# them, as stock would give it: a firewall whose table is full when kct
# comes in keeps taking new connections.  Stock: a namespace's table
# filled with unreplied UDP flows up to the limit, then 500 new flows,
# let in by stock's early drop.  kct: the same table filled by stock,
# kct loaded, then the same 500 new flows, now kct's.  (kct looked for
# room in its own table only, which had none to drop, and refused every
# new flow until stock's entries expired; a reload under load ran into
# that.)  The flows' UDP timeout is long enough that none expires
# meanwhile.
# kct-test-cost: 26
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/table.sh"
require_tool python3 nft

FILL=2048
MORE=500

# full_sink: the sink namespace, tracked by stock, its table at the limit.
full_sink() {
	sink_ns_stock kct-sink
	ip netns exec kct-sink sysctl -qw \
		net.netfilter.nf_conntrack_udp_timeout=$((600 * KCT_PATIENCE))
	ktap_expect "$1: the table fills up to nf_conntrack_max" 0 \
		"$(sink_fill kct-sink $FILL)"
	# Stock's GC evicts unassured entries while the count is at 95% of
	# the limit or above (nf_conntrack_max / 100 * 95), so on a slow
	# machine a crossing between the fill and this read leaves the count
	# one below that mark.
	local count
	count=$(nf_count kct-sink)
	ktap_check "$1: stock's count is at the limit, or just under what its GC evicts down to ($count)" \
		in_range "$count" $((FILL / 100 * 95 - 1)) $FILL
}

stock_with_limits 8192 $FILL
full_sink stock
# sink_fill sends from a new socket, so from a new port: new flows.
stock_refused=$(sink_fill kct-sink $MORE)
ktap_check "stock: it early-dropped unassured ones" \
	test "$(stock_stat kct-sink early_drop)" -gt 0
ip netns del kct-sink
echo "# stock: $stock_refused of $MORE new flows found no room"

full_sink kct
modprobe kct hashsize=8192 || { ktap_fail "modprobe kct"; ktap_done; }
kct_refused=$(sink_fill kct-sink $MORE)
kct_lines=$(ip netns exec kct-sink grep -c . /proc/net/kct)
echo "# kct: $kct_refused of $MORE new flows found no room, $kct_lines in kct's table"
# Stock's leftovers go first, but where eight of stock's buckets have
# none, kct's own unassured new flows are dropped as stock would.
ktap_check "kct: the new flows are kct's ($kct_lines)" \
	test "$kct_lines" -gt $(((MORE - kct_refused) / 2))
ktap_check "kct: stock's count stays within the limit ($(nf_count kct-sink))" \
	test "$(nf_count kct-sink)" -le $FILL
# The misses are chance (a few percent: early drop looks at eight
# buckets), give or take: twice stock's and 30 more is far beyond it.
ktap_check "kct finds room as often as stock ($kct_refused vs $stock_refused)" \
	test "$kct_refused" -le $((2 * stock_refused + 30))
ip netns del kct-sink
ktap_done
