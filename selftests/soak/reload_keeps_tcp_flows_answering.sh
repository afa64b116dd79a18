#!/bin/bash
# Long-lived TCP connections through a NAT router keep answering while
# kct is unloaded and loaded again under them (the soak's lost probes,
# issue 18), as they keep answering on stock when the router's table is
# flushed under them.  The soak's firewall (client, firewall, server;
# forward accepting the probe port both ways, and the nat postrouting
# chain with its masquerade rule for another client address, so that
# nf_nat gives every new connection a null binding), 16 connections
# from the soak's prober, each sending a line every 0.1 s (so that every
# moment of a reload sees packets of each, from either side) and
# waiting for its echo.
#  - stock: nf_conntrack alone, `conntrack -F` in the firewall CYCLES
#    times: stock picks the connections up mid-stream from whichever
#    side speaks first;
#  - kct: kct loaded, rmmod kct and modprobe kct CYCLES times, and
#    `conntrack -F` in the firewall all along (it reaches kct's table
#    while kct is there): stock picks them up while kct is out, kct when
#    it is back and after each flush, each from whichever side speaks
#    first, and stock keeps its entries while kct tracks.
# Checked for each: every line answered, no reset; and every probe
# packet leaves the firewall with the addresses and ports it came with
# (no rule asks for a change), compared between captures on its two
# interfaces.  What a failure shows: the resets seen on both sides, the
# packets NAT changed, the firewall's entries of the probes in stock's
# table and kct's around the first reset, and the reloads' times.
#
# What it found (issue 18): when kct loaded, its hooks made connections
# before its answer to nf_conntrack_tuple_taken() was in place; a probe
# whose echo came first was picked up by kct from the server's side
# while stock's table, from the unload before, held it from the
# client's, so stock's answer said the tuple was taken, and nf_nat's
# null binding moved the server's port 7007: the client reset the echo
# from the unknown port, the server's socket got that reset, and the
# next line was answered by a reset.
# Long tier: a reload patches functions' entries, which multi-threaded
# TCG can freeze on (soak/reload_flood_lockup.sh); run with
# KCT_VM_TCG=single.
# kct-test-cost: 200
# kct-test-tier: long
# kct-test-timeout: 900
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
require_tool python3 nft conntrack tcpdump

: "${RELOAD_CYCLES:=20}" "${RELOAD_PROBES:=16}"
HERE=$(cd "$(dirname "$0")" && pwd)
S=$(mktemp -d /tmp/kct-reload-tcp.XXXXXX)
PORT=7007
CL4_NAT=192.0.2.3
trap 'touch "$S/stop"; topo_destroy >/dev/null 2>&1; rm -rf "$S";
	rm -f /etc/modprobe.d/kct-reload-tcp.conf' EXIT

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
	done' _ "$S" "$PORT" >"$1" 2>/dev/null
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

# tables_around FILE T: the snapshots from 3 s before time T to 0.3 s
# after.
tables_around() {
	awk -v t="$2" '$1 == "@" { show = $2 >= t - 3 && $2 <= t + 0.3 }
		show' "$1"
}

# flusher: conntrack -F in the firewall every 0.3 s until the stop
# file, whether kct is loaded or not: kct then picks the probes up again
# and again, at every moment of a reload too, while its hooks still run
# after the unload began.
flusher() {
	while [ ! -e "$S/stop" ]; do
		in_fw conntrack -F >/dev/null 2>&1
		nap 0.3
	done
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
	# kct's run flushes too, all along: conntrack must then not bring
	# stock's ctnetlink in while kct is out (it would keep kct's out).
	if [ "$MODE" = kct ]; then
		mkdir -p /etc/modprobe.d
		echo "install nf_conntrack_netlink /bin/false" \
			>/etc/modprobe.d/kct-reload-tcp.conf
	fi
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
		--count "$RELOAD_PROBES" --interval 0.1 --limit $((5 * KCT_PATIENCE)) \
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
	if [ "$MODE" = kct ]; then
		flusher &
		pids+=($!)
	fi
	for ((i = 1; i <= RELOAD_CYCLES; i++)); do
		if [ "$MODE" = stock ]; then
			event "flush $i"
			in_fw conntrack -F >/dev/null 2>&1
			event "flushed $i"
		else
			event "rmmod $i"
			poll 20 rmmod kct || echo "rmmod kct failed"
			event "unloaded $i"
			nap $KCT_PATIENCE
			event "modprobe $i"
			modprobe kct || echo "modprobe kct failed"
			event "loaded $i"
		fi
		nap $KCT_PATIENCE
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
		rst=$({ resets "$S/fw0.$m.pcap"; resets "$S/fw1.$m.pcap"; } | sort -n | head -n 1)
		ktap_note "the tables around the first RST:
$(tables_around "$S/tables.$m" "${rst%% *}" | tail -n 60)"
	fi
	mv=$(unmatched "$S/fw0.$m.pcap" "$S/fw1.$m.pcap"
		unmatched "$S/fw1.$m.pcap" "$S/fw0.$m.pcap")
	if [ -z "$mv" ]; then
		ktap_ok "$m: the firewall changed no address or port of a probe's packet"
	else
		ktap_fail "$m: the firewall changed no address or port of a probe's packet"
		ktap_note "packets seen on one side only (the first of each):
$(sort -n <<<"$mv" | head -n 80)"
	fi
}

one_run stock
one_run kct
rmmod kct 2>/dev/null
check stock
check kct
ktap_done
