#!/bin/bash
# `conntrack -D` removes a connection, and the flow breaks as it does with
# stock: the firewall accepts SYNs and established traffic of the flow and
# drops the rest; after -D, the next data segment of the connection is no
# longer ESTABLISHED (stock and kct give it the same verdict, NEW or
# INVALID), is dropped and never reaches the server.  The same scenario
# runs against stock nf_conntrack with nf_conntrack_netlink first.  -D
# with filters deletes just what they select.
# kct-test-cost: 60
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack socat nft ss

rx=/tmp/kct-ct-rx go=/tmp/kct-ct-go
# scenario [keep]: what became of the first data segment after -D (with
# keep, no -D: the control).  The client holds its end open well past the
# counters being read: its FIN, retransmitted together with the dropped
# data, is INVALID mid-stream and would blur the verdict under test.
scenario() {
	rm -f $rx $go
	in_fw nft -f - 2>&1 <<'NFT'
table inet fw {
	counter cnew { }
	counter cinvalid { }
	chain filt {
		type filter hook forward priority 0; policy accept;
		tcp flags & (syn | ack) == syn accept
		tcp sport 42000 ct state new counter name cnew drop
		tcp sport 42000 ct state invalid counter name cinvalid drop
	}
}
NFT
	in_sv socat -u TCP4-LISTEN:7000,reuseaddr OPEN:$rx,creat,append >/dev/null 2>&1 &
	wait_for tcp_listening $SV 7000
	(sh -c "echo one; while [ ! -e $go ]; do sleep 0.2; done; echo two; sleep 30" |
		in_cl socat -u - TCP4:$SV4:7000,sourceport=42000) >/dev/null 2>&1 &
	wait_for grep -q one $rx
	ct_tcp_hold 4 42001 7001 20
	if [ "$1" != keep ]; then
		out=$(in_fw conntrack -D -p tcp --sport 42000 2>&1)
		grep -q "1 flow entries have been deleted" <<<"$out" || echo "-D failed: $out"
	fi
	in_fw conntrack -L -p tcp 2>/dev/null | grep -q "sport=42001 " || echo "42001 gone"
	touch $go
	sleep 4
	grep -q two $rx && echo "the data reached the server"
	for c in new invalid; do
		in_fw nft list counter inet fw c$c | grep -q "packets [1-9]" && echo "state=$c"
	done
	topo_destroy
	nft flush ruleset
}

topo_create
ct_stock
stock=$(scenario)
rmmod nf_conntrack_netlink
ct_load
topo_create
kct=$(scenario)
ktap_check "stock: after -D the next segment was NEW or INVALID, and dropped" \
	grep -qx "state=new\|state=invalid" <<<"$stock"
ktap_check "... -D deleted only that connection; the data never arrived" \
	test "$(grep -vc '^state=' <<<"$stock")" = 0
ktap_expect "kct: the same" "$stock" "$kct"
topo_create
ktap_expect "control, kct without -D: the data arrives" \
	"the data reached the server" "$(scenario keep)"
ktap_done
