#!/bin/bash
# The address in PORT, EPRT or a 227 reply must be its sender's own: a
# client naming a third host (PORT, EPRT over IPv4 and IPv6) or a server
# offering another host's address (vsftpd's pasv_address) makes no
# expectation, so that nobody can have the firewall open a door to a
# third party.  With loose=1 (set at run time, as stock's parameter) the
# same announcements make expectations for the address named.
# kct-test-cost: 39
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
require_tool nft vsftpd python3

OTHER4=203.0.113.5
OTHER6=2001:db8:3::5
OTHER6_FULL=2001:0db8:0003:0000:0000:0000:0000:0005

topo_create
ftp_load
FTP_EXTRA_CONF="pasv_address=$OTHER4" ftp_server 4
ftp_server 6
ftp_fw_nft

# announce SERVER STEP: one control connection that announces with STEP
# and quits; the server's answer (vsftpd refuses third-party PORTs) comes
# back through the firewall after the announcement went through it.
announce() {
	ftp_raw $CL "$1" -- login "$2" quit >"$FTP_DIR/announce.out" 2>&1
	grep -q '^error' "$FTP_DIR/announce.out" && cat "$FTP_DIR/announce.out"
	return 0
}

for loose in 0 1; do
	echo $loose >/sys/module/kct_ftp/parameters/loose
	want=0
	[ $loose = 1 ] && want=1

	announce $SV4 "cmd:PORT 203,0,113,5,$(port_args 50000)"
	ktap_expect "loose=$loose: PORT naming $OTHER4: $want expectation" $want \
		"$(kct_expect_count $FW "dst=$OTHER4 " "dport=50000 ")"
	announce $SV4 "cmd:EPRT |1|$OTHER4|50001|"
	ktap_expect "loose=$loose: EPRT naming $OTHER4: $want expectation" $want \
		"$(kct_expect_count $FW "dst=$OTHER4 " "dport=50001 ")"
	announce $SV6 "cmd:EPRT |2|$OTHER6|50002|"
	ktap_expect "loose=$loose: EPRT naming $OTHER6: $want expectation" $want \
		"$(kct_expect_count $FW "dst=$OTHER6_FULL " "dport=50002 ")"
	announce $SV4 pasv
	ktap_expect "loose=$loose: 227 offering $OTHER4: $want expectation" $want \
		"$(kct_expect_count $FW "src=$CL4 " "dst=$OTHER4 ")"
done
ktap_expect "the client's own address still makes one (loose=1)" 1 "$(
	announce $SV4 "cmd:PORT 192,0,2,2,$(port_args 50003)"
	kct_expect_count $FW "dst=$CL4 " "dport=50003 ")"
ktap_done
