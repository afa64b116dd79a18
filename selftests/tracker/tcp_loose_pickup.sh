#!/bin/bash
# With net.netfilter.nf_conntrack_tcp_loose=1 (default) a connection
# already under way when tracking began is picked up from any ACK
# segment: NEW, ESTABLISHED [UNREPLIED] with at most the unacknowledged
# timeout (300 s) until the other end answers, ASSURED and 432000 s once
# both ends have spoken after that.  With tcp_loose=0 the same segment
# is INVALID (tcp_not_syn) and makes no entry.  Stock nf_conntrack,
# given the same segments and the same setting, shows the same.
# kct-test-cost: 31
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft python3

topo_create
kct_load
ct_counters_ruleset | in_fw nft -f -

segments() {
	tcp_flow 4 41000 9000
	seg "cl PA --data 100"
	echo "$(fw_state ESTABLISHED) / $(fw_timeout)"
	seg "sv A"
	echo "$(fw_state ESTABLISHED) / $(fw_timeout)"
	seg "cl PA --data 100" "sv A"
	echo "$(fw_state ESTABLISHED) / $(fw_timeout)"
	$1 0
	tcp_flow 4 41001 9000
	seg "cl PA --data 100"
	echo "$(fw_state NONE)"
	$1 1
}
loose() { in_fw sysctl -qw net.netfilter.nf_conntrack_tcp_loose=$1; }

notsyn=$(kct_invalid $FW tcp_not_syn)
mapfile -t k < <(segments loose)
kcounts=$(ct_counters $FW 4 "")
tcp_flow 4 41000 9000
ktap_expect "loose=1, data mid-stream: ESTABLISHED [UNREPLIED]" \
	"$(tf_line ESTABLISHED "[UNREPLIED]")" "${k[0]% / *}"
ktap_check "... for at most 300 s" in_range "${k[0]##* / }" $((300 - KCT_SLACK)) 300
ktap_expect "the other end's ACK: replied, not yet ASSURED" \
	"$(tf_line ESTABLISHED)" "${k[1]% / *}"
ktap_check "... still at most 300 s" in_range "${k[1]##* / }" $((300 - KCT_SLACK)) 300
ktap_expect "both ends spoke again: ASSURED" \
	"$(tf_line ESTABLISHED "[ASSURED]")" "${k[2]% / *}"
ktap_check "... for 432000 s" in_range "${k[2]##* / }" $((432000 - KCT_SLACK)) 432000
ktap_expect "loose=0: no entry for a mid-stream segment" "" "${k[3]}"
ktap_expect "the pickup was NEW; loose=0's segment INVALID" \
	"new=1 established=3 related=0 invalid=1 untracked=0" "$kcounts"
ktap_expect "kct_invalid: tcp_not_syn rose by 1" $((notsyn + 1)) \
	"$(kct_invalid $FW tcp_not_syn)"

snap=$(nft_counters $FW inet ctstate)
stock_now
mapfile -t s < <(segments loose)
ktap_expect "stock counts the same" "$kcounts" "$(ct_counters $FW 4 "$snap")"
for i in 0 1 2 3; do
	ktap_expect "stock's entry is the same at step $((i + 1))" \
		"${s[$i]% / *}" "${k[$i]% / *}"
done
ktap_done
