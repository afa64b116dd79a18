#!/bin/bash
# max_expected is 1, as stock's: a second PORT on the same control
# connection replaces the first expectation (the newer one is listed, the
# older one deleted), and so does a PASV after a PORT.  Expectations of
# two control connections do not displace each other.
# kct-test-cost: 26
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
require_tool nft vsftpd python3

topo_create
ftp_load
ftp_server 4
ftp_fw_nft

ftp_raw $CL $SV4 -- login "cmd:PORT 192,0,2,2,$(port_args 50000)" \
	"mark:$FTP_DIR/1" "wait:$FTP_DIR/1.go" \
	"cmd:PORT 192,0,2,2,$(port_args 50001)" \
	"mark:$FTP_DIR/2" "wait:$FTP_DIR/2.go" \
	pasv "mark:$FTP_DIR/3" "wait:$FTP_DIR/3.go" quit >"$FTP_DIR/a.out" 2>&1 &
pid=$!
ftp_wait_file "$FTP_DIR/1" >/dev/null
ktap_expect "after the first PORT: the one expectation, port 50000" \
	"1 1" "$(kct_expect_count $FW) $(kct_expect_count $FW "dport=50000 ")"
deletes=$(kct_stat $FW expect_delete)
touch "$FTP_DIR/1.go"
ftp_wait_file "$FTP_DIR/2" >/dev/null
ktap_expect "after the second PORT: only it, port 50001" \
	"1 1" "$(kct_expect_count $FW) $(kct_expect_count $FW "dport=50001 ")"
ktap_expect "the first one counted as deleted" $((deletes + 1)) \
	"$(kct_stat $FW expect_delete)"

# A second control connection's PORT stands beside the first's.
ftp_raw $CL $SV4 -- login "cmd:PORT 192,0,2,2,$(port_args 50009)" \
	"mark:$FTP_DIR/b" "wait:$FTP_DIR/b.go" quit >"$FTP_DIR/b.out" 2>&1 &
pidb=$!
ftp_wait_file "$FTP_DIR/b" >/dev/null
ktap_expect "another control connection's PORT adds its own" \
	"2 1 1" "$(kct_expect_count $FW) $(kct_expect_count $FW "dport=50001 ") $(
		kct_expect_count $FW "dport=50009 ")"
touch "$FTP_DIR/b.go"
wait $pidb

touch "$FTP_DIR/2.go"
ftp_wait_file "$FTP_DIR/3" >/dev/null
port=$(sed -n 's/^pasv //p' "$FTP_DIR/a.out")
ktap_expect "a PASV then replaces the PORT's" "1 1" \
	"$(kct_expect_count $FW "src=$SV4 ") $(kct_expect_count $FW "src=$CL4 " "dport=$port ")"
ktap_expect "nothing left of port 50001" 0 "$(kct_expect_count $FW "dport=50001 ")"
touch "$FTP_DIR/3.go"
wait $pid
ktap_done
