#!/bin/bash
# `conntrack -I` creates entries in kct's table as it does in stock's: the
# same commands, once with stock nf_conntrack and its ctnetlink, once with
# kct, give the same exit status and message and the same entries in
# `conntrack -L` and /proc (countdowns and ids aside).  The commands make
# a TCP entry in ESTABLISHED with a timeout, status (-u ASSURED,SEEN_REPLY)
# and mark, a UDP entry, an ICMP echo entry, a UDP entry in zone 5, a TCP
# entry whose reply tuple is not the inverse of the original (given with
# --orig-*/--reply-*), an IPv6 TCP entry and one from its reply tuple
# alone, an ICMP echo entry without --icmp-id (id 0), a UDP entry with
# a fixed timeout (-u FIXED_TIMEOUT), one in zone 7 for its original
# direction (--orig-zone); then the refused ones: the first again ("File
# exists"), a zone for each direction, an EXPECTED status, no timeout.
# `conntrack -E` hears the same [NEW] events.  With strict TCP pickup
# (nf_conntrack_tcp_loose=0), the created entries then carry traffic:
# a mid-stream TCP segment of the created connection is ESTABLISHED (the
# tracker takes the entry's window from it and sets its ESTABLISHED
# timeout), a UDP datagram of an entry that has not seen a reply is NEW
# and brings its countdown to the tracker's, except on the entry with
# the fixed timeout; the ICMP echo is seen too; the firewall's ct state
# counters and the listing after the traffic are stock's.
# kct-test-cost: 101
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack nft python3

trap 'topo_destroy >/dev/null 2>&1; rm -f /tmp/kct-ct-* /tmp/kct-tcp-*
	rmmod nf_conntrack_netlink 2>/dev/null' EXIT

# The commands, one per line, run in the firewall in this order.
INSERTS="-I -p tcp -s $CL4 -d $SV4 --sport 42000 --dport 7000 --state ESTABLISHED -t 1000 -u ASSURED,SEEN_REPLY -m 42
-I -p udp -s $CL4 -d $SV4 --sport 43000 --dport 5000 -t 500
-I -t 300 -p icmp -s $CL4 -d $SV4 --icmp-type 8 --icmp-code 0 --icmp-id 77
-I -p udp -s $CL4 -d $SV4 --sport 43001 --dport 5001 -t 600 -w 5
-I -p tcp --orig-src 10.0.0.1 --orig-dst 10.0.0.2 --reply-src 10.0.0.3 --reply-dst 10.0.0.1 --orig-port-src 1000 --orig-port-dst 80 --reply-port-src 8080 --reply-port-dst 1000 --state SYN_SENT -t 1200
-I -p tcp -s $CL6 -d $SV6 --sport 42001 --dport 7001 --state ESTABLISHED -t 2000
-I -p udp --reply-src 10.0.0.9 --reply-dst 10.0.0.8 --reply-port-src 53 --reply-port-dst 3333 -t 700
-I -t 3000 -p icmp -s $CL4 -d $SV4 --icmp-type 8 --icmp-code 0
-I -p udp -s $CL4 -d $SV4 --sport 43004 --dport 5004 -t 3000 -u FIXED_TIMEOUT
-I -p udp -s $CL4 -d $SV4 --sport 43005 --dport 5005 -t 600 --orig-zone 7
-I -p tcp -s $CL4 -d $SV4 --sport 42000 --dport 7000 --state ESTABLISHED -t 1000
-I -p udp -s $CL4 -d $SV4 --sport 43006 --dport 5006 -t 600 --orig-zone 7 --reply-zone 8
-I -p udp -s $CL4 -d $SV4 --sport 43002 --dport 5002 -t 10 -u EXPECTED
-I -p udp -s $CL4 -d $SV4 --sport 43003 --dport 5003"
NEW_EVENTS=10

# ev_norm: events without countdowns and who caused them (stock
# says "[USERSPACE] portid=N" of an event a command caused), and without
# a zero mark: stock's NEW event of a created entry names mark=0, kct's
# events name a mark only when one is set (which attributes an event
# carries is kct's event-mask work, not yet done).
ev_norm() {
	sed -E 's/^( *\[[A-Z]+\] +[a-z0-9]+ +[0-9]+) +[0-9]+ /\1 T /; s/ ?\[USERSPACE\].*$//; s/ mark=0( |$)/\1/' | sort
}

# proc_norm: a /proc table's lines with their countdowns as T, sorted.
proc_norm() {
	local line
	while IFS= read -r line; do kct_norm "$line"; done | sort
}

# counted FAM N: the firewall's ct state counters of family FAM counted
# at least N packets since $before.
counted() {
	local sum=0 kv
	for kv in $(ct_counters $FW "$1" "$before"); do
		sum=$((sum + ${kv#*=}))
	done
	[ $sum -ge "$2" ]
}

# run_inserts TABLE: the commands with their output and status, the
# listings and events they lead to, then the traffic and what the
# firewall made of it, each part under a "== PART" line; TABLE is the
# tracker's /proc file.
run_inserts() {
	local args out rc ev=/tmp/kct-ct-ins-events evpid tcp_left udp_left fixed_left
	in_fw sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
	in_fw nft -f - <<<"$(ct_counters_ruleset)"
	in_fw timeout $((60 * KCT_PATIENCE)) conntrack -E -e NEW >$ev 2>&1 &
	evpid=$!
	wait_for ct_events_ready $FW 1
	echo "== conntrack -I"
	while IFS= read -r args; do
		# shellcheck disable=SC2086  # the line is the words of a command
		out=$(in_fw conntrack $args 2>&1)
		rc=$?
		echo "conntrack $args: status $rc"
		# Its message too (ct_norm drops conntrack's own lines).
		sed -E 's/^([a-z0-9]+ +[0-9]+) +[0-9]+ /\1 T /' <<<"$out"
	done <<<"$INSERTS"
	echo "== conntrack -L"
	in_fw conntrack -L 2>&1 | ct_norm
	echo "== /proc"
	in_fw cat "/proc/net/$1" | proc_norm
	poll 10 sh -c "[ \$(grep -c '\[NEW\]' $ev) -ge $NEW_EVENTS ]"
	echo "== conntrack -E"
	ev_norm <$ev
	kill $evpid 2>/dev/null

	# The traffic: nothing answers it (the server drops it).
	in_sv nft -f - <<<"table inet sink { chain in { type filter hook input priority 0; policy drop; }; }"
	before=$(nft_counters $FW inet ctstate)
	pkt $CL tcp --dst $SV4 --sport 42000 --dport 7000 --flags A --data 10 \
		--seq 1000 --ack 5000
	pkt $CL tcp --dst $SV6 --sport 42001 --dport 7001 --flags A --data 10 \
		--seq 1000 --ack 5000
	pkt $CL udp --dst $SV4 --sport 43000 --dport 5000
	pkt $CL udp --dst $SV4 --sport 43004 --dport 5004
	pkt $CL icmp --dst $SV4 --type 8 --id 77
	poll 5 counted 4 4
	poll 5 counted 6 1
	echo "== traffic"
	echo "ipv4: $(ct_counters $FW 4 "$before")"
	echo "ipv6: $(ct_counters $FW 6 "$before")"
	in_fw conntrack -L 2>&1 | ct_norm
	tcp_left=$(kct_timeout "$(in_fw grep 'sport=42000 dport=7000' "/proc/net/$1")")
	echo "the TCP entry's countdown is above its -t 1000: $([ "${tcp_left:-0}" -gt 1000 ] && echo yes || echo "no ($tcp_left)")"
	udp_left=$(kct_timeout "$(in_fw grep 'sport=43000 dport=5000' "/proc/net/$1")")
	echo "the UDP entry's countdown is down to the tracker's 30 s from its -t 500: $([ "${udp_left:-99}" -le 30 ] && echo yes || echo "no ($udp_left)")"
	fixed_left=$(kct_timeout "$(in_fw grep 'sport=43004 dport=5004' "/proc/net/$1")")
	echo "the FIXED_TIMEOUT entry's countdown stays near its -t 3000: $([ "${fixed_left:-0}" -gt 2000 ] && echo yes || echo "no ($fixed_left)")"
}

# part NAME: the lines of stdin's part NAME.
part() {
	awk -v s="== $1" '/^== / { on = ($0 == s); next } on'
}

topo_create
ct_stock
stock=$(run_inserts nf_conntrack)
topo_destroy
nft flush ruleset
rmmod nf_conntrack_netlink

ct_load
topo_create
kct=$(run_inserts kct)

ktap_check "stock created the ten entries" \
	test "$(grep -c 'flow entries have been created' <<<"$stock")" = 10
ktap_check "stock's TCP entry carried a segment as ESTABLISHED" \
	grep -q '^ipv4: new=3 established=1 related=0 invalid=0' <<<"$stock"
for s in "conntrack -I" "conntrack -L" /proc "conntrack -E" traffic; do
	ktap_expect "$s: kct's output is stock's" "$(part "$s" <<<"$stock")" \
		"$(part "$s" <<<"$kct")"
done
ktap_done
