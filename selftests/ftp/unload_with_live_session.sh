#!/bin/bash
# kct_ftp unloads cleanly under a live FTP session with a pending
# expectation, once no rule refers to it any more (while one does, the
# rule holds the module and rmmod fails): the expectation goes, the
# control connection stays tracked without its helper and keeps working,
# and its next data connection is no longer expected.  Loading kct_ftp
# again gives a working helper.
# kct-test-cost: 37
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
require_tool nft vsftpd python3 rmmod

topo_create
ftp_load
ftp_server 4
ftp_fw_nft

ftp_raw $CL $SV4 -- login listen:50000 "cmd:PORT 192,0,2,2,$(port_args 50000)" \
	"mark:$FTP_DIR/held" "wait:$FTP_DIR/go" cmd:NOOP 'raw:NLST\r\n' reply \
	quit >"$FTP_DIR/a.out" 2>&1 &
pid=$!
ftp_wait_file "$FTP_DIR/held" >/dev/null
ktap_expect "the expectation is pending" 1 "$(kct_expect_count $FW "dport=50000 ")"
ktap_check "while an nft ct helper object uses it, rmmod kct_ftp fails" \
	not rmmod kct_ftp

# Keep the firewall's policy, without the helper.
ftp_fw_flush
ftp_fw_nft nohelper
ktap_check "with no rule using it, rmmod kct_ftp succeeds" rmmod kct_ftp
ktap_expect "the expectation is gone" 0 "$(kct_expect_count $FW)"
ktap_check "the control connection is still tracked" \
	kct_wait_entry $FW "src=$CL4 dst=$SV4" "dport=21 "
touch "$FTP_DIR/go"
wait $pid
out=$(cat "$FTP_DIR/a.out")
ktap_expect "the live session still works (NOOP answered), its data connection fails (425)" \
	"reply 200 reply 425 reply 221" \
	"$(echo $out | grep -o 'reply 200 reply 425 reply 221')"

ktap_check "kct_ftp loads again" modprobe kct_ftp
ftp_fw_flush
ftp_fw_nft
ktap_check "and works: PORT listing and transfer" ftp_transfer_ok port 4
ktap_done
