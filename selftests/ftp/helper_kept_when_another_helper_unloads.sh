#!/bin/bash
# A live FTP session keeps its helper when some other conntrack helper
# module comes and goes: loading and unloading nf_conntrack_tftp (which
# makes the kernel invalidate the extensions of connections not yet
# confirmed) during an open session, its PORT afterwards still makes its
# expectation and the data connection passes the policy-drop firewall as
# RELATED; the same sequence under stock nf_conntrack and
# nf_conntrack_ftp gives the same result.
# kct-test-cost: 29
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
require_tool nft vsftpd python3 modprobe rmmod

# session TRACKER: one session with tftp loaded and unloaded in its
# middle; prints the expectation count after its PORT and what the
# client saw.
session() {
	local d=$FTP_DIR/$1
	mkdir -p "$d"
	ftp_raw $CL $SV4 -- login listen:50000 "mark:$d/open" "wait:$d/go" \
		"cmd:PORT 192,0,2,2,$(port_args 50000)" "mark:$d/port" \
		"wait:$d/go2" cmd:NLST accept reply quit >"$d/out" 2>&1 &
	local pid=$!
	ftp_wait_file "$d/open" >/dev/null
	modprobe nf_conntrack_tftp && rmmod nf_conntrack_tftp || echo "tftp load/unload failed"
	touch "$d/go"
	ftp_wait_file "$d/port" >/dev/null
	if [ "$1" = kct ]; then
		echo "expectations=$(kct_expect_count $FW "dport=50000 ")"
	else
		echo "expectations=$(in_fw grep -c "dport=50000 " /proc/net/nf_conntrack_expect)"
	fi
	touch "$d/go2"
	wait $pid
	echo $(cat "$d/out") | grep -o 'reply 200 reply 150 data'
}

topo_create
ftp_server 4

# Stock first: nf_conntrack_ftp must not be loaded while kct_ftp is.
modprobe nf_conntrack_ftp
ftp_fw_nft
stock=$(session stock)
ftp_fw_flush
modprobe -r nf_conntrack_ftp

ftp_load
ftp_fw_nft
rel=$(nft_counter $FW inet fw related)
got=$(session kct)
ktap_expect "stock: the PORT after tftp came and went makes its expectation, the listing arrives" \
	"expectations=1 reply 200 reply 150 data" "$(echo $stock)"
ktap_expect "kct: the same" "expectations=1 reply 200 reply 150 data" "$(echo $got)"
ktap_expect "kct: the data connection was RELATED" $((rel + 1)) \
	"$(nft_counter $FW inet fw related)"
ktap_done
