#!/bin/bash
# Traffic to 127.0.0.1 or ::1 inside a namespace passes kct's hooks twice
# on the way out and in again, but is one connection: one entry, one
# insert, with the reply seen.
# kct-test-cost: 17
. "$(dirname "$0")/../lib/preamble.sh"
require_tool ping python3 ss

kct_load
ns=kct-lo
ip netns add $ns
ip -n $ns link set lo up
# All three entries must still be there at the end, however slow the
# kernel (30 s is short on the debug kernel).
ip netns exec $ns sysctl -qw net.netfilter.nf_conntrack_icmp_timeout=600 \
	net.netfilter.nf_conntrack_icmpv6_timeout=600

insert=$(kct_stat $ns insert)
ktap_check "ping 127.0.0.1" ip netns exec $ns ping -c 2 -i 0.2 -W $((2 * KCT_PATIENCE)) 127.0.0.1
line=$(kct_entry $ns "type=8")
id=$(echo "$line" | sed -n 's/.* type=8 code=0 id=\([0-9]*\) .*/\1/p')
ktap_expect "one ICMP entry, replied" \
	"ipv4     2 icmp     1 T src=127.0.0.1 dst=127.0.0.1 type=8 code=0 id=$id src=127.0.0.1 dst=127.0.0.1 type=0 code=0 id=$id mark=0 zone=0 use=2" \
	"$(kct_norm "$line")"
ktap_expect "insert rose by one" $((insert + 1)) "$(kct_stat $ns insert)"

ktap_check "ping ::1" ip netns exec $ns ping -6 -c 2 -i 0.2 -W $((2 * KCT_PATIENCE)) ::1
ktap_expect "one ICMPv6 entry, replied" 1 \
	"$(kct_count $ns "type=128" "src=0000:0000:0000:0000:0000:0000:0000:0001 dst=0000:0000:0000:0000:0000:0000:0000:0001 type=129")"
ktap_expect "insert rose by two" $((insert + 2)) "$(kct_stat $ns insert)"

udp_echo $ns 5000
pkt $ns udp --dst 127.0.0.1 --sport 40000 --dport 5000 --count 2 --reply
line=$(kct_entry $ns "udp")
ktap_expect "one UDP entry, replied" \
	"ipv4     2 udp      17 T src=127.0.0.1 dst=127.0.0.1 sport=40000 dport=5000 src=127.0.0.1 dst=127.0.0.1 sport=5000 dport=40000 mark=0 zone=0 use=2" \
	"$(kct_norm "$line")"
ktap_expect "insert rose by three" $((insert + 3)) "$(kct_stat $ns insert)"
ktap_expect "three entries in all" 3 "$(kct_count $ns)"
ktap_done
