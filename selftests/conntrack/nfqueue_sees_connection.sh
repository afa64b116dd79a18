#!/bin/bash
# A program reading packets from an NFQUEUE with the conntrack flag (as
# Suricata in IPS mode or libnetfilter_queue's nf-queue do) gets each
# packet's connection beside it, and can set the connection's mark in
# its verdict.  The router queues a UDP exchange (two datagrams and
# their answers) to a client asking for conntrack attributes that sets
# mark 42 in every verdict: it must be able to bind, each packet comes
# with the attributes, ctinfo (new, reply, established), status and
# tuples stock gives, the exchange is answered, and the connection
# listed afterwards carries mark=42.  kct shows what stock shows.
# kct-test-cost: 40
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
require_tool nft python3 conntrack

LIB=$(cd "$(dirname "$0")/../lib" && pwd)
RUN=/tmp/kct-nfq-ct
PORT=9998

# exchange: two datagrams from port 40000, each awaiting its answer;
# prints how many answers came.
exchange() {
	ip netns exec $CL python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", 40000))
s.settimeout(float(sys.argv[3]))
got = 0
for q in (b"one", b"two"):
    s.sendto(q, (sys.argv[1], int(sys.argv[2])))
    try:
        s.recv(100)
        got += 1
    except socket.timeout:
        pass
print(got)' $SV4 $PORT $((10 * KCT_PATIENCE))
}

# scenario TRACKER: the steps, one line each.
scenario() {
	local qpid i=0 line
	rm -rf $RUN
	mkdir -p $RUN
	topo_create
	diff_tracker "$1"
	modprobe nfnetlink_queue
	in_fw nft -f - <<NFT || echo "rules did not load"
table inet q {
	chain fwd {
		type filter hook forward priority filter; policy accept;
		udp dport $PORT queue num 5
		udp sport $PORT queue num 5
	}
}
NFT
	pkt $SV udp-echo --port $PORT >/dev/null 2>&1 &
	wait_for udp_bound $SV $PORT
	ip netns exec $FW python3 "$LIB/nfqueue.py" ct --queue 5 --count 4 \
		--set-mark 42 >$RUN/q.out 2>&1 &
	qpid=$!
	poll 20 grep -q "^bound" $RUN/q.out
	echo "the queue binds with the conntrack flag: $(grep -c '^bound' $RUN/q.out)"
	echo "answers: $(exchange)"
	wait $qpid
	while read -r line; do
		[ "$line" = bound ] && continue
		i=$((i + 1))
		[ $i -le 4 ] && echo "packet $i: $line"
	done <$RUN/q.out
	while [ $i -lt 4 ]; do
		i=$((i + 1))
		echo "packet $i: none"
	done
	echo "the connection's mark: $(in_fw conntrack -L -p udp --dport $PORT 2>/dev/null |
		grep -o 'mark=[0-9]*')"
	topo_destroy
}

diff_run scenario 7
ktap_expect "stock: the queue binds" \
	"the queue binds with the conntrack flag: 1" "${DIFF_STOCK[0]}"
ktap_expect "stock: both datagrams answered" "answers: 2" "${DIFF_STOCK[1]}"
ktap_expect "stock: the verdicts set the mark" \
	"the connection's mark: mark=42" "${DIFF_STOCK[6]}"
diff_compare
ktap_done
