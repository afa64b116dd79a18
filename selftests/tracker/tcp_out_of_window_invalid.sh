#!/bin/bash
# In an established connection, data far beyond what the receiver's
# window allows is INVALID ("ct state invalid" counts it, kct_invalid
# counts tcp_out_of_window), and so is an ACK of data never sent
# (tcp_bad_ack); neither changes the connection, and segments in the
# window go on being ESTABLISHED.  Stock nf_conntrack, given the same
# segments, counts the same.
# kct-test-cost: 27
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft python3

topo_create
kct_load
ct_counters_ruleset | in_fw nft -f -
tcp_flow 4 41000 9000

# segments: an out-of-window one, an ACK too high, data in the window.
segments() {
	tcp_handshake
	seg "cl PA --data 100 --seq-add 0x40000000"
	seg "sv A --ack-add 0x100000"
	seg "cl PA --data 100" "sv A"
}

oow=$(kct_invalid $FW tcp_out_of_window)
badack=$(kct_invalid $FW tcp_bad_ack)
segments
line=$(fw_state ESTABLISHED)
kcounts=$(ct_counters $FW 4 "")
ktap_expect "the two bad segments are invalid, the others not" \
	"new=1 established=4 related=0 invalid=2 untracked=0" "$kcounts"
ktap_expect "kct_invalid: tcp_out_of_window rose by 1" $((oow + 1)) \
	"$(kct_invalid $FW tcp_out_of_window)"
ktap_expect "kct_invalid: tcp_bad_ack rose by 1" $((badack + 1)) \
	"$(kct_invalid $FW tcp_bad_ack)"
ktap_expect "the connection is still ESTABLISHED [ASSURED]" \
	"$(tf_line ESTABLISHED "[ASSURED]")" "$line"

snap=$(nft_counters $FW inet ctstate)
stock_now
segments
ktap_expect "stock counts the same" "$kcounts" "$(ct_counters $FW 4 "$snap")"
ktap_expect "stock's entry is the same" "$line" "$(fw_state ESTABLISHED)"
ktap_done
