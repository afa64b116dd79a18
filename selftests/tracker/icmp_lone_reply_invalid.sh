#!/bin/bash
# An echo reply that answers no request is INVALID: "ct state invalid
# drop" stops unsolicited replies, and no entry is made for them.  IPv4
# (type 0) and IPv6 (type 129); counted as icmp_bad_type.
# kct-test-cost: 20
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft python3

topo_create
kct_load
ct_counters_ruleset | in_fw nft -f -
badtype=$(kct_invalid $FW icmp_bad_type)
invalid=$(kct_stat $FW invalid)

pkt $CL icmp --dst $SV4 --type 0 --id 4343
pkt $CL icmp --dst $SV6 --type 129 --id 4343
ktap_expect "IPv4: a lone echo reply is INVALID" \
	"new=0 established=0 related=0 invalid=1 untracked=0" "$(ct_counters $FW 4 "")"
ktap_expect "IPv6: a lone echo reply is INVALID" \
	"new=0 established=0 related=0 invalid=1 untracked=0" "$(ct_counters $FW 6 "")"
ktap_expect "no entry on the firewall" "" "$(kct_table $FW)"
ktap_expect "kct_invalid icmp_bad_type rose by 2" $((badtype + 2)) \
	"$(kct_invalid $FW icmp_bad_type)"
ktap_expect "stat invalid column rose by 2" $((invalid + 2)) \
	"$(kct_stat $FW invalid)"
ktap_done
