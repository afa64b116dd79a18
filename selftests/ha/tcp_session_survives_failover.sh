#!/bin/bash
# A TCP session survives the failover of a firewall pair that syncs its
# state with conntrackd.  Two routers stand between a client and a
# server, each dropping what is neither established, related nor a new
# connection from the client's side, with strict TCP pickup
# (nf_conntrack_tcp_loose=0), and each runs conntrackd in FT-FW mode,
# sending its state to the other over a link of their own (UDP).  Two
# TCP echo sessions open through r1; once r2's conntrackd holds both in
# its external cache (conntrackd -e), the client and the server route
# through r2.  Before any commit, a line sent on one session gets no
# answer: r2 drops it as invalid, as it never saw the handshake (the
# control).  After `conntrackd -c` on r2 (commit the external cache
# into the kernel table), r2 lists the session as ESTABLISHED and the
# other session's next line comes back.  The same scenario runs on stock
# nf_conntrack and on kct in the same guest: every step shows the same
# result, and stock's are the expected ones.
# kct-test-cost: 71
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
. "$(dirname "$0")/../lib/ha.sh"
require_tool conntrackd conntrack nft socat


# failover stock|kct: the scenario on that tracker, one line per step.
failover() {
	ha_setup "$1"
	ha_session kept 42000
	ha_session control 42001
	echo "the session answers through r1: $(ha_answers kept one 10)"
	echo "the control session answers through r1: $(ha_answers control one 10)"
	echo "r1's internal cache holds the session: $(yes_no poll 20 ha_cached 1 -i 42000)"
	echo "r1's entry is in the tracker's own table: $(yes_no ha_tracks 1 42000 "$1")"
	echo "r2's external cache holds the session: $(yes_no poll 20 ha_cached 2 -e 42000)"
	echo "r2's external cache holds the control session: $(yes_no poll 20 ha_cached 2 -e 42001)"
	echo "r2's external cache lists the session as: $(ha_cache_line 2 -e 42000)"
	echo "r2's kernel table holds the session before the commit: $(yes_no ha_listed 2 42000)"

	ha_fail_over "$1" 42000

	ha_teardown
}

diff_run failover 18
diff_stock_shows "conntrackd runs in r1: yes" "conntrackd runs in r2: yes" \
	"the session answers through r1: yes" \
	"r2's external cache holds the session: yes" \
	"r2's external cache holds the control session: yes" \
	"r2's kernel table holds the session before the commit: no" \
	"without a commit, the control session answers through r2: no" \
	"r2 dropped its line as invalid: yes" \
	"conntrackd -c in r2: status 0" \
	"r2's kernel table holds the session after the commit: yes" \
	"after the commit, the session answers through r2: yes" \
	"r2 forwarded it as established: yes" \
	"r1's entry is in the tracker's own table: yes" \
	"the entry is in the tracker's own table: yes"
diff_compare
ktap_done
