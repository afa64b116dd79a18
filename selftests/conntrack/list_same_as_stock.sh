#!/bin/bash
# `conntrack -L` lists kct's table as it lists stock's: the same traffic
# (TCP over IPv4 and IPv6, ICMP echo, unanswered UDP) through the
# firewall, once with stock nf_conntrack and its ctnetlink, once with
# kct, gives the same lines, timeouts and ICMP ids aside; also with
# -o extended.
# kct-test-cost: 35
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack socat nft ss

topo_create
ct_stock
ct_traffic
stock=$(in_fw conntrack -L 2>&1 | ct_norm)
stock_ext=$(in_fw conntrack -L -o extended 2>&1 | ct_norm)
topo_destroy
nft flush ruleset
rmmod nf_conntrack_netlink

ct_load
topo_create
ct_traffic
kct=$(in_fw conntrack -L 2>&1 | ct_norm)
kct_ext=$(in_fw conntrack -L -o extended 2>&1 | ct_norm)

ktap_check "stock listed the five connections" \
	test "$(printf '%s\n' "$stock" | grep -c .)" = 5
ktap_expect "conntrack -L: kct's lines are stock's" "$stock" "$kct"
ktap_expect "conntrack -L -o extended: kct's lines are stock's" \
	"$stock_ext" "$kct_ext"
ktap_done
