#!/bin/bash
# net.netfilter.nf_conntrack_tcp_be_liberal=1 stops kct judging TCP
# segments by the window: data far out of the window then passes as
# ESTABLISHED and nothing counts as tcp_out_of_window; back at 0, the
# same segment is INVALID again.  Stock nf_conntrack, given the same
# segments and the same setting, counts the same.
# kct-test-cost: 31
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft python3

topo_create
kct_load
ct_counters_ruleset | in_fw nft -f -
tcp_flow 4 41000 9000

# segments SET-LIBERAL: an out-of-window segment, liberal then not.
segments() {
	tcp_handshake
	$1 1
	seg "cl PA --data 100 --seq-add 0x40000000"
	echo "$(ct_counters $FW 4 "$2")"
	$1 0
	seg "cl PA --data 100 --seq-add 0x40000000"
	echo "$(fw_state ESTABLISHED)"
}
liberal() { in_fw sysctl -qw net.netfilter.nf_conntrack_tcp_be_liberal=$1; }

oow=$(kct_invalid $FW tcp_out_of_window)
mapfile -t k < <(segments liberal "")
kcounts=$(ct_counters $FW 4 "")
ktap_expect "be_liberal=1: the out-of-window segment is ESTABLISHED" \
	"new=1 established=3 related=0 invalid=0 untracked=0" "${k[0]}"
ktap_expect "be_liberal=0: the same segment is INVALID" \
	"new=1 established=3 related=0 invalid=1 untracked=0" "$kcounts"
ktap_expect "kct_invalid: tcp_out_of_window rose by 1 (not 2)" $((oow + 1)) \
	"$(kct_invalid $FW tcp_out_of_window)"
ktap_expect "the connection stays ESTABLISHED" \
	"$(tf_line ESTABLISHED "[ASSURED]")" "${k[1]}"

snap=$(nft_counters $FW inet ctstate)
stock_now
mapfile -t s < <(segments liberal "$snap")
ktap_expect "stock counts the same with be_liberal=1" "${k[0]}" "${s[0]}"
ktap_expect "stock counts the same in all" "$kcounts" "$(ct_counters $FW 4 "$snap")"
ktap_expect "stock's entry is the same" "${k[1]}" "${s[1]}"
ktap_done
