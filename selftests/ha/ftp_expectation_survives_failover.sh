#!/bin/bash
# An FTP session's pending data connection survives the failover of a
# firewall pair that syncs connections and expectations with conntrackd
# (FT-FW, ExpectationSync On; otherwise as in
# tcp_session_survives_failover.sh).  Both routers give port 21 the ftp
# helper and let a connection from the server's side in only as related.
# Two active-mode FTP sessions log in through r1 and send PORT: r1
# expects the server's data connections and r2's external cache holds
# both expectations (conntrackd -e expect).  The routes move to r2.
# Before any commit, one session's LIST fails (425): r2 drops the
# server's data connection (the control).  After `conntrackd -c` on r2,
# r2 lists the other session's expectation (conntrack -L expect) and its
# LIST transfers the listing through r2, as related.  Run on stock
# nf_conntrack with nf_conntrack_ftp and on kct with kct_ftp in the same
# guest: the same results.
# kct-test-cost: 99
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
. "$(dirname "$0")/../lib/ftp.sh"
. "$(dirname "$0")/../lib/ha.sh"
require_tool conntrackd conntrack nft vsftpd python3

# shellcheck disable=SC2034 # read by lib/ha.sh (ha_conf)
HA_SYNC_OPTIONS="ExpectationSync On"

# client NAME PORT: an active-mode FTP session through the routers,
# receiving its data connection on PORT once /tmp/kct-ha-NAME.go exists;
# marks /tmp/kct-ha-NAME.ported after its PORT command; its lines in
# /tmp/kct-ha-NAME.ftp.
client() {
	local p1=$(($2 / 256)) p2=$(($2 % 256)) data=()
	[ "$1" = kept ] && data=(accept reply)
	ftp_raw $HA_CL $HA_SV4 -- login "listen:$2" "cmd:PORT 192,0,2,2,$p1,$p2" \
		"mark:/tmp/kct-ha-$1.ported" "wait:/tmp/kct-ha-$1.go" cmd:LIST \
		"${data[@]}" quit >/tmp/kct-ha-$1.ftp 2>&1 &
}

# expected N PORT WHICH: router N's conntrackd cache WHICH (-i or -e)
# holds the expectation of a data connection to the client's PORT.
expected() {
	ctd "$1" "$3" expect 2>/dev/null | grep -q "dst=$HA_CL4 .*dport=$2 "
}
r2_expects() {
	ha_r 2 conntrack -L expect 2>/dev/null | grep -q "dst=$HA_CL4 .*dport=$1 "
}
r2_controls() {
	[ "$(ha_r 2 conntrack -L -p tcp --dport 21 2>/dev/null | grep -c 'dport=21 ')" -ge "$1" ]
}
finished() { grep -qE '^(reply 221|error)' /tmp/kct-ha-$1.ftp; }

ftp_failover() {
	local n drop

	ha_setup "$1" ftp
	for n in 1 2; do
		ha_r $n nft -f - <<'NFT'
table inet hahelper {
	ct helper ftp { type "ftp" protocol tcp; }
	chain pre {
		type filter hook prerouting priority 0;
		tcp dport 21 ct helper set "ftp"
	}
}
NFT
	done
	SV=$HA_SV SV4=$HA_SV4 ftp_server 4
	client kept 40000
	client control 40001
	echo "the session sent PORT through r1: $(yes_no poll 30 test -e /tmp/kct-ha-kept.ported)"
	echo "the control session sent PORT through r1: $(yes_no poll 30 test -e /tmp/kct-ha-control.ported)"
	echo "r1's internal cache holds the expectation: $(yes_no poll 20 expected 1 40000 -i)"
	echo "r2's external cache holds the expectation: $(yes_no poll 20 expected 2 40000 -e)"
	echo "r2's external cache holds the control expectation: $(yes_no poll 20 expected 2 40001 -e)"

	ha_via 2
	ctd 2 -c ct >/dev/null 2>&1
	echo "conntrackd -c ct in r2: status $?"
	echo "r2's kernel table holds the session's control connection: $(yes_no poll 10 r2_controls 2)"
	echo "r2 expects nothing after committing only the connections: $(yes_no not r2_expects 40000)"
	drop=$(ha_counter 2 dropped)
	touch /tmp/kct-ha-control.go
	poll 45 finished control
	echo "without the expectations' commit, the control session's LIST: $(grep '^reply' /tmp/kct-ha-control.ftp | sed -n 2p)"
	echo "r2 dropped the server's data connection: $(yes_no ha_counted_more 2 dropped "$drop")"

	ctd 2 -c expect >/dev/null 2>&1
	echo "conntrackd -c expect in r2: status $?"
	echo "r2 expects the data connection after the commit: $(yes_no poll 10 r2_expects 40000)"
	echo "r2 lists the expectation as: $(ha_r 2 conntrack -L expect 2>/dev/null | grep "dport=40000 " | sed -E 's/^[0-9]+ /T /; s/sport=[0-9]+ dport=21 /sport=P dport=21 /')"
	echo "r2's committed control connections carry the ftp helper: $(ha_r 2 conntrack -L -p tcp --dport 21 2>/dev/null | grep -c 'dport=21 .*helper=ftp')"
	touch /tmp/kct-ha-kept.go
	poll 30 finished kept
	echo "after the commit, the session's LIST: $(grep -E '^(reply|data)' /tmp/kct-ha-kept.ftp | sed -n 2,4p | tr '\n' ' ')"
	echo "r2 tracks the data connection as related to the session: $(ha_r 2 conntrack -L -p tcp --dport 40000 2>/dev/null | grep -c 'dport=40000 ')"

	ha_teardown
}

diff_run ftp_failover 18
diff_stock_shows "conntrackd runs in r1: yes" "conntrackd runs in r2: yes" \
	"the session sent PORT through r1: yes" \
	"r1's internal cache holds the expectation: yes" \
	"r2's external cache holds the expectation: yes" \
	"r2's external cache holds the control expectation: yes" \
	"conntrackd -c ct in r2: status 0" \
	"r2's kernel table holds the session's control connection: yes" \
	"r2 expects nothing after committing only the connections: yes" \
	"without the expectations' commit, the control session's LIST: reply 425" \
	"r2 dropped the server's data connection: yes" \
	"conntrackd -c expect in r2: status 0" \
	"r2 expects the data connection after the commit: yes" \
	"r2's committed control connections carry the ftp helper: 2"
ktap_check "stock: after the commit, the session's LIST transferred the listing" \
	grep -qE "^after the commit, the session's LIST: reply 150 data [1-9][0-9]* bytes reply 226" \
	<(printf '%s\n' "${DIFF_STOCK[@]}")
diff_compare
ktap_done
