#!/bin/bash
# A NATed TCP session survives the failover of a firewall pair that
# syncs its state with conntrackd.  The pair of
# tcp_session_survives_failover (stateful DROP policy, strict TCP
# pickup, conntrackd FT-FW on a link of their own) also source-NATs
# what it forwards to the server to one shared address, 203.0.113.1
# (what keepalived would move with the other virtual addresses; the
# server routes it to the router in charge).  Two TCP echo sessions
# open through r1; the server sees them come from the shared address.
# Once r2's conntrackd holds both, the client, the server and the
# shared address move to r2.  Without a commit, a line sent on one
# session gets no answer (the control).  `conntrackd -c` on r2 creates
# the entry with its mapping (conntrackd sends the NAT as attributes,
# not as a reply tuple), so r2 lists it NATed as r1 did, and the other
# session's next line comes back through r2's translation.  The same
# scenario runs on stock nf_conntrack and on kct in the same guest:
# every step shows the same result, and stock's are the expected ones.
# kct-test-cost: 83
# kct-test-tier: long
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
. "$(dirname "$0")/../lib/ha.sh"
require_tool conntrackd conntrack nft socat ss

VIP=203.0.113.1

listed_nated() {
	ha_r "$1" conntrack -L --src-nat -p tcp --sport "$2" 2>/dev/null |
		grep -q "dst=$VIP sport=$HA_PORT dport=$2 "
}

# nat_via N: router N source-NATs what leaves towards the server to the
# shared address, and the server routes that address through it.
nat_rules() {
	ha_r "$1" nft -f - <<NFT
table ip hanat {
	chain pre { type nat hook prerouting priority dstnat; policy accept; }
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "w0" snat to $VIP
	}
}
NFT
}
vip_via() {
	in_hsv ip route replace $VIP/32 via 10.1.$1.1
}

# peer_of PORT: the address the server sees the client's port PORT as.
peer_of() {
	in_hsv ss -Htn state established "( sport = :$HA_PORT )" |
		awk -v p=":$1" '$4 ~ p"$" { sub(/:[0-9]+$/, "", $4); print $4 }' | head -n1
}

# failover stock|kct: the scenario on that tracker, one line per step.
failover() {
	local inv est

	ha_setup "$1"
	nat_rules 1 || echo "r1's NAT rules did not load"
	nat_rules 2 || echo "r2's NAT rules did not load"
	vip_via 1
	ha_session kept 42100
	ha_session control 42101
	echo "the session answers through r1: $(ha_answers kept one 10)"
	echo "the control session answers through r1: $(ha_answers control one 10)"
	echo "the server sees the session from: $(peer_of 42100)"
	echo "r1 lists the session NATed: $(yes_no listed_nated 1 42100)"
	echo "r2's external cache holds the session: $(yes_no poll 20 ha_cached 2 -e 42100)"
	echo "r2's external cache holds the control session: $(yes_no poll 20 ha_cached 2 -e 42101)"
	echo "r2's external cache lists the session as: $(ha_cache_line 2 -e 42100)"

	ha_via 2
	vip_via 2
	echo "without a commit, the control session answers through r2: $(ha_answers control two 3)"

	ctd 2 -c >/tmp/kct-ha-commit.out 2>&1
	echo "conntrackd -c in r2: status $?"
	echo "r2's kernel table holds the session after the commit: $(yes_no poll 10 ha_listed 2 42100)"
	echo "r2 lists it as: $(ha_ct_line 2 42100)"
	echo "r2 lists it NATed: $(yes_no listed_nated 2 42100)"
	echo "the entry is in the tracker's own table: $(yes_no ha_tracks 2 42100 "$1")"
	est=$(ha_counter 2 established)
	inv=$(ha_counter 2 invalid)
	echo "after the commit, the session answers through r2: $(ha_answers kept two 10)"
	echo "r2 forwarded it as established: $(yes_no ha_counted_more 2 established "$est")"
	echo "r2 dropped nothing of it as invalid: $(yes_no not ha_counted_more 2 invalid "$inv")"

	ha_teardown
}

diff_run failover 18
diff_stock_shows "conntrackd runs in r1: yes" "conntrackd runs in r2: yes" \
	"the session answers through r1: yes" \
	"the server sees the session from: $VIP" \
	"r1 lists the session NATed: yes" \
	"r2's external cache holds the session: yes" \
	"without a commit, the control session answers through r2: no" \
	"conntrackd -c in r2: status 0" \
	"r2 lists it NATed: yes" \
	"after the commit, the session answers through r2: yes" \
	"r2 forwarded it as established: yes" \
	"the entry is in the tracker's own table: yes"
diff_compare
ktap_done
