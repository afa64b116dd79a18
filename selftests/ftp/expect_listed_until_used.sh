#!/bin/bash
# /proc/net/kct_expect lists an expectation, in the format of
# /proc/net/nf_conntrack_expect, from the moment the firewall forwards the
# announcement until the data connection comes, and not after: PORT
# (IPv4), EPRT (IPv6) and PASV (227) announced by a raw client that holds
# the data connection back until the test has looked.  The data connection
# then shows in /proc/net/kct; stat counts one create and one new each.
# kct-test-cost: 27
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
require_tool nft vsftpd python3

topo_create
ftp_load
ftp_server 4
ftp_server 6
ftp_fw_nft

# one_case NAME HOST EXPECTED_LINE STEPS...: runs the raw client, which
# marks $FTP_DIR/NAME.held once the announcement was answered and waits
# for $FTP_DIR/NAME.go before connecting.
one_case() {
	local name=$1 host=$2 want=$3 out line n pid
	shift 3
	ftp_raw $CL "$host" -- login "$@" >"$FTP_DIR/$name.out" 2>&1 &
	pid=$!
	if ! ftp_wait_file "$FTP_DIR/$name.held"; then
		ktap_fail "$name: the client announced a data connection"
		ktap_note "$(cat "$FTP_DIR/$name.out")"
		return
	fi
	line=$(kct_expect $FW)
	n=$(printf '%s' "$line" | grep -c .)
	ktap_expect "$name: one expectation listed while held back" 1 "$n"
	# shellcheck disable=SC2001
	want=${want//PORT/$(sed -n 's/^\(pasv\|epsv\) //p' "$FTP_DIR/$name.out")}
	ktap_expect "$name: its line" "$want" "$(exp_norm "$line")"
	ktap_check "$name: its countdown starts at 300 s" \
		in_range "${line%% *}" $((300 - 4 * KCT_SLACK)) 300
	touch "$FTP_DIR/$name.go"
	wait $pid
	out=$(cat "$FTP_DIR/$name.out")
	ktap_check "$name: the data connection came" grep -q '^data [0-9]* bytes' <<<"$out"
	ktap_check "$name: the expectation is gone once used" kct_expect_wait_count $FW 0
}

before=$(kct_stat $FW expect_create)/$(kct_stat $FW expect_new)

one_case port4 $SV4 \
	"T l3proto = 2 proto=6 src=$SV4 dst=$CL4 sport=0 dport=50000 ftp" \
	listen:50000 "cmd:PORT 192,0,2,2,$(port_args 50000)" \
	"mark:$FTP_DIR/port4.held" "wait:$FTP_DIR/port4.go" \
	cmd:NLST accept reply quit
ktap_check "port4: the data connection is in /proc/net/kct" \
	kct_wait_entry $FW "src=$SV4 dst=$CL4" "dport=50000 "

one_case eprt6 $SV6 \
	"T l3proto = 10 proto=6 src=$SV6_FULL dst=$CL6_FULL sport=0 dport=50001 ftp" \
	listen:50001 "cmd:EPRT |2|$CL6|50001|" \
	"mark:$FTP_DIR/eprt6.held" "wait:$FTP_DIR/eprt6.go" \
	cmd:NLST accept reply quit
ktap_check "eprt6: the data connection is in /proc/net/kct" \
	kct_wait_entry $FW "src=$SV6_FULL dst=$CL6_FULL" "dport=50001 "

one_case pasv4 $SV4 \
	"T l3proto = 2 proto=6 src=$CL4 dst=$SV4 sport=0 dport=PORT ftp" \
	pasv "mark:$FTP_DIR/pasv4.held" "wait:$FTP_DIR/pasv4.go" \
	'raw:NLST\r\n' connect reply reply quit
port=$(sed -n 's/^pasv //p' "$FTP_DIR/pasv4.out")
ktap_check "pasv4: the data connection is in /proc/net/kct" \
	kct_wait_entry $FW "src=$CL4 dst=$SV4" "dport=$port "

ktap_expect "stat: 3 expectations created, 3 used" "$(
	echo "$before" | awk -F/ '{ print $1 + 3 "/" $2 + 3 }')" \
	"$(kct_stat $FW expect_create)/$(kct_stat $FW expect_new)"
ktap_done
