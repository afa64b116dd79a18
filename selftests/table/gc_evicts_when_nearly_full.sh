#!/bin/bash
# Once a namespace's table is more than 95% full, the GC makes room
# before new connections have to: it ends connections that are not
# ASSURED (and TCP connections already closing), counting them in
# early_drop, and leaves ASSURED ones alone.  Stock's GC does the same.
# kct-test-cost: 20
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/table.sh"
require_tool socat python3 ss

dir=$(mktemp -d)
topo_create
kct_load
only_firewall_tracks
stock_limits_save
trap 'stock_limits_restore; topo_destroy >/dev/null 2>&1; rm -rf "$dir"' EXIT
sysctl -qw net.netfilter.nf_conntrack_max=100

ktap_check "a TCP connection through the firewall exchanges a line" \
	held_tcp_start "$dir"
kct_wait_entry $FW "dport=7000" "[ASSURED]"

# 98 unanswered flows: 99 entries, under the limit but over 95%, so all
# get in (the GC may already be at work meanwhile).
udp_flood $CL 20000 98
ktap_expect "all 99 connections were inserted" 99 "$(kct_stat $FW insert)"
ktap_expect "none was refused for lack of room" 0 \
	"$(kct_invalid $FW table_full)"

below() { [ "$(in_fw sysctl -n net.kct.count)" -le 95 ]; }
poll 30 below
count=$(in_fw sysctl -n net.kct.count)
ktap_check "the GC brings the table to 95% or less (count $count)" below
ktap_expect "early_drop counts what it ended" $((99 - count)) \
	"$(kct_stat $FW early_drop)"
ktap_check "the ASSURED connection stays" \
	test "$(kct_count $FW "ESTABLISHED" "dport=7000" "[ASSURED]")" -eq 1
ktap_check "and still carries data both ways" held_tcp_again "$dir"
rm -rf "$dir"
ktap_done
