#!/bin/bash
# A namespace holding 10000 live connections can be deleted while another
# namespace opens new connections as fast as it can, three times over.
# Each time the namespace's cleanup completes: nf_conntrack does not let a
# namespace go before every connection object of it is freed, so a single
# connection forgotten by kct would hold that cleanup, and every
# namespace deleted after it, forever.  What a user sees: a namespace
# deleted afterwards disappears too (its veth peer goes), and kct unloads
# with nothing of the flooding namespace left behind.
# kct-test-cost: 55
# kct-test-tier: long
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/table.sh"
require_tool python3

stop=$(mktemp -u)
modprobe nf_conntrack
stock_limits_save
trap 'touch $stop; wait; rm -f $stop; stock_limits_restore' EXIT
# Few buckets, long chains: entries of both namespaces share them.
modprobe kct hashsize=1024 || { ktap_fail "modprobe kct"; ktap_done; }
sysctl -qw net.netfilter.nf_conntrack_max=12000

sink_ns kct-flood
sink_flood kct-flood "$stop" &
flooding() { test "$(ip netns exec kct-flood sysctl -n net.kct.count)" -ge 1000; }
ktap_check "another namespace floods new flows" wait_for flooding

link_gone() { ! ip link show "$1" >/dev/null 2>&1; }
# ns_gone NS: NS's cleanup, whose work nf_conntrack's waits block,
# ran to the end (a namespace's cleanups run one after another).
ns_gone() {
	local i
	ip netns add kct-canary
	ip link add kcan0 type veth peer name kcan1 netns kct-canary
	ip netns del kct-canary
	for i in $(seq $((300 * KCT_PATIENCE))); do
		link_gone kcan0 && return 0
		sleep 0.1
	done
	return 1
}

deleted=0
for round in 1 2 3; do
	sink_ns kct-full
	ip link add kfull0 type veth peer name kfull1 netns kct-full
	ip netns exec kct-full sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600
	sink_fill kct-full 10000 >/dev/null
	n=$(ip netns exec kct-full sysctl -n net.kct.count)
	if [ "$n" != 10000 ]; then
		ktap_fail "round $round: the namespace holds 10000 connections ($n)"
		break
	fi
	ip netns del kct-full
	# Its cleanup started: its devices went.
	wait_for link_gone kfull0
	if ! ns_gone; then
		ktap_fail "round $round: a namespace deleted afterwards goes too (the cleanup is stuck)"
		ktap_done
	fi
	deleted=$round
done
ktap_expect "three namespaces of 10000 connections deleted under a flood" 3 "$deleted"
touch "$stop"
wait
ktap_check "kct unloads afterwards" rmmod kct
zero() { test "$(nf_count kct-flood)" = 0; }
ktap_check "nothing of the flooding namespace is left" wait_for zero
ip netns del kct-flood
ktap_done
