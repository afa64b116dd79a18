#!/bin/bash
# conntrackd in NOTRACK mode without an external cache (DisableExternalCache
# On) writes the peer's connections straight into the kernel table, and a
# session survives the failover with no commit.  Routers, rules and
# sessions are those of tcp_session_survives_failover.sh, with
# conntrackd's Mode NOTRACK.  A control session opens through r1 while
# only r1's conntrackd runs; then r2's starts and a second session
# opens.  r2's kernel table lists the second session, as conntrack -L
# shows it on stock, and not the first (NOTRACK sends what happens, not
# what was); r2's conntrackd does not take the connections it injected
# for new ones of its own (the events of its requests name its socket),
# which would echo them back and forth between the routers.  After the routes move to r2, the second session keeps
# answering and the control's next line is dropped as invalid.  Run on
# stock nf_conntrack and on kct in the same guest: the same results.
# kct-test-cost: 57
# kct-test-tier: long
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
. "$(dirname "$0")/../lib/ha.sh"
require_tool conntrackd conntrack nft socat

# shellcheck disable=SC2034 # read by lib/ha.sh (ha_conf)
HA_SYNC_MODE=NOTRACK
# shellcheck disable=SC2034
HA_MODE_OPTIONS="DisableExternalCache On"

# assured N SPORT: router N lists the client's port SPORT as an
# ESTABLISHED, ASSURED connection (the peer's state once its handshake's
# updates arrived, not the first SYN's).
assured() { ha_ct_line "$1" "$2" | grep -q ' ESTABLISHED .*\[ASSURED\]'; }

notrack() {
	local inv

	diff_tracker "$1"
	ha_create
	ha_firewall 1
	ha_firewall 2
	echo "conntrackd runs in r1: $(yes_no ha_conntrackd 1)"
	ha_echo_server
	ha_session control 42001
	echo "the control session answers through r1: $(ha_answers control one 10)"
	echo "conntrackd runs in r2: $(yes_no ha_conntrackd 2)"
	ha_session kept 42000
	echo "the session answers through r1: $(ha_answers kept one 10)"
	echo "r2's kernel table holds the session, established and assured: $(yes_no poll 20 assured 2 42000)"
	echo "r2 lists it as: $(ha_ct_line 2 42000)"
	echo "r2's internal cache took connections from its own injections: $(ctd 2 -s | awk '/^cache internal/ { on = 1 } on && /connections created/ { print $3; exit }')"
	echo "the entry is in the tracker's own table: $(yes_no ha_tracks 2 42000 "$1")"
	echo "r2's kernel table holds the control session: $(yes_no ha_listed 2 42001)"

	ha_via 2
	echo "the session answers through r2: $(ha_answers kept two 10)"
	inv=$(ha_counter 2 invalid)
	echo "the control session answers through r2: $(ha_answers control two 3)"
	echo "r2 dropped its line as invalid: $(yes_no ha_counted_more 2 invalid "$inv")"

	ha_teardown
}

diff_run notrack 12
diff_stock_shows "conntrackd runs in r1: yes" "conntrackd runs in r2: yes" \
	"the session answers through r1: yes" \
	"r2's kernel table holds the session, established and assured: yes" \
	"the entry is in the tracker's own table: yes" \
	"r2's kernel table holds the control session: no" \
	"the session answers through r2: yes" \
	"the control session answers through r2: no" \
	"r2 dropped its line as invalid: yes" \
	"r2's internal cache took connections from its own injections: 0"
diff_compare
ktap_done
