#!/bin/bash
# A SYN on the ports of a connection in TIME_WAIT starts a new connection
# at once (RFC 1122 lets the ends do so): the old entry goes, the SYN is
# NEW and makes a fresh SYN_SENT [UNREPLIED] entry, inserted anew.  The
# SYN may come from the old server as well; the new entry's original
# direction is then the server's.  Stock nf_conntrack shows the same.
# kct-test-cost: 39
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft python3

topo_create
kct_load
ct_counters_ruleset | in_fw nft -f -
tcp_flow 4 41000 9000

# closed: a whole connection, closed by the client.
closed() {
	tcp_handshake
	seg "cl FA" "sv FA" "cl A"
	fw_state TIME_WAIT >/dev/null
}

segments() {
	closed
	seg "cl S"
	echo "$(fw_state SYN_SENT)"
	seg "sv SA" "cl A"
	echo "$(fw_state ESTABLISHED)"
	seg "cl FA" "sv FA" "cl A"
	fw_state TIME_WAIT >/dev/null
	seg "sv S"
	echo "$(fw_state SYN_SENT)"
}

insert=$(kct_stat $FW insert)
mapfile -t k < <(segments)
kcounts=$(ct_counters $FW 4 "")
ktap_expect "client's SYN in TIME_WAIT: a new SYN_SENT [UNREPLIED] entry" \
	"$(tf_line SYN_SENT "[UNREPLIED]")" "${k[0]}"
ktap_expect "... which completes its handshake" \
	"$(tf_line ESTABLISHED "[ASSURED]")" "${k[1]}"
ktap_expect "server's SYN in TIME_WAIT: a new entry, opened by the server" \
	"$(tf_rline SYN_SENT "[UNREPLIED]")" "${k[2]}"
ktap_expect "each reopening SYN was NEW: 3 new in all" \
	"new=3 established=10 related=0 invalid=0 untracked=0" "$kcounts"
ktap_expect "three inserts" $((insert + 3)) "$(kct_stat $FW insert)"
ktap_expect "one entry for the ports" 1 "$(tf_lines | wc -l)"

snap=$(nft_counters $FW inet ctstate)
stock_now
mapfile -t s < <(segments)
ktap_expect "stock counts the same" "$kcounts" "$(ct_counters $FW 4 "$snap")"
ktap_expect "stock's entries are the same" "${k[*]}" "${s[*]}"
ktap_done
