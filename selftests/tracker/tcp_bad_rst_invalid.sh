#!/bin/bash
# RSTs in an established connection (RFC 5961, as stock checks them): an
# RST whose sequence number is below what the peer has acknowledged is
# INVALID (kct_invalid tcp_bad_rst) and leaves the connection alone; an
# RST in the window but not at the exact number passes without closing
# (the receiver will send a challenge ACK); the exact RST closes it:
# CLOSE, 10 s.  Every RST that passes, exact or not, leaves the entry
# only tcp_timeout_close to live.  With tcp_ignore_invalid_rst=1 the bad
# RST is not INVALID.
# Stock nf_conntrack, given the same segments, does the same.
# kct-test-cost: 45
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft python3

topo_create
kct_load
# On a slow kernel the steps from one RST to the next take longer than
# the 10 s an RST leaves: there both trackers get patience times more.
close=$((10 * KCT_PATIENCE))
in_fw sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_close=$close
ct_counters_ruleset | in_fw nft -f -
tcp_flow 4 41000 9000

segments() {
	tcp_handshake
	seg "cl PA --data 1000" "sv A"
	seg "cl R --seq-add -500"
	echo "$(fw_state ESTABLISHED)"
	seg "cl R --seq-add 100"
	echo "$(fw_state ESTABLISHED) / $(fw_timeout)"
	seg "cl R"
	echo "$(fw_state CLOSE) / $(fw_timeout)"
}

badrst=$(kct_invalid $FW tcp_bad_rst)
mapfile -t k < <(segments)
kcounts=$(ct_counters $FW 4 "")
ktap_expect "an RST below the acknowledged data is invalid, the others not" \
	"new=1 established=6 related=0 invalid=1 untracked=0" "$kcounts"
ktap_expect "kct_invalid: tcp_bad_rst rose by 1" $((badrst + 1)) \
	"$(kct_invalid $FW tcp_bad_rst)"
ktap_expect "after the bad RST: still ESTABLISHED" \
	"$(tf_line ESTABLISHED "[ASSURED]")" "${k[0]}"
ktap_expect "after an RST in the window, not exact: still ESTABLISHED" \
	"$(tf_line ESTABLISHED "[ASSURED]")" "${k[1]% / *}"
ktap_check "... but with tcp_timeout_close left to live" \
	in_range "${k[1]##* / }" $((close - KCT_SLACK)) $close
ktap_expect "after the exact RST: CLOSE" \
	"$(tf_line CLOSE "[ASSURED]")" "${k[2]% / *}"
ktap_check "CLOSE lasts tcp_timeout_close" \
	in_range "${k[2]##* / }" $((close - KCT_SLACK)) $close

in_fw sysctl -qw net.netfilter.nf_conntrack_tcp_ignore_invalid_rst=1
tcp_flow 4 41001 9000
snap=$(nft_counters $FW inet ctstate)
tcp_handshake
seg "cl PA --data 1000" "sv A" "cl R --seq-add -500"
ktap_expect "tcp_ignore_invalid_rst=1: the bad RST is not invalid" \
	"new=1 established=5 related=0 invalid=0 untracked=0" "$(ct_counters $FW 4 "$snap")"
ktap_expect "... and the connection stays ESTABLISHED" \
	"$(tf_line ESTABLISHED "[ASSURED]")" "$(fw_state ESTABLISHED)"
in_fw sysctl -qw net.netfilter.nf_conntrack_tcp_ignore_invalid_rst=0

tcp_flow 4 41000 9000
snap=$(nft_counters $FW inet ctstate)
stock_now
mapfile -t s < <(segments)
ktap_expect "stock counts the same" "$kcounts" "$(ct_counters $FW 4 "$snap")"
ktap_expect "stock's entries are the same after each RST" \
	"${k[0]} ${k[1]% / *} ${k[2]% / *}" "${s[0]} ${s[1]% / *} ${s[2]% / *}"
ktap_done
