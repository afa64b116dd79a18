#!/bin/bash
# Two datagrams of a new UDP flow that reach the router together (a
# resolver's A and AAAA queries from one socket) each get a connection,
# and NAT may give them different outside ports (here nft "masquerade
# fully-random" does).  Neither may lose its answer.  The race is made
# certain by holding both datagrams in an NFQUEUE and giving them back
# one after the other, either after NAT (before confirm) or before NAT.
# When the second comes back the first is confirmed, and the second
# joins its connection, NAT redone (or done) by its mapping: the client
# gets both answers, there is no clash (`conntrack -S`), the router
# lists one entry for the flow and holds only that one soon after; kct
# shows what stock shows.
# kct-test-cost: 63
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/nat_diff.sh"
require_tool nft python3 conntrack

LIB=$(cd "$(dirname "$0")/../lib" && pwd)
RUN=/tmp/kct-clash
PORT=9999

# The client: two datagrams from one socket, then how many answers come
# within the wait.
client() {
	ip netns exec $CL python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", 40000))
s.settimeout(float(sys.argv[3]))
for q in (b"A?", b"AAAA?"):
    s.sendto(q, (sys.argv[1], int(sys.argv[2])))
got = 0
try:
    while got < 2:
        s.recv(100)
        got += 1
except socket.timeout:
    pass
print(got)' $SV4 $PORT $((20 * KCT_PATIENCE))
}

# flow_entries: the router's listed entries of the flow.
flow_entries() {
	in_fw conntrack -L -p udp --dport $PORT 2>/dev/null | grep -c "sport=40000 "
}

# loser_gone: the router holds one connection again.  A listing reaps
# what has expired on stock (its GC may wait a minute); kct's GC comes
# within seconds.
loser_gone() {
	in_fw conntrack -L >/dev/null 2>&1
	[ "$(in_fw sysctl -n net.netfilter.nf_conntrack_count)" -le 1 ]
}

# scenario TRACKER WHERE: the steps on either tracker, holding the
# datagrams in the chain hooked at WHERE ("postrouting priority 200":
# after NAT; "forward priority 0": before).
scenario() {
	rm -rf $RUN
	mkdir -p $RUN
	topo_create
	diff_tracker "$1"
	in_fw nft -f - <<NFT || echo "rules did not load"
table ip kct_nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "fw1" udp dport $PORT masquerade fully-random
	}
	chain hold {
		type filter hook $2; policy accept;
		oifname "fw1" udp dport $PORT ct state new queue num 3
	}
}
NFT
	pkt $SV udp-echo --port $PORT >/dev/null 2>&1 &
	wait_for udp_bound $SV $PORT
	ip netns exec $FW python3 "$LIB/nfqueue.py" hold --queue 3 --count 2 \
		--held $RUN/held --go $RUN/go >$RUN/q.out 2>&1 &
	wait_for in_fw grep -q "^ *3 " /proc/net/netfilter/nfnetlink_queue
	client >$RUN/answers 2>&1 &
	local cpid=$!
	poll 20 test -e $RUN/held || echo "the queue did not hold both"
	touch $RUN/go
	wait $cpid
	echo "$3: answers: $(cat $RUN/answers)"
	echo "$3: clashes resolved: $(ct_stat clash_resolve)"
	echo "$3: entries listed: $(flow_entries)"
	poll 30 loser_gone
	echo "$3: then in the table: $(in_fw sysctl -n net.netfilter.nf_conntrack_count)"
	topo_destroy
}

# both TRACKER: the two variants.
both() {
	scenario $1 "postrouting priority 200" "held after NAT"
	scenario $1 "forward priority 0" "held before NAT"
}

diff_run both 8
ktap_expect "stock, held after NAT: both answers came back" \
	"held after NAT: answers: 2" "${DIFF_STOCK[0]}"
ktap_expect "stock, held after NAT: no clash" \
	"held after NAT: clashes resolved: 0" "${DIFF_STOCK[1]}"
ktap_expect "stock, held before NAT: both answers came back" \
	"held before NAT: answers: 2" "${DIFF_STOCK[4]}"
ktap_expect "stock, held before NAT: no clash" \
	"held before NAT: clashes resolved: 0" "${DIFF_STOCK[5]}"
diff_compare
ktap_done
