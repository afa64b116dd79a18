#!/bin/bash
# A connection mark set by a rule stays on the connection: nft "ct mark
# set" shows as mark= in /proc/net/kct, "meta mark set ct mark" gives it
# back to every later packet of the flow in both directions, and
# iptables' CONNMARK does the same.
# kct-test-cost: 27
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft iptables-restore python3 ss

topo_create
kct_load
udp_echo $SV 5000 5001

in_fw nft -f - <<'NFT'
table inet marking {
	counter reply_marked {}
	chain prerouting_mangle {
		type filter hook prerouting priority mangle; policy accept;
		meta mark set ct mark
	}
	chain forward_filter {
		type filter hook forward priority filter; policy accept;
		udp dport 5000 ct state new ct mark set 42
		ct direction reply meta mark 42 counter name "reply_marked"
	}
}
NFT
pkt $CL udp --dst $SV4 --sport 40000 --dport 5000 --count 3 --reply
line=$(kct_entry $FW "sport=40000 dport=5000")
ktap_expect "nft: the entry shows mark=42" \
	"ipv4     2 udp      17 T src=$CL4 dst=$SV4 sport=40000 dport=5000 src=$SV4 dst=$CL4 sport=5000 dport=40000 mark=42 zone=0 use=2" \
	"$(kct_norm "$line")"
ktap_expect "nft: all 3 replies carried the mark restored from the connection" \
	3 "$(nft_counter $FW inet marking reply_marked)"

# The rules go; the mark stays with the connection.
in_fw nft flush ruleset
pkt $CL udp --dst $SV4 --sport 40000 --dport 5000 --reply
ktap_expect "the mark stays after the rules are gone" 1 \
	"$(kct_count $FW "sport=40000 dport=5000" "mark=42 ")"

in_fw iptables-restore <<'RULES'
*mangle
-A PREROUTING -j CONNMARK --restore-mark
-A FORWARD -p udp --dport 5001 -m conntrack --ctstate NEW -j CONNMARK --set-mark 43
-A FORWARD -m conntrack --ctdir REPLY -m mark --mark 43 -m comment --comment reply_marked
COMMIT
RULES
pkt $CL udp --dst $SV4 --sport 40001 --dport 5001 --count 3 --reply
ktap_expect "iptables CONNMARK: the entry shows mark=43" 1 \
	"$(kct_count $FW "sport=40001 dport=5001" "mark=43 ")"
ktap_expect "iptables: all 3 replies carried the mark restored from the connection" \
	"reply_marked=3" "$(ipt_counters $FW iptables mangle FORWARD)"
ktap_expect "the client's and server's entries are not marked" 0 \
	"$( (kct_table $CL; kct_table $SV) | grep -c "mark=4")"
ktap_done
