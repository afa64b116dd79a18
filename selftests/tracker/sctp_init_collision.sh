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
# kct-test-cost: 86
. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/../lib/topo.sh"
. "$(dirname "$0")/../lib/tracker.sh"
. "$(dirname "$0")/../lib/sctp.sh"
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
	in_sv python3 "$SCTP_PY" collide --server --addr $SV4 --port 1234 \
		--peer $CL4 --hold $((5 * KCT_PATIENCE)) >/dev/null 2>&1 &
	in_cl python3 "$SCTP_PY" collide --addr $CL4 --port 1234 --peer $SV4 \
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
	rm -f /tmp/kct-sctp-collide
	topo_destroy
}

# kernel_script: the kernel's test, run from a scratch copy; "PASS" if
# it passed.
kernel_script() {
	local dir=$1 tmp rc
	tmp=$(mktemp -d)
	cp "$dir/conntrack_sctp_collision.sh" "$tmp/"
	gcc -o "$tmp/sctp_collision" "$dir/sctp_collision.c" || return 1
	(cd "$tmp" && bash ./conntrack_sctp_collision.sh) >"$tmp/out" 2>&1
	rc=$?
	grep -q '^PASS!' "$tmp/out" && [ $rc -eq 0 ] && echo PASS ||
		sed 's/^/# /' "$tmp/out"
	rm -rf "$tmp"
}

kct_load
mapfile -t k < <(collide)
ktap_expect "kct: the client's message came back" "echo came back" "${k[0]}"
ktap_check "kct: the firewall has an entry for it" test -n "${k[1]}"
printf '%s\n' "${k[@]:2}"
rmmod kct
TF_TABLE=nf_conntrack
mapfile -t s < <(collide)
printf '%s\n' "${s[@]:2}"
ktap_expect "stock: the client's message came back" "echo came back" "${s[0]}"
ktap_expect "stock shows what kct showed" "${s[1]}" "${k[1]}"

src=
for d in "$KCT_TOP/.cache" "${KCT_CACHE:-}"; do
	d=$d/linux-source-6.1/tools/testing/selftests/netfilter
	[ -e "$d/conntrack_sctp_collision.sh" ] && src=$d && break
done
if [ -z "$src" ]; then
	ktap_fail "the kernel's conntrack_sctp_collision.sh is extracted (scripts/setup.sh)"
	ktap_done
fi
ktap_expect "the kernel's conntrack_sctp_collision.sh passes with stock" \
	PASS "$(kernel_script "$src")"
kct_load
ktap_expect "the kernel's conntrack_sctp_collision.sh passes with kct" \
	PASS "$(kernel_script "$src")"
ktap_done
