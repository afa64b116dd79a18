#!/bin/bash
# nft's `ct expectation` objects work on kct's connections as on stock
# (the nft wiki's example): the first packet of a connection that a rule
# gives the object to makes an expectation for the way back (from the
# server to the client, on the object's port), listed in
# /proc/net/kct_expect and by `conntrack -L expect` as stock lists it in
# /proc/net/nf_conntrack_expect; the server's connection on that port is
# RELATED and passes the firewall's DROP policy, and uses the expectation
# up; one on another port is dropped.  An object's `size` limits the
# expectations of one connection as stock's does: a rule whose object is
# full makes none and stops there.  IPv4 and IPv6; an expectation whose
# master's first packet the ruleset drops goes with it.  The same steps
# on stock nf_conntrack and on kct, in the same guest; listings compared
# with countdowns aside.
# kct-test-cost: 84
# Alone on the debug kernel it takes about 720 s; beside other guests more.
# kct-test-timeout: 1800
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
require_tool conntrack nft socat python3

# How long the servers hold the masters open: past the end of the test
# however slow the kernel (a master that closes takes its expectations
# with it when its entry goes, on either tracker).
HOLD=$((200 * KCT_PATIENCE))

ruleset() {
	cat <<'NFT'
table inet filter {
	ct expectation e-back { protocol tcp; dport 6000; timeout 1m; size 8; l3proto ip; }
	ct expectation e-back6 { protocol tcp; dport 6000; timeout 1m; size 8; l3proto ip6; }
	ct expectation e-one { protocol tcp; dport 6001; timeout 1m; size 1; l3proto ip; }
	ct expectation e-two { protocol tcp; dport 6002; timeout 1m; size 1; l3proto ip; }
	ct expectation e-three { protocol tcp; dport 6004; timeout 1m; size 2; l3proto ip; }
	ct expectation e-drop { protocol tcp; dport 6005; timeout 1m; size 8; l3proto ip; }
	counter related4 {}
	counter related6 {}
	counter one {}
	counter two {}
	counter three {}
	counter dropped {}
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established accept
		meta nfproto ipv4 ct state related counter name "related4" accept
		meta nfproto ipv6 ct state related counter name "related6" accept
		meta nfproto ipv4 tcp dport 5000 ct expectation set "e-back" accept
		meta nfproto ipv6 tcp dport 5000 ct expectation set "e-back6" accept
		tcp dport 5001 ct expectation set "e-one" counter name "one"
		tcp dport 5001 ct expectation set "e-two" counter name "two"
		tcp dport 5001 ct expectation set "e-three" counter name "three"
		tcp dport 5001 accept
		tcp dport 5002 ct expectation set "e-drop" counter name "dropped" drop
	}
}
NFT
}

# exp_proc TRACKER: its expectation file, countdowns aside, sorted.
exp_proc() {
	ns_cat $FW "$(diff_proc_table "$1")_expect" |
		sed -E 's/^-?[0-9]+ /T /' | sort | tr '\n' '|'
}

# exp_count TRACKER PATTERN: how many lines of its expectation file match.
exp_count() {
	ns_cat $FW "$(diff_proc_table "$1")_expect" | grep -c -- "$2"
}

# exp_at_least TRACKER PATTERN N: at least N lines match (for poll).
exp_at_least() {
	[ "$(exp_count "$1" "$2")" -ge "$3" ]
}

# exp_listed: `conntrack -L expect`, countdowns aside, sorted.
exp_listed() {
	in_fw conntrack -L expect 2>/dev/null | sed -E 's/^ *-?[0-9]+ /T /' |
		sort | tr '\n' '|'
}

# master NAME ADDR PORT SPORT: a client connection to ADDR:PORT from
# SPORT held open (the server never closes it) in the background.
master() {
	in_cl socat -u "$1:$2:$3,sourceport=$4,connect-timeout=$KCT_CLIENT_WAIT" \
		/dev/null >/dev/null 2>&1 &
}

# back ADDR PORT: the server's connection to the client's ADDR:PORT;
# the client's answer, or "none".
back() {
	local out
	out=$(tcp_answer $SV "$1" "$2" 2>/dev/null)
	echo "${out:-none}"
}

scenario() {
	local c left b6000 b6003
	topo_create
	diff_tracker "$1"
	in_sv socat TCP6-LISTEN:5000,reuseaddr,fork SYSTEM:"sleep $HOLD" >/dev/null 2>&1 &
	in_sv socat TCP6-LISTEN:5001,reuseaddr,fork SYSTEM:"sleep $HOLD" >/dev/null 2>&1 &
	in_cl socat TCP6-LISTEN:6000,reuseaddr,fork SYSTEM:'echo back-ok' >/dev/null 2>&1 &
	in_cl socat TCP6-LISTEN:6003,reuseaddr,fork SYSTEM:'echo back-ok' >/dev/null 2>&1 &
	wait_for tcp_listening $SV 5000
	wait_for tcp_listening $SV 5001
	wait_for tcp_listening $CL 6000
	wait_for tcp_listening $CL 6003
	ruleset | in_fw nft -f - && echo "ruleset: loaded" || echo "ruleset: refused"

	# IPv4: the wiki's example.
	master TCP $SV4 5000 40000
	poll 10 exp_at_least "$1" 'dport=6000' 1
	echo "IPv4 expectation listed: $(exp_proc "$1")"
	left=$(ns_cat $FW "$(diff_proc_table "$1")_expect" |
		awk '/dport=6000/ { print $1 }')
	echo "conntrack -L expect: $(exp_listed)"
	# Another master would expect the same: stock refuses (EBUSY) and
	# nft drops its packet.
	pkt $CL tcp --dst $SV4 --sport 40003 --dport 5000 --flags S >/dev/null 2>&1
	echo "a clashing master's connections: $(ns_cat $FW "$(diff_proc_table "$1")" | grep -c 'sport=40003')"
	echo "IPv4 back connection on 6000: $(back $CL4 6000)"
	echo "IPv4 related count: $(nft_counter $FW inet filter related4)"
	echo "expectations once used: $(exp_proc "$1")"
	# Neither of the next two is answered: each waits out the client's
	# time, so they wait side by side.
	back $CL4 6000 >/tmp/kct-step-back6000 &
	b6003=$(back $CL4 6003)
	wait $!
	IFS= read -r b6000 </tmp/kct-step-back6000
	echo "IPv4 second back connection on 6000: $b6000"
	echo "IPv4 back connection on 6003: $b6003"
	echo "IPv4 related count after: $(nft_counter $FW inet filter related4)"

	# size: two objects of size 1 on one connection, then one of size 2.
	master TCP $SV4 5001 40001
	poll 10 exp_at_least "$1" 'dport=600[124]' 2
	echo "size: expectations listed: $(exp_proc "$1")"
	echo "size: rules that went on (one two three):" \
		"$(for c in one two three; do nft_counter $FW inet filter $c; done | tr '\n' ' ')"
	echo "size: conntrack -L expect: $(exp_listed)"

	# IPv6.
	master TCP6 "[$SV6]" 5000 40006
	poll 10 exp_at_least "$1" "dst=$CL6_FULL .*dport=6000" 1
	echo "IPv6 expectation listed: $(exp_proc "$1")"
	echo "IPv6 back connection on 6000: $(back "[$CL6]" 6000)"
	echo "IPv6 related count: $(nft_counter $FW inet filter related6)"
	echo "IPv6 back connection on 6003: $(back "[$CL6]" 6003)"
	echo "IPv6 related count after: $(nft_counter $FW inet filter related6)"

	# A master whose first packet is dropped after its expectation.
	pkt $CL tcp --dst $SV4 --sport 40002 --dport 5002 --flags S >/dev/null 2>&1
	poll 10 not exp_at_least "$1" 'dport=6005' 1
	echo "dropped master: expectation made: $(nft_counter $FW inet filter dropped), left: $(exp_count "$1" 'dport=6005')"
	echo "expectations at the end: $(exp_proc "$1")"
	topo_destroy
	# Last, compared apart: the countdown when first listed.
	echo "$left"
}

diff_run scenario 21
# The expectation's countdown, read as soon as it was listed: the same
# as stock's (nft's timeout, whatever unit stock reads it in) give or
# take the time it took to see it.
ktap_check "the countdown is stock's (stock ${DIFF_STOCK[20]} s, kct ${DIFF_KCT[20]} s)" \
	test "${DIFF_KCT[20]:-0}" -ge $((DIFF_STOCK[20] - KCT_SLACK)) -a \
	"${DIFF_KCT[20]:-0}" -le $((DIFF_STOCK[20] + KCT_SLACK))
unset 'DIFF_STOCK[20]' 'DIFF_KCT[20]'
ktap_expect "stock: the back connection is answered" \
	"IPv4 back connection on 6000: back-ok" "${DIFF_STOCK[4]}"
ktap_expect "stock: one on another port is not" \
	"IPv4 back connection on 6003: none" "${DIFF_STOCK[8]}"
ktap_expect "stock: the clashing master's packet is dropped" \
	"a clashing master's connections: 0" "${DIFF_STOCK[3]}"
ktap_expect "stock: size stops the second object of size 1" \
	"size: rules that went on (one two three): 1 0 1 " "${DIFF_STOCK[11]}"
ktap_expect "stock: the dropped master's expectation was made, and went" \
	"dropped master: expectation made: 1, left: 0" "${DIFF_STOCK[18]}"
diff_compare
ktap_done
