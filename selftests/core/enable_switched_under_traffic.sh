#!/bin/bash
# net.kct.enable can be switched while packets flow: twenty times off and
# on, in the client (locally sent packets) and in the firewall (forwarded
# ones, with a stock ct rule there, so nf_conntrack's hooks take over
# while kct is off), under a TCP stream, pings and new UDP flows.  The
# stream lives on, the runner fails the test on any kernel warning, and
# kct unloads cleanly afterwards.
# kct-test-cost: 45
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/table.sh"
require_tool socat ping python3 nft sysctl

kct_load
topo_create
ct_counters_ruleset | in_fw nft -f -
in_sv socat -u TCP4-LISTEN:7000,reuseaddr OPEN:/dev/null &
wait_for tcp_listening $SV 7000
tcp_trickle $CL $SV4 7000 &
in_cl ping -q -i 0.1 $SV4 >/dev/null 2>&1 &
in_cl ping -6 -q -i 0.1 $SV6 >/dev/null 2>&1 &
udp_flood $CL 20000 100 100 &
fw_has_stream() { kct_table $FW | grep -q "dport=7000 "; }
wait_for fw_has_stream

# switch_twenty NS: net.kct.enable off and on twenty times, in one
# process; prints how many rounds worked.
switch_twenty() {
	ip netns exec "$1" bash -c '
	f=/proc/sys/net/kct/enable
	for i in $(seq 20); do
		echo 0 >$f && echo 1 >$f || break
		n=$i
	done
	echo ${n:-0}'
}
# Both at once: the two namespaces switch concurrently.
start=$EPOCHSECONDS
switch_twenty $CL >/tmp/kct-switch-cl &
switched=$(switch_twenty $FW)
wait $!
switched="$switched $(cat /tmp/kct-switch-cl)"
rm -f /tmp/kct-switch-cl
ktap_note "switching took $((EPOCHSECONDS - start)) s"
ktap_expect "switched off and on twenty times in two namespaces at once" "20 20" \
	"$switched"

# stream_received: what the server has received of the stream so far.
stream_received() {
	in_sv ss -tniH state established "( sport = :7000 )" |
		grep -o 'bytes_received:[0-9]*' | cut -d: -f2
}
stream_grew() { [ "$(stream_received)" -gt "${1:-0}" ]; }
ktap_check "the TCP stream still flows" poll 10 stream_grew "$(stream_received)"
ktap_check "kct tracks it again on the firewall" poll 10 fw_has_stream

ip netns pids $CL | xargs -r kill 2>/dev/null
topo_destroy
ktap_check "kct unloads afterwards" rmmod kct
ktap_done
