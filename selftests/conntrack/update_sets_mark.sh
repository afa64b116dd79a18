#!/bin/bash
# `conntrack -U -m MARK` sets the mark of the connections its filters
# select in kct's table: /proc/net/kct shows mark=, `conntrack -L -m`
# and -G find it.  As on stock 6.1, the update needs a family (-f, or
# an address that implies one): without it conntrack 1.4.7 sends its
# update with family AF_UNSPEC and the kernel answers EOPNOTSUPP.
# kct-test-cost: 22
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack socat ss

ct_load
topo_create
ct_tcp_hold 4 42000 7000
ct_tcp_hold 6 42001 7001
out=$(in_fw conntrack -U -p tcp --dport 7000 -m 42 2>&1)
ktap_check "without a family: Operation not supported, as on stock" \
	grep -q "Operation failed: Operation not supported" <<<"$out"
ktap_check "... and the mark is unchanged" \
	in_fw grep -q "dport=7000 .*mark=0 " /proc/net/kct
out=$(in_fw conntrack -U -f ipv4 -p tcp --dport 7000 -m 42 2>&1)
ktap_check "conntrack -U -f ipv4 -p tcp --dport 7000 -m 42 updated one entry" \
	grep -q "1 flow entries have been updated" <<<"$out"
ktap_check "/proc/net/kct shows mark=42 on it" \
	in_fw grep -q "dport=7000 .*mark=42 " /proc/net/kct
ktap_check "... and mark=0 on the other" \
	in_fw grep -q "dport=7001 .*mark=0 " /proc/net/kct
ktap_check "conntrack -L -m 42 lists it" \
	test "$(ct_lines in_fw conntrack -L -m 42)" = 1
out=$(in_fw conntrack -U -f ipv6 -p tcp -m 5 2>&1)
ktap_check "IPv6: conntrack -U -f ipv6 -p tcp -m 5" \
	in_fw grep -q "dport=7001 .*mark=5 " /proc/net/kct
ktap_check "conntrack -G shows the mark" sh -c "ip netns exec $FW conntrack -G \
	-p tcp -s $CL4 -d $SV4 --sport 42000 --dport 7000 2>/dev/null | grep -q 'mark=42 '"
ktap_done
