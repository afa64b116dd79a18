#!/bin/bash
# A connection whose lifetime is cut short leaves the table when it is
# due, without another packet, even in a table whose other entries live
# for days: the GC crosses the table when the soonest entry is due, and
# a lifetime set after its last crossing still counts.  Two ways of
# cutting it: `conntrack -U -f ipv4 -t 3` on an established connection, and a
# packet (an RST moves a connection to CLOSE, nf_conntrack_tcp_timeout_close
# at 2 s).  Each one's DESTROY event must come within a few seconds of
# its expiry; a GC that only knew what it saw at its last crossing would
# come back after a minute (stock's GC may too: kct only, no comparison).
# kct-test-cost: 20
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/table.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack socat python3 ss

dir=$(mktemp -d)
ct_load
topo_create
only_firewall_tracks
trap 'topo_destroy >/dev/null 2>&1; rm -rf "$dir"' EXIT
in_fw sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_close=2
ev=$dir/events
in_fw timeout $((60 * KCT_PATIENCE)) conntrack -E -e DESTROY >$ev 2>&1 &
wait_for ct_events_ready $FW 1

# Entries that live for days: the GC has nothing due for a while.
ktap_check "a TCP connection through the firewall exchanges a line" \
	held_tcp_start "$dir"
kct_wait_entry $FW "dport=7000" "[ASSURED]"
in_sv socat TCP-LISTEN:7001,reuseaddr,fork EXEC:cat >/dev/null 2>&1 &
wait_for tcp_listening $SV 7001

destroyed() { grep -q "DESTROY.*dport=$1 " "$ev"; }

# 1. conntrack -U: the held connection is due in 3 s.
in_fw conntrack -U -f ipv4 -p tcp --dport 7000 -t 3 >/dev/null 2>&1
ktap_check "conntrack -U -t 3: listed with 3 s or less to live" \
	test "$(in_fw conntrack -L -f ipv4 -p tcp --dport 7000 2>/dev/null |
		awk '{ print $3 }')" -le 3
poll 8 destroyed 7000
ktap_check "its DESTROY event came within 5 s of its expiry" destroyed 7000
ktap_expect "and it is gone from /proc/net/kct" 0 \
	"$(kct_count $FW "dport=7000")"

# 2. A packet: a second connection established, then reset.
in_cl python3 -c '
import socket, struct, sys
s = socket.create_connection((sys.argv[1], 7001), timeout=20)
s.sendall(b"x\n")
s.recv(10)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
' "$SV4"
poll 7 destroyed 7001
ktap_check "reset to CLOSE (2 s): its DESTROY event came within 5 s of its expiry" \
	destroyed 7001
ktap_expect "and it is gone from /proc/net/kct" 0 \
	"$(kct_count $FW "dport=7001")"
rm -rf "$dir"
ktap_done
