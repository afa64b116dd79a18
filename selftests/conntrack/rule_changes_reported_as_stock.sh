#!/bin/bash
# What a rule changes on a connection reaches `conntrack -E` as on stock
# (conntrackd syncs marks and labels from these events): nft `ct mark
# set` on the first packet of a connection (its [NEW] names the mark), on
# the client's last handshake packet (the [UPDATE] that says ESTABLISHED
# names the mark too: one event, not two), `ct label set` on the server's
# SYN/ACK, and iptables' CONNMARK on a packet that changes no state (an
# [UPDATE] of its own). Four TCP connections through the firewall, the
# same rules on stock and on kct in the same guest: each connection's
# events, in order, countdowns and ports masked, are stock's, and so is
# the listing.
# kct-test-cost: 54
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
require_tool conntrack nft iptables socat

EV=/tmp/kct-ct-rule-events

rules() {
	in_fw nft -f - <<'NFT'
table inet rules {
	chain forward {
		type filter hook forward priority 0; policy accept;
		tcp dport 7001 ct state new ct mark set 0x7
		tcp dport 7000 tcp flags & (syn | ack) == ack ct state established ct mark set 0x42
		tcp sport 7002 tcp flags & (syn | ack) == syn | ack ct label set 5
	}
}
NFT
	in_fw iptables -t mangle -A FORWARD -p tcp --dport 7003 -m length --length 61: \
		-j CONNMARK --set-mark 0x9
}

# events PORT: the events of the connection to PORT, in order, one line.
events() {
	grep -- "dport=$1 " $EV | sed -E 's/^( *\[[A-Z]+\] tcp +6) [0-9]+ /\1 T /;
		s/sport=4[0-9]+ /sport=P /g; s/dport=4[0-9]+ /dport=P /g' |
		tr -s ' ' | paste -sd'|'
}

scenario() {
	local listener

	topo_create
	diff_tracker "$1"
	rules || echo "rules did not load"
	in_fw timeout $((90 * KCT_PATIENCE)) conntrack -E -p tcp -o labels >$EV 2>&1 &
	listener=$!
	wait_for ct_events_ready $FW 1
	ct_tcp_hold 4 42000 7000
	ct_tcp_hold 4 42001 7001
	ct_tcp_hold 4 42002 7002
	# Data on an established connection, held open: no state changes
	# with it.
	in_sv socat -u TCP4-LISTEN:7003,reuseaddr - >/dev/null 2>&1 &
	wait_for tcp_listening $SV 7003
	in_cl socat -u SYSTEM:"echo some data && sleep $((90 * KCT_PATIENCE))" \
		TCP4:$SV4:7003,sourceport=42003 >/dev/null 2>&1 &
	poll 10 sh -c "grep -q 'dport=7003 .*mark=9' $EV"
	poll 10 sh -c "[ \$(grep -c 'dport=700[0-3] ' $EV) -ge 13 ]"
	for p in 7000 7001 7002 7003; do
		echo "events of the connection to $p: $(events $p)"
	done
	echo "listed: $(in_fw conntrack -L -p tcp -o labels 2>/dev/null | ct_norm | tr -s ' ' |
		sed -E 's/sport=4[0-9]+ /sport=P /g; s/dport=4[0-9]+ /dport=P /g' | paste -sd'|')"
	kill $listener 2>/dev/null
	topo_destroy
	nft flush ruleset
	iptables -t mangle -F 2>/dev/null
}

diff_run scenario 5
ktap_check "stock: the mark set on the last handshake packet is in ESTABLISHED's event" \
	grep -q "^events of the connection to 7000: .*ESTABLISHED [^|]*mark=66" \
	<(printf '%s\n' "${DIFF_STOCK[@]}")
ktap_check "stock: the mark set on the first packet is in [NEW]" \
	grep -q "^events of the connection to 7001: *\[NEW\][^|]*mark=7" \
	<(printf '%s\n' "${DIFF_STOCK[@]}")
ktap_check "stock: the mark set on an established packet is an [UPDATE] of its own" \
	grep -q "^events of the connection to 7003: .*| *\[UPDATE\] tcp 6 T src=[^|]*mark=9" \
	<(printf '%s\n' "${DIFF_STOCK[@]}")
diff_compare
ktap_done
