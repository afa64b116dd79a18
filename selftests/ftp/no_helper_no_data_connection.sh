#!/bin/bash
# Helpers are never assigned automatically: with kct_ftp loaded but no
# assignment rule, the same firewall (policy drop, control port accepted,
# otherwise only established and related) lets the control connection
# through but no data connection, passive or active, IPv4 or IPv6, with
# nft or iptables rules; no expectation is ever made.
# kct-test-cost: 70
# kct-test-tier: long
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
require_tool nft iptables ip6tables vsftpd curl

topo_create
ftp_load
ftp_server 4
ftp_server 6

# no_data MODE FAM: the client logs in (the control connection works) but
# the transfer fails.
no_data() {
	local out
	if out=$(ftp_curl "$1" "$2" hello.txt -v -m $((15 * KCT_PATIENCE)) 2>&1); then
		echo "the transfer succeeded"
		return 1
	fi
	if ! grep -q '^< 230' <<<"$out"; then
		echo "no login; curl said:"
		tail -n 5 <<<"$out"
		return 1
	fi
}

# said_and_returned FILE RC: a finished session's output and status.
said_and_returned() {
	cat "$1"
	return "$2"
}
declare -A pid
for rules in nft iptables; do
	ftp_fw_flush
	ftp_fw_$rules nohelper
	# The four sessions run side by side: each waits out curl's time
	# for a data connection that never comes.
	for case in pasv:4 port:4 epsv:6 eprt:6; do
		no_data ${case%:*} ${case#*:} >/tmp/kct-nodata-${case%:*} 2>&1 &
		pid[$case]=$!
	done
	for case in pasv:4 port:4 epsv:6 eprt:6; do
		mode=${case%:*} fam=${case#*:}
		wait "${pid[$case]}"
		ktap_check "$rules, no assignment, $mode IPv$fam: logged in, the data connection fails" \
			said_and_returned /tmp/kct-nodata-$mode $?
	done
	ktap_expect "$rules, no assignment: nothing was related" \
		"related=0 related=0" \
		"$(ftp_counts $rules 4 | cut -d' ' -f1) $(ftp_counts $rules 6 | cut -d' ' -f1)"
done
ktap_expect "no expectation was made" 0 "$(kct_stat $FW expect_create)"
ktap_done
