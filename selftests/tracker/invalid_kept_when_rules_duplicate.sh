#!/bin/bash
# A rule that duplicates packets (nft "dup to") in a chain at priority
# -200, the place of nf_conntrack's own hook, sends each copy out through
# the stack while the original is still between kct's hooks.  Segments
# kct judges INVALID (out of window, an ACK of data never sent) must stay
# INVALID all the same: "ct state invalid" counts them, nf_conntrack's
# own table stays empty, and the counts are those of the same segments
# without the duplicating rule.  Stock nf_conntrack, given the same
# segments and rules, counts the same.
# kct-test-cost: 44
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

# Copies go to an address nobody answers on the server's link: they are
# sent, never delivered.
dup_rules() {
	in_fw nft -f - <<NFT
table ip kct_dup {
	chain pre {
		type filter hook prerouting priority -200; policy accept;
		ip saddr { $CL4, $SV4 } ip protocol tcp dup to 198.51.100.99
	}
}
NFT
}

dup_rules
kcounts=$(ct_counters $FW 4 "")
segments
line=$(fw_state ESTABLISHED)
kcounts=$(ct_counters $FW 4 "")
ktap_expect "the two bad segments are invalid, the others not" \
	"new=1 established=4 related=0 invalid=2 untracked=0" "$kcounts"
ktap_expect "nf_conntrack's table on the firewall stays empty" "" \
	"$(stock_table $FW)"
ktap_expect "the connection is ESTABLISHED [ASSURED]" \
	"$(tf_line ESTABLISHED "[ASSURED]")" "$line"

snap=$(nft_counters $FW inet ctstate)
stock_now
segments
ktap_expect "stock counts the same" "$kcounts" "$(ct_counters $FW 4 "$snap")"
ktap_expect "stock's entry is the same" "$line" "$(fw_state ESTABLISHED)"
ktap_done
