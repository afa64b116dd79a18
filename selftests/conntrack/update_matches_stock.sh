#!/bin/bash
# `conntrack -U` changes kct's entries as it changes stock's: the same
# entries (made with `conntrack -I`) and the same updates, once with stock
# nf_conntrack and its ctnetlink, once with kct, give the same exit
# status and message for each command and the same `conntrack -L` and
# /proc listing (countdowns aside).  The updates set a mark, a mark
# under a mask, ASSURED and FIXED_TIMEOUT, a timeout and a TCP state;
# stock refuses a new timeout on an entry with a fixed one (EPERM) and
# a status that would clear ASSURED (EBUSY), and so must kct.
# kct-test-cost: 30
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack nft

trap 'topo_destroy >/dev/null 2>&1; rm -f /tmp/kct-ct-*
	rmmod nf_conntrack_netlink 2>/dev/null' EXIT

ENTRIES="-I -p tcp -s $CL4 -d $SV4 --sport 42000 --dport 7000 --state ESTABLISHED -t 100 -u SEEN_REPLY
-I -p udp -s $CL4 -d $SV4 --sport 43000 --dport 5000 -t 100
-I -p tcp -s $CL4 -d $SV4 --sport 42002 --dport 7002 --state SYN_SENT -t 100
-I -p tcp -s $CL6 -d $SV6 --sport 42001 --dport 7001 --state ESTABLISHED -t 100 -m 3"

UPDATES="-U -p tcp --sport 42000 -m 7
-U -p tcp --sport 42001 -m 0x10/0x30
-U -p udp --sport 43000 -u ASSURED
-U -p udp --sport 43000 -u SEEN_REPLY
-U -p tcp --sport 42002 -u FIXED_TIMEOUT
-U -p tcp --sport 42002 -t 500
-U -p tcp --sport 42000 -t 300
-U -p tcp --sport 42000 --state FIN_WAIT
-U -p tcp --sport 42001 -u ASSURED,SEEN_REPLY
-U -p udp --sport 59999 -m 1"

# run_updates TABLE: the entries, each update with its output and
# status, then the listings; TABLE is the tracker's /proc file.
run_updates() {
	local args out rc line
	while IFS= read -r args; do
		# shellcheck disable=SC2086  # the line is the words of a command
		in_fw conntrack $args >/dev/null 2>&1 || echo "setup failed: conntrack $args"
	done <<<"$ENTRIES"
	while IFS= read -r args; do
		# shellcheck disable=SC2086
		out=$(in_fw conntrack $args 2>&1)
		rc=$?
		echo "conntrack $args: status $rc"
		sed -E 's/^([a-z0-9]+ +[0-9]+) +[0-9]+ /\1 T /' <<<"$out"
	done <<<"$UPDATES"
	echo "== conntrack -L"
	in_fw conntrack -L 2>&1 | ct_norm
	echo "== /proc"
	in_fw cat "/proc/net/$1" | while IFS= read -r line; do kct_norm "$line"; done | sort
	echo "== countdowns"
	line=$(in_fw grep 'sport=42000 ' "/proc/net/$1")
	echo "-t 300 applied: $(in_range "$(kct_timeout "$line")" 200 300 >/dev/null && echo yes || echo "no: $line")"
	line=$(in_fw grep 'sport=42002 ' "/proc/net/$1")
	echo "fixed timeout kept: $(in_range "$(kct_timeout "$line")" 0 100 >/dev/null && echo yes || echo "no: $line")"
}

topo_create
ct_stock
stock=$(run_updates nf_conntrack)
topo_destroy
nft flush ruleset
rmmod nf_conntrack_netlink

ct_load
topo_create
kct=$(run_updates kct)

ktap_check "stock updated the mark, ASSURED, FIXED_TIMEOUT and the timeout" \
	test "$(grep -c '1 flow entries have been updated' <<<"$stock")" -ge 5
part() {
	awk -v s="$1" 'BEGIN { on = (s == "") } /^== / { on = ($0 == "== " s); next } on'
}
for s in "" "conntrack -L" /proc countdowns; do
	ktap_expect "${s:-conntrack -U}: kct's output is stock's" \
		"$(part "$s" <<<"$stock")" "$(part "$s" <<<"$kct")"
done
ktap_done
