#!/bin/bash
# Where stock ct rules are loaded (nft "ct state", iptables "-m
# conntrack"), nf_conntrack's hooks run too, but kct owns every packet:
# nf_conntrack's table and its insert counter stay empty in every
# namespace while /proc/net/kct has each flow, and the rules still count.
# kct-test-cost: 21
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft iptables ping socat python3 ss

topo_create
kct_load
ct_counters_ruleset | in_fw nft -f -
for ns in $CL $SV; do
	ip netns exec $ns nft -f - <<'NFT'
table inet host {
	chain input_filter {
		type filter hook input priority filter; policy accept;
		ct state established,related,new accept
	}
}
NFT
done
in_fw iptables -A FORWARD -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT
udp_echo $SV 5000
in_sv socat TCP-LISTEN:7000,reuseaddr SYSTEM:'echo tcp-ok' >/dev/null 2>&1 &
wait_for tcp_listening $SV 7000

in_cl ping -c 2 -i 0.2 -W $((2 * KCT_PATIENCE)) $SV4 >/dev/null
in_cl ping -6 -c 2 -i 0.2 -W $((2 * KCT_PATIENCE)) $SV6 >/dev/null
pkt $CL udp --dst $SV4 --dport 5000 --count 2 --reply + \
	udp --dst $SV6 --dport 5000 --count 2 --reply
out=$(tcp_answer $CL $SV4 7000)
ktap_expect "TCP through the firewall works" "tcp-ok" "$out"

ktap_expect "IPv4: the rules saw ping, UDP and TCP as new, nothing invalid" \
	"new=3 invalid=0" "$(ct_counters $FW 4 "" | awk '{ print $1, $4 }')"
ktap_expect "IPv6: the rules saw ping and UDP as new, nothing invalid" \
	"new=2 invalid=0" "$(ct_counters $FW 6 "" | awk '{ print $1, $4 }')"
for ns in $CL $FW $SV; do
	ktap_expect "$ns: nf_conntrack's table is empty" "" "$(stock_table $ns)"
	ktap_expect "$ns: nf_conntrack inserted nothing" 0 "$(stock_stat $ns insert)"
done
ktap_expect "the firewall's kct table has the five flows" 5 "$(kct_count $FW)"
ktap_expect "... ping (1), TCP (6), UDP (17) x2, ping6 (58)" "1 6 17 17 58" \
	"$(kct_table $FW | awk '{ print $4 }' | sort -n | paste -sd' ')"
ktap_done
