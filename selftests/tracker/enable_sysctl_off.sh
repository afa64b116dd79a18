#!/bin/bash
# net.kct.enable=0 switches kct off in one namespace only: new traffic
# there makes no kct entry (where a stock ct rule exists, nf_conntrack
# then tracks it, as it would without kct), while the other namespaces
# keep being tracked by kct.  Switched on again, kct tracks new flows.
# kct-test-cost: 17
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft ping sysctl python3 ss

topo_create
kct_load
ct_counters_ruleset | in_fw nft -f -
ktap_expect "enable defaults to 1" 1 "$(in_fw sysctl -n net.kct.enable)"
in_fw sysctl -qw net.kct.enable=0
ktap_expect "enable is 0 in the firewall" 0 "$(in_fw sysctl -n net.kct.enable)"
ktap_expect "... and still 1 in the client" 1 "$(in_cl sysctl -n net.kct.enable)"

ktap_check "ping through the firewall works" in_cl ping -c 2 -i 0.2 -W $((2 * KCT_PATIENCE)) $SV4
ktap_expect "no kct entry on the firewall" "" "$(kct_table $FW)"
ktap_expect "nf_conntrack tracked the ping on the firewall" 1 \
	"$(stock_table $FW | grep -c "type=8 code=0")"
ktap_expect "the ct rules still work (nf_conntrack's verdicts)" \
	"new=1 established=3 related=0 invalid=0 untracked=0" "$(ct_counters $FW 4 "")"
ktap_expect "the client tracked it with kct" 1 "$(kct_count $CL "type=8")"
ktap_expect "the server tracked it with kct" 1 "$(kct_count $SV "type=8")"

in_fw sysctl -qw net.kct.enable=1
udp_echo $SV 5000
pkt $CL udp --dst $SV4 --dport 5000 --reply
ktap_expect "enabled again: kct tracks the new UDP flow" 1 \
	"$(kct_count $FW "udp" "dport=5000")"
ktap_expect "... and nf_conntrack does not" 0 \
	"$(stock_table $FW | grep -c "dport=5000")"
ktap_done
