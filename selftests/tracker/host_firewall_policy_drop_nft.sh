#!/bin/bash
# The host firewall of the motivating notes, written in nft: input and
# output chains with policy drop, "ct state new,established accept" on
# output and "ct state established accept" on input.  With kct doing
# the tracking, the host reaches TCP and UDP services and can ping, while
# nobody can open a connection to it.
# kct-test-cost: 45
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft socat ping python3 ss

topo_create
kct_load
in_cl nft -f - <<'NFT'
table inet host {
	counter input_dropped {}
	chain input_filter {
		type filter hook input priority filter; policy drop;
		ct state established accept
		meta nfproto ipv4 counter name "input_dropped"
	}
	chain output_filter {
		type filter hook output priority filter; policy drop;
		ct state new,established accept
	}
}
NFT

in_sv socat TCP-LISTEN:7000,reuseaddr SYSTEM:'echo tcp-ok' >/dev/null 2>&1 &
udp_echo $SV 7001
in_cl socat TCP-LISTEN:8000,reuseaddr SYSTEM:'echo tcp-ok' >/dev/null 2>&1 &
udp_echo $CL 8001
wait_for tcp_listening $SV 7000
wait_for tcp_listening $CL 8000

# Inbound first: nothing the host started, so every attempt is NEW.
dropped=$(nft_counter $CL inet host input_dropped)
ktap_check "the server cannot reach the host's UDP service" \
	not pkt $SV udp --dst $CL4 --dport 8001 --reply --timeout 1
ktap_expect "the input policy dropped that datagram" $((dropped + 1)) \
	"$(nft_counter $CL inet host input_dropped)"
ktap_check "the server cannot connect to the host's TCP listener" \
	not in_sv socat -T 1 /dev/null TCP:$CL4:8000,connect-timeout=1
ktap_check "the server cannot ping the host" \
	not in_sv ping -c 1 -W 1 $CL4

# Outbound: allowed, and the answers come back in.
out=$(tcp_answer $CL $SV4 7000)
ktap_expect "the host connects to the server's TCP service" "tcp-ok" "$out"
ktap_check "the host gets answers from the server's UDP service" \
	pkt $CL udp --dst $SV4 --dport 7001 --count 2 --reply
ktap_check "the host can ping the server" in_cl ping -c 1 -W $((2 * KCT_PATIENCE)) $SV4

# Still closed inbound for a new UDP flow, after the host's own traffic.
dropped=$(nft_counter $CL inet host input_dropped)
ktap_check "afterwards, the server still cannot reach the host's UDP service" \
	not pkt $SV udp --dst $CL4 --sport 7001 --dport 8001 --reply --timeout 1
ktap_expect "the input policy dropped that datagram" $((dropped + 1)) \
	"$(nft_counter $CL inet host input_dropped)"
ktap_done
