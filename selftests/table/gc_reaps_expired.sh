#!/bin/bash
# Expired connections leave the table without any further packet: the GC
# worker finds them.  With net.netfilter.nf_conntrack_udp_timeout at 3 s
# (times KCT_PATIENCE), 50 unanswered UDP flows are gone from
# /proc/net/kct and from net.kct.count soon after: the GC crosses the
# table when they are due.
# kct-test-cost: 17
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/table.sh"
require_tool python3

topo_create
kct_load
only_firewall_tracks
# Times the patience: a debug kernel's flood and listing take longer
# than 3 s, and the flows must still be there to be counted.
in_fw sysctl -qw net.netfilter.nf_conntrack_udp_timeout=$((3 * KCT_PATIENCE))

udp_flood $CL 20000 50
ktap_expect "50 flows tracked" 50 "$(kct_count $FW "udp" "[UNREPLIED]")"

gone() { [ "$(in_fw sysctl -n net.kct.count)" -eq 0 ]; }
poll 30 gone
ktap_check "net.kct.count is back to 0 after their timeout" gone
ktap_expect "/proc/net/kct is empty" 0 "$(kct_count $FW "")"
ktap_done
