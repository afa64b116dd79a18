#!/bin/bash
# conntrackd in ALARM mode keeps a firewall pair in sync and a TCP
# session survives the failover.  Routers, rules and sessions are those
# of tcp_session_survives_failover.sh, with conntrackd's Mode ALARM:
# each router sends every entry of its internal cache to its peer within
# RefreshTime (2 s) of a change and then again every RefreshTime or
# less, and the peer forgets an entry of its external cache that was not
# sent again within CacheTimeout (8 s).  Two TCP echo sessions open
# through r1; r2's external cache holds both, and the session's entry
# is still there once it has lived longer than CacheTimeout (r1 keeps
# refreshing it).  The routes move to r2: without a commit the control
# session's next line is dropped as invalid; after `conntrackd -c` on
# r2, r2's kernel table lists the session as ESTABLISHED and its next
# line comes back.  Run on stock nf_conntrack and on kct in the same
# guest: every step shows the same result, and stock's are the expected
# ones.
# kct-test-cost: 88
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
. "$(dirname "$0")/../lib/ha.sh"
require_tool conntrackd conntrack nft socat

CACHE_TIMEOUT=8
# shellcheck disable=SC2034 # read by lib/ha.sh (ha_conf)
HA_SYNC_MODE=ALARM
# shellcheck disable=SC2034
HA_MODE_OPTIONS="RefreshTime 2
		CacheTimeout $CACHE_TIMEOUT"

counted_more() { [ "$(ha_counter "$1" "$2")" -gt "$3" ]; }
listed() { [ -n "$(ha_ct_line "$1" "$2")" ]; }
# outlived N SPORT SECS: router N's external cache lists the client's
# port SPORT as active for more than SECS seconds.
outlived() {
	local age
	age=$(ctd "$1" -e 2>/dev/null |
		sed -n "s/.*src=$HA_CL4 dst=$HA_SV4 sport=$2 dport=$HA_PORT .*\[active since \([0-9]*\)s\].*/\1/p")
	[ -n "$age" ] && [ "$age" -gt "$3" ]
}

alarm() {
	local inv est

	ha_setup "$1"
	ha_session kept 42000
	ha_session control 42001
	echo "the session answers through r1: $(ha_answers kept one 10)"
	echo "the control session answers through r1: $(ha_answers control one 10)"
	echo "r1's internal cache holds the session: $(yes_no poll 20 ha_cached 1 -i 42000)"
	echo "r2's external cache holds the session: $(yes_no poll 20 ha_cached 2 -e 42000)"
	echo "r2's external cache holds the control session: $(yes_no poll 20 ha_cached 2 -e 42001)"
	echo "r2's external cache lists the session as: $(ha_cache_line 2 -e 42000 | sed -E 's/ *\[expires in [0-9]+s\]//')"
	echo "r2's external cache keeps the session longer than CacheTimeout: $(yes_no poll $((CACHE_TIMEOUT * 4)) outlived 2 42000 $((CACHE_TIMEOUT + 2)))"
	echo "r2's external cache holds the session after that: $(yes_no ha_cached 2 -e 42000)"
	echo "r2's kernel table holds the session before the commit: $(yes_no listed 2 42000)"

	ha_via 2
	inv=$(ha_counter 2 invalid)
	echo "without a commit, the control session answers through r2: $(ha_answers control two 3)"
	echo "r2 dropped its line as invalid: $(yes_no counted_more 2 invalid "$inv")"

	ctd 2 -c >/tmp/kct-ha-commit.out 2>&1
	echo "conntrackd -c in r2: status $?"
	echo "r2's kernel table holds the session after the commit: $(yes_no poll 10 listed 2 42000)"
	echo "r2 lists it as: $(ha_ct_line 2 42000)"
	echo "the entry is in the tracker's own table: $(yes_no ha_tracks 2 42000 "$1")"
	est=$(ha_counter 2 established)
	echo "after the commit, the session answers through r2: $(ha_answers kept two 10)"
	echo "r2 forwarded it as established: $(yes_no counted_more 2 established "$est")"

	ha_teardown
}

diff_run alarm 19
for line in "conntrackd runs in r1: yes" "conntrackd runs in r2: yes" \
	"the session answers through r1: yes" \
	"r1's internal cache holds the session: yes" \
	"r2's external cache holds the session: yes" \
	"r2's external cache holds the control session: yes" \
	"r2's external cache keeps the session longer than CacheTimeout: yes" \
	"r2's external cache holds the session after that: yes" \
	"r2's kernel table holds the session before the commit: no" \
	"without a commit, the control session answers through r2: no" \
	"r2 dropped its line as invalid: yes" \
	"conntrackd -c in r2: status 0" \
	"r2's kernel table holds the session after the commit: yes" \
	"after the commit, the session answers through r2: yes" \
	"r2 forwarded it as established: yes" \
	"the entry is in the tracker's own table: yes"; do
	ktap_check "stock: $line" grep -qxF "$line" <(printf '%s\n' "${DIFF_STOCK[@]}")
done
diff_compare
ktap_done
