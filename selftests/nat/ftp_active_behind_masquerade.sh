#!/bin/bash
# Active FTP from a client behind a NAT router: the router masquerades
# what leaves towards the server (nft "masquerade"), and the server can
# reach only the router's outside address (it has no route to the inside
# network).  The client's PORT names its inside address; the FTP helper
# rewrites it to the router's outside address and a port the router
# expects, and the server's data connection to that address and port is
# translated back to the client.  With the helper assigned by an nft ct
# helper object:
# - lftp (active mode, no fallback to passive) fetches a 1 MiB file
#   through the router and it arrives byte-identical;
# - the PORT the server received names the router's outside address;
# - a raw client's PORT for port 50000, held back before the server
#   connects, shows one expectation: from the server to the router's
#   outside address, port 50000, the line stock shows;
# - the data connection then comes, and its /proc line (original tuple
#   from the server to the router, reply tuple from the client) is the
#   line stock shows.
# Stock nf_conntrack with nf_conntrack_ftp and nf_nat_ftp, same rules and
# traffic in the same guest, gives the same.
# kct-test-cost: 60
# kct-test-timeout: 600
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
require_tool nft vsftpd lftp tcpdump python3 cmp

# The raw client's data port.
DPORT=50000

trap 'topo_destroy >/dev/null 2>&1; rm_ftp_dir' EXIT

# nat_rules: policy drop in the forward path except the control port and
# what is established or related; the ftp helper assigned to the control
# connection; masquerade towards the server.
nat_rules() {
	in_fw nft -f - <<'NFT'
table inet fw {
	ct helper ftp-std { type "ftp" protocol tcp; }
	chain prerouting {
		type filter hook prerouting priority filter; policy accept;
		tcp dport 21 ct helper set "ftp-std"
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		tcp dport 21 accept
		ct state established,related accept
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "fw1" masquerade
	}
}
NFT
}

# sniff_start / sniff_stop: what the server's side of the link carries
# on port 21, as text, in $FTP_DIR/sniff.
sniff_start() {
	rm -f "$FTP_DIR/sniff" "$FTP_DIR/sniff.err"
	in_sv tcpdump -i sv0 -l -n -A -s 0 tcp port 21 \
		>"$FTP_DIR/sniff" 2>"$FTP_DIR/sniff.err" &
	SNIFF=$!
	wait_for grep -q 'listening on' "$FTP_DIR/sniff.err"
}
sniff_stop() {
	kill "$SNIFF" 2>/dev/null
	wait "$SNIFF" 2>/dev/null
}

# lftp_get: lftp in the client, active mode only, fetches the 1 MiB
# file; byte-identical or says what went wrong.
lftp_get() {
	local out=$FTP_DIR/got
	rm -f "$out"
	in_cl lftp -c "set ftp:passive-mode off; set ftp:auto-passive-mode off
set ftp:fix-pasv-address off; set net:max-retries 1
set net:timeout $((20 * KCT_PATIENCE)); set xfer:clobber on
open ftp://$SV4; get $FTP_BIG -o $out" 2>&1 || return 1
	cmp "$FTP_DIR/pub/$FTP_BIG" "$out"
}

# port_seen: the server received a PORT naming the router's outside
# address.
port_seen() {
	grep -q "PORT ${FW4_SV//./,}," "$FTP_DIR/sniff" && return 0
	echo "PORT lines the server received:"
	grep -o 'PORT [0-9,]*' "$FTP_DIR/sniff"
	return 1
}

# run TRACKER TABLE EXPECT_TABLE: the checks on one tracker; leaves the
# normalised expectation and data connection lines in EXP_TRACKER and
# DATA_TRACKER.
run() {
	local t=$1 table=$2 exp_table=$3 out line pid
	ktap_check "$t: rules load" nat_rules
	sniff_start
	ktap_check "$t: lftp, active mode: 1 MiB through masquerade, byte-identical" \
		lftp_get
	sniff_stop
	ktap_check "$t: the server received a PORT naming the router's outside address" \
		port_seen

	ftp_raw $CL $SV4 -- login listen:$DPORT \
		"cmd:PORT ${CL4//./,},$(port_args $DPORT)" \
		"mark:$FTP_DIR/$t.held" "wait:$FTP_DIR/$t.go" \
		cmd:NLST accept reply quit >"$FTP_DIR/$t.out" 2>&1 &
	pid=$!
	if ftp_wait_file "$FTP_DIR/$t.held" >/dev/null; then
		line=$(ip netns exec $FW cat /proc/net/$exp_table)
		printf -v "EXP_$t" '%s' "$(exp_norm "$line")"
	else
		ktap_fail "$t: the raw client announced a data connection"
	fi
	touch "$FTP_DIR/$t.go"
	wait $pid
	out=$(cat "$FTP_DIR/$t.out")
	ktap_check "$t: the server's data connection reached the client" \
		grep -q '^data [0-9]* bytes' <<<"$out"
	[[ $out == *'data '* ]] || ktap_note "$out"
	line=$(ip netns exec $FW cat /proc/net/$table |
		lines_with "src=$SV4 dst=$FW4_SV " "dport=$DPORT ")
	printf -v "DATA_$t" '%s' "$(data_norm "$line")"
	in_fw nft flush ruleset
}

# data_norm LINE: a data connection's line without its countdown and
# the server's source port.
data_norm() {
	echo "$1" | tr -s ' ' | sed -E 's/^(ipv[46] [0-9]+ )?(tcp 6) [0-9]+ /\2 T /' |
		sed -E "s/ sport=[0-9]+ dport=$DPORT / sport=S dport=$DPORT /;
			s/ sport=$DPORT dport=[0-9]+ / sport=$DPORT dport=S /"
}

topo_create
# The server reaches the router's outside address only.
in_sv ip route del default
ftp_server 4

rmmod nf_nat_ftp nf_conntrack_ftp 2>/dev/null
ftp_load
if ! modprobe kct_nat_ftp; then
	ktap_fail "modprobe kct_nat_ftp"
fi
run kct kct kct_expect
rmmod kct_nat_ftp kct_ftp kct 2>/dev/null

if ! modprobe nf_nat_ftp; then
	ktap_fail "modprobe nf_nat_ftp"
	ktap_done
fi
run stock nf_conntrack nf_conntrack_expect

ktap_expect "stock: the expectation listed" \
	"T l3proto = 2 proto=6 src=$SV4 dst=$FW4_SV sport=0 dport=$DPORT ftp" \
	"$EXP_stock"
ktap_expect "kct: the expectation listed, as stock" "$EXP_stock" "$EXP_kct"
ktap_expect "stock: the data connection's line" \
	"tcp 6 T TIME_WAIT src=$SV4 dst=$FW4_SV sport=S dport=$DPORT src=$CL4 dst=$SV4 sport=$DPORT dport=S [ASSURED] mark=0 zone=0 use=2" \
	"$DATA_stock"
ktap_expect "kct: the data connection's line, as stock" "$DATA_stock" "$DATA_kct"
rmmod nf_nat_ftp nf_conntrack_ftp 2>/dev/null
ktap_done
