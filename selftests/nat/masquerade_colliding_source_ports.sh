#!/bin/bash
# Two inside hosts using the same source ports towards the same server
# through a NAT router (many clients behind one home router, NTP's port
# 123, DNS resolvers) each get their own outside tuple: NAT never maps
# two connections onto one.  From each of two client namespaces, 500 TCP
# connections and 500 UDP flows from source ports FIRST..FIRST+499, over
# IPv4 and over IPv6, go through a router that translates them with nft
# "masquerade" (the first host's keep their ports, the second host's
# must get others); then 50 of each a host through nft "snat to
# ADDR:PORT-PORT", plain, "random", "fully-random" and "persistent", to
# a range of twice as many ports as flows, so that the ports picked
# often collide and must be picked again.
# Every flow is answered and, with every TCP connection still open, the
# router's table holds one entry for each, no two of them with the same
# reply (outside) tuple.  Stock nf_conntrack, with the same rules and
# traffic in the same guest, gives the same.
# The connections stay open for the count: closed, an entry may leave
# the table 10 s later on both trackers, when a late retransmission
# reaches the server after its socket is gone and its RST moves the
# entry from TIME_WAIT to CLOSE.
# kct-test-cost: 104
# The debug kernel: 523 s with one other guest, past 900 s with three.
# kct-test-timeout: 1800
. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/../lib/topo.sh"
. "$(dirname "$0")/../lib/tracker.sh"
require_tool nft python3 ss

LIB=$(cd "$(dirname "$0")/../lib" && pwd)
PORT=7100
# Long enough that no UDP entry of a run expires before the run is
# checked, however slow the kernel: the flows of the first host must
# still be there when those of the second are translated.
LIVE=600

# The second inside host, beside the topology's client.
CL2=kct-cl2
CL2_4=203.0.113.2
FW4_CL2=203.0.113.1
CL2_6=2001:db8:3::2
CL2_6_FULL=2001:0db8:0003:0000:0000:0000:0000:0002
FW6_CL2=2001:db8:3::1

trap 'ns_kill TERM $CL2; topo_destroy >/dev/null 2>&1
	ip netns del $CL2 2>/dev/null; rm -rf "$RUN"
	sysctl -qw net.netfilter.nf_conntrack_max=$STOCK_MAX 2>/dev/null' EXIT

# One ip batch per namespace, as topo_create does.
second_client() {
	ip -b - <<EOF
netns add $CL2
link add cl0 netns $CL2 type veth peer name fw2 netns $FW
EOF
	ip -n $FW -b - <<EOF
addr add $FW4_CL2/24 dev fw2
addr add $FW6_CL2/64 dev fw2 nodad
link set fw2 up
EOF
	ip -n $CL2 -b - <<EOF
link set lo up
addr add $CL2_4/24 dev cl0
addr add $CL2_6/64 dev cl0 nodad
link set cl0 up
route add default via $FW4_CL2
route add ::/0 via $FW6_CL2
EOF
}

# nat_rules VARIANT RANGE: the router translates what leaves towards
# the server; the snat variants to ports RANGE.  The rules of the run
# before go in the same transaction.
nat_rules() {
	local v4=masquerade v6=masquerade flags=${1#snat}

	if [ "$1" != masquerade ]; then
		flags=${flags#-}
		v4="snat ip to $FW4_SV:$2 $flags"
		v6="snat ip6 to [$FW6_SV]:$2 $flags"
	fi
	in_fw nft -f - <<NFT
table inet kct_nat
delete table inet kct_nat
table inet kct_nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		meta nfproto ipv4 meta l4proto { tcp, udp } oifname "fw1" $v4
		meta nfproto ipv6 meta l4proto { tcp, udp } oifname "fw1" $v6
	}
}
NFT
}

# outside_tuples TABLE FIRST: for the flows of both hosts from source
# ports FIRST.., per protocol and family, how many entries the router's
# TABLE holds and how many distinct reply tuples they have.  Fields by
# position, the same in both tables: the original tuple after the
# timeout (and TCP's state), the reply tuple after it (and after
# "[UNREPLIED]").
outside_tuples() {
	ip netns exec $FW awk -v lo="$2" -v hi=$(($2 + FLOWS - 1)) \
		-v port=$PORT -v clients="$CL4 $CL2_4 $CL6_FULL $CL2_6_FULL" \
		-v servers="$SV4 $SV6_FULL" '
		BEGIN {
			n = split(clients, c, " "); for (i = 1; i <= n; i++) client[c[i]] = 1
			n = split(servers, s, " "); for (i = 1; i <= n; i++) server[s[i]] = 1
		}
		function v(i) { return substr($i, index($i, "=") + 1) }
		{
			o = $3 == "tcp" ? 7 : 6
			sport = v(o + 2) + 0
			if (sport < lo || sport > hi || v(o + 3) + 0 != port ||
			    !(v(o) in client) || !(v(o + 1) in server))
				next
			r = $(o + 4) == "[UNREPLIED]" ? o + 5 : o + 4
			key = $3 " " $1
			entries[key]++
			reply = v(r) " " v(r + 1) " " v(r + 2) " " v(r + 3)
			if (!((key, reply) in seen)) {
				seen[key, reply] = 1
				distinct[key]++
			}
		}
		END {
			split("tcp ipv4,udp ipv4,tcp ipv6,udp ipv6", keys, ",")
			for (i = 1; i <= 4; i++)
				printf "%s: %d entries, %d outside tuples\n", keys[i],
					entries[keys[i]], distinct[keys[i]]
		}' /proc/net/$1
}

# table_settled TABLE FIRST: what outside_tuples sees once it shows every
# flow, or after 10 s (times KCT_PATIENCE) what it shows then.  A read
# of the table may miss a line while other entries come and go (those
# of the run before, closing), on stock as on kct.
table_settled() {
	local end=$((EPOCHSECONDS + 1 + 10 * KCT_PATIENCE)) out

	while :; do
		out=$(outside_tuples "$@")
		[ "$out" != "$expected_table" ] && [ "$EPOCHSECONDS" -lt "$end" ] ||
			break
		nap 0.5
	done
	echo "$out"
}

# flow_maker NS NAME: a flows.py burst in NS making the flows asked for
# on its standard input, the fifo $RUN/NAME; one process for the whole
# test, as under emulation starting Python takes seconds.
flow_maker() {
	mkfifo "$RUN/$2"
	ip netns exec "$1" python3 "$LIB/flows.py" burst --dst $SV4 --dst $SV6 \
		--dport $PORT <"$RUN/$2" >/dev/null 2>&1 &
}

# ask FD CMD FILE: ask the flow maker on FD for CMD and wait for its
# answer in FILE: for at most 120 s (times KCT_PATIENCE).
ask() {
	echo "$2 $3" >&"$1"
	poll 120 test -e "$3"
}

# run_flows TABLE FIRST: both hosts' flows, the first host's all done
# (and its connections open) before the second's start; per protocol
# and family, how many of each host's flows were answered, then what
# the router's table shows with every connection still open
# (close_flows closes them after the count).
run_flows() {
	local r=$RUN/$1-$2

	ask $TO_CL "$2 $FLOWS" $r.cl
	ask $TO_CL2 "$2 $FLOWS" $r.cl2
	paste -d' ' $r.cl $r.cl2 | awk '{
		printf "%s %s: answered %s and %s\n", $1, $2 ~ /:/ ? "ipv6" : "ipv4", $3, $6 }'
	table_settled "$1" "$2"
}

# expect_counts: what run_flows should print for FLOWS flows a host.
expect_counts() {
	local t p f
	expected_table=
	expected=
	for f in ipv4 ipv6; do
		for p in tcp udp; do
			expected+="$p $f: answered $FLOWS and $FLOWS"$'\n'
			t+="$p $f: $((2 * FLOWS)) entries, $((2 * FLOWS)) outside tuples"$'\n'
		done
	done
	expected_table=${t%$'\n'}
	expected+=$expected_table
}

# fw_drops TABLE: what the router's tracker counted so far that can lose
# a flow (its /proc/net/stat file, kct or nf_conntrack; and kct's
# reasons for INVALID) and the hosts' TCP counters, for a failure's note.
fw_drops() {
	local col ns out=

	for col in drop insert_failed early_drop clashres invalid search_restart; do
		out+="$col=$(proc_stat $FW "$1" $col) "
	done
	echo "router's $1 stat: $out"
	for ns in $CL $CL2 $SV; do
		echo "$ns: $(ip netns exec $ns nstat -asz TcpExtListenDrops \
			TcpExtListenOverflows TcpExtTCPSynRetrans TcpRetransSegs \
			TcpAttemptFails 2>/dev/null | awk '!/^#/ { printf "%s=%s ", $1, $2 }')"
	done
	[ "$1" = kct ] || return 0
	echo "kct_invalid: $(ip netns exec $FW awk '$2 != 0' /proc/net/stat/kct_invalid |
		tr '\n' ' ')"
}

# run_variants TRACKER TABLE: every variant's flows, each from its own
# source ports, the snat ones to their own range (the entries of a run
# stay after it, and so do the clients' closed sockets).
run_variants() {
	local v start range actual

	for v in masquerade snat snat-random snat-fully-random snat-persistent; do
		case $v in
		masquerade) FLOWS=500 ;;
		*) FLOWS=50 ;;
		esac
		range=$((FIRST + 30000))-$((FIRST + 30000 + 4 * FLOWS - 1))
		expect_counts
		ktap_check "$1, $v: the router's rules load" nat_rules $v $range
		start=$SECONDS
		actual=$(run_flows "$2" $FIRST)
		ktap_expect "$1, $v: every flow answered, each with its own outside tuple" \
			"$expected" "$actual"
		[ "$actual" = "$expected" ] || ktap_note "$(fw_drops "$2")"
		ktap_note "$1, $v: $((SECONDS - start)) s"
		close_flows "$1-$v"
		FIRST=$((FIRST + 1000))
	done
}

# close_flows NAME: both hosts reset the connections they hold open, and
# the server has closed its ends.  Not while the next variant's flows
# start: on the debug kernel the close of a thousand connections held
# up the new flows beyond their 30 s, on stock as on kct.
close_flows() {
	ask $TO_CL close "$RUN/$1.cl.closed"
	ask $TO_CL2 close "$RUN/$1.cl2.closed"
	poll 30 server_closed ||
		ktap_note "$1: the server still has $(server_open) connections open"
}

server_open() {
	in_sv ss -Htn state established state close-wait "( sport = :$PORT )" |
		wc -l
}

server_closed() {
	[ "$(server_open)" = 0 ]
}

RUN=$(mktemp -d /tmp/kct-nat.XXXXXX)
topo_create
second_client
flow_maker $CL cl
flow_maker $CL2 cl2
exec {TO_CL}>"$RUN/cl" {TO_CL2}>"$RUN/cl2"
in_sv python3 "$LIB/flows.py" serve --port $PORT >/dev/null 2>&1 &
wait_for tcp_listening $SV $PORT
wait_for udp_bound $SV $PORT

# Room for every run's entries, which stay until the test ends.
modprobe nf_conntrack
STOCK_MAX=$(sysctl -n net.netfilter.nf_conntrack_max)
sysctl -qw net.netfilter.nf_conntrack_max=65536
if ! modprobe kct hashsize=65536; then
	ktap_fail "modprobe kct"
	ktap_done
fi
in_fw sysctl -qw net.netfilter.nf_conntrack_udp_timeout=$LIVE

FIRST=10000
run_variants kct kct
rmmod kct
run_variants stock nf_conntrack
ktap_done
