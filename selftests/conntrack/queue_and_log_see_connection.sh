#!/bin/bash
# A program reading packets from an NFQUEUE with the conntrack flag (as
# Suricata in IPS mode or libnetfilter_queue's nf-queue do) gets each
# packet's connection beside it, and can set the connection's mark in
# its verdict; so does one reading an NFLOG group with the conntrack flag
# (as ulogd does).  The router logs and then queues a UDP exchange (two
# datagrams and their answers); the queue's client asks for conntrack
# attributes and sets mark 42 in every verdict.  Both must be able to
# bind, each packet comes with the attributes, ctinfo (new, reply,
# established), status, mark and tuples stock gives, the exchange is
# answered, and the connection listed afterwards carries mark=42.  kct
# shows what stock shows.
# kct-test-cost: 44
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

# all_logged: the log client printed its 4 packets.
all_logged() {
	[ "$(grep -vc '^bound' $RUN/l.out)" -ge 4 ]
}

# packets WHAT FILE: the first 4 packet lines of a client's FILE.
packets() {
	local i=0 line
	while read -r line; do
		[ "$line" = bound ] && continue
		i=$((i + 1))
		[ $i -le 4 ] && echo "$1 $i: $line"
	done <"$2"
	while [ $i -lt 4 ]; do
		i=$((i + 1))
		echo "$1 $i: none"
	done
}

# scenario TRACKER: the steps, one line each.
scenario() {
	local qpid lpid
	rm -rf $RUN
	mkdir -p $RUN
	topo_create
	diff_tracker "$1"
	modprobe nfnetlink_queue
	modprobe nfnetlink_log
	in_fw nft -f - <<NFT || echo "rules did not load"
table inet q {
	chain forward_q {
		type filter hook forward priority filter; policy accept;
		# A ct rule, so that stock tracks in this namespace at all.
		ct state new,established counter
		udp dport $PORT log group 3
		udp sport $PORT log group 3
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
	ip netns exec $FW python3 "$LIB/nflog.py" ct --group 3 --count 4 \
		>$RUN/l.out 2>&1 &
	lpid=$!
	poll 20 grep -q "^bound" $RUN/q.out
	poll 20 grep -q "^bound" $RUN/l.out
	echo "the queue binds with the conntrack flag: $(grep -c '^bound' $RUN/q.out)"
	echo "the log group binds with the conntrack flag: $(grep -c '^bound' $RUN/l.out)"
	echo "answers: $(exchange)"
	poll 20 all_logged
	kill $qpid $lpid 2>/dev/null
	wait $qpid $lpid 2>/dev/null
	packets "queued packet" $RUN/q.out
	packets "logged packet" $RUN/l.out
	echo "the connection's mark: $(in_fw conntrack -L -p udp --dport $PORT 2>/dev/null |
		grep -o 'mark=[0-9]*')"
	topo_destroy
}

diff_run scenario 12
ktap_expect "stock: the queue binds" \
	"the queue binds with the conntrack flag: 1" "${DIFF_STOCK[0]}"
ktap_expect "stock: the log group binds" \
	"the log group binds with the conntrack flag: 1" "${DIFF_STOCK[1]}"
ktap_expect "stock: both datagrams answered" "answers: 2" "${DIFF_STOCK[2]}"
ktap_expect "stock: the verdicts set the mark" \
	"the connection's mark: mark=42" "${DIFF_STOCK[11]}"
diff_compare
ktap_done
