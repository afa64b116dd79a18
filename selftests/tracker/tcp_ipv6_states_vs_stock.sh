#!/bin/bash
# IPv6 TCP is tracked like IPv4: the states a firewall shows in
# /proc/net/kct, one segment at a time through a whole connection, with
# the addresses printed as stock prints them, and the same lines as
# stock nf_conntrack's for the same segments; data out of the window is
# INVALID (tcp_out_of_window) here too.
# kct-test-cost: 54
# kct-test-tier: long
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft python3

topo_create
kct_load
ct_counters_ruleset | in_fw nft -f -
tcp_flow 6 41000 9000

mapfile -t k < <(tcp_walk_states)
kcounts=$(ct_counters $FW 6 "")
tcp_walk_check "${k[@]}"
oow=$(kct_invalid $FW tcp_out_of_window)
tcp_flow 6 41001 9000
tcp_handshake
seg "cl PA --data 100 --seq-add 0x40000000"
ktap_expect "kct_invalid: an out-of-window segment counted in tcp_out_of_window" \
	$((oow + 1)) "$(kct_invalid $FW tcp_out_of_window)"
tcp_flow 6 41000 9000
ktap_expect "rules: 2 SYNs new, 10 segments established, the out-of-window one invalid" \
	"new=2 established=10 related=0 invalid=1 untracked=0" "$(ct_counters $FW 6 "")"

snap=$(nft_counters $FW inet ctstate)
stock_now
mapfile -t s < <(tcp_walk_states)
tcp_walk_same s k
ktap_expect "stock's rules counted the same" "$kcounts" \
	"$(ct_counters $FW 6 "$snap")"
ktap_done
