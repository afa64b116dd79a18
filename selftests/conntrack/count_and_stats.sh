#!/bin/bash
# `conntrack -C` prints how many connections kct tracks in the namespace
# and `conntrack -S` prints kct's per-CPU counters, one line per CPU,
# the same numbers /proc/net/stat/kct shows.
# kct-test-cost: 24
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack socat ss

ct_load
topo_create
ct_traffic
ktap_expect "conntrack -C: the number of lines of /proc/net/kct" \
	"$(in_fw cat /proc/net/kct | wc -l)" "$(in_fw conntrack -C)"
ktap_expect "... which is 5" 5 "$(in_fw conntrack -C)"
ktap_expect "conntrack -C in the server's namespace counts its own table" \
	"$(in_sv cat /proc/net/kct | wc -l)" "$(in_sv conntrack -C)"

stats=$(in_fw conntrack -S)
ktap_expect "conntrack -S: one line per CPU" "$(nproc)" \
	"$(grep -c '^cpu=' <<<"$stats")"
# sum_field NAME: the total of NAME= over the CPU lines.
sum_field() { grep -o "[[:space:]]$1=[0-9]*" <<<"$stats" | awk -F= '{ s += $2 } END { print s }'; }
# proc_sum COLUMN: the total of a /proc/net/stat/kct column (hex per CPU).
proc_sum() {
	local head line i col= s=0 f
	{
		read -r -a head
		for i in "${!head[@]}"; do
			[ "${head[$i]}" = "$1" ] && col=$i
		done
		while read -r -a f; do
			s=$((s + 16#${f[$col]}))
		done
	} < <(in_fw cat /proc/net/stat/kct)
	echo $s
}
for f in found invalid insert insert_failed drop early_drop; do
	ktap_expect "conntrack -S $f= sums to /proc/net/stat/kct's $f" \
		"$(proc_sum $f)" "$(sum_field $f)"
done
ktap_check "... and insert counted the five connections" \
	test "$(sum_field insert)" -ge 5
ktap_done
