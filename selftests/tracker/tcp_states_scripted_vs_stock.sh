#!/bin/bash
# The TCP states a firewall shows in /proc/net/kct, one segment at a
# time, through a whole connection: SYN_SENT [UNREPLIED] (120 s),
# SYN_RECV (60 s), ESTABLISHED [ASSURED] (432000 s), FIN_WAIT (120 s),
# CLOSE_WAIT (60 s), LAST_ACK (30 s), TIME_WAIT (120 s).  Real stacks
# pass the middle states too fast to see, so the segments are made by
# hand.  The same segments are then run with stock nf_conntrack (kct
# unloaded): every line must be the one stock's /proc/net/nf_conntrack
# shows, and the ct state rules must count the same.
. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/../lib/topo.sh"
. "$(dirname "$0")/../lib/tracker.sh"
require_tool nft python3

topo_create
kct_load
ct_counters_ruleset | in_fw nft -f -
tcp_flow 4 41000 9000

# connection: the segments, and after each the line and its countdown.
connection() {
	seg "cl S --wscale 7 --sack-perm --mss 1460"
	echo "$(fw_state SYN_SENT) / $(fw_timeout)"
	seg "sv SA --wscale 7 --sack-perm --mss 1460"
	echo "$(fw_state SYN_RECV) / $(fw_timeout)"
	seg "cl A"
	echo "$(fw_state ESTABLISHED) / $(fw_timeout)"
	seg "cl PA --data 100" "sv A"
	echo "$(fw_state ESTABLISHED) / $(fw_timeout)"
	seg "cl FA"
	echo "$(fw_state FIN_WAIT) / $(fw_timeout)"
	seg "sv A"
	echo "$(fw_state CLOSE_WAIT) / $(fw_timeout)"
	seg "sv FA"
	echo "$(fw_state LAST_ACK) / $(fw_timeout)"
	seg "cl A"
	echo "$(fw_state TIME_WAIT) / $(fw_timeout)"
}

# within LINE_WITH_TIMEOUT EXPECTED_LINE TIMEOUT: the line is the one
# expected and its countdown at most 5 s under TIMEOUT.
within() {
	local line=${1% / *} t=${1##* / }
	[ "$line" = "$2" ] || { echo "line: $line"; echo "want: $2"; return 1; }
	in_range "$t" $(($3 - 5)) "$3"
}

mapfile -t k < <(connection)
kcounts=$(ct_counters $FW 4 "")
ktap_check "SYN: SYN_SENT [UNREPLIED], 120 s" within "${k[0]}" "$(tf_line SYN_SENT "[UNREPLIED]")" 120
ktap_check "SYN/ACK: SYN_RECV, 60 s" within "${k[1]}" "$(tf_line SYN_RECV)" 60
ktap_check "ACK: ESTABLISHED [ASSURED], 432000 s" within "${k[2]}" "$(tf_line ESTABLISHED "[ASSURED]")" 432000
ktap_check "data and its ACK: ESTABLISHED, 432000 s" within "${k[3]}" "$(tf_line ESTABLISHED "[ASSURED]")" 432000
ktap_check "client FIN: FIN_WAIT, 120 s" within "${k[4]}" "$(tf_line FIN_WAIT "[ASSURED]")" 120
ktap_check "server ACK: CLOSE_WAIT, 60 s" within "${k[5]}" "$(tf_line CLOSE_WAIT "[ASSURED]")" 60
ktap_check "server FIN: LAST_ACK, 30 s" within "${k[6]}" "$(tf_line LAST_ACK "[ASSURED]")" 30
ktap_check "last ACK: TIME_WAIT, 120 s" within "${k[7]}" "$(tf_line TIME_WAIT "[ASSURED]")" 120
ktap_expect "rules: the SYN new, the 8 other segments established" \
	"new=1 established=8 related=0 invalid=0 untracked=0" "$kcounts"

snap=$(nft_counters $FW inet ctstate)
stock_now
mapfile -t s < <(connection)
names=(SYN SYN/ACK ACK data FIN ACK FIN ACK)
for i in 0 1 2 3 4 5 6 7; do
	ktap_expect "stock shows the same after ${names[$i]} (step $((i + 1)))" \
		"${s[$i]% / *}" "${k[$i]% / *}"
done
ktap_expect "stock's rules counted the same" "$kcounts" \
	"$(ct_counters $FW 4 "$snap")"
ktap_done
