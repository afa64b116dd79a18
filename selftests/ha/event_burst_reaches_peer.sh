#!/bin/bash
# Bursts of 10000 new connections through one firewall of a pair reach
# its peer's conntrackd, and events lost on the way are counted and
# recovered as with stock.  Routers and conntrackd (FT-FW) are those of
# tcp_session_survives_failover.sh, syncing UDP (HA_PROTOCOLS), with
# nf_conntrack_max raised above the bursts and UDP entries living long
# enough for the test.  A burst is one datagram from the client to each
# of 10000 ports of the server (which drops them, so no ICMP error comes
# back), from one socket, as fast as it can: 10000 NEW events on r1's
# conntrackd netlink socket in a few seconds.
# First burst: r1's conntrackd is stopped (SIGSTOP) while it goes
# through, so its socket's buffer (NetlinkBufferSize 2 MB) overflows and
# events are lost.  Once it runs again it counts a "netlink overrun",
# grows its buffer and, 30 s later (NetlinkOverrunResync's default),
# reads the whole kernel table ("resync with kernel table"): r1's
# internal cache and r2's external cache come to hold all 10000.
# Second burst, with conntrackd running: both caches come to hold all
# 20000 (whether or not an overrun happens this time, which depends on
# timing: conntrackd's counters are noted, not compared), and every
# overrun is followed by a resync.  r2's kernel table holds none of them
# (no commit).  Run on stock nf_conntrack and on kct in the same guest:
# the same results, stock's the expected ones.
# kct-test-cost: 204
# kct-test-tier: long
# kct-test-timeout: 2400
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
. "$(dirname "$0")/../lib/ha.sh"
require_tool conntrackd conntrack nft socat python3

FLOWS=10000
FIRST_PORT=20000
# shellcheck disable=SC2034 # read by lib/ha.sh (ha_conf)
HA_PROTOCOLS=UDP
modprobe nf_conntrack
CT_MAX=$(sysctl -n net.netfilter.nf_conntrack_max)
trap 'ha_destroy >/dev/null 2>&1; rm -rf /tmp/kct-ha-* /tmp/kct-burst-notes;
	[ -n "$CT_MAX" ] && sysctl -qw net.netfilter.nf_conntrack_max=$CT_MAX' EXIT

# burst FIRST: one datagram from the client to each of FLOWS ports of
# the server from port FIRST on, from one socket.
burst() {
	in_hcl python3 -S - "$HA_CL4" "$HA_SV4" "$1" "$FLOWS" <<'PY'
import socket, sys
src, dst, first, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 40000))
for port in range(first, first + n):
	s.sendto(b"x", (dst, port))
PY
}

# ctd_signal N SIG: send SIG to router N's conntrackd.
ctd_signal() {
	local p
	for p in $(ip netns pids "kct-r$1"); do
		[ "$(cat /proc/"$p"/comm 2>/dev/null)" = conntrackd ] && kill -"$2" "$p"
	done
}

# flows N: router N's kernel table's count of the burst's flows.
flows() {
	ha_r "$1" conntrack -L -p udp -s $HA_CL4 -d $HA_SV4 --sport 40000 2>/dev/null | wc -l
}

# active N CACHE: conntrackd -s's count of active connections in router
# N's cache CACHE (internal or external).
active() {
	ctd "$1" -s 2>/dev/null | awk -v c="$2" '
		/^cache/ { on = index($0, c) > 0 }
		on && /current active connections/ { print $NF; exit }'
}

# holds N CACHE COUNT: that cache holds COUNT connections.
holds() { [ "$(active "$1" "$2")" = "$3" ]; }

# nl_stat N WHAT: conntrackd -s runtime's netlink counter WHAT in
# router N.
nl_stat() {
	ctd "$1" -s runtime 2>/dev/null | awk -F'\t+' -v w="$2:" '$2 == w { print $NF + 0; exit }'
}

# resynced N: router N's conntrackd read the kernel table again after
# each overrun (or never overran).
resynced() {
	[ "$(nl_stat "$1" "netlink overrun")" = 0 ] ||
		[ "$(nl_stat "$1" "resync with kernel table")" -gt 0 ]
}

# note TRACKER WHAT T0: conntrackd's counters, for the record.
note() {
	echo "$1, $2: r1 conntrackd: events received $(nl_stat 1 "events received")," \
		"netlink overrun $(nl_stat 1 "netlink overrun")," \
		"resync with kernel table $(nl_stat 1 "resync with kernel table")," \
		"buffer $(nl_stat 1 "current buffer size (in bytes)");" \
		"r2 conntrackd: sync messages lost $(ctd 2 -s 2>/dev/null |
			sed -n 's/.*[^0-9]\([0-9][0-9]*\) Lost msgs.*/\1/p');" \
		"all in r2's external cache $((EPOCHSECONDS - $3)) s after the burst began" \
		>>/tmp/kct-burst-notes
}

overran() { [ "$(nl_stat "$1" "netlink overrun")" -gt 0 ]; }
resync_done() { [ "$(nl_stat "$1" "resync with kernel table")" -gt 0 ]; }

event_burst() {
	local n t0

	ha_setup "$1"
	sysctl -qw net.netfilter.nf_conntrack_max=$((FLOWS * 4))
	# The entries must outlive the test: on the debug kernel the two
	# bursts and their checks took over 900 s on kct, and the first
	# burst's flows began to expire before r2's cache was counted.
	for n in 1 2; do
		ha_r $n sysctl -qw net.netfilter.nf_conntrack_udp_timeout=$((900 * KCT_PATIENCE))
	done
	in_hsv nft add table ip sink
	in_hsv nft add chain ip sink input '{ type filter hook input priority 0; }'
	in_hsv nft add rule ip sink input udp dport $FIRST_PORT-$((FIRST_PORT + 2 * FLOWS - 1)) drop
	echo "the caches are empty before the bursts: $(yes_no holds 1 internal 0) $(yes_no holds 2 external 0)"

	ctd_signal 1 STOP
	t0=$EPOCHSECONDS
	burst $FIRST_PORT
	ctd_signal 1 CONT
	echo "r1's kernel table holds the first burst's flows: $(flows 1)"
	echo "r1's conntrackd counts a netlink overrun: $(yes_no poll 20 overran 1)"
	echo "r1's internal cache comes to hold them all: $(yes_no poll 90 holds 1 internal $FLOWS)"
	echo "r2's external cache comes to hold them all: $(yes_no poll 90 holds 2 external $FLOWS)"
	note "$1" "first burst, conntrackd stopped" $t0
	echo "r1's conntrackd resynced with the kernel table: $(yes_no poll 60 resync_done 1)"

	t0=$EPOCHSECONDS
	burst $((FIRST_PORT + FLOWS))
	echo "r1's kernel table holds both bursts' flows: $(flows 1)"
	echo "r1's internal cache holds them all: $(yes_no poll 90 holds 1 internal $((2 * FLOWS)))"
	echo "r2's external cache holds them all: $(yes_no poll 90 holds 2 external $((2 * FLOWS)))"
	note "$1" "second burst" $t0
	echo "r2's external cache counts: $(active 2 external)"
	echo "r1's conntrackd resynced with the kernel table after each overrun: $(yes_no poll 60 resynced 1)"
	echo "r2's kernel table holds none of them: $(flows 2)"

	ha_teardown
}

diff_run event_burst 14
ktap_note "$(cat /tmp/kct-burst-notes)"
diff_stock_shows "conntrackd runs in r1: yes" "conntrackd runs in r2: yes" \
	"the caches are empty before the bursts: yes yes" \
	"r1's kernel table holds the first burst's flows: $FLOWS" \
	"r1's conntrackd counts a netlink overrun: yes" \
	"r1's internal cache comes to hold them all: yes" \
	"r2's external cache comes to hold them all: yes" \
	"r1's conntrackd resynced with the kernel table: yes" \
	"r1's kernel table holds both bursts' flows: $((2 * FLOWS))" \
	"r1's internal cache holds them all: yes" \
	"r2's external cache holds them all: yes" \
	"r2's external cache counts: $((2 * FLOWS))" \
	"r1's conntrackd resynced with the kernel table after each overrun: yes" \
	"r2's kernel table holds none of them: 0"
diff_compare
ktap_done
