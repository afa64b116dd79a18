#!/bin/bash
# Passive FTP to a server behind a NAT router: clients connect to the
# router's address, which forwards port 21 to the server (nft "dnat"),
# and the clients can reach only the router (they have no route to the
# server's network).  The server's 227 (IPv4) names its own address and
# its 229 (IPv6) a port on it; the FTP helper rewrites the 227 to the
# router's address and a port the router expects (the 229 to that
# port), and the client's data connection to it is translated to the
# server.  With the helper assigned by an nft ct helper object before
# the DNAT rule runs, over IPv4 and over IPv6:
# - lftp (passive mode, no fallback to active, the 227 address taken as
#   given) lists the server's files and fetches a 1 MiB file through the
#   router in one session, and it arrives byte-identical;
# - the 227 the client received names the router's address;
# - a raw client's PASV or EPSV, held back before it connects, shows one
#   expectation: from the client to the router's address and the port
#   the client was given, the line stock shows;
# - conntrack -L expect shows it as stock does;
# - the data connection then comes, and its /proc line (original tuple
#   from the client to the router, reply tuple from the server) is the
#   line stock shows.
# Stock nf_conntrack with nf_conntrack_ftp and nf_nat_ftp, same rules and
# traffic in the same guest, gives the same.
# kct-test-cost: 54
# kct-test-timeout: 900
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
. "$(dirname "$0")/../lib/ftp_nat.sh"
require_tool nft vsftpd lftp tcpdump python3 cmp conntrack

trap 'topo_destroy >/dev/null 2>&1; rm_ftp_dir; ftp_nat_unload' EXIT

# nat_rules: policy drop in the forward path except the control port and
# what is established or related; the ftp helper assigned to the control
# connection before DNAT (priority -150) so that NAT finds it there;
# port 21 of the router's inside addresses forwarded to the server.
nat_rules() {
	in_fw nft -f - <<NFT
table inet fw {
	ct helper ftp-std { type "ftp" protocol tcp; }
	chain assign_helper {
		type filter hook prerouting priority -150; policy accept;
		tcp dport 21 ct helper set "ftp-std"
	}
	chain to_server {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr $FW4_CL tcp dport 21 dnat ip to $SV4
		ip6 daddr $FW6_CL tcp dport 21 dnat ip6 to $SV6
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		tcp dport 21 accept
		ct state established,related accept
	}
}
NFT
}

# run TRACKER TABLE EXPECT_TABLE FAM: the checks on one tracker and
# family; leaves the expectation and data connection lines, normalised
# (the port the client was given as P), in EXP_TRACKER_FAM and
# DATA_TRACKER_FAM.
run() {
	local t=$1 table=$2 exp_table=$3 fam=$4 fw=$FW4_CL host=$FW4_CL step=pasv
	local data="src=$CL4 dst=$FW4_CL " out line pid port ctexp
	if [ "$fam" = 6 ]; then
		fw=$FW6_CL
		host="[$FW6_CL]"
		step=epsv
		data="src=$CL6_FULL dst=$FW6_CL_FULL "
	fi
	ktap_check "$t, IPv$fam: rules load" nat_rules
	ftp_nat_sniff_start $CL cl0
	ktap_check "$t, IPv$fam: lftp, passive mode: listing and 1 MiB through DNAT, byte-identical" \
		ftp_nat_lftp passive "$host"
	ftp_nat_sniff_stop
	[ "$fam" = 4 ] &&
		ktap_check "$t, IPv4: the client received a 227 naming the router's address" \
			ftp_nat_sniffed "(${FW4_CL//./,},"

	ftp_raw $CL "$fw" -- login $step \
		"mark:$FTP_DIR/$t$fam.held" "wait:$FTP_DIR/$t$fam.go" \
		'raw:NLST\r\n' connect reply reply quit >"$FTP_DIR/$t$fam.out" 2>&1 &
	pid=$!
	if ftp_wait_file "$FTP_DIR/$t$fam.held" >/dev/null; then
		line=$(ftp_nat_expect "$exp_table")
		ctexp=$(ftp_nat_ct_expect $fam)
	else
		ktap_fail "$t, IPv$fam: the raw client asked for a data connection"
	fi
	touch "$FTP_DIR/$t$fam.go"
	wait $pid
	out=$(cat "$FTP_DIR/$t$fam.out")
	port=$(sed -n "s/^$step //p" <<<"$out")
	printf -v "EXP_${t}_$fam" '%s' "${line//dport=$port /dport=P }"
	printf -v "CTEXP_${t}_$fam" '%s' "${ctexp//dport=$port /dport=P }"
	ktap_check "$t, IPv$fam: the client's data connection reached the server" \
		grep -q '^data [0-9]* bytes' <<<"$out"
	[[ $out == *'data '* ]] || ktap_note "$out"
	line=$(ip netns exec $FW cat /proc/net/$table |
		lines_with "$data" "dport=$port ")
	line=$(ftp_nat_norm "$line" "$port")
	printf -v "DATA_${t}_$fam" '%s' "${line//=$port /=P }"
	in_fw nft flush ruleset
}

topo_create
# The client reaches the router's inside addresses only.
in_cl ip route del default
in_cl ip -6 route del default
ftp_server 4
ftp_server 6

ftp_nat_load kct
run kct kct kct_expect 4
run kct kct kct_expect 6
ftp_nat_load stock
run stock nf_conntrack nf_conntrack_expect 4
run stock nf_conntrack nf_conntrack_expect 6

ktap_expect "stock, IPv4: the expectation listed" \
	"T l3proto = 2 proto=6 src=$CL4 dst=$FW4_CL sport=0 dport=P ftp" \
	"$EXP_stock_4"
ktap_expect "kct, IPv4: the expectation listed, as stock" "$EXP_stock_4" "$EXP_kct_4"
ktap_expect "stock, IPv6: the expectation listed" \
	"T l3proto = 10 proto=6 src=$CL6_FULL dst=$FW6_CL_FULL sport=0 dport=P ftp" \
	"$EXP_stock_6"
ktap_expect "kct, IPv6: the expectation listed, as stock" "$EXP_stock_6" "$EXP_kct_6"
ftp_nat_check_ctexp
ktap_expect "stock, IPv4: the data connection's line" \
	"tcp 6 T TIME_WAIT src=$CL4 dst=$FW4_CL sport=S dport=P src=$SV4 dst=$CL4 sport=P dport=S [ASSURED] mark=0 zone=0 use=2" \
	"$DATA_stock_4"
ktap_expect "kct, IPv4: the data connection's line, as stock" "$DATA_stock_4" "$DATA_kct_4"
ktap_expect "stock, IPv6: the data connection's line" \
	"tcp 6 T TIME_WAIT src=$CL6_FULL dst=$FW6_CL_FULL sport=S dport=P src=$SV6_FULL dst=$CL6_FULL sport=P dport=S [ASSURED] mark=0 zone=0 use=2" \
	"$DATA_stock_6"
ktap_expect "kct, IPv6: the data connection's line, as stock" "$DATA_stock_6" "$DATA_kct_6"
ktap_done
