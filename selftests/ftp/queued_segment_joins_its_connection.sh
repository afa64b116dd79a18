#!/bin/bash
# A segment held in a queue while its twin confirms the connection joins
# that connection when it comes back, and the FTP helper reads in it
# only what stock's would.  The firewall picks up a TCP connection to
# port 21 in mid-stream (loose pickup) from a segment carrying "NOOP"
# and a PORT; an nft queue rule holds that segment before the confirm
# hook while a second segment, the "NOOP" alone from the same sequence
# number, passes and confirms the connection.  Let go, the held segment
# finds that connection (stock's nf_conntrack_update(), which kct
# answers from its table) and passes: no failed insert, the server gets
# both.  It starts at a position the helper never saw a line start at
# (the pickup), so, as stock, no line of it is read: no expectation,
# and a connection to the port the PORT named is dropped by the
# policy-drop firewall, never RELATED.  kct shows what stock shows.
# kct-test-cost: 62
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
require_tool nft python3 socat modprobe conntrack

LIB=$(cd "$(dirname "$0")/../lib" && pwd)
first='NOOP\r\nPORT 192,0,2,2,195,80\r\n'
# IP length of the held segment: headers (20 + 20) and its payload.
len=$((40 + $(printf "$first" | wc -c)))

# the_connection: the firewall lists the control connection.
the_connection() {
	in_fw conntrack -L -p tcp --dport 21 2>/dev/null | grep -q "sport=40000 "
}

# scenario TRACKER: the steps, one line each.
scenario() {
	local qpid lpid failed rel
	rm -f "$FTP_DIR"/held "$FTP_DIR"/go
	topo_create
	diff_tracker_ftp "$1"
	modprobe nfnetlink_queue
	ftp_fw_nft
	in_fw nft -f - <<NFT
table inet hold {
	chain post {
		type filter hook postrouting priority filter; policy accept;
		tcp dport 21 ip length $len queue num 7
	}
}
NFT
	# No TCP end in the server for these segments: it must not reset them.
	in_sv nft -f - <<'NFT'
table inet quiet {
	counter got {}
	chain in {
		type filter hook input priority filter; policy accept;
		tcp dport 21 counter name "got" drop
	}
}
NFT
	ip netns exec $FW python3 "$LIB/nfqueue.py" hold --queue 7 \
		--held "$FTP_DIR/held" --go "$FTP_DIR/go" >"$FTP_DIR/q.out" 2>&1 &
	qpid=$!
	wait_for in_fw grep -q "^ *7 " /proc/net/netfilter/nfnetlink_queue
	in_cl python3 "$LIB/pkt.py" tcp --dst $SV4 --sport 40000 --dport 21 \
		--flags PA --seq 1000 --ack 5000 --payload "$first"
	ftp_wait_file "$FTP_DIR/held" >/dev/null && echo "held: yes" || echo "held: no"
	in_cl python3 "$LIB/pkt.py" tcp --dst $SV4 --sport 40000 --dport 21 \
		--flags PA --seq 1000 --ack 5000 --payload 'NOOP\r\n'
	poll 5 the_connection && echo "confirmed by its twin: yes" ||
		echo "confirmed by its twin: no"
	failed=$(ct_stat insert_failed)
	touch "$FTP_DIR/go"
	wait $qpid
	echo "the held segment: $(tail -1 "$FTP_DIR/q.out")"
	wait_for test "$(nft_counter $SV inet quiet got)" -ge 2
	echo "segments the server got: $(nft_counter $SV inet quiet got)"
	echo "failed inserts: $(($(ct_stat insert_failed) - failed))"
	echo "expectations: $(in_fw conntrack -L expect 2>/dev/null | grep -c 'dport=50000')"

	# The port the held PORT named is not open through the firewall.
	ip netns exec $CL socat -u TCP4-LISTEN:50000,reuseaddr OPEN:/dev/null &
	lpid=$!
	wait_for tcp_listening $CL 50000
	rel=$(nft_counter $FW inet fw related)
	if in_sv socat -u OPEN:/dev/null \
		TCP4:$CL4:50000,connect-timeout=$((3 * KCT_PATIENCE)) 2>/dev/null; then
		echo "a connection to that port: passed"
	else
		echo "a connection to that port: dropped"
	fi
	echo "RELATED packets: $(($(nft_counter $FW inet fw related) - rel))"
	kill $lpid 2>/dev/null
	wait $lpid 2>/dev/null
	topo_destroy
}

diff_run scenario 8
ktap_expect "stock: the held segment joined the connection and passed" \
	"failed inserts: 0" "${DIFF_STOCK[4]}"
ktap_expect "stock: no expectation from the held segment" \
	"expectations: 0" "${DIFF_STOCK[5]}"
diff_compare
rmmod kct_ftp 2>/dev/null
ktap_done
