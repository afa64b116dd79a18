#!/bin/bash
# A firewall rule that answers an established TCP connection's segment
# with `reject with tcp reset` also closes the connection in the table
# (the kernel's nf_reject marks it closing): its entry goes to CLOSE with
# CLOSE's 10 s timeout at once, instead of lingering ESTABLISHED for
# days, and the client gets the RST.  kct shows what stock shows.
# kct-test-cost: 30
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
require_tool nft python3 socat

RUN=/tmp/kct-reject-reset

# entry TRACKER: the firewall's entry of the connection, countdown as T.
entry() {
	local line
	line=$(ns_cat $FW "$(diff_proc_table "$1")" |
		lines_with "sport=40007 dport=7000 ")
	kct_norm "$line"
}

# countdown TRACKER: the seconds the entry has left.
countdown() {
	kct_timeout "$(ns_cat $FW "$(diff_proc_table "$1")" |
		lines_with "sport=40007 dport=7000 ")"
}

# closed TRACKER: the entry is in CLOSE.
closed() {
	[[ $(entry "$1") == *" CLOSE "* ]]
}

# scenario TRACKER: the steps, one line each.
scenario() {
	local left
	rm -rf $RUN
	mkdir -p $RUN
	topo_create
	diff_tracker "$1"
	in_fw nft -f - <<NFT || echo "rules did not load"
table inet t {
	counter rejected {}
	chain forward {
		type filter hook forward priority filter; policy accept;
		# A ct rule from the start, so that stock tracks here at all.
		ct state new counter
	}
}
NFT
	in_sv socat TCP-LISTEN:7000,reuseaddr EXEC:cat >/dev/null 2>&1 &
	wait_for tcp_listening $SV 7000 || echo "the server did not listen"
	mkfifo $RUN/go
	in_cl python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], 7000), timeout=20,
                             source_address=("", 40007))
s.sendall(b"one\n")
print(s.recv(100).decode().strip(), flush=True)
open(sys.argv[2]).read()
try:
    s.sendall(b"two\n")
    print("answer: %r" % s.recv(100), flush=True)
except ConnectionResetError:
    print("reset", flush=True)
' "$SV4" $RUN/go >$RUN/out 2>&1 &
	wait_for grep -q one $RUN/out
	echo "before: $(entry "$1")"
	in_fw nft add rule inet t forward ct state established tcp dport 7000 \
		counter name rejected reject with tcp reset
	echo go >$RUN/go
	wait_for grep -q "reset\|answer" $RUN/out
	poll 5 closed "$1"
	left=$(countdown "$1")
	echo "after: $(entry "$1")"
	echo "the client: $(tail -n 1 $RUN/out)"
	echo "the rule rejected: $(nft_counter $FW inet t rejected)"
	echo "countdown within CLOSE's 10 s: $(in_range "$left" 0 10 && echo yes)"
	topo_destroy
}

diff_run scenario 5
diff_stock_shows "the client: reset" "the rule rejected: 1" \
	"countdown within CLOSE's 10 s: yes"
ktap_check "stock: ESTABLISHED before" grep -q " ESTABLISHED " <<<"${DIFF_STOCK[0]}"
ktap_check "stock: CLOSE after" grep -q " CLOSE " <<<"${DIFF_STOCK[1]}"
diff_compare
ktap_done
