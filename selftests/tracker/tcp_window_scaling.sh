#!/bin/bash
# Window scaling (RFC 7323) is honoured: when both SYNs offer it, a window
# field of 1000 with scale 7 lets the sender send 128000 bytes ahead, so
# data 100000 bytes ahead is ESTABLISHED; when only one SYN offers it,
# windows are not scaled and the same data is INVALID.  A real 8 MB
# transfer (Linux scales its windows) has no INVALID segment at all.
# kct-test-cost: 24
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft python3 ss

topo_create
kct_load
ct_counters_ruleset | in_fw nft -f -

tcp_flow 4 41000 9000
tcp_handshake --wscale 7
seg "sv A --win 1000" "cl PA --data 1000 --seq-add 100000"
ktap_expect "both SYNs offered scaling: data 100000 bytes ahead is ESTABLISHED" \
	"new=1 established=4 related=0 invalid=0 untracked=0" "$(ct_counters $FW 4 "")"

snap=$(nft_counters $FW inet ctstate)
tcp_flow 4 41001 9000
seg "cl S --wscale 7" "sv SA" "cl A"
fw_state ESTABLISHED >/dev/null
seg "sv A --win 1000" "cl PA --data 1000 --seq-add 100000"
ktap_expect "only the client offered scaling: the same data is INVALID" \
	"new=1 established=3 related=0 invalid=1 untracked=0" "$(ct_counters $FW 4 "$snap")"

snap=$(nft_counters $FW inet ctstate)
invalid=$(ip netns exec $FW cat /proc/net/stat/kct_invalid)
size=8000000
pkt $SV tcp-serve --port 7000 --step recv:$size --step send:2 --step eof \
	>/dev/null 2>&1 &
wait_for tcp_listening $SV 7000
ktap_check "an 8 MB transfer through the firewall" \
	pkt $CL tcp-connect --dst $SV4 --dport 7000 --step send:$size --step recv:2
counts=$(ct_counters $FW 4 "$snap")
ktap_expect "... has no INVALID segment" "invalid=0" "$(echo "$counts" | grep -o 'invalid=[0-9]*')"
est=$(echo "$counts" | sed -n 's/.*established=\([0-9]*\).*/\1/p')
ktap_check "... and the rules saw it ($est established segments)" \
	in_range "$est" 100 10000000
ktap_expect "... nor any INVALID reason counted" "$invalid" \
	"$(ip netns exec $FW cat /proc/net/stat/kct_invalid)"
ktap_done
