#!/bin/bash
# net.netfilter.nf_conntrack_expect_max, stock's sysctl, is kct's limit
# on expectations too, read when an expectation is made: set to 2 after
# kct is loaded, three FTP control connections through the firewall each
# announce a data connection (PORT), and the firewall lists two
# expectations, exactly as stock does with the same sysctl, rules and
# commands.  (Stock also drops the PORT it has no room for, so its client
# retransmits it; kct's helper lets it through without an expectation.)
# kct-test-cost: 78
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
require_tool nft vsftpd python3 ss

LIMIT=2

# retransmitted: some control connection of the client has retransmitted
# (its PORT dropped by the firewall).
retransmitted() {
	in_cl ss -Htin state established '( dport = :21 )' | grep -q 'retrans:'
}

# announced N: the Nth control connection's PORT was answered, or the
# firewall dropped it (the client retransmits).
announced() {
	[ -e "$FTP_DIR/$1.$RUN" ] || retransmitted
}

# observe TABLE: three control connections, one after the other, each
# sending PORT once logged in and waiting there; prints the firewall's
# expectation table (countdowns as T), sorted, once each PORT was
# answered or dropped.
observe() {
	local n pids=()
	sysctl -qw net.netfilter.nf_conntrack_expect_max=$LIMIT
	for n in 1 2 3; do
		ftp_raw $CL $SV4 -- login \
			"cmd:PORT 192,0,2,2,$(port_args $((50000 + n)))" \
			"mark:$FTP_DIR/$n.$RUN" "wait:$FTP_DIR/go.$RUN" quit \
			>"$FTP_DIR/$n.$RUN.out" 2>&1 &
		pids+=($!)
		poll 60 announced $n ||
			ktap_note "$RUN: PORT $n neither answered nor dropped"
	done
	while IFS= read -r line; do
		exp_norm "$line"
	done < <(ip netns exec $FW cat "/proc/net/$1") | sort
	kill "${pids[@]}" 2>/dev/null
	wait "${pids[@]}" 2>/dev/null
}

topo_create
ftp_load
saved=$(sysctl -n net.netfilter.nf_conntrack_expect_max)
trap 'sysctl -qw net.netfilter.nf_conntrack_expect_max=$saved; topo_destroy
	rmmod nf_conntrack_ftp 2>/dev/null; rm_ftp_dir' EXIT
ftp_server 4
ftp_fw_nft

RUN=kct
mapfile -t k < <(observe kct_expect)
ktap_expect "kct: $LIMIT expectations listed, the third PORT had no room" \
	$LIMIT ${#k[@]}
ktap_expect "kct: those of the first two PORTs" \
	"dport=50001 dport=50002" \
	"$(printf '%s\n' "${k[@]}" | grep -o 'dport=5000[0-9]' | sort | tr '\n' ' ' |
		sed 's/ $//')"

# The same on stock: nf_conntrack and its own FTP helper, which the
# firewall's ct helper object then names.
ftp_fw_flush
wait_for rmmod kct_ftp && wait_for rmmod kct || ktap_note "rmmod kct_ftp kct failed"
modprobe nf_conntrack_ftp
ftp_fw_nft
RUN=stock
mapfile -t s < <(observe nf_conntrack_expect)
ktap_expect "stock: $LIMIT expectations listed" $LIMIT ${#s[@]}
ktap_expect "kct's table is stock's" "$(printf '%s\n' "${s[@]}")" \
	"$(printf '%s\n' "${k[@]}")"
ktap_done
