#!/bin/bash
# Each namespace has its own table: the same flow (same addresses and
# ports) in two namespaces is two separate connections with their own
# state, and each namespace's /proc/net/kct, count and counters show
# only its own.  A forwarded flow has one entry in each namespace it
# crosses.
# kct-test-cost: 28
. "$(dirname "$0")/../lib/preamble.sh"
require_tool ping python3 ss

kct_load
for ns in kct-a kct-b kct-c; do
	ip netns add $ns
	ip -n $ns link set lo up
	short_lived_last $ns
done

# The same tuple in a and b: answered in a, not in b.
udp_echo kct-a 5000
udp_sink kct-b 5000
pkt kct-a udp --dst 127.0.0.1 --sport 40000 --dport 5000 --reply
pkt kct-b udp --dst 127.0.0.1 --sport 40000 --dport 5000
flow="src=127.0.0.1 dst=127.0.0.1 sport=40000 dport=5000"
ktap_expect "namespace a: its flow, replied" \
	"ipv4     2 udp      17 T $flow src=127.0.0.1 dst=127.0.0.1 sport=5000 dport=40000 mark=0 zone=0 use=2" \
	"$(kct_norm "$(kct_table kct-a)")"
ktap_expect "namespace b: the same tuple, its own state, unreplied" \
	"ipv4     2 udp      17 T $flow [UNREPLIED] src=127.0.0.1 dst=127.0.0.1 sport=5000 dport=40000 mark=0 zone=0 use=2" \
	"$(kct_norm "$(kct_table kct-b)")"
ktap_expect "namespace c: nothing" "" "$(kct_table kct-c)"
ktap_expect "count per namespace: 1 1 0" "1 1 0" \
	"$(for ns in kct-a kct-b kct-c; do ip netns exec $ns sysctl -n net.kct.count; done | paste -sd' ')"
ktap_expect "insert per namespace: 1 1 0" "1 1 0" \
	"$(for ns in kct-a kct-b kct-c; do kct_stat $ns insert; done | paste -sd' ')"

ip netns del kct-a
ktap_expect "deleting a leaves b's entry" 1 "$(kct_count kct-b "$flow")"

topo_create
short_lived_last
ktap_check "ping through the firewall" in_cl ping -c 1 -W $((2 * KCT_PATIENCE)) $SV4
ktap_expect "one entry each in client, firewall and server" "1 1 1" \
	"$(for ns in $CL $FW $SV; do kct_count $ns "type=8"; done | paste -sd' ')"
ktap_expect "and none in b or c" "0 0" \
	"$(for ns in kct-b kct-c; do kct_count $ns "icmp"; done | paste -sd' ')"
ktap_done
