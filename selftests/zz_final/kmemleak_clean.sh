#!/bin/bash
# kct leaks nothing: on a kernel with kmemleak (the debug kernel of make
# check-debug), fail if kmemleak finds an unreferenced object allocated
# from kct's code, both among what the earlier tests left behind (this
# test sorts last) and after one more load, traffic and unload cycle.
# Leaks that are not kct's (the kernel's own) are printed, not failed.
kml=/sys/kernel/debug/kmemleak

echo "TAP version 13"
echo "1..1"
if [ ! -e "$kml" ]; then
	echo "ok 1 kmemleak_clean # SKIP kernel has no kmemleak"
	exit 4
fi

note() { sed 's/^/# /'; }
fail() {
	echo "not ok 1 kmemleak_clean # $*"
	exit 1
}

# kmemleak reports nothing younger than 5 s, and reports an object once a
# scan finds it unreferenced; the second scan, a few seconds later,
# settles objects that were in flight during the first.
scan() {
	sleep 6
	echo scan >"$kml" 2>/dev/null ||
		fail "kmemleak does not scan (disabled at boot? see dmesg)"
	sleep 3
	echo scan >"$kml" 2>/dev/null || fail "kmemleak second scan failed"
}

# Sorts the records of the report into kct's and the others'.  Backtraces
# are symbolized when read, not when recorded: a frame in a module that
# has been unloaded since prints as a bare address, or under the name of
# whatever module was loaded at that address later.  So a record is kct's
# when a frame names a kct module ("[kct]", "[kct_ftp]") or is a bare
# address (the selftests unload only kct's modules).
kct_leaks=0
rec=
flush() {
	[ -n "$rec" ] || return 0
	if grep -E -q '\[kct[a-z0-9_]*\]$|\] 0x[0-9a-f]+$' <<<"$rec"; then
		kct_leaks=$((kct_leaks + 1))
		echo "# unreferenced object allocated from kct's code:"
	else
		echo "# unreferenced object not from kct (not failing):"
	fi
	note <<<"$rec"
	rec=
}
sort_report() {
	local line report
	report=$(cat "$kml")
	while IFS= read -r line; do
		case "$line" in
		"unreferenced object"*)
			flush
			rec=$line
			;;
		*) [ -z "$rec" ] || rec+=$'\n'$line ;;
		esac
	done <<<"$report"
	flush
}

# What the earlier tests left.  Loading kct first brings in the modules it
# depends on, so that the cycle below maps no new module over the code of
# the kct it unloads.
modprobe kct || fail "modprobe kct failed"
rmmod kct || fail "rmmod kct failed"
scan
echo "# left by the earlier tests:"
sort_report
echo clear >"$kml"

# One more cycle: since nothing else is unloaded or loaded meanwhile,
# every bare address in what it leaves is this kct's.
modprobe kct || fail "modprobe kct failed"
grep -E '^kct ' /proc/modules | note
ip netns add kmemleak_ns
ip -n kmemleak_ns link set lo up
ip netns exec kmemleak_ns ping -c 2 -i 0.2 -W 1 127.0.0.1 >/dev/null 2>&1
ping -c 2 -i 0.2 -W 1 127.0.0.1 >/dev/null 2>&1
ip netns del kmemleak_ns
rmmod kct || fail "rmmod kct failed"
scan
echo "# left by a load, traffic and unload cycle:"
sort_report

[ "$kct_leaks" -eq 0 ] || fail "kct leaked $kct_leaks object(s)"
echo "ok 1 kmemleak_clean"
