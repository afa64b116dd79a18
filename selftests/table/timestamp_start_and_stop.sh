#!/bin/bash
# With stock's net.netfilter.nf_conntrack_timestamp=1 in the firewall's
# namespace, kct stamps each new connection with stock's timestamp: its
# start when it is confirmed, its stop when it ends.  For the same UDP
# exchange as on stock: /proc/net/kct shows the connection's age as
# delta-time= (as /proc/net/nf_conntrack does), `conntrack -L -o
# extended,ktimestamp` shows the start, and the DESTROY event of
# `conntrack -E -o ktimestamp` when `conntrack -D` ends it shows start and
# stop.  Times are compared with the clock; the lines with stock's,
# times aside.  Where the sysctl is 0 (the client's namespace) there is
# no timestamp.
# kct-test-cost: 46
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack nft python3 date

ev=/tmp/kct-ct-tstamp-events

# times: stdin with its times replaced by S (start), P (stop) and D
# (delta-time), [ASSURED] left out (a UDP flow gets it once two seconds
# old, which on a slow guest one run may reach and the other not), and
# the portid of the command that caused an event ([USERSPACE] portid=N)
# masked, and the name conntrack -E finds for it while the command still
# runs dropped.
times() {
	sed -E 's/\[start=[^]]*\]/[start=S]/; s/\[stop=[^]]*\]/[stop=P]/;
		s/delta-time=[0-9]+/delta-time=D/; s/\[ASSURED\] //;
		s/ \[USERSPACE\] portid=[0-9]+( progname=[^ ]*)?/ [USERSPACE] portid=N/'
}

# seconds_ago LINE KEY: how many seconds ago LINE's [KEY=date] was.
seconds_ago() {
	local d
	d=$(sed -nE "s/.*\\[$2=([^]]*)\\].*/\\1/p" <<<"$1")
	[ -n "$d" ] || { echo "no $2"; return; }
	echo $((EPOCHSECONDS - $(date -d "$d" +%s)))
}

# observe TABLE: the exchange through the firewall; prints one result
# per line (see the checks below).
observe() {
	local line list destroy start d_start d_stop
	in_fw sysctl -qw net.netfilter.nf_conntrack_timestamp=1
	in_cl nft add table inet cl '{ chain out { type filter hook output priority filter; ct state new counter; }; }'
	# Stock gives a connection events only if someone listened when
	# it was made (nf_conntrack_events=2), as conntrackd and ulogd do.
	in_fw timeout $((60 * KCT_PATIENCE)) conntrack -E -e DESTROY -o ktimestamp \
		-p udp >$ev 2>&1 &
	evpid=$!
	wait_for ct_events_ready $FW 1
	udp_echo $SV 5001
	pkt $CL udp --dst $SV4 --sport 45001 --dport 5001 --reply ||
		echo "the exchange failed"
	line=$(ip netns exec $FW cat /proc/net/$1 | lines_with 'dport=5001 ')
	echo "proc: $(kct_norm "$line" | times)"
	echo "client proc: $(kct_norm "$(ip netns exec $CL cat /proc/net/$1 |
		lines_with 'dport=5001 ')" | times)"
	list=$(in_fw conntrack -L -o extended,ktimestamp -p udp --dport 5001 2>/dev/null)
	start=$(seconds_ago "$list" start)
	echo "list: $(ct_norm <<<"$list" | times)"
	in_fw conntrack -D -p udp --dport 5001 >/dev/null 2>&1
	wait_for grep -q DESTROY $ev
	kill $evpid 2>/dev/null
	destroy=$(grep DESTROY $ev)
	d_start=$(seconds_ago "$destroy" start)
	d_stop=$(seconds_ago "$destroy" stop)
	echo "destroy: $(sed -E 's/^ *\[DESTROY\] //' <<<"$destroy" | ct_norm | times)"
	# The times themselves, against the clock.
	echo "delta: $(sed -nE 's/.*delta-time=([0-9]+) .*/\1/p' <<<"$line")"
	echo "start: $start"
	echo "destroy start: $d_start"
	echo "destroy stop: $d_stop"
}

topo_create
ct_stock
mapfile -t s < <(observe nf_conntrack)
topo_destroy
nft flush ruleset
rmmod nf_conntrack_netlink

ct_load
topo_create
mapfile -t k < <(observe kct)

checks=("proc: the firewall's line (delta-time=)"
	"client proc: no delta-time= where the sysctl is 0"
	"list: conntrack -L -o extended,ktimestamp"
	"destroy: conntrack -E -o ktimestamp's DESTROY event")
for i in "${!checks[@]}"; do
	ktap_expect "kct as stock: ${checks[$i]}" "${s[$i]}" "${k[$i]}"
done
ktap_check "stock's line has delta-time=" grep -q "delta-time=D" <<<"${s[0]}"
ktap_check "stock's event has start and stop" \
	grep -q "\[start=S\] \[stop=P\]" <<<"${s[3]}"
for i in 4 5 6 7; do
	name=${k[$i]%%:*}
	ktap_check "kct's $name: seconds ago, by the clock" \
		in_range "${k[$i]#*: }" 0 $((30 * KCT_PATIENCE))
	ktap_check "stock's $name: seconds ago, by the clock" \
		in_range "${s[$i]#*: }" 0 $((30 * KCT_PATIENCE))
done
ktap_done
