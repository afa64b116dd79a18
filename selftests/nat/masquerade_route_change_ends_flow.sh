#!/bin/bash
# When the way out of a masqueraded flow changes (the route to the
# server moves to another interface), nf_nat ends the flow's connection
# and drops the packet that found the change; the next packet starts a
# new connection masqueraded to the new interface's address.  On kct as
# on stock: the same answers, the same listing (one entry, the new
# mapping), the same count and the same events, for a UDP flow over
# IPv4 and one over IPv6.  nf_nat ends the connection with stock's
# nf_ct_kill_acct(), which kct answers for its connections.
# kct-test-cost: 90
# kct-test-tier: long
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/nat_diff.sh"
require_tool nft conntrack

EV=/tmp/kct-ct-route-events
# The second way from the router to the server, which answers through
# it from its usual address (the echo server's answers take the
# route's source address).
FW4_ALT=203.0.113.1
SV4_ALT=203.0.113.2
FW6_ALT=2001:db8:3::1
SV6_ALT=2001:db8:3::2

second_link() {
	ip -n $FW link add fw2 type veth peer name sv1 netns $SV
	ip -n $FW -b - <<IP
addr add $FW4_ALT/24 dev fw2
addr add $FW6_ALT/64 dev fw2 nodad
link set fw2 up
IP
	ip -n $SV -b - <<IP
addr add $SV4_ALT/24 dev sv1
addr add $SV6_ALT/64 dev sv1 nodad
link set sv1 up
route add $FW4_ALT/32 dev sv1 src $SV4
route add $FW6_ALT/128 dev sv1 src $SV6
IP
}

masquerade() {
	in_fw nft -f - <<NFT
table inet kct_masq {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname { "fw1", "fw2" } masquerade
	}
}
NFT
}

# send FAMILY SPORT: one datagram from the client's SPORT to the
# server's echo; prints "answered" or "dropped".
send() {
	local dst=$SV4
	[ "$1" = 6 ] && dst=$SV6
	if pkt $CL udp --dst $dst --dport 7000 --sport "$2" --reply \
		--timeout $KCT_CLIENT_WAIT 2>/dev/null; then
		echo answered
	else
		echo dropped
	fi
}

# flow SPORT: the router's entries of the flow from SPORT, one line.
flow() {
	in_fw conntrack -L -p udp --sport "$1" 2>/dev/null | ct_norm |
		tr -s ' ' | paste -sd'|'
}

scenario() {
	topo_create
	second_link
	short_lived_last
	diff_tracker "$1"
	masquerade || echo "rules did not load"
	udp_echo $SV 7000
	in_fw timeout $((60 * KCT_PATIENCE)) conntrack -E -p udp >$EV 2>&1 &
	local listener=$!
	wait_for ct_events_ready $FW 1

	echo "first datagrams: $(send 4 46040) $(send 6 46041)"
	echo "first mapping: $(flow 46040) $(flow 46041)"
	# A UDP flow becomes a stream (ASSURED) with a packet more than 2 s
	# after its start: let the datagram that finds the new route be one,
	# on either tracker, whatever the machine's speed.
	nap 3
	# More specific routes to the server, through the second link.
	in_fw ip route add $SV4/32 via $SV4_ALT dev fw2
	in_fw ip -6 route add $SV6/128 via $SV6_ALT dev fw2
	echo "after the route moved: $(send 4 46040) $(send 6 46041)"
	echo "then: $(send 4 46040) $(send 6 46041)"
	echo "new mapping: $(flow 46040) $(flow 46041)"
	echo "count: $(in_fw conntrack -C 2>/dev/null)"
	in_fw conntrack -F 2>/dev/null
	poll 5 sh -c "[ \$(grep -c 'DESTROY.*sport=4604[01] ' $EV) -ge 4 ]"
	echo "IPv4 events: $(nat_events $EV 46040)"
	echo "IPv6 events: $(nat_events $EV 46041)"
	kill $listener 2>/dev/null
	topo_destroy
}

diff_run scenario 8
diff_stock_shows "first datagrams: answered answered" \
	"after the route moved: dropped dropped" "then: answered answered" \
	"count: 2"
ktap_check "stock: first mapped to the first link's address" \
	grep -q "dst=$FW4_SV sport=7000 dport=46040 .*dst=$FW6_SV sport=7000 dport=46041" \
	<<<"${DIFF_STOCK[1]}"
ktap_check "stock: then mapped to the second link's address" \
	grep -q "dst=$FW4_ALT sport=7000 dport=46040 .*dst=$FW6_ALT sport=7000 dport=46041" \
	<<<"${DIFF_STOCK[4]}"
ktap_check "stock: the first connection's DESTROY came before the second's NEW" \
	grep -q "DESTROY.*dst=$FW4_SV .*NEW.*dst=$FW4_ALT " <<<"${DIFF_STOCK[6]}"
diff_compare
ktap_done
