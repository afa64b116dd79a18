#!/bin/bash
# `conntrack -U` of several entries reads kct's replies as it reads
# stock's, stale ones included.  conntrack 1.4.7 asks for each entry it
# updates an update (NLM_F_ACK: one reply) and then a GET with NLM_F_ACK
# (two replies: the entry and an ACK) on one socket, but reads one reply
# per request: from the second entry on it reads the answer to an
# earlier request (fixed in conntrack 1.4.8, "do not set on NLM_F_ACK in
# IPCTNL_MSG_CT_GET requests").  Its requests carry time(NULL) as their
# sequence number, so a stale reply goes unnoticed within a second and
# is refused with EPROTO, "Operation failed: Protocol error", once the
# clock has moved on: the soak's "Protocol error" (issue 18).  The same
# three entries on stock nf_conntrack and on kct, in the same guest,
# updated under strace with each sendto delayed 1.1 s, so that every
# request has its own second: one entry (every reply current), then all
# three (two stale replies, "Protocol error" twice, the third entry
# left alone).  The exit status, the error lines, the marks after, and
# the sequence of requests and replies on the update socket (which
# request each reply answers) must be stock's; on stock the "Protocol
# error" must come from stale replies, not from a reply with a number
# no request carried.
# kct-test-cost: 105
# kct-test-tier: long
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
require_tool conntrack strace python3 nft

order=$(cd "$(dirname "$0")" && pwd)/nl_reply_order.py
trace=/tmp/kct-ct-stale-trace

# marked MARK: how many of the three entries have MARK (not which: the
# dump's order, the hash's, decides which an update stopped before).
marked() {
	in_fw conntrack -L -f ipv4 -p tcp --dport 7007 2>/dev/null | grep -c " mark=$1 "
}

# traced WHAT MARK ARGS...: conntrack ARGS (setting MARK) under strace,
# each sendto delayed 1.1 s; its status, error lines, the entries with
# MARK after and its requests and replies, each line starting with WHAT.
traced() {
	local what=$1 mark=$2 rc
	shift 2
	in_fw strace -o $trace -e trace=sendto,recvmsg -e signal=none \
		-e inject=sendto:delay_exit=1100000 \
		conntrack "$@" >/dev/null 2>/tmp/kct-ct-stale-err
	rc=$?
	echo "$what: status $rc"
	sed "s/^/$what: stderr: /" /tmp/kct-ct-stale-err
	echo "$what: entries with mark $mark after: $(marked "$mark")"
	python3 "$order" steps $trace | sed "s/^/$what: step: /"
	echo "$what: replies: $(python3 "$order" verdict $trace)"
}

scenario() {
	local p
	diff_tracker "$1"
	topo_create
	# Stock tracks the namespace once a rule uses conntrack.
	in_fw nft -f - <<'NFT'
table inet stale {
	chain f {
		type filter hook forward priority 0;
		ct state new accept
	}
}
NFT
	for p in 42001 42002 42003; do
		in_fw conntrack -I -p tcp -s $CL4 -d $SV4 --sport $p --dport 7007 \
			--state ESTABLISHED -u SEEN_REPLY,ASSURED -t 1000 >/dev/null 2>&1 ||
			echo "setup failed: conntrack -I --sport $p"
	done
	traced "one entry" 1 -U -f ipv4 -p tcp --sport 42001 --dport 7007 -m 1
	traced "three entries" 2 -U -f ipv4 -p tcp --dport 7007 -m 2
	topo_destroy
	nft flush ruleset
}

diff_run scenario 21
diff_stock_shows "one entry: status 0" \
	"one entry: replies: current 2 stale 0 foreign 0 refused 0" \
	"three entries: status 1" \
	"three entries: stderr: Operation failed: Protocol error" \
	"three entries: stderr: conntrack v1.4.7 (conntrack-tools): Operation failed: Protocol error" \
	"three entries: entries with mark 2 after: 2" \
	"three entries: replies: current 2 stale 2 foreign 0 refused 2"
diff_compare
ktap_done
