#!/bin/bash
# Connection limits (nft "ct count over 2", iptables "-m connlimit
# --connlimit-above 2") count kct's connections: through the firewall,
# two TCP connections to the limited port are accepted and a third is
# refused; once the two have closed, two new ones are accepted again
# and a third refused.  The same for UDP flows: two are answered, a
# third is dropped, and once the two have expired two new ones are
# answered again.  Stock nf_conntrack, with the same rules and traffic
# in the same guest, gives the same counts.
# kct-test-cost: 95
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft iptables socat python3 ss

LIB=$(cd "$(dirname "$0")/../lib" && pwd)
HOLD=/tmp/kct-tcp-hold
UDP_TIMEOUT=$((6 * KCT_PATIENCE))

# Each tracker and rule set gets a UDP port of its own (UDP_PORT), so that
# none waits for the flows of the one before to expire.
limit_rules() {
	case $1 in
	nft)
		in_fw nft -f - <<NFT
table inet kct_limit {
	chain forward {
		type filter hook forward priority filter; policy accept;
		tcp dport 7100 ct state new ct count over 2 reject with tcp reset
		udp dport $UDP_PORT ct state new ct count over 2 drop
	}
}
NFT
		;;
	iptables)
		in_fw iptables -A FORWARD -p tcp --syn --dport 7100 \
			-m connlimit --connlimit-above 2 --connlimit-mask 0 \
			-j REJECT --reject-with tcp-reset
		in_fw iptables -A FORWARD -p udp --dport $UDP_PORT \
			-m conntrack --ctstate NEW \
			-m connlimit --connlimit-above 2 --connlimit-mask 0 -j DROP
		;;
	esac
}

limit_rules_flush() {
	in_fw nft delete table inet kct_limit 2>/dev/null
	in_fw iptables -F FORWARD
}

# tcp_hold N: N new connections to the limited port, one after the
# other; those that get through are held open in the background until
# tcp_closed.  How many did is in /tmp/kct-tcp-held.
tcp_hold() {
	rm -f /tmp/kct-tcp-held
	touch $HOLD
	in_cl python3 "$LIB/flows.py" tcp --dst $SV4 --dport 7100 \
		--count "$1" --hold $HOLD >/tmp/kct-tcp-held &
	HOLDER=$!
	wait_for test -s /tmp/kct-tcp-held
}

# tcp_closed: the held connections close; wait until the firewall's
# table has no open connection to the port left.
tcp_closed() {
	rm -f $HOLD
	wait $HOLDER
	wait_for fw_none_open 7100
}

# fw_none_open PORT / fw_no_udp PORT: polled, so read and matched in
# the shell (lib/ct_table.sh, ns_cat).
fw_none_open() {
	fw_none " (SYN_SENT|SYN_RECV|ESTABLISHED|FIN_WAIT|CLOSE_WAIT|LAST_ACK) .*dport=$1 "
}

fw_no_udp() {
	fw_none "udp .*dport=$1 "
}

# fw_none REGEX: no line of the firewall's table matches REGEX (ERE).
fw_none() {
	local line
	while IFS= read -r line; do
		[[ $line =~ $1 ]] && return 1
	done < <(ns_cat $FW $TABLE)
	return 0
}

# udp_answered N: how many of N new single-datagram flows to the limited
# port the server echoes.
udp_answered() {
	in_cl python3 "$LIB/flows.py" udp --dst $SV4 --dport $UDP_PORT --count "$1" \
		--timeout $((1 * KCT_PATIENCE))
}

# run_limits: one line a phase, TCP's then UDP's.  The first UDP flows
# go first, so that they expire while the TCP connections come and go
# (each rule counts only the connections it matched).
run_limits() {
	local udp tcp tcp_after
	udp=$(udp_answered 3)
	tcp_hold 3
	tcp=$(cat /tmp/kct-tcp-held)
	tcp_closed
	tcp_hold 3
	tcp_after=$(cat /tmp/kct-tcp-held)
	tcp_closed
	echo "tcp: $tcp of 3"
	echo "tcp after close: $tcp_after of 3"
	echo "udp: $udp of 3"
	wait_for_long fw_no_udp $UDP_PORT
	echo "udp after expiry: $(udp_answered 3) of 3"
}

# wait_for_long CMD...: wait_for, for what takes the UDP timeout.
wait_for_long() {
	poll $((UDP_TIMEOUT + 10)) "$@"
}

expected="tcp: 2 of 3
tcp after close: 2 of 3
udp: 2 of 3
udp after expiry: 2 of 3"

topo_create
in_sv socat TCP-LISTEN:7100,fork,reuseaddr SYSTEM:'echo x; cat' \
	>/dev/null 2>&1 &
wait_for tcp_listening $SV 7100
udp_echo $SV 7200 7201 7202 7203
UDP_PORT=7200

kct_load
TABLE=kct
in_fw sysctl -qw net.netfilter.nf_conntrack_udp_timeout=$UDP_TIMEOUT
for fe in nft iptables; do
	limit_rules $fe
	ktap_expect "kct, $fe: the limit admits two connections at a time" \
		"$expected" "$(run_limits)"
	limit_rules_flush
	UDP_PORT=$((UDP_PORT + 1))
done

rmmod kct
TABLE=nf_conntrack
in_fw sysctl -qw net.netfilter.nf_conntrack_udp_timeout=$UDP_TIMEOUT
for fe in nft iptables; do
	limit_rules $fe
	ktap_expect "stock, $fe: the same" "$expected" "$(run_limits)"
	limit_rules_flush
	UDP_PORT=$((UDP_PORT + 1))
done
ktap_done
