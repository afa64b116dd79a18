#!/bin/bash
# Masqueraded connections end with the address they were mapped to: when
# the router's outside address is removed, or its outside interface goes
# down, stock's masquerade ends every connection translated to it (they
# could never be answered again), and leaves the others.  On kct as on
# stock, with TCP connections held open through the router: removing the
# IPv6 address ends the IPv6 masqueraded connection only; taking the
# link down ends the IPv4 one too; a connection the rules leave
# untranslated stays.  The same listings and events.  Masquerade's
# notifiers end them through stock's nf_ct_iterate_cleanup_net(), which
# kct answers for its table.
# kct-test-cost: 67
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/nat_diff.sh"
require_tool nft socat conntrack

EV=/tmp/kct-ct-masq-events

masquerade() {
	in_fw nft -f - <<NFT
table inet kct_masq {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "fw1" tcp dport != 7002 masquerade
	}
}
NFT
}

# flows: the router's entries of the test's connections, one line.
flows() {
	in_fw conntrack -L -p tcp -f "$1" 2>/dev/null | grep 'sport=4605[0-9] ' |
		ct_norm | tr -s ' ' | paste -sd'|'
}
listed() { in_fw conntrack -L -p tcp 2>/dev/null | grep -c 'sport=4605[0-9] '; }
listed_is() { [ "$(listed)" = "$1" ]; }

scenario() {
	topo_create
	diff_tracker "$1"
	masquerade || echo "rules did not load"
	in_fw timeout $((60 * KCT_PATIENCE)) conntrack -E -p tcp >$EV 2>&1 &
	local listener=$!
	wait_for ct_events_ready $FW 1
	ct_tcp_hold 4 46050 7000
	ct_tcp_hold 6 46051 7001
	ct_tcp_hold 4 46052 7002
	echo "open: $(flows ipv4) $(flows ipv6)"
	in_fw ip -6 addr del $FW6_SV/64 dev fw1
	poll 5 listed_is 2
	echo "IPv6 address removed: $(flows ipv4) $(flows ipv6)"
	in_fw ip link set fw1 down
	poll 5 listed_is 1
	echo "link down: $(flows ipv4) $(flows ipv6)"
	in_fw conntrack -F 2>/dev/null
	poll 5 sh -c "[ \$(grep -c 'DESTROY.*sport=4605[0-2] ' $EV) = 3 ]"
	echo "IPv4 masqueraded, events: $(nat_events $EV 46050)"
	echo "IPv6 masqueraded, events: $(nat_events $EV 46051)"
	echo "untranslated, events: $(nat_events $EV 46052)"
	kill $listener 2>/dev/null
	topo_destroy
}

diff_run scenario 6
ktap_check "stock: three connections open, two masqueraded" \
	grep -q "dst=$FW4_SV sport=7000 dport=46050 .*dst=$CL4 sport=7002 dport=46052 .*dst=$FW6_SV sport=7001 dport=46051" \
	<<<"${DIFF_STOCK[0]}"
ktap_check "stock: the IPv6 address removed ended the IPv6 connection only" \
	grep -q "sport=46050 .*sport=46052 [^|]*$" <<<"${DIFF_STOCK[1]}"
ktap_check "stock: the link down ended the IPv4 masqueraded connection" \
	grep -q "^link down: [^|]*sport=46052 [^|]*$" <<<"${DIFF_STOCK[2]}"
diff_compare
ktap_done
