#!/bin/bash
# Two packets of one new UDP flow that reach the router at once on two
# CPUs (a resolver's parallel A and AAAA queries from one socket) each
# get a connection, and NAT ("masquerade fully-random" here) may give
# them different outside ports; the second to confirm finds the first
# in the table.  Neither may lose its answer: stock keeps the loser for
# its answer for a second, kct rewrites the loser's packet by the
# winner's mapping.  300 flows, each sent by two processes pinned to the
# two CPUs at the same moment: every answer comes back on both
# trackers.  A run in which no race happened on a tracker (its
# clash_resolve counter did not move) shows nothing for it and says so.
# kct-test-cost: 33
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/nat_diff.sh"
require_tool nft python3 conntrack

LIB=$(cd "$(dirname "$0")/../lib" && pwd)
PORT=9997
FLOWS=300

# scenario TRACKER: the steps, one line each.
scenario() {
	local before
	topo_create
	diff_tracker "$1"
	in_fw nft -f - <<NFT || echo "rules did not load"
table ip kct_nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "fw1" udp dport $PORT masquerade fully-random
	}
}
NFT
	pkt $SV udp-echo --port $PORT >/dev/null 2>&1 &
	wait_for udp_bound $SV $PORT
	before=$(ct_stat clash_resolve)
	echo "flows: $(ip netns exec $CL python3 "$LIB/udp_race.py" --dst $SV4 \
		--port $PORT --flows $FLOWS --wait $((10 * KCT_PATIENCE)))"
	echo "races: $(($(ct_stat clash_resolve) - before))"
	topo_destroy
}

diff_run scenario 2
ktap_expect "stock: every answer came back" \
	"flows: sent $((2 * FLOWS)) answered $((2 * FLOWS))" "${DIFF_STOCK[0]}"
ktap_expect "kct: every answer came back" \
	"flows: sent $((2 * FLOWS)) answered $((2 * FLOWS))" "${DIFF_KCT[0]}"
for who in stock kct; do
	if [ $who = stock ]; then races=${DIFF_STOCK[1]#races: }; else races=${DIFF_KCT[1]#races: }; fi
	ktap_note "$who: $races of $FLOWS flows raced at confirm"
done
ktap_check "a race at confirm happened on kct (else this run shows nothing)" \
	test "${DIFF_KCT[1]#races: }" -gt 0
ktap_done
