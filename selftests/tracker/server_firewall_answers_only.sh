#!/bin/bash
# A server's own firewall: input accepts new and established traffic,
# output lets out only what answers a connection ("ct state established,
# related"), both with policy drop (neighbour discovery, untracked,
# allowed).  Written after kct was loaded, so nf_conntrack's hooks come
# second.  The server must answer ping, UDP and TCP over IPv4 and IPv6:
# kct must confirm the connections arriving for it, even where
# nf_conntrack's own confirm hook runs at the same point.
# kct-test-cost: 26
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft socat ping python3 ss

topo_create
kct_load
in_sv nft -f - <<'NFT'
table inet server {
	counter output_dropped {}
	chain input_filter {
		type filter hook input priority filter; policy drop;
		ct state new,established,related,untracked accept
	}
	chain output_filter {
		type filter hook output priority filter; policy drop;
		ct state established,related,untracked accept
		counter name "output_dropped"
	}
}
NFT
udp_echo $SV 5000
in_sv socat TCP6-LISTEN:7000,reuseaddr,fork SYSTEM:'echo tcp-ok' >/dev/null 2>&1 &
wait_for tcp_listening $SV 7000

for addr in $SV4 "[$SV6]"; do
	fam=IPv4
	case $addr in *:*) fam=IPv6 ;; esac
	ktap_check "$fam: the server answers ping" in_cl ping -c 1 -W $((2 * KCT_PATIENCE)) ${addr//[][]/}
	ktap_check "$fam: the server answers UDP" \
		pkt $CL udp --dst ${addr//[][]/} --dport 5000 --count 2 --reply --timeout 2
	out=$(tcp_answer $CL "$addr" 7000 2>&1)
	ktap_expect "$fam: the server answers TCP" "tcp-ok" "$out"
done
ktap_expect "the output policy dropped nothing" 0 \
	"$(nft_counter $SV inet server output_dropped)"
ktap_expect "the server's kct table has the six flows" 6 "$(kct_count $SV)"
ktap_expect "nf_conntrack's table on the server is empty" "" "$(stock_table $SV)"
ktap_done
