#!/bin/bash
# NAT of a protocol no tracker knows (here IP protocol 253, as GRE or
# ESP would be for a tracker without their module) translates the
# address only, on kct as on stock: through a router that masquerades
# what leaves towards the server, a packet of protocol 253 from the
# client reaches the server from the router's address, the server's
# answer to that address reaches the client, and the router's table
# shows the line stock shows (an "unknown" entry, reply tuple to the
# router's address, no ports).
# kct-test-cost: 31
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/nat_diff.sh"
require_tool nft python3

# count NS: a counter of protocol 253 arriving in NS, by source address.
count() {
	ip netns exec "$1" nft -f - <<NFT
table ip kct_count {
	counter from_router {}
	counter from_server {}
	chain input {
		type filter hook input priority 0; policy accept;
		ip protocol 253 ip saddr $FW4_SV counter name from_router
		ip protocol 253 ip saddr $SV4 counter name from_server
	}
}
NFT
}

# got NS COUNTER: NS counted a packet.
got() {
	[ "$(nft_counter "$1" ip kct_count "$2")" -ge 1 ]
}

scenario() {
	topo_create
	diff_tracker "$1"
	in_fw nft -f - <<NFT || echo "rules did not load"
table ip kct_nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "fw1" masquerade
	}
}
NFT
	count $SV
	count $CL
	pkt $CL ip --dst $SV4 --proto 253 --payload hello
	poll 5 got $SV from_router
	echo "server got it from the router: $(nft_counter $SV ip kct_count from_router)"
	pkt $SV ip --dst $FW4_SV --proto 253 --payload world
	poll 5 got $CL from_server
	echo "client got the answer from the server: $(nft_counter $CL ip kct_count from_server)"
	echo "router's entry: $(kct_norm "$(ip netns exec $FW cat /proc/net/$(diff_proc_table "$1") |
		lines_with "unknown" "src=$CL4 ")")"
	topo_destroy
}

diff_run scenario 3
ktap_expect "stock: the server got the packet from the router's address" \
	"server got it from the router: 1" "${DIFF_STOCK[0]}"
ktap_expect "stock: the answer reached the client" \
	"client got the answer from the server: 1" "${DIFF_STOCK[1]}"
ktap_check "stock: an unknown-protocol entry, reply to the router" \
	grep -q "unknown  253 T src=$CL4 dst=$SV4 src=$SV4 dst=$FW4_SV " <<<"${DIFF_STOCK[2]}"
diff_compare
ktap_done
