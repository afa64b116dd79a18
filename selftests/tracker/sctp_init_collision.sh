#!/bin/bash
# Two SCTP endpoints that open an association to each other at the same
# time (an INIT collision, RFC 9260 5.2.4) through a firewall that drops
# what conntrack calls INVALID or UNTRACKED still get their association,
# with kct as with stock nf_conntrack: the INIT ACK that answers the
# losing INIT comes late (the server's INIT ACKs are delayed 1.2 s by tc
# netem), after the association is up, and must not replace the tags of
# the one that won.  This is the scenario of the kernel's own
# tools/testing/selftests/netfilter/conntrack_sctp_collision.sh; that
# script, taken from the linux-source-6.1 package (scripts/setup.sh
# extracts it), also passes with kct loaded and with stock.
# Which state real stacks leave the entry in depends on how the packets
# race (stock's own line differs from run to run), so the lines are
# compared on the same collision made by hand, one packet at a time:
# client INIT, server INIT, the client's INIT ACK and the server's COOKIE
# ECHO and the COOKIE ACK (the association both ends use), then the late
# INIT ACK that answers the first INIT, INVALID, and DATA and SACK under
# the association's tags, which the late INIT ACK must not have replaced.
# kct-test-cost: 105
# kct-test-tier: long
. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/../lib/topo.sh"
. "$(dirname "$0")/../lib/tracker.sh"
. "$(dirname "$0")/../lib/sctp.sh"
. "$(dirname "$0")/../lib/kselftest.sh"
require_tool nft python3 tc iptables gcc

if ! modprobe sctp; then
	ktap_fail "modprobe sctp: the guest's kernel has SCTP"
	ktap_done
fi

# collide: the scenario in the topology; prints the client's verdict.
collide() {
	topo_create
	# The server's INIT ACKs (first chunk type 2, after a 20-byte IPv4
	# header and the 12-byte SCTP header) wait 1.2 s on the way out.
	in_sv tc qdisc add dev sv0 root handle 1: htb
	in_sv tc class add dev sv0 parent 1: classid 1:1 htb rate 100mbit
	in_sv tc filter add dev sv0 parent 1: protocol ip u32 \
		match ip protocol 132 0xff match u8 2 0xff at 32 flowid 1:1
	in_sv tc qdisc add dev sv0 parent 1:1 handle 10: netem delay 1200ms
	in_fw iptables -A FORWARD -m state --state INVALID,UNTRACKED -j DROP
	in_cl sysctl -qw net.sctp.association_max_retrans=3
	# Both hold the association a while once done, for the check.
	# The client's INIT goes first, the server's 0.7 s later (the
	# signal file orders them, whichever process starts first).
	rm -f /tmp/kct-sctp-collide-go
	in_sv python3 "$SCTP_PY" collide --server --addr $SV4 --port 1234 \
		--peer $CL4 --signal /tmp/kct-sctp-collide-go \
		--hold $((5 * KCT_PATIENCE)) >/dev/null 2>&1 &
	in_cl python3 "$SCTP_PY" collide --addr $CL4 --port 1234 --peer $SV4 \
		--signal /tmp/kct-sctp-collide-go \
		--hold $((5 * KCT_PATIENCE)) >/tmp/kct-sctp-collide 2>&1 &
	for _ in $(seq $((300 * KCT_PATIENCE))); do
		[ -s /tmp/kct-sctp-collide ] && break
		sleep 0.1
	done
	head -n1 /tmp/kct-sctp-collide
	tcp_ends 4 1234 1234
	echo "$(kct_norm "$(tf_lines)")"
	in_fw cat /proc/net/$TF_TABLE | sed 's/^/# /'
	wait
	rm -f /tmp/kct-sctp-collide /tmp/kct-sctp-collide-go
	topo_destroy
}

# kernel_script: the kernel's test, up to three times (it orders its two
# ends with fixed sleeps, so under emulation the server's INIT can go
# first and the client's connect() fails: a race of the script, seen
# with stock and kct alike); "PASS" if a run passed, else the last
# run's output.
kernel_script() {
	local try out
	for try in 1 2 3; do
		out=$(kselftest_once conntrack_sctp_collision.sh sctp_collision.c)
		[ "${out%%$'\n'*}" = PASS ] && break
	done
	[ "${out%%$'\n'*}" = PASS ] && echo PASS || echo "$out"
}

# walk 4|6 TABLE: the collision by hand; one "LINE / SECONDS" per step.
walk() {
	local c=$SCTP_CT s=$SCTP_ST p="41020 9000"
	sctp_walk "$1" "$2" \
		"$p CLOSED | cl 0 init:tag=$c" \
		"$p CLOSED | sv 0 init:tag=$s" \
		"$p CLOSED | cl $s init-ack:tag=$c" \
		"$p CLOSED | sv $c cookie-echo" \
		"$p CLOSED | cl $s cookie-ack" \
		"$p CLOSED | sv $c init-ack:tag=0x77" \
		"$p CLOSED | cl $s data | sv $c sack"
}

# by_hand TABLE: both families' walks, then the rules' counts.
by_hand() {
	topo_create
	sctp_timeouts_set $FW
	ct_counters_ruleset | in_fw nft -f -
	sctp_quiet 41020 9000
	walk 4 "$1"
	walk 6 "$1"
	echo "$(ct_counters $FW 4 "") / $(ct_counters $FW 6 "")"
	topo_destroy
}

kct_load
mapfile -t k < <(collide)
ktap_expect "kct: the client's message came back" "echo came back" "${k[0]}"
ktap_check "kct: the firewall has an entry for it" test -n "${k[1]}"
printf '%s\n' "${k[@]:2}"
mapfile -t kh < <(by_hand kct)
rmmod kct
TF_TABLE=nf_conntrack
mapfile -t s < <(collide)
printf '%s\n' "${s[@]:2}"
ktap_expect "stock: the client's message came back" "echo came back" "${s[0]}"
ktap_check "stock: the firewall has an entry for it" test -n "${s[1]}"
mapfile -t sh < <(by_hand nf_conntrack)
ktap_expect "by hand: 14 steps and the counts" 15 "${#kh[@]}"
for i in $(seq 0 13); do
	ktap_expect "by hand, IPv$((i < 7 ? 4 : 6)) step $((i % 7 + 1)): stock shows the same" \
		"${sh[$i]% / *}" "${kh[$i]% / *}"
done
ktap_expect "by hand: the late INIT ACK alone was invalid" \
	"new=1 established=6 related=0 invalid=1 untracked=0 / new=1 established=6 related=0 invalid=1 untracked=0" \
	"${kh[14]}"
ktap_expect "by hand: stock's rules counted the same" "${sh[14]}" "${kh[14]}"

if [ -z "$(kselftest_dir)" ]; then
	ktap_fail "the kernel's conntrack_sctp_collision.sh is extracted (scripts/setup.sh)"
	ktap_done
fi
ktap_expect "the kernel's conntrack_sctp_collision.sh passes with stock" \
	PASS "$(kernel_script)"
kct_load
ktap_expect "the kernel's conntrack_sctp_collision.sh passes with kct" \
	PASS "$(kernel_script)"
ktap_done
