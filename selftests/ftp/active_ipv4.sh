#!/bin/bash
# Active FTP over IPv4 (PORT): the server opens the data connection back to the client,
# through a firewall with policy drop that accepts the control port and
# otherwise only established and related packets: with the helper
# assigned (nft ct helper object, then ip(6)tables -j CT --helper ftp) a
# listing and a 1 MB transfer succeed and the file arrives byte-identical;
# each data connection's first packet is the only related one, all its
# others are established.
# kct-test-cost: 49
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
require_tool nft iptables ip6tables vsftpd curl cmp

topo_create
ftp_load
ftp_server 4

for rules in nft iptables; do
	ftp_fw_flush
	ftp_fw_$rules
	before=$(ftp_counts $rules 4)
	ktap_check "$rules: PORT listing and 1 MB transfer, byte-identical" \
		ftp_transfer_ok port 4
	sleep 0.5
	ktap_check "$rules: 2 data connections, 1 related packet each, the rest established" \
		ftp_counts_ok "$before" "$(ftp_counts $rules 4)" 2
done
ktap_done
