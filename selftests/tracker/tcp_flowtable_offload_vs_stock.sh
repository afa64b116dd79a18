#!/bin/bash
# A TCP connection through an nft flowtable on the firewall, as stock
# nf_conntrack and kct show it, in the same guest:
#
#   table inet f {
#       flowtable ft { hook ingress priority 0; devices = { fw0, fw1 }; }
#       chain forward { type filter hook forward priority 0; policy drop;
#                       meta l4proto tcp flow add @ft
#                       ct state established,related accept
#                       ct state new tcp dport 5001 accept }
#   }
#
# - 2 MB from the server arrive intact; once the handshake is done the
#   flow is offloaded: the entry shows [OFFLOAD] and no countdown, as in
#   /proc/net/nf_conntrack (the flowtable offloads only what
#   nf_conntrack_tcp_established() calls ESTABLISHED and ASSURED, read
#   from ct->proto.tcp in stock's layout).
# - While offloaded, the entry stays however long its timeout says: a few
#   segments with TTL 1 (as a traceroute through the connection sends)
#   take the slow path and make the entry due in a few seconds; after the
#   tracker's GC has visited every entry since (stock's at least once a
#   minute, kct's when the entry is due) it is still there and the flow
#   still passes.
# - When the flow goes idle the flowtable gives the connection back: no
#   [OFFLOAD], ESTABLISHED [ASSURED] again, with the established timeout
#   less the flowtable's (flow_offload_fixup_ct() reads ct->proto.tcp's
#   state to pick it).
# - Closed, it ends in TIME_WAIT like any other.
# Every line is compared with stock's.  The runner fails the test on any
# kernel report (KASAN on the debug kernel) these stock readers trigger.
# Two trackers, each waiting out its GC after a 2 MB transfer:
# kct-test-timeout: 900
# kct-test-cost: 149
# kct-test-tier: long
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft socat ss sha256sum

SIZE=$((2 * 1024 * 1024))
DATA=/tmp/kct-tcp-ft-data
OUT=/tmp/kct-tcp-ft-out
STOP=/tmp/kct-tcp-ft-stop	# the server stops its ticks
END=/tmp/kct-tcp-ft-end		# the server closes
SHORT=$((3 * KCT_PATIENCE))	# established timeout the TTL-1 segments set
FLOW_TIMEOUT=$((4 * KCT_PATIENCE)) # nf_flowtable_tcp_timeout
LONG=120			# established timeout when the flow goes idle
head -c $SIZE /dev/urandom >$DATA
want_sum=$(sha256sum <$DATA | cut -d' ' -f1)
tcp_ends 4 40001 5001

# fw_sysctl NAME VALUE: stock's sysctl in the firewall (kct's too).
fw_sysctl() {
	in_fw sysctl -qw "net.netfilter.$1=$2"
}

size_of() { stat -c %s "$1" 2>/dev/null || echo 0; }

# wait_size FILE N: until FILE holds at least N bytes (60 s * patience).
wait_size() {
	local i
	for i in $(seq $((300 * KCT_PATIENCE))); do
		[ "$(size_of "$1")" -ge "$2" ] && return 0
		sleep 0.2
	done
	echo "$1 holds $(size_of "$1") bytes, not $2"
	return 1
}

# wait_line SECONDS STRING...: until the flow's line contains every
# STRING, within SECONDS; prints the line either way.
wait_line() {
	local i line p ok
	for i in $(seq $((5 * $1))); do
		line=$(tf_lines)
		ok=1
		for p in "${@:2}"; do
			[[ $line == *"$p"* ]] || ok=
		done
		[ -n "$ok" ] && break
		sleep 0.2
	done
	printf '%s\n' "$line"
}

# fw_counter NAME: packets of the firewall's named counter.
fw_counter() { nft_counter $FW inet f "$1"; }

# run_phase WHO GC_PERIOD: the whole story with the tracker loaded now,
# whose GC visits every entry within GC_PERIOD seconds; sets
# LINES_<WHO>[0..3] to the lines seen (countdowns normalised).
run_phase() {
	local who=$1 gc=$2 line t sum n i
	local -n lines=LINES_$who

	rm -f $OUT $STOP $END
	in_fw modprobe nf_conntrack
	fw_sysctl nf_conntrack_tcp_timeout_established 3600
	in_fw sysctl -qw net.netfilter.nf_flowtable_tcp_timeout=$FLOW_TIMEOUT
	in_fw nft -f - <<NFT
table inet f {
	counter ttl1 {}
	flowtable ft { hook ingress priority 0; devices = { fw0, fw1 }; }
	chain pre {
		type filter hook prerouting priority 0; policy accept;
		ip ttl 1 tcp dport 5001 counter name ttl1
	}
	chain forward {
		type filter hook forward priority 0; policy drop;
		meta l4proto tcp flow add @ft
		ct state established,related accept
		ct state new tcp dport 5001 accept
	}
}
NFT
	in_sv bash -c "cat $DATA; while [ ! -e $END ]; do
		[ -e $STOP ] || echo tick; sleep 0.3; done" |
		in_sv socat -u - TCP4-LISTEN:5001,reuseaddr >/dev/null 2>&1 &
	wait_for tcp_listening $SV 5001
	in_cl socat -u TCP4:$SV4:5001,sourceport=40001,connect-timeout=$KCT_CLIENT_WAIT \
		OPEN:$OUT,creat,trunc >/dev/null 2>&1 &

	ktap_check "$who: 2 MB arrive" wait_size $OUT $SIZE
	ktap_note "$who: arrived at $SECONDS s"
	sum=$(head -c $SIZE $OUT | sha256sum | cut -d' ' -f1)
	ktap_expect "$who: ... intact" "$want_sum" "$sum"
	line=$(wait_line $((5 * KCT_PATIENCE)) " [OFFLOAD] ")
	lines[0]=$(kct_norm "$line")
	ktap_expect "$who: offloaded: [OFFLOAD], no countdown, no state" \
		"ipv4     2 tcp      6 src=$CL4 dst=$SV4 sport=40001 dport=5001 src=$SV4 dst=$CL4 sport=5001 dport=40001 [OFFLOAD] mark=0 zone=0 use=3" \
		"$line"

	# The client's next ACKs (of the ticks) leave with TTL 1: the
	# flowtable passes them to the slow path, where the tracker refreshes
	# the entry with the established timeout, now SHORT.
	fw_sysctl nf_conntrack_tcp_timeout_established $SHORT
	n=$(fw_counter ttl1)
	in_cl sysctl -qw net.ipv4.ip_default_ttl=1
	for i in $(seq $((25 * KCT_PATIENCE))); do
		[ "$(fw_counter ttl1)" -ge $((n + 2)) ] && break
		sleep 0.2
	done
	in_cl sysctl -qw net.ipv4.ip_default_ttl=64
	ktap_check "$who: TTL-1 segments reached the tracker" \
		test "$(fw_counter ttl1)" -ge $((n + 2))
	# Due in SHORT s now.  No reading of the table meanwhile: stock's
	# /proc reader kills an expired entry its GC has not yet visited (kct's
	# hides it).
	ktap_note "$who: probed at $SECONDS s"
	sleep $((SHORT + gc + 5))
	line=$(tf_lines)
	lines[1]=$(kct_norm "$line")
	ktap_check "$who: $((gc + 5)) s after it was due: still there, [OFFLOAD]" \
		has_flag "$line" "[OFFLOAD]"
	n=$(size_of $OUT)
	ktap_check "$who: ... and the flow still passes" wait_size $OUT $((n + 10))

	# Idle: the flowtable drops the flow and gives the entry back.  Its GC
	# clears [OFFLOAD] a moment before it drops the flow's reference; a
	# listing between the two shows use=3, so wait for use=2 too.
	fw_sysctl nf_conntrack_tcp_timeout_established $LONG
	touch $STOP
	line=$(wait_line $(((FLOW_TIMEOUT + 10) * KCT_PATIENCE)) \
		" ESTABLISHED " " [ASSURED] " " use=2")
	t=$(kct_timeout "$line")
	lines[2]=$(kct_norm "$line")
	ktap_expect "$who: idle: given back, ESTABLISHED [ASSURED]" \
		"ipv4     2 tcp      6 T ESTABLISHED src=$CL4 dst=$SV4 sport=40001 dport=5001 src=$SV4 dst=$CL4 sport=5001 dport=40001 [ASSURED] mark=0 zone=0 use=2" \
		"${lines[2]}"
	ktap_check "$who: ... due in established less flowtable timeout ($((LONG - FLOW_TIMEOUT)) s)" \
		in_range "$t" $((LONG - FLOW_TIMEOUT - KCT_SLACK)) $((LONG - FLOW_TIMEOUT))

	touch $END
	line=$(wait_line $((10 * KCT_PATIENCE)) " TIME_WAIT ")
	lines[3]=$(kct_norm "$line")
	ktap_check "$who: closed: TIME_WAIT" has_flag "$line" TIME_WAIT
	sum=$(head -c $SIZE $OUT | sha256sum | cut -d' ' -f1)
	ktap_expect "$who: the 2 MB still intact after the close" "$want_sum" "$sum"
	ktap_note "$who: done at $SECONDS s"
}

declare -a LINES_stock LINES_kct
topo_create
TF_TABLE=nf_conntrack
run_phase stock 60
topo_destroy

kct_load
topo_create
short_lived_last
TF_TABLE=kct
run_phase kct 20

for i in 0 1 2 3; do
	what=("offloaded" "after due" "idle" "closed")
	ktap_expect "kct shows what stock shows: ${what[$i]}" \
		"${LINES_stock[$i]}" "${LINES_kct[$i]}"
done
ktap_done
