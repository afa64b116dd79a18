#!/bin/bash
# An expectation lives no longer than its control connection: after a
# PORT (IPv4) or EPRT (IPv6) the client resets the control connection,
# which ends it in the firewall's table, and the expectation goes with it
# (stat counts the delete); the server can then no longer reach the
# announced port through the firewall.
# kct-test-cost: 74
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
require_tool nft vsftpd python3 socat

topo_create
ftp_load
ftp_server 4
ftp_server 6
ftp_fw_nft

# one_case NAME SERVER COMMAND CLIENT_IN_URL PF
one_case() {
	local name=$1 host=$2 cmd=$3 client=$4 pf=$5 pid lpid deletes
	ftp_raw $CL "$host" -- login "cmd:$cmd" "mark:$FTP_DIR/$name.held" \
		"wait:$FTP_DIR/$name.go" rst >"$FTP_DIR/$name.out" 2>&1 &
	pid=$!
	ftp_wait_file "$FTP_DIR/$name.held" >/dev/null
	ktap_expect "$name: the expectation is listed" 1 "$(kct_expect_count $FW "dport=50000 ")"
	deletes=$(kct_stat $FW expect_delete)
	touch "$FTP_DIR/$name.go"
	wait $pid
	ktap_check "$name: gone once the control connection is reset" \
		kct_expect_wait_count $FW 0
	ktap_expect "$name: stat counts one delete" $((deletes + 1)) \
		"$(kct_stat $FW expect_delete)"
	in_cl socat -u TCP-LISTEN:50000,reuseaddr,pf=$pf OPEN:/dev/null >/dev/null 2>&1 &
	lpid=$!
	wait_for tcp_listening $CL 50000
	ktap_check "$name: the server cannot connect to the announced port any more" \
		not in_sv socat -u - "TCP:$client:50000,connect-timeout=3" </dev/null
	kill $lpid 2>/dev/null
	wait $lpid 2>/dev/null
}

one_case PORT $SV4 "PORT 192,0,2,2,$(port_args 50000)" $CL4 ip4
one_case EPRT $SV6 "EPRT |2|$CL6|50000|" "[$CL6]" ip6
ktap_done
