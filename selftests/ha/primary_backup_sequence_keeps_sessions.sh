#!/bin/bash
# The failover sequence of conntrackd's keepalived script works: with
# two routers syncing their state with conntrackd in FT-FW mode (see
# tcp_session_survives_failover.sh), a TCP session opens through r1 and
# reaches r2's external cache; the routes move to r2; r1 (the new
# backup) runs conntrackd -t, as the backup script does (a flush of
# its kernel table PurgeTimeout later), and forgets its external cache
# (-f external); r2 (the new primary) runs the
# primary's steps: commit the external cache into the kernel table
# (-c), flush both caches (-f), resynchronise its internal cache with
# the kernel table (-R) and send a bulk update to the backup (-B).
# Every step succeeds; the session's entry is in r2's kernel table
# after -c, in r2's internal cache after -R, gone from r1's kernel
# table after the purge and in r1's external cache after the sequence
# (r1 can take over again); the session keeps
# answering through r2; conntrackd -s counts the entry in both caches.
# Run on stock nf_conntrack and on kct in the same guest: the same
# results.
# kct-test-cost: 99
# kct-test-tier: long
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
. "$(dirname "$0")/../lib/ha.sh"
require_tool conntrackd conntrack nft socat


# active N CACHE: conntrackd -s's count of active connections in router
# N's cache CACHE (internal or external).
active() {
	ctd "$1" -s 2>/dev/null | awk -v c="$2" '
		/^cache/ { on = index($0, c) > 0 }
		on && /current active connections/ { print $NF; exit }'
}

sequence() {
	local step

	ha_setup "$1"
	ha_session kept 42000
	echo "the session answers through r1: $(ha_answers kept one 10)"
	echo "r2's external cache holds the session: $(yes_no poll 20 ha_cached 2 -e 42000)"

	ha_via 2
	ctd 1 -t >/dev/null 2>&1
	echo "conntrackd -t in r1: status $?"
	ctd 1 -f external >/dev/null 2>&1
	echo "conntrackd -f external in r1: status $?"
	echo "r1's external cache is empty after -f: $(yes_no not ha_cached 1 -e 42000)"

	for step in -c -f -R -B; do
		ctd 2 $step >/dev/null 2>&1
		echo "conntrackd $step in r2: status $?"
		case $step in
		-c) echo "r2's kernel table holds the session after -c: $(yes_no poll 10 ha_listed 2 42000)" ;;
		-R) echo "r2's internal cache holds the session after -R: $(yes_no poll 10 ha_cached 2 -i 42000)" ;;
		esac
	done
	echo "r1's kernel table forgets the session after -t and its PurgeTimeout (5 s): $(yes_no poll 30 not ha_listed 1 42000)"
	echo "r1's external cache holds the session after the sequence: $(yes_no poll 20 ha_cached 1 -e 42000)"
	echo "r1's external cache lists it as: $(ha_cache_line 1 -e 42000)"
	echo "the session answers through r2: $(ha_answers kept two 10)"
	echo "the entry is in the tracker's own table: $(yes_no ha_tracks 2 42000 "$1")"
	echo "conntrackd -s in r2 counts active connections in its internal cache: $(active 2 internal)"
	echo "conntrackd -s in r1 counts active connections in its external cache: $(active 1 external)"

	ha_teardown
}

diff_run sequence 20
diff_stock_shows "conntrackd runs in r1: yes" "conntrackd runs in r2: yes" \
	"the session answers through r1: yes" \
	"r2's external cache holds the session: yes" \
	"conntrackd -t in r1: status 0" \
	"r1's kernel table forgets the session after -t and its PurgeTimeout (5 s): yes" \
	"r1's external cache is empty after -f: yes" \
	"conntrackd -c in r2: status 0" \
	"r2's kernel table holds the session after -c: yes" \
	"conntrackd -f in r2: status 0" \
	"conntrackd -R in r2: status 0" \
	"r2's internal cache holds the session after -R: yes" \
	"conntrackd -B in r2: status 0" \
	"r1's external cache holds the session after the sequence: yes" \
	"the session answers through r2: yes" \
	"the entry is in the tracker's own table: yes"
diff_compare
ktap_done
