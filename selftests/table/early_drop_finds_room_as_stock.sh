#!/bin/bash
# At nf_conntrack_max, a new connection gets room by early drop as often
# on kct as on stock.  Stock looks in the chains of eight buckets for
# connections that never proved themselves (not ASSURED), and finds a
# connection by either of its tuples, each in its own chain; in the first
# chain that has any, it drops them all.  With a table a quarter full
# (8192 buckets, nf_conntrack_max 2048) it still finds none now and then,
# and the new connection's packet is dropped: stock and kct, each fed
# 6000 new UDP flows, must fail about as many.  (kct looked at
# original tuples only, half the candidates, and failed several times
# as many: 15 to 18% of new flows under the soak's flood, stock 1%.)
# kct-test-cost: 26
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/table.sh"
require_tool python3 nft

FLOWS=6000
stock_with_limits 8192 2048
sink_ns_stock kct-sink
stock_failed=$(sink_fill kct-sink $FLOWS)
ktap_check "stock: it early-dropped unassured ones" \
	test "$(stock_stat kct-sink early_drop)" -gt 0
ip netns del kct-sink
echo "# stock: $stock_failed of $FLOWS new flows found no room"

modprobe kct hashsize=8192 || { ktap_fail "modprobe kct"; ktap_done; }
sink_ns kct-sink
kct_failed=$(sink_fill kct-sink $FLOWS)
ktap_check "kct: it early-dropped unassured ones" \
	test "$(kct_stat kct-sink early_drop)" -gt 0
ip netns del kct-sink
echo "# kct: $kct_failed of $FLOWS new flows found no room"
# The misses are chance (about 2% of the flows after the table filled,
# give or take 10 flows): twice stock's and 30 more is far beyond chance.
ktap_check "kct finds room as often as stock ($kct_failed vs $stock_failed)" \
	test "$kct_failed" -le $((2 * stock_failed + 30))
ktap_done
