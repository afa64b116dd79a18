#!/bin/bash
# A protocol kct has no tracker for (here 253, reserved for experiments)
# is still tracked by addresses and protocol number, with
# net.netfilter.nf_conntrack_generic_timeout (600 s), and printed as
# stock prints such connections: "unknown", the number, no ports.  IPv4
# and IPv6.
# kct-test-cost: 17
. "$(dirname "$0")/../lib/preamble.sh"
require_tool python3

topo_create
kct_load
ktap_expect "generic_timeout is 600 s" 600 \
	"$(in_fw sysctl -n net.netfilter.nf_conntrack_generic_timeout)"

pkt $CL ip --dst $SV4 --proto 253
line=$(kct_entry $FW "unknown  253" "ipv4")
ktap_expect "IPv4: first packet, [UNREPLIED]" \
	"ipv4     2 unknown  253 T src=$CL4 dst=$SV4 [UNREPLIED] src=$SV4 dst=$CL4 mark=0 zone=0 use=2" \
	"$(kct_norm "$line")"
ktap_check "IPv4: timeout is generic_timeout (595..600 s)" \
	in_range "$(kct_timeout "$line")" $((600 - KCT_SLACK)) 600
pkt $SV ip --dst $CL4 --proto 253
kct_wait_entry $FW "unknown  253" "dst=$SV4 src=$SV4"
line=$(kct_entry $FW "unknown  253" "ipv4")
ktap_expect "IPv4: after a packet back, replied (never ASSURED)" \
	"ipv4     2 unknown  253 T src=$CL4 dst=$SV4 src=$SV4 dst=$CL4 mark=0 zone=0 use=2" \
	"$(kct_norm "$line")"

pkt $CL ip --dst $SV6 --proto 253
line=$(kct_entry $FW "unknown  253" "ipv6")
ktap_expect "IPv6: first packet, [UNREPLIED]" \
	"ipv6     10 unknown  253 T src=$CL6_FULL dst=$SV6_FULL [UNREPLIED] src=$SV6_FULL dst=$CL6_FULL mark=0 zone=0 use=2" \
	"$(kct_norm "$line")"
ktap_check "IPv6: timeout is generic_timeout (595..600 s)" \
	in_range "$(kct_timeout "$line")" $((600 - KCT_SLACK)) 600
ktap_done
