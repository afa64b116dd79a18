#!/bin/bash
# A segment that does not continue the control stream exactly has none of
# its lines read: after a gap the helper cannot know where a line starts.
# In a live session a segment is forged 100 bytes ahead of the client's
# next byte, carrying "\r\nPORT 192,0,2,2,195,91" (a pinhole to port
# 50011); the firewall lets it through (it is within the window) and the
# server's TCP keeps it out of order.  No expectation appears, a
# connection to port 50011 is dropped by the policy-drop firewall, and
# the session's own PORT afterwards, the next byte of the real stream,
# still makes its expectation and its listing arrives.
# kct-test-cost: 19
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
require_tool nft vsftpd python3 socat

topo_create
ftp_load
ftp_server 4
ftp_fw_nft
# Linux's own segments carry timestamps; the forged one has no options.
in_fw nft -f - <<'NFT'
table inet gap {
	counter forged {}
	chain count {
		type filter hook forward priority filter + 1; policy accept;
		tcp dport 21 tcp doff 5 counter name "forged"
	}
}
NFT

ftp_raw $CL $SV4 -- login listen:50000 'gap:100:\r\nPORT 192,0,2,2,195,91\r\n' \
	"mark:$FTP_DIR/sent" "wait:$FTP_DIR/go" \
	"cmd:PORT 192,0,2,2,$(port_args 50000)" "mark:$FTP_DIR/port" \
	"wait:$FTP_DIR/go2" cmd:NLST accept reply quit >"$FTP_DIR/a.out" 2>&1 &
pid=$!
ftp_wait_file "$FTP_DIR/sent" >/dev/null
forged() { [ "$(nft_counter $FW inet gap forged)" -ge 1 ]; }
ktap_check "the segment after the gap passed the firewall" wait_for forged
ktap_expect "it made no expectation" 0 "$(kct_expect_count $FW)"

ip netns exec $CL socat -u TCP4-LISTEN:50011,reuseaddr OPEN:/dev/null &
lpid=$!
wait_for tcp_listening $CL 50011
rel=$(nft_counter $FW inet fw related)
ktap_check "a connection to the port it names is dropped" \
	not in_sv socat -u OPEN:/dev/null \
	TCP4:$CL4:50011,connect-timeout=$((3 * KCT_PATIENCE))
ktap_expect "and was never RELATED" "$rel" "$(nft_counter $FW inet fw related)"
kill $lpid 2>/dev/null
wait $lpid 2>/dev/null

touch "$FTP_DIR/go"
ftp_wait_file "$FTP_DIR/port" >/dev/null
ktap_expect "the session's own PORT makes its expectation" 1 \
	"$(kct_expect_count $FW "dport=50000 ")"
touch "$FTP_DIR/go2"
wait $pid
out=$(cat "$FTP_DIR/a.out")
ktap_expect "and its listing arrives" "reply 200 reply 150 data" \
	"$(echo $out | grep -o 'reply 200 reply 150 data')"
ktap_note "$out"
ktap_done
