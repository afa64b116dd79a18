#!/bin/bash
# Segments whose flags no TCP sends are INVALID and never make an entry:
# SYN+FIN, no flag at all (a "null scan"), FIN+PSH+URG without ACK (an
# "Xmas scan"), and SYN+FIN+ACK in an established connection, which then
# stays as it was.  kct_invalid counts them as tcp_bad_flags.  Stock
# nf_conntrack, given the same segments, counts the same.
# kct-test-cost: 31
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft python3

topo_create
kct_load
ct_counters_ruleset | in_fw nft -f -
tcp_flow 4 41000 9000

segments() {
	seg "cl SF" "cl -" "cl FPU"
	echo "$(fw_state NONE)"
	tcp_handshake
	seg "cl SFA"
	echo "$(fw_state ESTABLISHED)"
}

bad=$(kct_invalid $FW tcp_bad_flags)
mapfile -t k < <(segments)
kcounts=$(ct_counters $FW 4 "")
ktap_expect "the four segments with bad flags are invalid" \
	"new=1 established=2 related=0 invalid=4 untracked=0" "$kcounts"
ktap_expect "kct_invalid: tcp_bad_flags rose by 4" $((bad + 4)) \
	"$(kct_invalid $FW tcp_bad_flags)"
ktap_expect "no entry for SYN+FIN, null and Xmas" "" "${k[0]}"
ktap_expect "SYN+FIN+ACK leaves the connection ESTABLISHED" \
	"$(tf_line ESTABLISHED "[ASSURED]")" "${k[1]}"

snap=$(nft_counters $FW inet ctstate)
stock_now
mapfile -t s < <(segments)
ktap_expect "stock counts the same" "$kcounts" "$(ct_counters $FW 4 "$snap")"
ktap_expect "stock's entries are the same" "${k[*]}" "${s[*]}"
ktap_done
