#!/bin/bash
# A NATed connection created over ctnetlink (conntrack -I, conntrackd's
# commit of a connection its peer firewall NATed) is created on kct as
# on stock, and the router translates the flow's traffic by it.  The
# router has NAT chains with no rules, so any translation comes from the
# created entries.  First the `conntrack -I --src-nat/--dst-nat` commands
# users type (conntrack-tools 1.4.7 puts the NAT address in the reply
# tuple itself, which stock takes as a mapping already made: listed as
# NATed, nothing translated): the same status, entries and [NEW] events
# as stock.  Then the requests conntrackd's commit sends (both tuples,
# the reply the inverse of the original, the mapping in CTA_NAT_SRC/DST,
# sent by ctnetlink_update.py): a UDP entry with a source NAT to the
# router's outside address and port 3000, one with a destination NAT
# from an address nobody has (203.0.113.5:53) to the server's port 5000,
# one with both, an IPv6 one with a source NAT, a TCP one that also
# carries sequence adjustment, SYNPROXY's state, labels and a mark, and
# two refused or odd ones (the first again, a NAT address of the other
# family).  Answers, listings, /proc and events are stock's; then a
# datagram of each IPv4 UDP flow reaches the server from the address
# its entry names (the server answers with the address it saw), and
# the answer comes back to the client from the address it sent to.
# (The IPv6 flow's datagram is not sent: through stock it got an answer
# in one run of three here, and kct's answer would be compared with
# that.)
# kct-test-cost: 104
# The debug kernel needs more than its default 900 s for the NAT set-ups.
# kct-test-timeout: 1800
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
require_tool conntrack nft socat python3

RAW="python3 $(cd "$(dirname "$0")" && pwd)/ctnetlink_update.py"
EV=/tmp/kct-ct-insnat-events
# The entries' lifetimes: they must outlast the test's steps, however
# slow the kernel (listings show no countdowns).
LIVE=$((120 * KCT_PATIENCE))
LIVE_TCP=$((300 * KCT_PATIENCE))
# The commands users type, one per line, run in the router in this order.
INSERTS="-I -p udp -s $CL4 -d $SV4 --sport 44000 --dport 5000 -t $LIVE --src-nat $FW4_SV:2000
-I -p udp -s $CL4 -d 203.0.113.5 --sport 44001 --dport 53 -t $LIVE --dst-nat $SV4:5000
-I -p udp -s $CL4 -d 203.0.113.5 --sport 44002 --dport 53 -t $LIVE --src-nat $FW4_SV:2002 --dst-nat $SV4:5000
-I -f ipv6 -p udp -s $CL6 -d $SV6 --sport 44003 --dport 5000 -t $LIVE --src-nat $FW6_SV"
# conntrackd's requests: a name, then ctnetlink_update.py's arguments.
C="flags=excl reply=inverse"
REQUESTS="snat: 4 udp $CL4 $SV4 43000 5000 $C timeout=$LIVE natsrc=$FW4_SV:3000
dnat: 4 udp $CL4 203.0.113.5 43001 53 $C timeout=$LIVE natdst=$SV4:5000
snat and dnat: 4 udp $CL4 203.0.113.5 43002 53 $C timeout=$LIVE natsrc=$FW4_SV:3002 natdst=$SV4:5000
ipv6 snat: 6 udp $CL6 $SV6 43003 5000 $C timeout=$LIVE natsrc=$FW6_SV
tcp snat with seqadj, synproxy, labels, mark: 4 tcp $CL4 $SV4 42000 7000 $C timeout=$LIVE_TCP tcpstate=3 status=0xe natsrc=$FW4_SV seqadj=1 synproxy=1 labels=05000000000000000000000000000000 mark=7
the first again: 4 udp $CL4 $SV4 43000 5000 $C timeout=$LIVE natsrc=$FW4_SV:3000
a NAT address of the other family: 4 udp $CL4 $SV4 43005 5000 $C timeout=$LIVE natsrc=$FW6_SV"
CREATED=9

# NAT hooks in the router, with no rules, and room for labels (a rule
# that sets one, for packets nobody sends).
nat_chains() {
	in_fw nft -f - <<'NFT'
table inet kct_nat {
	chain pre { type nat hook prerouting priority dstnat; policy accept; }
	chain post { type nat hook postrouting priority srcnat; policy accept; }
	chain forward {
		type filter hook forward priority 0; policy accept;
		meta mark 0xdead ct label set 127
	}
}
NFT
}

# A server that answers each datagram with the address it came from,
# from one process and one socket.  (socat's UDP4-RECVFROM with fork
# answered each from a forked child running a shell: on the debug kernel
# about one answer in three never came, on either tracker, whatever the
# step, with a clean kernel log.)
whoami_server() {
	in_sv python3 - <<'PY' >/dev/null 2>&1 &
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", 5000))
while True:
    data, peer = s.recvfrom(512)
    s.sendto(("%s:%d\n" % peer).encode(), peer)
PY
	wait_for udp_bound $SV 5000
}

# ask FAMILY DST PORT SPORT: what the server says it saw of a datagram
# the client sends to DST:PORT from SPORT (or nothing, after ten seconds
# times the patience).
ask() {
	in_cl python3 - "$@" <<'PY'
import socket, sys, os
fam = socket.AF_INET if sys.argv[1] == "4" else socket.AF_INET6
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind(("", int(sys.argv[4])))
s.connect((sys.argv[2], int(sys.argv[3])))
s.settimeout(10 * int(os.environ.get("KCT_PATIENCE", "1")))
s.send(b"hello\n")
try:
    print(s.recv(512).decode().strip())
except OSError:
    pass
PY
}

# joined: stdin's lines, spaces squeezed, sorted, on one line.
joined() { tr -s ' ' | sort | paste -sd'|'; }

# ev_norm: the [NEW] events without countdowns and who caused them.
ev_norm() {
	grep '\[NEW\]' | sed -E 's/^( *\[NEW\] +[a-z0-9]+ +[0-9]+) +[0-9]+ /\1 T /;
		s/ ?\[USERSPACE\].*$//' | joined
}

scenario() {
	local args out rc table evpid name

	table=$(diff_proc_table "$1")
	topo_create
	diff_tracker "$1"
	nat_chains || echo "rules did not load"
	whoami_server
	in_fw timeout $((60 * KCT_PATIENCE)) conntrack -E -e NEW -o labels >$EV 2>&1 &
	evpid=$!
	wait_for ct_events_ready $FW 1
	while IFS= read -r args; do
		# shellcheck disable=SC2086  # the line is the words of a command
		out=$(in_fw conntrack $args 2>&1)
		rc=$?
		echo "conntrack ${args#-I }: status $rc $(grep -v '^conntrack v' <<<"$out" | joined)"
	done <<<"$INSERTS"
	while IFS= read -r args; do
		name=${args%%: *}
		# shellcheck disable=SC2086  # the words of a command
		echo "request $name: $(in_fw $RAW ${args#*: } 2>&1)"
	done <<<"$REQUESTS"
	echo "conntrack -L: $(in_fw conntrack -L -o labels 2>/dev/null | ct_norm | joined)"
	echo "conntrack -L --src-nat: $(in_fw conntrack -L --src-nat 2>/dev/null | ct_norm | joined)"
	echo "conntrack -L --dst-nat: $(in_fw conntrack -L --dst-nat 2>/dev/null | ct_norm | joined)"
	echo "/proc: $(in_fw cat /proc/net/$table | while IFS= read -r l; do kct_norm "$l"; done |
		joined)"
	poll 10 sh -c "[ \$(grep -c '\[NEW\]' $EV) -ge $CREATED ]"
	echo "events: $(ev_norm <$EV)"
	kill $evpid 2>/dev/null

	echo "snat: the server saw $(ask 4 $SV4 5000 43000)"
	echo "dnat: the server saw $(ask 4 203.0.113.5 53 43001)"
	echo "snat and dnat: the server saw $(ask 4 203.0.113.5 53 43002)"
	echo "entries after the traffic: $(in_fw conntrack -L 2>/dev/null | grep -vc '^conntrack v')"
	echo "the UDP entries after the traffic: $(in_fw conntrack -L -p udp 2>/dev/null | ct_norm |
		joined)"
	topo_destroy
	nft flush ruleset
}

diff_run scenario 21
diff_stock_shows "request snat: 0" "request dnat: 0" "request snat and dnat: 0" \
	"request ipv6 snat: 0" "request the first again: EEXIST" \
	"request tcp snat with seqadj, synproxy, labels, mark: 0" \
	"snat: the server saw $FW4_SV:3000" \
	"dnat: the server saw $CL4:43001" \
	"snat and dnat: the server saw $FW4_SV:3002" \
	"entries after the traffic: $CREATED"
diff_compare
ktap_done
