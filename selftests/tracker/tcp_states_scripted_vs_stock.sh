#!/bin/bash
# The TCP states a firewall shows in /proc/net/kct, one segment at a
# time, through a whole connection: SYN_SENT [UNREPLIED] (120 s),
# SYN_RECV (60 s), ESTABLISHED [ASSURED] (432000 s), FIN_WAIT (120 s),
# CLOSE_WAIT (60 s), LAST_ACK (30 s), TIME_WAIT (120 s).  Real stacks
# pass the middle states too fast to see, so the segments are made by
# hand.  The same segments are then run with stock nf_conntrack (kct
# unloaded): every line must be the one stock's /proc/net/nf_conntrack
# shows, and the ct state rules must count the same.
# kct-test-cost: 52
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft python3

topo_create
kct_load
ct_counters_ruleset | in_fw nft -f -
tcp_flow 4 41000 9000

mapfile -t k < <(tcp_walk_states)
kcounts=$(ct_counters $FW 4 "")
tcp_walk_check "${k[@]}"
ktap_expect "rules: the SYN new, the 8 other segments established" \
	"new=1 established=8 related=0 invalid=0 untracked=0" "$kcounts"

snap=$(nft_counters $FW inet ctstate)
stock_now
mapfile -t s < <(tcp_walk_states)
tcp_walk_same s k
ktap_expect "stock's rules counted the same" "$kcounts" \
	"$(ct_counters $FW 4 "$snap")"
ktap_done
