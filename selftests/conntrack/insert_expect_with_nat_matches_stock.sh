#!/bin/bash
# An expectation created over ctnetlink with its NAT (what conntrackd
# commits after failing over a router that masquerades active FTP: the
# expectation nf_nat_ftp or kct_nat_ftp made on the peer, with
# CTA_EXPECT_NAT and CTA_EXPECT_FN "nat-follow-master") is created on kct
# as on stock, and the expected data connection is translated by it.
# The router masquerades towards the server and assigns the ftp helper
# to port 21 (stock: nf_conntrack_ftp and nf_nat_ftp; kct: kct_ftp and
# kct_nat_ftp); the master is a TCP connection from the client's port
# 40000 to the server's 21.  The request expects the server's connection
# to the router's outside address, port 50000, to be mapped to the
# client's port 50001 (the port the client announced before the
# rewrite).  Then one with the NAT but no function (listed, nothing to
# map) and one naming a function nobody registered (EINVAL).  The
# answers, `conntrack
# -L expect` and the expectation table in /proc are stock's; the
# server's connection to port 50000 reaches the client's port 50001,
# RELATED, and the router lists it as stock does.
# kct-test-cost: 61
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/ftp.sh"
. "$(dirname "$0")/../lib/ftp_nat.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
require_tool conntrack nft python3 socat

trap 'topo_destroy >/dev/null 2>&1; rm -f /tmp/kct-ct-*; ftp_nat_unload' EXIT

LIB=$(cd "$(dirname "$0")/../lib" && pwd)
MASK="255.255.255.255,255.255.255.255,0,65535"

# request PORT ARGS...: an expectation for the server's connection to
# the router's outside port PORT, on the master, with ARGS.
request() {
	in_fw python3 "$LIB/ctexp_new.py" "$CL4,$SV4,40000,21" \
		"$SV4,$FW4_SV,0,$1" "$MASK" --timeout 120 "${@:2}"
}

joined() { tr -s ' ' | sort | paste -sd'|'; }
# exp_lines: conntrack -L expect's lines, countdowns aside, on one line.
exp_lines() { grep -v '^conntrack v' | sed -E 's/^[0-9]+ /T /' | joined; }

scenario() {
	local exp_table

	exp_table=$([ "$1" = stock ] && echo nf_conntrack_expect || echo kct_expect)
	topo_create
	ftp_nat_load "$1"
	[ "$1" = stock ] && modprobe nf_conntrack_netlink
	ftp_nat_masquerade_rules || echo "rules did not load"
	in_sv socat TCP4-LISTEN:21,reuseaddr EXEC:"sleep $((120 * KCT_PATIENCE))" \
		>/dev/null 2>&1 &
	wait_for tcp_listening $SV 21
	in_cl socat -u EXEC:"sleep $((120 * KCT_PATIENCE))" TCP4:$SV4:21,sourceport=40000 \
		>/dev/null 2>&1 &
	wait_for tcp_established $CL 40000
	in_cl socat -u TCP4-LISTEN:50001,reuseaddr - >/tmp/kct-ct-data 2>&1 &
	wait_for tcp_listening $CL 50001

	# The ftp helper expects one connection per master: each created
	# expectation replaces the one before, the last one stays.
	echo "with NAT, no function: $(request 50002 --nat 50003 --nat-dir 1 --nat-addr 0.0.0.0)"
	echo "listed: $(in_fw conntrack -L expect 2>/dev/null | exp_lines)"
	echo "an unknown function: $(request 50004 --nat 50005 --nat-dir 1 --fn no-such-fn)"
	echo "with NAT, nat-follow-master: $(request 50000 --nat 50001 --nat-dir 1 \
		--nat-addr 0.0.0.0 --fn nat-follow-master)"
	echo "conntrack -L expect: $(in_fw conntrack -L expect 2>/dev/null | exp_lines)"
	echo "/proc: $(in_fw cat /proc/net/$exp_table | sed 's/^[0-9]* /T /' | joined)"

	echo data | in_sv socat -u - TCP4:$FW4_SV:50000,sourceport=45000,connect-timeout=$KCT_CLIENT_WAIT \
		2>/dev/null
	poll 10 grep -q data /tmp/kct-ct-data
	echo "the client's port 50001 got: $(cat /tmp/kct-ct-data)"
	echo "related packets: $(nft_counter $FW inet fw related)"
	echo "the data connection: $(in_fw conntrack -L -p tcp --orig-port-dst 50000 2>/dev/null |
		ct_norm | joined)"
	echo "expectations left: $(in_fw conntrack -L expect 2>/dev/null | exp_lines)"
	topo_destroy
	nft flush ruleset
	ftp_nat_unload
	rm -f /tmp/kct-ct-data
}

diff_run scenario 10
diff_stock_shows "with NAT, nat-follow-master: OK" "with NAT, no function: OK" \
	"an unknown function: EINVAL" "the client's port 50001 got: data"
ktap_check "stock: the data connection is mapped to the client's port 50001" \
	grep -q "^the data connection: .*src=$CL4 dst=$SV4 sport=50001 " \
	<(printf '%s\n' "${DIFF_STOCK[@]}")
diff_compare
ktap_done
