#!/bin/bash
# `conntrack -I expect` creates an expectation in kct as it does in
# stock: the same commands, once with stock nf_conntrack (its ctnetlink
# and FTP helper), once with kct (kct_ftp), give the same exit status and
# message, the same `conntrack -L expect` listing (countdowns aside) and
# the same data connection.  The master is an FTP control connection
# through a firewall that assigns the ftp helper; an expectation for the
# server's connection back to the client's port 50000 is created on it,
# then the server connects there: the policy-drop firewall passes it as
# RELATED.  As stock's: an expectation lives for the helper's timeout,
# not the request's -t; one created on a master the helper already
# expects for replaces that one (the ftp helper's max_expected is 1); a
# master without a helper is refused (EOPNOTSUPP), a missing one too
# (ENOENT), an expectation that exists already with NLM_F_EXCL (EEXIST,
# what conntrack sends), a class the helper does not have (EINVAL); the
# same request without NLM_F_EXCL (conntrackd's) sets the existing one's
# countdown to its CTA_EXPECT_TIMEOUT (the largest, 2^32 - 1 s, wraps
# into the past in stock's 32-bit expiry: the expectation goes); a
# helper name in the request is not checked; NF_CT_EXPECT_PERMANENT
# keeps the expectation after a connection used it, and it is listed
# with that flag.
# kct-test-cost: 97
# kct-test-tier: long
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
require_tool conntrack nft python3 socat

LIB=$(cd "$(dirname "$0")/../lib" && pwd)
MASTER="-p tcp -s $CL4 -d $SV4 --sport 40000 --dport 21"
MASK="--mask-src 255.255.255.255 --mask-dst 255.255.255.255 --mask-port-src 0 --mask-port-dst 65535"

# exp_args DPORT: the expected connection, the server's to the client's
# DPORT from any port.
exp_args() {
	echo "--tuple-src $SV4 --tuple-dst $CL4 --tuple-port-src 0 --tuple-port-dst $1 $MASK -t 200"
}

# cli ARGS...: a conntrack command in the firewall, its status and
# message on one line.
cli() {
	local out rc
	# shellcheck disable=SC2068  # the words of a command
	out=$(in_fw conntrack $@ 2>&1)
	rc=$?
	echo "conntrack $*: status $rc: $out"
}

# raw DPORT [ARGS...]: the same request from a program (ctexp_new.py),
# on the master of port 40000 unless ARGS name another.
raw() {
	local dport=$1
	shift
	in_fw python3 "$LIB/ctexp_new.py" "$CL4,$SV4,40000,21" \
		"$SV4,$CL4,0,$dport" "255.255.255.255,255.255.255.255,0,65535" "$@" 2>&1
}

# listing: conntrack -L expect, countdowns as T, sorted.
listing() {
	in_fw conntrack -L expect 2>/dev/null | grep -v '^conntrack v' |
		sed -E 's/^[0-9]+ /T /' | sort | tr '\n' '|'
}

# countdown DPORT: the countdown of the expectation for DPORT.
countdown() {
	in_fw conntrack -L expect 2>/dev/null | grep "dport=$1 mask" | cut -d' ' -f1
}

# connect DPORT: the server connects to the client's DPORT; passed or
# dropped, and how many packets the firewall counted RELATED.
connect() {
	local lpid rel verdict=dropped
	ip netns exec $CL socat -u TCP4-LISTEN:$1,reuseaddr OPEN:/dev/null &
	lpid=$!
	wait_for tcp_listening $CL "$1"
	rel=$(nft_counter $FW inet fw related)
	in_sv socat -u OPEN:/dev/null \
		TCP4:$CL4:$1,connect-timeout=$((3 * KCT_PATIENCE)) 2>/dev/null &&
		verdict=passed
	kill $lpid 2>/dev/null
	wait $lpid 2>/dev/null
	echo "$verdict, RELATED packets: $(($(nft_counter $FW inet fw related) - rel))"
}

# scenario TRACKER: the steps, one line each.
scenario() {
	local left
	topo_create
	diff_tracker_ftp "$1"
	ftp_fw_nft
	ct_tcp_hold 4 40000 21
	in_fw conntrack -I -p tcp -s $CL4 -d $SV4 --sport 40002 --dport 7000 \
		--state ESTABLISHED -t 100 -u ASSURED,SEEN_REPLY >/dev/null 2>&1

	# shellcheck disable=SC2046  # the words of a command
	cli -I expect -p tcp -s $CL4 -d $SV4 --sport 40002 --dport 7000 $(exp_args 50000)
	# shellcheck disable=SC2046
	cli -I expect -p tcp -s $CL4 -d $SV4 --sport 40001 --dport 21 $(exp_args 50000)
	echo "class 1: $(raw 50000 --class 1)"
	echo "helper name nosuch: $(raw 50002 --helper nosuch)"
	echo "listed: $(listing)"
	# shellcheck disable=SC2046
	cli -I expect $MASTER $(exp_args 50000)
	echo "listed: $(listing)"
	# shellcheck disable=SC2046
	cli -I expect $MASTER $(exp_args 50000)
	# conntrack 1.4.7 sends no protocol in the expected tuple: stock
	# lists it with a stray one; a program's request names TCP.
	echo "from a program: $(raw 50000)"
	echo "again: $(raw 50000)"
	echo "again without NLM_F_EXCL, timeout 1000: $(raw 50000 --no-excl --timeout 1000)"
	left=$(countdown 50000)
	echo "its countdown is above 900: $([ "${left:-0}" -gt 900 ] && echo yes || echo "no ($left)")"
	echo "the server connects to port 50000: $(connect 50000)"
	# The most a request can ask, 2^32 - 1 s: stock computes the expiry
	# in 32 bits, where it wraps into the past.
	echo "for port 50001: $(raw 50001)"
	echo "again without NLM_F_EXCL, timeout 4294967295: $(raw 50001 --no-excl --timeout 4294967295)"
	echo "listed after it: $([ -n "$(countdown 50001)" ] && echo yes || echo no)"
	echo "listed: $(listing)"
	echo "PERMANENT for port 50003: $(raw 50003 --flags 1)"
	echo "listed: $(listing)"
	echo "the server connects to port 50003: $(connect 50003)"
	echo "listed: $(listing)"
	echo "the server connects to port 50003 again: $(connect 50003)"
	echo "a port nobody expects: $(connect 50004)"
	topo_destroy
}

diff_run scenario 23
ktap_expect "stock: the expected connection was RELATED" \
	"the server connects to port 50000: passed, RELATED packets: 1" "${DIFF_STOCK[12]}"
diff_compare
rmmod kct_ftp 2>/dev/null
rmmod nf_conntrack_ftp 2>/dev/null
rm_ftp_dir
ktap_done
