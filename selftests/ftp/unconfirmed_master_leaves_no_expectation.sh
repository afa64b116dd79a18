#!/bin/bash
# A control connection that never becomes real leaves no expectation.
# The firewall picks up a TCP connection to port 21 in mid-stream (loose
# pickup, as stock) from a segment carrying "NOOP" and a PORT; an nft
# queue rule holds that segment before the confirm hook while a second
# segment of the same connection, shorter, passes and confirms it first.
# Let go, the held segment's own connection loses the race at confirm
# and the packet is dropped.  Whatever the helper read in it must go
# with it: /proc/net/kct_expect stays empty, and a connection to the
# port the PORT named is not RELATED (the policy-drop firewall drops
# it).
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
require_tool nft python3 socat modprobe

LIB=$(dirname "$0")/../lib
topo_create
ftp_load
modprobe nfnetlink_queue
ftp_fw_nft
first='NOOP\r\nPORT 192,0,2,2,195,80\r\n'
# IP length of the held segment: headers (20 + 20) and its payload.
len=$((40 + $(printf "$first" | wc -c)))
in_fw nft -f - <<NFT
table inet hold {
	chain post {
		type filter hook postrouting priority filter; policy accept;
		tcp dport 21 ip length $len queue num 7
	}
}
NFT
# No TCP end in the server for these segments: it must not reset them.
in_sv nft add table inet quiet
in_sv nft add chain inet quiet in '{ type filter hook input priority filter; policy accept; }'
in_sv nft add rule inet quiet in tcp dport 21 drop

ip netns exec $FW python3 "$LIB/nfqueue.py" hold --queue 7 \
	--held "$FTP_DIR/held" --go "$FTP_DIR/go" >"$FTP_DIR/q.out" 2>&1 &
qpid=$!
wait_for in_fw grep -q "^ *7 " /proc/net/netfilter/nfnetlink_queue
in_cl python3 "$LIB/pkt.py" tcp --dst $SV4 --sport 40000 --dport 21 \
	--flags PA --seq 1000 --ack 5000 --payload "$first"
if ! ftp_wait_file "$FTP_DIR/held" >/dev/null; then
	ktap_fail "the first segment is held in the queue"
	ktap_note "$(cat "$FTP_DIR/q.out")"
	ktap_done
fi
ktap_ok "the first segment is held in the queue"
in_cl python3 "$LIB/pkt.py" tcp --dst $SV4 --sport 40000 --dport 21 \
	--flags PA --seq 1000 --ack 5000 --payload 'NOOP\r\n'
ktap_check "the second segment confirmed the connection" \
	kct_wait_entry $FW "src=$CL4 dst=$SV4" "sport=40000 dport=21 "
failed=$(kct_stat $FW insert_failed)
touch "$FTP_DIR/go"
wait $qpid
ktap_expect "the held segment was let go" released "$(tail -1 "$FTP_DIR/q.out")"
wait_for test "$(kct_stat $FW insert_failed)" -gt "$failed"
ktap_check "its own connection failed to confirm (insert_failed grew)" \
	test "$(kct_stat $FW insert_failed)" -gt "$failed"
ktap_expect "no expectation is left" 0 "$(kct_expect_count $FW)"
ktap_note "$(kct_expect $FW)"

# The port the held PORT named is not open through the firewall.
ip netns exec $CL socat -u TCP4-LISTEN:50000,reuseaddr OPEN:/dev/null &
lpid=$!
wait_for tcp_listening $CL 50000
rel=$(nft_counter $FW inet fw related)
ktap_check "a connection to that port is dropped" \
	not in_sv socat -u OPEN:/dev/null \
	TCP4:$CL4:50000,connect-timeout=$((3 * KCT_PATIENCE))
ktap_expect "and was never RELATED" "$rel" "$(nft_counter $FW inet fw related)"
kill $lpid 2>/dev/null
wait $lpid 2>/dev/null
ktap_done
