#!/bin/bash
# kct can be unloaded and loaded again while traffic crosses the firewall:
# a TCP stream, pings and new UDP flows keep running through a stateful
# ruleset (new connections accepted, established ones by ct state) while
# kct goes and comes back five times.  Packets in flight keep their
# connection until they are done with it; the runner fails the test on
# any kernel warning.  Afterwards the stream is still flowing (picked up
# mid-stream again) and kct tracks as before.
# kct-test-cost: 39
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/table.sh"
require_tool socat ping nft python3

topo_create
kct_load
in_fw nft -f - <<'NFT'
table inet fw {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "fw0" ct state new accept
	}
}
NFT

in_sv socat -u TCP4-LISTEN:7000,reuseaddr OPEN:/dev/null &
wait_for tcp_listening $SV 7000
tcp_trickle $CL $SV4 7000 &
in_cl ping -q -i 0.02 $SV4 >/dev/null 2>&1 &
in_cl ping -q -i 0.02 $SV6 >/dev/null 2>&1 &
udp_flood $CL 20000 50 60 &
flood=$!
sleep 2

cycles_ok=0
for i in $(seq 5); do
	rmmod kct || break
	sleep 0.3
	modprobe kct || break
	sleep 0.7
	cycles_ok=$i
done
ktap_expect "five unload/load cycles under traffic" 5 "$cycles_ok"
wait $flood

# The stream carries on: its byte counter on the server side grows.
rx() { in_sv ss -Htin "sport = :7000" | sed -n 's/.*bytes_received:\([0-9]*\).*/\1/p' | head -n1; }
rx_above() { [ "$(rx)" -gt "$1" ]; }
a=$(rx)
poll 10 rx_above "${a:-0}"
b=$(rx)
ktap_check "the TCP stream still flows ($a then $b bytes)" test "${b:-0}" -gt "${a:-0}"
ktap_check "kct tracks it again, ESTABLISHED" \
	grep -q "ESTABLISHED .*dport=7000 " <(kct_table $FW)
ktap_check "and the pings" grep -q "icmp .*dst=$SV4 " <(kct_table $FW)
topo_destroy
ktap_check "kct unloads at the end" rmmod kct
ktap_done
