#!/bin/bash
# A network namespace can go away while kct tracks traffic through it:
# five times, a firewall namespace forwarding a TCP stream, pings and new
# UDP flows is deleted mid-flight.  Its connections go with it (the
# runner fails the test on any kernel warning), other namespaces keep
# theirs, and kct unloads cleanly afterwards.
# kct-test-cost: 49
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/table.sh"
require_tool socat ping python3

kct_load
# A bystander: a namespace with a tracked connection of its own.
ip netns add kct-by
ip -n kct-by link set lo up
ip netns exec kct-by sysctl -qw net.netfilter.nf_conntrack_icmp_timeout=600
ip netns exec kct-by ping -c 1 -W $((1 * KCT_PATIENCE)) 127.0.0.1 >/dev/null

fw_has_stream() { kct_table $FW | grep -q "dport=7000 "; }
deleted=0
for i in $(seq 5); do
	topo_create
	in_sv socat -u TCP4-LISTEN:7000,reuseaddr OPEN:/dev/null &
	wait_for tcp_listening $SV 7000
	tcp_trickle $CL $SV4 7000 &
	in_cl ping -q -i 0.02 $SV6 >/dev/null 2>&1 &
	udp_flood $CL 20000 200
	wait_for fw_has_stream
	# The firewall first, while it forwards; then the ends.
	ip netns pids $FW | xargs -r kill 2>/dev/null
	ip netns del $FW || break
	topo_destroy
	deleted=$i
done
ktap_expect "five firewall namespaces deleted while forwarding" 5 "$deleted"
ktap_check "the bystander keeps its connection" \
	grep -q "icmp .*dst=127.0.0.1 " <(ip netns exec kct-by cat /proc/net/kct)
ip netns del kct-by
ktap_check "kct unloads afterwards" rmmod kct
ktap_done
