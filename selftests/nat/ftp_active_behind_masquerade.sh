#!/bin/bash
# Active FTP from a client behind a NAT router: the router masquerades
# what leaves towards the server (nft "masquerade"), and the server can
# reach only the router's outside address (it has no route to the inside
# network).  The client's PORT (IPv4) or EPRT (IPv6) names its inside
# address; the FTP helper rewrites it to the router's outside address
# and a port the router expects, and the server's data connection to
# that address and port is translated back to the client.  With the
# helper assigned by an nft ct helper object, over IPv4 and over IPv6:
# - lftp (active mode, no fallback to passive) lists the server's files
#   and fetches a 1 MiB file through the router in one session, and it
#   arrives byte-identical;
# - the PORT or EPRT the server received names the router's outside
#   address;
# - a raw client's PORT or EPRT for port 50000, held back before the
#   server connects, shows one expectation: from the server to the
#   router's outside address, port 50000, the line stock shows;
# - conntrack -L expect shows it as stock does;
# - the data connection then comes, and its /proc line (original tuple
#   from the server to the router, reply tuple from the client) is the
#   line stock shows.
# Stock nf_conntrack with nf_conntrack_ftp and nf_nat_ftp, same rules and
# traffic in the same guest, gives the same.  Then, on kct: kct_nat_ftp
# unloads while an expectation it made is pending, which goes with it.
# kct-test-cost: 66
# kct-test-timeout: 900
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
. "$(dirname "$0")/../lib/ftp_nat.sh"
require_tool nft vsftpd lftp tcpdump python3 cmp conntrack

# The raw client's data port.
DPORT=50000

trap 'topo_destroy >/dev/null 2>&1; rm_ftp_dir; ftp_nat_unload' EXIT

# run TRACKER TABLE EXPECT_TABLE FAM: the checks on one tracker and
# family; leaves the expectation and data connection lines, normalised,
# in EXP_TRACKER_FAM and DATA_TRACKER_FAM.
run() {
	local t=$1 table=$2 exp_table=$3 fam=$4 sv=$SV4 host=$SV4 out line pid
	local data="src=$SV4 dst=$FW4_SV "
	local cmd="PORT ${CL4//./,},$(port_args $DPORT)" sent="PORT ${FW4_SV//./,},"
	if [ "$fam" = 6 ]; then
		sv=$SV6
		host="[$SV6]"
		cmd="EPRT |2|$CL6|$DPORT|"
		sent="EPRT |2|$FW6_SV_FULL|"
		data="src=$SV6_FULL dst=$FW6_SV_FULL "
	fi
	ktap_check "$t, IPv$fam: rules load" ftp_nat_masquerade_rules
	ftp_nat_sniff_start $SV sv0
	ktap_check "$t, IPv$fam: lftp, active mode: listing and 1 MiB through masquerade, byte-identical" \
		ftp_nat_lftp active "$host"
	ftp_nat_sniff_stop
	ktap_check "$t, IPv$fam: the server received a ${sent%% *} naming the router's outside address" \
		ftp_nat_sniffed "$sent"

	ftp_raw $CL "$sv" -- login listen:$DPORT "cmd:$cmd" \
		"mark:$FTP_DIR/$t$fam.held" "wait:$FTP_DIR/$t$fam.go" \
		cmd:NLST accept reply quit >"$FTP_DIR/$t$fam.out" 2>&1 &
	pid=$!
	if ftp_wait_file "$FTP_DIR/$t$fam.held" >/dev/null; then
		printf -v "EXP_${t}_$fam" '%s' "$(ftp_nat_expect "$exp_table")"
		printf -v "CTEXP_${t}_$fam" '%s' "$(ftp_nat_ct_expect $fam)"
	else
		ktap_fail "$t, IPv$fam: the raw client announced a data connection"
	fi
	touch "$FTP_DIR/$t$fam.go"
	wait $pid
	out=$(cat "$FTP_DIR/$t$fam.out")
	ktap_check "$t, IPv$fam: the server's data connection reached the client" \
		grep -q '^data [0-9]* bytes' <<<"$out"
	[[ $out == *'data '* ]] || ktap_note "$out"
	line=$(ip netns exec $FW cat /proc/net/$table | lines_with "$data" "dport=$DPORT ")
	printf -v "DATA_${t}_$fam" '%s' "$(ftp_nat_norm "$line" $DPORT)"
	in_fw nft flush ruleset
}

topo_create
# The server reaches the router's outside addresses only.
in_sv ip route del default
in_sv ip -6 route del default
ftp_server 4
ftp_server 6

# unload_pending: kct_nat_ftp unloads while a raw client's PORT is
# pending, and its expectation goes with it (it would call into the
# module when the data connection came).
unload_pending() {
	local pid
	ktap_check "kct: rules load again" ftp_nat_masquerade_rules
	ftp_raw $CL $SV4 -- login listen:$DPORT \
		"cmd:PORT ${CL4//./,},$(port_args $DPORT)" \
		"mark:$FTP_DIR/unload.held" "wait:$FTP_DIR/unload.go" \
		>/dev/null 2>&1 &
	pid=$!
	ktap_check "kct: a PORT is pending" ftp_wait_file "$FTP_DIR/unload.held"
	ktap_check "kct: one expectation listed" kct_expect_count_is $FW 1
	ktap_check "kct: rmmod kct_nat_ftp with the expectation pending" \
		rmmod kct_nat_ftp
	ktap_check "kct: the expectation went with it" kct_expect_count_is $FW 0
	touch "$FTP_DIR/unload.go"
	wait $pid
	in_fw nft flush ruleset
}

ftp_nat_load kct
run kct kct kct_expect 4
run kct kct kct_expect 6
unload_pending
ftp_nat_load stock
run stock nf_conntrack nf_conntrack_expect 4
run stock nf_conntrack nf_conntrack_expect 6

ktap_expect "stock, IPv4: the expectation listed" \
	"T l3proto = 2 proto=6 src=$SV4 dst=$FW4_SV sport=0 dport=$DPORT ftp" \
	"$EXP_stock_4"
ktap_expect "kct, IPv4: the expectation listed, as stock" "$EXP_stock_4" "$EXP_kct_4"
ktap_expect "stock, IPv6: the expectation listed" \
	"T l3proto = 10 proto=6 src=$SV6_FULL dst=$FW6_SV_FULL sport=0 dport=$DPORT ftp" \
	"$EXP_stock_6"
ktap_expect "kct, IPv6: the expectation listed, as stock" "$EXP_stock_6" "$EXP_kct_6"
ftp_nat_check_ctexp
ktap_expect "stock, IPv4: the data connection's line" \
	"tcp 6 T TIME_WAIT src=$SV4 dst=$FW4_SV sport=S dport=$DPORT src=$CL4 dst=$SV4 sport=$DPORT dport=S [ASSURED] mark=0 zone=0 use=2" \
	"$DATA_stock_4"
ktap_expect "kct, IPv4: the data connection's line, as stock" "$DATA_stock_4" "$DATA_kct_4"
ktap_expect "stock, IPv6: the data connection's line" \
	"tcp 6 T TIME_WAIT src=$SV6_FULL dst=$FW6_SV_FULL sport=S dport=$DPORT src=$CL6_FULL dst=$SV6_FULL sport=$DPORT dport=S [ASSURED] mark=0 zone=0 use=2" \
	"$DATA_stock_6"
ktap_expect "kct, IPv6: the data connection's line, as stock" "$DATA_stock_6" "$DATA_kct_6"
ktap_done
