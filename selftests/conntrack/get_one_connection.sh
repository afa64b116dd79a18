#!/bin/bash
# `conntrack -G` prints the one connection its tuple names,
# IPv4 and IPv6; a tuple kct does not track is an
# error ("such conntrack doesn't exist").
# kct-test-cost: 14
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack socat ss

ct_load
topo_create
ct_tcp_hold 4 42000 7000
ct_tcp_hold 6 42001 7001

out=$(in_fw conntrack -G -p tcp -s $CL4 -d $SV4 --sport 42000 --dport 7000 2>/dev/null)
ktap_check "IPv4 by original tuple: the ESTABLISHED entry" \
	grep -q "^tcp .*ESTABLISHED src=$CL4 dst=$SV4 sport=42000 dport=7000 .*\[ASSURED\]" <<<"$out"
out=$(in_fw conntrack -G -p tcp -s $CL6 -d $SV6 --sport 42001 --dport 7001 2>/dev/null)
ktap_check "IPv6 by original tuple" \
	grep -q "^tcp .*ESTABLISHED src=$CL6 dst=$SV6 sport=42001 dport=7001 " <<<"$out"
ktap_check "a port kct does not track: an error" \
	not in_fw conntrack -G -p tcp -s $CL4 -d $SV4 --sport 42000 --dport 7999
out=$(in_fw conntrack -G -p tcp -s $CL4 -d $SV4 --sport 42000 --dport 7999 2>&1)
ktap_check "... which says so" grep -q "such conntrack doesn't exist" <<<"$out"
ktap_done
