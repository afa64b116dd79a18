#!/bin/bash
# `conntrack -F` empties kct's table of the namespace it runs in, and
# only that one: /proc/net/kct and `conntrack -L` are empty afterwards,
# while the client's namespace keeps its own entries.
# kct-test-cost: 23
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack socat ss

ct_load
topo_create
ct_traffic
cl_before=$(in_cl cat /proc/net/kct | wc -l)
ktap_check "the firewall tracks five connections" \
	test "$(in_fw cat /proc/net/kct | wc -l)" = 5
out=$(in_fw conntrack -F 2>&1)
ktap_check "conntrack -F succeeds" grep -q "table has been emptied" <<<"$out"
ktap_expect "/proc/net/kct is empty" "" "$(in_fw cat /proc/net/kct)"
ktap_expect "conntrack -L lists nothing" 0 "$(ct_lines in_fw conntrack -L)"
ktap_expect "conntrack -C says 0" 0 "$(in_fw conntrack -C)"
ktap_expect "the client's namespace keeps its entries" "$cl_before" \
	"$(in_cl cat /proc/net/kct | wc -l)"
ktap_done
