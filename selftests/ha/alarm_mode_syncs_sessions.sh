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
# kct-test-tier: long
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

# outlived N SPORT SECS: router N's external cache lists the client's
# port SPORT as active for more than SECS seconds.
outlived() {
	local age
	age=$(ctd "$1" -e 2>/dev/null |
		sed -n "s/.*src=$HA_CL4 dst=$HA_SV4 sport=$2 dport=$HA_PORT .*\[active since \([0-9]*\)s\].*/\1/p")
	[ -n "$age" ] && [ "$age" -gt "$3" ]
}

alarm() {
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
	echo "r2's kernel table holds the session before the commit: $(yes_no ha_listed 2 42000)"

	ha_fail_over "$1" 42000

	ha_teardown
}

diff_run alarm 19
diff_stock_shows "conntrackd runs in r1: yes" "conntrackd runs in r2: yes" \
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
	"the entry is in the tracker's own table: yes"
diff_compare
ktap_done
