#!/bin/bash
# nft "ct state" rules see kct's verdicts exactly: on a forwarding
# firewall, counters for new, established, related, invalid and
# untracked count each packet once, in both directions, for ICMP, UDP
# and TCP over IPv4 and IPv6; a "notrack" rule in a raw-priority chain
# makes packets untracked, and kct then makes no entry for them.
# kct-test-cost: 60
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft ping socat python3 ss

topo_create
kct_load
ct_counters_ruleset | in_fw nft -f -
in_fw nft -f - <<'NFT'
table inet raw_notrack {
	chain raw_prerouting {
		type filter hook prerouting priority raw; policy accept;
		udp dport 9999 notrack
	}
}
table ip tcpcount {
	counter tcp_all {}
	chain forward_filter {
		type filter hook forward priority filter; policy accept;
		meta l4proto tcp counter name "tcp_all"
	}
}
NFT
udp_echo $SV 5000
udp_sink $SV 9999
in_sv socat TCP-LISTEN:7000,reuseaddr SYSTEM:'echo tcp-ok' >/dev/null 2>&1 &

# ping, two echoes: request NEW, then reply, request, reply ESTABLISHED.
snap=$(nft_counters $FW inet ctstate)
in_cl ping -c 2 -i 0.2 -W $((2 * KCT_PATIENCE)) $SV4 >/dev/null
in_cl ping -6 -c 2 -i 0.2 -W $((2 * KCT_PATIENCE)) $SV6 >/dev/null
ktap_expect "IPv4 ping x2: 1 new, 3 established" \
	"new=1 established=3 related=0 invalid=0 untracked=0" "$(ct_counters $FW 4 "$snap")"
ktap_expect "IPv6 ping x2: 1 new, 3 established" \
	"new=1 established=3 related=0 invalid=0 untracked=0" "$(ct_counters $FW 6 "$snap")"

# UDP, two datagrams each echoed, same socket.
snap=$(nft_counters $FW inet ctstate)
pkt $CL udp --dst $SV4 --dport 5000 --count 2 --reply + \
	udp --dst $SV6 --dport 5000 --count 2 --reply
ktap_expect "IPv4 UDP x2 echoed: 1 new, 3 established" \
	"new=1 established=3 related=0 invalid=0 untracked=0" "$(ct_counters $FW 4 "$snap")"
ktap_expect "IPv6 UDP x2 echoed: 1 new, 3 established" \
	"new=1 established=3 related=0 invalid=0 untracked=0" "$(ct_counters $FW 6 "$snap")"

# UDP to a closed port: the datagram NEW, the port unreachable RELATED.
snap=$(nft_counters $FW inet ctstate)
pkt $CL udp --dst $SV4 --dport 9 --refused + udp --dst $SV6 --dport 9 --refused
ktap_expect "IPv4 UDP to a closed port: 1 new, 1 related" \
	"new=1 established=0 related=1 invalid=0 untracked=0" "$(ct_counters $FW 4 "$snap")"
ktap_expect "IPv6 UDP to a closed port: 1 new, 1 related" \
	"new=1 established=0 related=1 invalid=0 untracked=0" "$(ct_counters $FW 6 "$snap")"

# Echo replies nobody asked for: INVALID.
snap=$(nft_counters $FW inet ctstate)
pkt $CL icmp --dst $SV4 --type 0 + icmp --dst $SV6 --type 129
ktap_expect "IPv4 lone echo reply: 1 invalid" \
	"new=0 established=0 related=0 invalid=1 untracked=0" "$(ct_counters $FW 4 "$snap")"
ktap_expect "IPv6 lone echo reply: 1 invalid" \
	"new=0 established=0 related=0 invalid=1 untracked=0" "$(ct_counters $FW 6 "$snap")"

# notrack: untracked, and no entry.
snap=$(nft_counters $FW inet ctstate)
pkt $CL udp --dst $SV4 --dport 9999 + udp --dst $SV6 --dport 9999
ktap_expect "IPv4 notrack UDP: 1 untracked" \
	"new=0 established=0 related=0 invalid=0 untracked=1" "$(ct_counters $FW 4 "$snap")"
ktap_expect "IPv6 notrack UDP: 1 untracked" \
	"new=0 established=0 related=0 invalid=0 untracked=1" "$(ct_counters $FW 6 "$snap")"
ktap_expect "no entry on the firewall for the notrack flows" 0 \
	"$(kct_count $FW "dport=9999")"
ktap_expect "the client (no notrack rule there) tracks them" 2 \
	"$(kct_count $CL "dport=9999")"

# TCP, a plain connection: its first packet (SYN) is the only NEW one,
# every other packet of it, both ways, is ESTABLISHED.
wait_for tcp_listening $SV 7000
snap=$(nft_counters $FW inet ctstate)
out=$(tcp_answer $CL $SV4 7000)
ktap_expect "TCP: the client gets the server's answer" "tcp-ok" "$out"
sleep 0.3
all=$(nft_counter $FW ip tcpcount tcp_all)
ktap_expect "TCP connection of $all packets: 1 new, the rest established" \
	"new=1 established=$((all - 1)) related=0 invalid=0 untracked=0" \
	"$(ct_counters $FW 4 "$snap")"
ktap_done
