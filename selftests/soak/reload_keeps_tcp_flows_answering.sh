#!/bin/bash
# Long-lived TCP connections through a NAT router keep answering while
# kct is unloaded and loaded again under them (the soak's lost probes,
# issue 18), as they keep answering on stock when the router's table is
# flushed under them.  The soak's firewall (client, firewall, server;
# forward accepting the probe port both ways, and the nat postrouting
# chain with its masquerade rule for another client address, so that
# nf_nat gives every new connection a null binding), PROBES connections
# from the soak's prober, each sending a line every half second and
# waiting for its echo.
#  - stock: nf_conntrack alone, `conntrack -F` in the firewall CYCLES
#    times: stock picks the connections up mid-stream from whichever
#    side speaks first;
#  - kct: kct loaded, rmmod kct and modprobe kct CYCLES times: stock
#    picks them up while kct is out, kct when it is back, each from
#    whichever side speaks first, and stock keeps its entries while
#    kct tracks.
# Checked for each: every line answered, no reset; and no entry of a
# probe in either table with a port its packets do not carry (no rule
# asks for one).  What a failure shows: the resets seen in the firewall
# (both interfaces), the probes' entries whose port NAT moved, and the
# reloads' times, from captures taken all along.
# Long tier: a reload patches functions' entries, which multi-threaded
# TCG can freeze on (soak/reload_flood_lockup.sh); run with
# KCT_VM_TCG=single.
# kct-test-cost: 150
# kct-test-tier: long
# kct-test-timeout: 900
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
require_tool python3 nft conntrack tcpdump

: "${RELOAD_CYCLES:=10}" "${RELOAD_PROBES:=8}"
HERE=$(cd "$(dirname "$0")" && pwd)
S=$(mktemp -d /tmp/kct-reload-tcp.XXXXXX)
PORT=7007
CL4_NAT=192.0.2.3
trap 'touch "$S/stop"; topo_destroy >/dev/null 2>&1; rm -rf "$S"' EXIT

rules() {
	in_fw nft -f - <<NFT
table inet soak_fw {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		tcp dport $PORT accept
		tcp sport $PORT accept
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr $CL4_NAT oifname "fw1" masquerade
	}
}
NFT
}

# snapshots FILE: the firewall's entries of the probe port in stock's
# table and kct's, each time they change (every 0.1 s), with the time;
# without a process per look (emulation makes each one slow).
snapshots() {
	in_fw bash -c '
	exec {fd}<> <(:)
	prev=
	while [ ! -e "$1/stop" ]; do
		now=
		for f in nf_conntrack kct; do
			if [ ! -r /proc/net/$f ]; then
				now+="$f absent"$'"'\n'"'
				continue
			fi
			while IFS= read -r l; do
				[[ $l == *port=$2\ * ]] && now+="$f $l"$'"'\n'"'
			done </proc/net/$f
		done
		if [ "$now" != "$prev" ]; then
			printf "@ %s\n%s" "$EPOCHREALTIME" "$now"
			prev=$now
		fi
		read -r -t 0.1 -u $fd _
	done' _ "$S" "$PORT" >"$1"
}

# moved FILE: the entries of the snapshots whose reply tuple does not
# carry the original's ports swapped (NAT gave the flow another port),
# each with the time it was first seen.
moved() {
	awk '$1 == "@" { t = $2; next }
	{
		n = 0
		for (i = 1; i <= NF; i++)
			if ($i ~ /^(sport|dport)=/) p[n++] = substr($i, 7)
		if (n == 4 && (p[0] != p[3] || p[1] != p[2]) && !seen[$0]++)
			print t, $0
	}' "$1"
}

# resets FILE: the RSTs a capture holds, with their times.
resets() {
	tcpdump -r "$1" -nn -tt 'tcp[tcpflags] & tcp-rst != 0' 2>/dev/null
}

# unmatched A B: the packets of capture A whose addresses and ports
# (source > destination) no packet of capture B carries: those NAT
# rewrote between the firewall's two interfaces; the first of each.
unmatched() {
	awk 'FNR == 1 { f++ }
	{ k = $3 " " $5; sub(/:$/, "", k) }
	f == 1 { seen[k] = 1; next }
	!(k in seen) && !done[k]++' \
		<(tcpdump -r "$2" -nn -tt 2>/dev/null) \
		<(tcpdump -r "$1" -nn -tt 2>/dev/null)
}

# tables_around FILE T: the snapshots from 3 s before time T to 1 s after.
tables_around() {
	awk -v t="$2" '$1 == "@" { show = $2 >= t - 3 && $2 <= t + 1 }
		show' "$1"
}

event() {
	echo "$EPOCHREALTIME $*" >>"$S/events.$MODE"
}

# one_run stock|kct: the scenario; the probes' report in $S/probes.MODE.
one_run() {
	local i pids=() p prober
	MODE=$1
	rm -f "$S/stop" "$S/lost"
	diff_tracker "$MODE"
	topo_create
	in_cl ip addr add $CL4_NAT/24 dev cl0
	rules || echo "rules did not load"
	in_sv python3 "$HERE/soak_probe.py" serve --port $PORT >/dev/null 2>&1 &
	wait_for tcp_listening $SV $PORT
	for i in 0 1; do
		in_fw tcpdump -i fw$i -nn -s 128 -U -w "$S/fw$i.$MODE.pcap" \
			tcp 2>/dev/null &
		pids+=($!)
	done
	snapshots "$S/tables.$MODE" &
	pids+=($!)
	in_cl python3 "$HERE/soak_probe.py" probe --dst "$SV4" --port $PORT \
		--count "$RELOAD_PROBES" --limit $((5 * KCT_PATIENCE)) \
		--stop "$S/stop" --out "$S/probes.$MODE" --lost "$S/lost" \
		2>"$S/probes.err.$MODE" >/dev/null &
	prober=$!
	# The probes answer before anything happens to them.
	answering() {
		local sent answered
		read -r _ sent _ answered _ <"$S/probes.$MODE" &&
			[ "$answered" -ge $((2 * RELOAD_PROBES)) ]
	}
	poll 30 answering || echo "probes did not start answering"
	for ((i = 1; i <= RELOAD_CYCLES; i++)); do
		if [ "$MODE" = stock ]; then
			event "flush $i"
			in_fw conntrack -F >/dev/null 2>&1
			event "flushed $i"
		else
			event "rmmod $i"
			poll 20 rmmod kct || echo "rmmod kct failed"
			event "unloaded $i"
			nap $((2 * KCT_PATIENCE))
			event "modprobe $i"
			modprobe kct || echo "modprobe kct failed"
			event "loaded $i"
		fi
		nap $((2 * KCT_PATIENCE))
	done
	touch "$S/stop"
	# The prober gives a line in flight its time, then reports; the
	# captures end with it.
	wait "$prober"
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p"
	done
	topo_destroy
}

# check stock|kct: the checks of one run, with the evidence of a failure.
check() {
	local m=$1 probes sent lost mv rst
	probes=$(cat "$S/probes.$m" 2>/dev/null)
	read -r _ sent _ _ _ lost _ <<<"$probes"
	if [ -n "$sent" ] && [ "$sent" -gt 0 ] && [ "$lost" = 0 ]; then
		ktap_ok "$m: every probe answered, none reset ($probes)"
	else
		ktap_fail "$m: every probe answered, none reset (${probes:-no report})"
		ktap_note "the prober: $(cat "$S/probes.err.$m")"
		ktap_note "the steps: $(cat "$S/events.$m")"
		ktap_note "RSTs seen on the client's side (fw0):
$(resets "$S/fw0.$m.pcap" | head -n 20)"
		ktap_note "RSTs seen on the server's side (fw1):
$(resets "$S/fw1.$m.pcap" | head -n 20)"
		ktap_note "packets on the client's side that the server's side never saw as such:
$(unmatched "$S/fw0.$m.pcap" "$S/fw1.$m.pcap" | head -n 10)"
		ktap_note "packets on the server's side that the client's side never saw as such:
$(unmatched "$S/fw1.$m.pcap" "$S/fw0.$m.pcap" | head -n 10)"
		rst=$({ resets "$S/fw0.$m.pcap"; resets "$S/fw1.$m.pcap"; } | sort -n | head -n 1)
		ktap_note "the tables around the first RST:
$(tables_around "$S/tables.$m" "${rst%% *}" | head -n 60)"
	fi
	mv=$(moved "$S/tables.$m")
	if [ -z "$mv" ]; then
		ktap_ok "$m: no probe's entry has a port NAT moved"
	else
		ktap_fail "$m: no probe's entry has a port NAT moved"
		ktap_note "$(head -n 20 <<<"$mv")"
		# The tables just before the first move, and at it.
		ktap_note "the tables before and at the first move:
$(awk -v t="${mv%% *}" '$1 == "@" { if ($2 > t) exit; blk[++n] = $0; next }
	{ blk[n] = blk[n] "\n" $0 }
	END { if (n > 1) print blk[n - 1]; print blk[n] }' "$S/tables.$m")"
	fi
}

one_run stock
one_run kct
rmmod kct 2>/dev/null
check stock
check kct
ktap_done
