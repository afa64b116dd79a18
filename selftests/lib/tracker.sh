# Shell helpers for kct's selftests: the packet generator, loading kct,
# and, one file per subject, reading connection tables (ct_table.sh),
# counters of kct, stock and rules (counters.sh), small servers
# (servers.sh) and TCP flows made by hand (tcp_flow.sh).  Source it after
# ktap.sh and topo.sh; lib/preamble.sh sources all three.

TRACKER_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Servers started in the background must not outlive the test (the
# runner reads the test's output until every writer has gone): on exit,
# end every process in the topology's namespaces.  Background commands
# should also send their output elsewhere than the test's.
trap 'topo_destroy >/dev/null 2>&1; rm -f /tmp/kct-tcp-* /tmp/kct-step-*' EXIT

# PKT_PY: how to run the packet generator (lib/pkt.py): imported, so
# that its compiled form is kept between runs, and without the site
# packages it does not use (-S); under emulation each saves a part of a
# second per run.
PKT_PY=(python3 -S -c 'import sys; sys.path[0] = sys.argv.pop(1); sys.argv[0] = "pkt.py"; import pkt; sys.exit(pkt.main())' "$TRACKER_LIB")

# pkt NS ARGS...: the packet generator inside namespace NS.
pkt() {
	local ns=$1
	shift
	ip netns exec "$ns" "${PKT_PY[@]}" "$@"
}

# kct_load: load the tracker, or fail the test.  On a slow kernel, ICMP
# and UDP entries of the topology's namespaces get longer to live
# (short_lived_last).
kct_load() {
	if ! modprobe kct; then
		ktap_fail "modprobe kct"
		ktap_done
	fi
	short_lived_last
}

# kct_load_logged WHAT: load the tracker, or fail the test, and keep in
# KCT_LOAD_LOG what the kernel logged meanwhile; the load is test point
# WHAT.
kct_load_logged() {
	local marker="kct_load_logged $EPOCHREALTIME"
	echo "$marker" >/dev/kmsg
	if ! modprobe kct; then
		ktap_fail "$1"
		ktap_done
	fi
	ktap_ok "$1"
	KCT_LOAD_LOG=$(dmesg | sed "0,\|$marker\$|d")
}

# not CMD...: succeeds when CMD fails (for ktap_check).
not() {
	! "$@"
}

# The helpers by subject, each in its own file.
. "$TRACKER_LIB/ct_table.sh"
. "$TRACKER_LIB/counters.sh"
. "$TRACKER_LIB/servers.sh"
. "$TRACKER_LIB/tcp_flow.sh"
