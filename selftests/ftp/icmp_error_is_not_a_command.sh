#!/bin/bash
# An ICMP error is no part of the FTP conversation it reports on.  In a
# live session the client sends the server a port unreachable that quotes
# a server->client segment of the control connection, with quoted bytes
# reading "PORT 192,0,2,2,195,90" (a pinhole to port 50010).  The error
# is RELATED to the control connection and passes the firewall, as with
# stock; but the FTP helper never reads it: no expectation appears in
# /proc/net/kct_expect, a connection to port 50010 is dropped by the
# policy-drop firewall, and the session's own PORT afterwards still
# makes its expectation and its listing arrives.
# kct-test-cost: 22
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
require_tool nft vsftpd python3 socat

topo_create
ftp_load
ftp_server 4
ftp_fw_nft
in_fw nft -f - <<'NFT'
table inet errors {
	counter related_errors {}
	chain count {
		type filter hook forward priority filter - 2; policy accept;
		icmp type destination-unreachable ct state related counter name "related_errors"
	}
}
NFT

ftp_raw $CL $SV4 -- login listen:50000 'icmp:\r\nPORT 192,0,2,2,195,90\r\n' \
	"mark:$FTP_DIR/sent" "wait:$FTP_DIR/go" \
	"cmd:PORT 192,0,2,2,$(port_args 50000)" "mark:$FTP_DIR/port" \
	"wait:$FTP_DIR/go2" cmd:NLST accept reply quit >"$FTP_DIR/a.out" 2>&1 &
pid=$!
ftp_wait_file "$FTP_DIR/sent" >/dev/null
related_error() { [ "$(nft_counter $FW inet errors related_errors)" -ge 1 ]; }
ktap_check "the forged error passed the firewall as RELATED" wait_for related_error
ktap_expect "it made no expectation" 0 "$(kct_expect_count $FW)"

ip netns exec $CL socat -u TCP4-LISTEN:50010,reuseaddr OPEN:/dev/null &
lpid=$!
wait_for tcp_listening $CL 50010
rel=$(nft_counter $FW inet fw related)
ktap_check "a connection to the port it names is dropped" \
	not in_sv socat -u OPEN:/dev/null \
	TCP4:$CL4:50010,connect-timeout=$((3 * KCT_PATIENCE))
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
