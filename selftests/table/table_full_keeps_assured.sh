#!/bin/bash
# A flood of new flows at three times net.netfilter.nf_conntrack_max
# (stock's limit, kct's too) does not take the table past the limit, and
# an established (ASSURED) connection keeps working through it: new
# flows find no room and are dropped and counted, or evict a connection
# that never proved itself.  This is what keeps a
# firewall usable under a connection flood.
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
sysctl -qw net.netfilter.nf_conntrack_max=64

ktap_check "a TCP connection through the firewall exchanges a line" \
	held_tcp_start "$dir"
kct_wait_entry $FW "dport=7000" "[ASSURED]"
ktap_check "it is ESTABLISHED and [ASSURED]" \
	test "$(kct_count $FW "ESTABLISHED" "dport=7000" "[ASSURED]")" -eq 1

udp_flood $CL 20000 192
count=$(in_fw sysctl -n net.kct.count)
ktap_check "the table stays within nf_conntrack_max (count $count)" \
	test "$count" -le 64
full=$(kct_invalid $FW table_full)
evicted=$(kct_stat $FW early_drop)
ktap_check "flows without room are counted (table_full $full, early_drop $evicted)" \
	test $((full + evicted)) -ge $((192 - 64))
ktap_check "the dropped ones are counted in the drop column too" \
	test "$(kct_stat $FW drop)" -eq "$full"
ktap_check "the ASSURED connection is still in the table" \
	test "$(kct_count $FW "ESTABLISHED" "dport=7000" "[ASSURED]")" -eq 1
ktap_check "and still carries data both ways" held_tcp_again "$dir"
rm -rf "$dir"
ktap_done
