#!/bin/bash
# Every network namespace gets its own /proc/net/kct while kct is loaded:
# namespaces made before and after loading, and the files go away with
# the namespace and with the module.
# kct-test-cost: 23
. "$(dirname "$0")/../lib/preamble.sh"

ip netns add kct-before
modprobe kct
ktap_check "a namespace made before loading has /proc/net/kct" \
	ip netns exec kct-before test -e /proc/net/kct

missing=0
for i in $(seq 20); do
	ip netns add "kct-ns$i"
	ip netns exec "kct-ns$i" test -e /proc/net/kct || missing=$((missing + 1))
done
ktap_expect "20 new namespaces each have /proc/net/kct" 0 "$missing"
ktap_check "the table file is readable by root" \
	ip netns exec kct-ns1 cat /proc/net/kct
ktap_check "the table file is not world-readable" \
	sh -c "stat -c %A /proc/net/kct | grep -q -- '-r--r-----'"

for i in $(seq 20); do ip netns del "kct-ns$i"; done
ktap_check "20 namespaces deleted with kct loaded" \
	sh -c '! ip netns list | grep -q kct-ns'
rmmod kct
ktap_check "after unload no namespace has /proc/net/kct" \
	sh -c '! test -e /proc/net/kct && ! ip netns exec kct-before test -e /proc/net/kct'
ip netns del kct-before
ktap_done
