#!/bin/bash
# With stock's net.netfilter.nf_conntrack_acct=1 in the firewall's
# namespace, kct counts each connection's packets and bytes per
# direction as stock does, and every reader of the counters sees them as
# on stock, for the same UDP exchange (three datagrams answered): the
# packets= and bytes= of /proc/net/kct (as /proc/net/nf_conntrack),
# `conntrack -L`, nft `ct packets`/`ct bytes`/`ct avgpkt` rules,
# iptables `-m connbytes`, `conntrack -L -z` (then zero), and the
# DESTROY event of `conntrack -E` when `conntrack -D` ends it.  Where
# acct is 0 (the client's namespace) no connection is counted.
# kct-test-cost: 51
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack nft iptables python3

ev=/tmp/kct-ct-acct-events

# unassured: stdin without [ASSURED] (a UDP flow gets it once two
# seconds old, which on a slow guest one run may reach and the other not)
# and with the portid of the command that caused an event ([USERSPACE]
# portid=N) masked, and the name conntrack -E finds for it while the
# command still runs dropped.
unassured() {
	sed -E 's/ ?\[ASSURED\]//; s/ \[USERSPACE\] portid=[0-9]+( progname=[^ ]*)?/ [USERSPACE] portid=N/'
}

# observe TABLE: the exchange through a firewall counting it; prints one
# result per line (see the checks below).
observe() {
	in_fw sysctl -qw net.netfilter.nf_conntrack_acct=1
	# The readers take their time on a slow guest (the debug kernel's
	# ran past stock's 30 s before the listing after -z): the flow must
	# outlive them all.
	in_fw sysctl -qw net.netfilter.nf_conntrack_udp_timeout=$((30 * KCT_PATIENCE)) \
		net.netfilter.nf_conntrack_udp_timeout_stream=$((120 * KCT_PATIENCE))
	in_fw nft -f - <<'NFT'
table inet acct {
	counter c_orig_packets {}
	counter c_reply_bytes {}
	counter c_avgpkt {}
	counter c_both_bytes {}
	chain forward {
		type filter hook forward priority filter; policy accept;
		udp dport 5001 ct original packets >= 2 counter name "c_orig_packets"
		udp sport 5001 ct reply bytes >= 34 counter name "c_reply_bytes"
		udp dport 5001 ct avgpkt 34 counter name "c_avgpkt"
		meta l4proto udp ct bytes > 100 counter name "c_both_bytes"
	}
}
NFT
	in_fw iptables -A FORWARD -p udp -m connbytes --connbytes 3: \
		--connbytes-dir both --connbytes-mode packets \
		-m comment --comment connbytes
	# The client tracks too (a rule there makes stock track), counting
	# nothing: acct is 0 there.
	in_cl nft add table inet cl '{ chain out { type filter hook output priority filter; ct state new counter; }; }'
	# Stock gives a connection events only if someone listened when
	# it was made (nf_conntrack_events=2), as conntrackd and ulogd do.
	in_fw timeout $((60 * KCT_PATIENCE)) conntrack -E -e DESTROY -p udp >$ev 2>&1 &
	evpid=$!
	wait_for ct_events_ready $FW 1
	udp_echo $SV 5001
	pkt $CL udp --dst $SV4 --sport 45001 --dport 5001 --count 3 --reply ||
		echo "the exchange failed"
	echo "proc: $(kct_norm "$(ip netns exec $FW cat /proc/net/$1 |
		lines_with 'dport=5001 ')")"
	echo "client proc: $(kct_norm "$(ip netns exec $CL cat /proc/net/$1 |
		lines_with 'dport=5001 ')")"
	echo "list: $(in_fw conntrack -L -p udp --dport 5001 2>/dev/null | ct_norm)"
	echo "nft: $(nft_counters $FW inet acct)"
	echo "connbytes: $(ipt_counter $FW iptables filter FORWARD connbytes)"
	# With a filter (-p, --dport), conntrack 1.4.7 does not zero.
	echo "zero: $(in_fw conntrack -L -z 2>/dev/null | lines_with 'dport=5001 ' | ct_norm)"
	echo "after zero: $(in_fw conntrack -L -p udp --dport 5001 2>/dev/null | ct_norm)"
	# One more answered datagram, then the DESTROY event of its end.
	pkt $CL udp --dst $SV4 --sport 45001 --dport 5001 --reply ||
		echo "the last exchange failed"
	in_fw conntrack -D -p udp --dport 5001 >/dev/null 2>&1
	wait_for grep -q DESTROY $ev
	kill $evpid 2>/dev/null
	echo "destroy: $(grep DESTROY $ev | sed -E 's/^ *\[DESTROY\] //' | ct_norm)"
}

topo_create
ct_stock
mapfile -t s < <(observe nf_conntrack | unassured)
topo_destroy
nft flush ruleset
rmmod nf_conntrack_netlink

ct_load
topo_create
mapfile -t k < <(observe kct | unassured)

checks=("proc: the firewall's line (packets= bytes= each way)"
	"client proc: no counters where acct is 0"
	"list: conntrack -L" "nft: ct packets, bytes, avgpkt rules"
	"connbytes: iptables -m connbytes" "zero: conntrack -L -z"
	"after zero: conntrack -L after -z"
	"destroy: conntrack -E's DESTROY event")
for i in "${!checks[@]}"; do
	ktap_expect "kct as stock: ${checks[$i]}" "${s[$i]}" "${k[$i]}"
done
ktap_check "stock counted the three datagrams each way" \
	grep -q "packets=3 bytes=102 .*packets=3 bytes=102" <<<"${s[0]}"
ktap_check "stock's rules matched" grep -q "c_orig_packets=2 .*c_avgpkt=[1-9]" <<<"${s[3]}"
# has PATTERN LINE: LINE matches PATTERN, or is printed.
has() {
	grep -q -- "$1" <<<"$2" || echo "$2"
	grep -q -- "$1" <<<"$2"
}
ktap_check "stock's counters read 0 after -z" \
	has "packets=0 bytes=0 .*packets=0 bytes=0" "${s[6]}"
ktap_check "stock's DESTROY event carries the counters since -z" \
	has "packets=1 bytes=34 .*packets=1 bytes=34" "${s[7]}"
ktap_done
