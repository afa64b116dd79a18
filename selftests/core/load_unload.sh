#!/bin/bash
# kct loads and unloads cleanly, again and again; /proc/net/kct exists
# exactly while it is loaded.
# kct-test-cost: 27
. "$(dirname "$0")/../lib/preamble.sh"
require_tool modprobe rmmod

ok=1
for i in $(seq 20); do
	modprobe kct || { ok=; ktap_note "load $i failed"; break; }
	[ -e /proc/net/kct ] || { ok=; ktap_note "no /proc/net/kct after load $i"; }
	rmmod kct || { ok=; ktap_note "unload $i failed"; break; }
	[ ! -e /proc/net/kct ] || { ok=; ktap_note "/proc/net/kct left after unload $i"; }
done
if [ -n "$ok" ]; then
	ktap_ok "20 load/unload cycles, /proc/net/kct present only while loaded"
else
	ktap_fail "20 load/unload cycles, /proc/net/kct present only while loaded"
fi
ktap_check "nothing of kct stays loaded" sh -c '! grep -q "^kct " /proc/modules'
ktap_done
