#!/bin/bash
# Once a new connection found no room, the GC's next crossing makes room
# in a table more than 95% full: it ends connections that are not
# ASSURED (and TCP connections already closing), counting them in
# early_drop, and leaves ASSURED ones alone.  A table that only sits
# near its limit loses nothing to the GC: stock's GC (6.1) evicts only
# after its early drop failed, so a connection still in its handshake
# near the limit (an FTP data connection under a flood) lives on.
# kct-test-cost: 25
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/table.sh"
require_tool socat python3 ss ping

dir=$(mktemp -d)
topo_create
kct_load
only_firewall_tracks
stock_limits_save
trap 'stock_limits_restore; topo_destroy >/dev/null 2>&1; rm -rf "$dir"' EXIT
sysctl -qw net.netfilter.nf_conntrack_max=100
# The flows outlive the test; the ping's entry ends at once.
in_fw sysctl -qw net.netfilter.nf_conntrack_udp_timeout=$((120 * KCT_PATIENCE))
in_fw sysctl -qw net.netfilter.nf_conntrack_icmp_timeout=1

ktap_check "a TCP connection through the firewall exchanges a line" \
	held_tcp_start "$dir"
kct_wait_entry $FW "dport=7000" "[ASSURED]"

# 98 unanswered flows: 99 entries, under the limit but over 95%.
udp_flood $CL 20000 98
ktap_expect "all 99 connections were inserted" 99 "$(kct_stat $FW insert)"
ktap_expect "none was refused for lack of room" 0 \
	"$(kct_invalid $FW table_full)"

# A ping's entry, the 100th, expires after a second: once the GC has
# ended it, a crossing went by, and it must have left the others.
in_cl ping -c 1 -W $((2 * KCT_PATIENCE)) -q "$SV4" >/dev/null
ktap_expect "the ping's entry was inserted" 100 "$(kct_stat $FW insert)"
count_is() { [ "$(in_fw sysctl -n net.kct.count)" = "$1" ]; }
poll 30 count_is 99
ktap_expect "near the limit, the GC ended only the expired entry (count)" \
	99 "$(in_fw sysctl -n net.kct.count)"
ktap_expect "and dropped nothing early" 0 "$(kct_stat $FW early_drop)"

# 20 more flows: the table fills, and a new flow that finds no room near
# it (early drop looks at eight buckets) is refused and wants room.
udp_flood $CL 21000 20
ktap_check "a new flow was refused for lack of room" \
	test "$(kct_invalid $FW table_full)" -gt 0
below() { [ "$(in_fw sysctl -n net.kct.count)" -le 95 ]; }
poll 30 below
count=$(in_fw sysctl -n net.kct.count)
ktap_check "then the GC brings the table to 95% or less (count $count)" below
ktap_expect "early_drop counts what it and early drop ended" \
	$(($(kct_stat $FW insert) - 1 - count)) "$(kct_stat $FW early_drop)"
ktap_check "the ASSURED connection stays" \
	test "$(kct_count $FW "ESTABLISHED" "dport=7000" "[ASSURED]")" -eq 1
ktap_check "and still carries data both ways" held_tcp_again "$dir"
rm -rf "$dir"
ktap_done
