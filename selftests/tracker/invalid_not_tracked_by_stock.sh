#!/bin/bash
# A ct rule makes nf_conntrack register its own hooks in the namespace,
# and they track any packet that comes to them without a connection.
# Packets kct judged INVALID must stay INVALID all the same: counted by
# "ct state invalid", never by "ct state new", and nf_conntrack's own
# table stays empty while kct's holds the real flows.
# kct-test-cost: 15
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft ping python3

topo_create
kct_load
ct_counters_ruleset | in_fw nft -f -

ktap_check "a ping through the firewall works" in_cl ping -c 1 -W $((2 * KCT_PATIENCE)) $SV4
snap=$(nft_counters $FW inet ctstate)
# Invalid three ways, each family: a lone echo reply, a port unreachable
# quoting no connection, a UDP datagram with a bad checksum.
pkt $CL icmp --dst $SV4 --type 0 + icmp --dst $SV6 --type 129 + \
	icmp-unreach --dst $SV4 --quote-src $SV4 --quote-dst $CL4 \
		--quote-sport 7777 --quote-dport 8888 + \
	icmp-unreach --dst $SV6 --quote-src $SV6 --quote-dst $CL6 \
		--quote-sport 7777 --quote-dport 8888 + \
	udp-raw --dst $SV4 --sport 7777 --dport 8888 --bad-checksum + \
	udp-raw --dst $SV6 --sport 7777 --dport 8888 --bad-checksum
ktap_expect "IPv4: three invalid packets, none new" \
	"new=0 established=0 related=0 invalid=3 untracked=0" "$(ct_counters $FW 4 "$snap")"
ktap_expect "IPv6: three invalid packets, none new" \
	"new=0 established=0 related=0 invalid=3 untracked=0" "$(ct_counters $FW 6 "$snap")"
ktap_expect "nf_conntrack's table on the firewall is empty" "" "$(stock_table $FW)"
ktap_expect "kct's table on the firewall has the ping, only" 1 "$(kct_count $FW)"
ktap_expect "... and it is the ping" 1 "$(kct_count $FW "icmp" "type=8")"
ktap_done
