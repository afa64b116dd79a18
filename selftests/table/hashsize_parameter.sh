#!/bin/bash
# The number of hash buckets: by default the size stock nf_conntrack picks
# for this machine's memory; `modprobe kct hashsize=N` sets it (as
# nf_conntrack's parameter of the same name does) and net.kct.buckets and
# /sys/module/kct/parameters/hashsize report it; a size out of range is
# refused with a clear message and nothing loaded.
# kct-test-cost: 11
. "$(dirname "$0")/../lib/preamble.sh"

modprobe nf_conntrack
stock=$(sysctl -n net.netfilter.nf_conntrack_buckets)
modprobe kct
ktap_expect "default: stock's bucket count" "$stock" "$(sysctl -n net.kct.buckets)"
ktap_expect "the parameter reports it" "$stock" "$(cat /sys/module/kct/parameters/hashsize)"
rmmod kct

modprobe kct hashsize=262144
ktap_expect "hashsize=262144: net.kct.buckets" 262144 "$(sysctl -n net.kct.buckets)"
ktap_expect "... and the parameter" 262144 "$(cat /sys/module/kct/parameters/hashsize)"
ip netns add kct-hs
ktap_expect "... and so does every namespace" 262144 \
	"$(ip netns exec kct-hs sysctl -n net.kct.buckets)"
ip netns del kct-hs
rmmod kct

refused() { ! modprobe kct hashsize="$1" 2>/dev/null; }
not_loaded() { ! grep -q '^kct ' /proc/modules; }
for bad in 5 4294967295; do
	ktap_check "hashsize=$bad is refused" refused $bad
	ktap_check "... kct is not loaded" not_loaded
	ktap_check "... and the log says why" \
		grep -q "kct: hashsize=$bad is out of range" <(dmesg)
done
ktap_done
