#!/bin/bash
# With net.netfilter.nf_conntrack_checksum=1 (default) a UDP datagram
# arriving with a wrong checksum is INVALID, counted as bad_checksum,
# and makes no entry; with checksum=0 kct does not verify and tracks it
# as NEW, as stock does.
# kct-test-cost: 18
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft python3

topo_create
kct_load
ct_counters_ruleset | in_fw nft -f -
bad=$(kct_invalid $FW bad_checksum)
pkt $CL udp-raw --dst $SV4 --sport 7777 --dport 8888 --bad-checksum + \
	udp-raw --dst $SV6 --sport 7777 --dport 8888 --bad-checksum
ktap_expect "IPv4: checksum=1, bad checksum: invalid" \
	"new=0 established=0 related=0 invalid=1 untracked=0" "$(ct_counters $FW 4 "")"
ktap_expect "IPv6: checksum=1, bad checksum: invalid" \
	"new=0 established=0 related=0 invalid=1 untracked=0" "$(ct_counters $FW 6 "")"
ktap_expect "bad_checksum rose by 2" $((bad + 2)) "$(kct_invalid $FW bad_checksum)"
ktap_expect "no entry" "" "$(kct_table $FW)"

in_fw sysctl -qw net.netfilter.nf_conntrack_checksum=0
snap=$(nft_counters $FW inet ctstate)
pkt $CL udp-raw --dst $SV4 --sport 7777 --dport 8888 --bad-checksum + \
	udp-raw --dst $SV6 --sport 7777 --dport 8888 --bad-checksum
ktap_expect "IPv4: checksum=0, the same datagram is new" \
	"new=1 established=0 related=0 invalid=0 untracked=0" "$(ct_counters $FW 4 "$snap")"
ktap_expect "IPv6: checksum=0, the same datagram is new" \
	"new=1 established=0 related=0 invalid=0 untracked=0" "$(ct_counters $FW 6 "$snap")"
ktap_expect "two entries" 2 "$(kct_count $FW "sport=7777 dport=8888" "[UNREPLIED]")"
ktap_expect "bad_checksum unchanged" $((bad + 2)) "$(kct_invalid $FW bad_checksum)"
ktap_done
