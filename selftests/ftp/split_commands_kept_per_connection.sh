#!/bin/bash
# The unfinished line a control connection is waiting on belongs to that
# connection alone: no number of other connections, in another network
# namespace, waiting on unfinished lines of their own takes it away.  A
# session through the firewall sends "PORT 192,0,2,2,195," and stops;
# then 300 control connections inside the server's namespace (loopback,
# the "ftp" helper assigned there by an nft ct helper rule) each send
# an unfinished PORT line of their own; then the session ends its line
# ("80\r\n").  Its PORT makes its expectation and its listing arrives.
# kct-test-cost: 18
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
require_tool nft vsftpd python3

LIB=$(dirname "$0")/../lib
topo_create
ftp_load
ftp_server 4
ftp_fw_nft
in_sv nft -f - <<'NFT'
table inet fill {
	ct helper ftp-fill { type "ftp" protocol tcp; }
	chain out {
		type filter hook output priority filter; policy accept;
		tcp dport 2100 ct helper set "ftp-fill"
	}
}
NFT

ftp_raw $CL $SV4 -- login listen:50000 'raw:PORT 192,0,2,2,195,' \
	"mark:$FTP_DIR/part" "wait:$FTP_DIR/go" 'raw:80\r\n' reply \
	cmd:NLST accept reply quit >"$FTP_DIR/a.out" 2>&1 &
pid=$!
ftp_wait_file "$FTP_DIR/part" >/dev/null
ip netns exec $SV python3 "$LIB/ftp_fill.py" 300 2100 "$FTP_DIR/filled" \
	"$FTP_DIR/go" >"$FTP_DIR/fill.out" 2>&1 &
fpid=$!
ftp_wait_file "$FTP_DIR/filled" >/dev/null
ktap_expect "300 other control connections wait on unfinished lines" 300 \
	"$(kct_count $SV "dport=2100 " ESTABLISHED)"
touch "$FTP_DIR/go"
wait $pid
wait $fpid
out=$(cat "$FTP_DIR/a.out")
ktap_expect "the session's PORT, ended last, is read: the listing arrives" \
	"reply 200 reply 150 data" "$(echo $out | grep -o 'reply 200 reply 150 data')"
ktap_note "$out"
ktap_expect "its data connection was RELATED" 1 \
	"$(nft_counter $FW inet fw related)"
ktap_done
