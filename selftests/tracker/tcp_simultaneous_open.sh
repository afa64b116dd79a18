#!/bin/bash
# Simultaneous open: both ends send a SYN before either gets the other's.
# The firewall shows SYN_SENT, then SYN_SENT2 after the second SYN, then
# SYN_RECV once one end answers with a SYN/ACK; the other end's ACK of it
# completes the handshake: ESTABLISHED [ASSURED].  Stock nf_conntrack
# shows the same at every step.
# kct-test-cost: 41
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft python3

topo_create
kct_load
ct_counters_ruleset | in_fw nft -f -
tcp_flow 4 41000 9000

segments() {
	seg "cl S --wscale 7"
	echo "$(fw_state SYN_SENT) / $(fw_timeout)"
	seg "sv S --wscale 7"
	echo "$(fw_state SYN_SENT2) / $(fw_timeout)"
	seg "cl SA --retrans --wscale 7"
	echo "$(fw_state SYN_RECV) / $(fw_timeout)"
	seg "sv A"
	echo "$(fw_state ESTABLISHED) / $(fw_timeout)"
	seg "cl PA --data 100" "sv PA --data 100" "cl A"
	echo "$(fw_state ESTABLISHED) / $(fw_timeout)"
}

mapfile -t k < <(segments)
kcounts=$(ct_counters $FW 4 "")
ktap_expect "first SYN: SYN_SENT [UNREPLIED]" \
	"$(tf_line SYN_SENT "[UNREPLIED]")" "${k[0]% / *}"
ktap_expect "the other end's SYN: SYN_SENT2" "$(tf_line SYN_SENT2)" "${k[1]% / *}"
ktap_check "SYN_SENT2 lasts tcp_timeout_syn_sent2 (110..120 s)" \
	in_range "${k[1]##* / }" $((120 - 2 * KCT_SLACK)) 120
ktap_expect "a SYN/ACK: SYN_RECV" "$(tf_line SYN_RECV)" "${k[2]% / *}"
ktap_expect "its ACK: ESTABLISHED [ASSURED]" \
	"$(tf_line ESTABLISHED "[ASSURED]")" "${k[3]% / *}"
ktap_expect "data both ways: ESTABLISHED [ASSURED]" \
	"$(tf_line ESTABLISHED "[ASSURED]")" "${k[4]% / *}"
ktap_expect "nothing invalid" \
	"new=1 established=6 related=0 invalid=0 untracked=0" "$kcounts"

snap=$(nft_counters $FW inet ctstate)
stock_now
mapfile -t s < <(segments)
ktap_expect "stock counts the same" "$kcounts" "$(ct_counters $FW 4 "$snap")"
for i in 0 1 2 3 4; do
	ktap_expect "stock's entry is the same at step $((i + 1))" \
		"${s[$i]% / *}" "${k[$i]% / *}"
done
ktap_done
