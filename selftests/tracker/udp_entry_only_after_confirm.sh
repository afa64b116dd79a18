#!/bin/bash
# A connection enters the table only when its first packet has passed the
# whole ruleset (confirm): a UDP datagram the firewall drops in its forward
# chain leaves no entry behind, so a blocked scan cannot fill the table
# and the next allowed packet of that flow is judged NEW again.
# kct-test-cost: 17
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft socat python3 ss

topo_create
kct_load
udp_sink $SV 5000
in_fw nft -f - <<NFT
table inet t {
	counter dropped {}
	counter seen_new {}
	chain forward_filter {
		type filter hook forward priority filter; policy accept;
		ct state new counter name "seen_new"
		udp dport 5000 counter name "dropped" drop
	}
}
NFT
inserts=$(kct_stat $FW insert)

pkt $CL udp --dst $SV4 --sport 40001 --dport 5000
pkt $CL udp --dst $SV6 --sport 40001 --dport 5000
ktap_expect "the forward rule dropped both datagrams" 2 \
	"$(nft_counter $FW inet t dropped)"
ktap_expect "both were NEW" 2 "$(nft_counter $FW inet t seen_new)"
ktap_expect "no entry for the dropped flows on the firewall" 0 \
	"$(kct_count $FW "dport=5000")"
ktap_expect "firewall's table is empty" "" "$(kct_table $FW)"
ktap_expect "insert counter unchanged" "$inserts" "$(kct_stat $FW insert)"
ktap_expect "net.kct.count is 0" 0 "$(in_fw sysctl -n net.kct.count)"
ktap_expect "the client, where nothing was dropped, has both entries" 2 \
	"$(kct_count $CL "sport=40001 dport=5000")"

# The same flow again, now allowed: NEW again, and now it is entered.
in_fw nft delete table inet t
pkt $CL udp --dst $SV4 --sport 40001 --dport 5000
kct_wait_entry $FW "sport=40001 dport=5000"
ktap_expect "once allowed, the flow is entered" 1 \
	"$(kct_count $FW "sport=40001 dport=5000" "[UNREPLIED]")"
ktap_expect "insert counter rose by one" $((inserts + 1)) "$(kct_stat $FW insert)"
ktap_done
