#!/bin/bash
# UDP-Lite (protocol 136, RFC 3828) is tracked as stock 6.1 tracks it:
# the same exchange through the firewall (two datagrams each way on one
# socket pair, IPv4 and IPv6) gives the same /proc lines as stock's
# /proc/net/nf_conntrack ("udplite 136", ports, [ASSURED] once a packet
# follows the first reply, udp_timeout_stream: 120 s) and the same
# `conntrack -L -p udplite` output; a datagram whose checksum coverage
# is shorter than its header is INVALID for both and creates nothing.
# The comparison runs with checksum verification off on both sides:
# stock 6.1 verifies UDP-Lite checksums with UDP's pseudo-header and so
# finds every forwarded UDP-Lite datagram INVALID when it verifies; kct
# verifies them as RFC 3828 says, which the last checks show (a good
# checksum passes, a wrong one is bad_checksum).
# kct-test-cost: 66
# kct-test-tier: long
. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/../lib/topo.sh"
. "$(dirname "$0")/../lib/tracker.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack nft python3

PORT=5600

# lite_bound: the server's UDP-Lite sockets (IPv4 and IPv6) are bound.
lite_bound() {
	local hex
	hex=$(printf ':%04X ' $PORT)
	in_sv grep -q "$hex" /proc/net/udplite &&
		in_sv grep -q "$hex" /proc/net/udplite6
}

# lite_exchange: with checksum verification off, the exchange: two
# datagrams each way on one socket pair, IPv4 and IPv6.
lite_exchange() {
	in_fw sysctl -qw net.netfilter.nf_conntrack_checksum=0
	ct_counters_ruleset | in_fw nft -f -
	pkt $SV udp-echo --lite --port $PORT >/dev/null 2>&1 &
	wait_for lite_bound || ktap_note "udplite echo did not start"
	lite_start=$EPOCHSECONDS
	pkt $CL udp --lite --dst $SV4 --dport $PORT --sport 45600 \
		--count 2 --reply || ktap_note "IPv4 exchange failed"
	pkt $CL udp --lite --dst $SV6 --dport $PORT --sport 45601 \
		--count 2 --reply || ktap_note "IPv6 exchange failed"
}

# lite_invalid: then one datagram each (IPv4, IPv6) whose checksum
# coverage (4) is shorter than the header; prints what the firewall's
# rules counted in all, IPv4 line then IPv6 line.
lite_invalid() {
	pkt $CL udplite-raw --dst $SV4 --sport 45602 --dport $PORT --cscov 4 + \
		udplite-raw --dst $SV6 --sport 45602 --dport $PORT --cscov 4
	ct_counters $FW 4 ""
	ct_counters $FW 6 ""
}

# lite_checksums: with checksum verification on, one datagram with a
# correct checksum over 12 bytes and one with a wrong checksum, each
# family, the server taking nothing more (so nothing answers); prints
# what the rules counted of them, IPv4 line then IPv6 line.
lite_checksums() {
	local snap
	in_fw sysctl -qw net.netfilter.nf_conntrack_checksum=1
	in_sv nft -f - <<'NFT'
table inet quiet {
	chain pre { type filter hook prerouting priority -400; meta l4proto udplite drop; }
}
NFT
	snap=$(nft_counters $FW inet ctstate)
	pkt $CL udplite-raw --dst $SV4 --sport 45610 --dport $PORT --cscov 12 + \
		udplite-raw --dst $SV6 --sport 45610 --dport $PORT --cscov 12 + \
		udplite-raw --dst $SV4 --sport 45611 --dport $PORT --bad-checksum + \
		udplite-raw --dst $SV6 --sport 45611 --dport $PORT --bad-checksum
	ct_counters $FW 4 "$snap"
	ct_counters $FW 6 "$snap"
}

# lite_lines FILE: the firewall's UDP-Lite lines of /proc/net/FILE,
# countdown replaced by T, sorted.
lite_lines() {
	local line
	while IFS= read -r line; do
		case "$line" in *" udplite  136 "* | *" unknown  136 "*)
			kct_norm "$line" ;;
		esac
	done < <(in_fw cat /proc/net/$1) | sort
}

# lite_timeouts FILE: the countdowns of those lines, one per line, then
# a last line with the seconds since the exchange began: on a slow guest
# the IPv6 exchange alone can outlast KCT_SLACK, so that is how far
# below 120 s a countdown may have got.
lite_timeouts() {
	local line
	while IFS= read -r line; do
		case "$line" in *" 136 "*) kct_timeout "$line" ;; esac
	done < <(in_fw cat /proc/net/$1)
	echo $((EPOCHSECONDS - lite_start + 1))
}

# stream_timeouts "COUNTDOWNS... ELAPSED": every countdown is
# udp_timeout_stream (120 s) less at most the time the exchange took.
stream_timeouts() {
	local t n=0 all=($1)
	local elapsed=${all[-1]}
	unset 'all[-1]'
	for t in "${all[@]}"; do
		in_range "$t" $((120 - elapsed)) 120 || return 1
		n=$((n + 1))
	done
	[ $n -gt 0 ] || { echo "no lines"; return 1; }
}

topo_create
ct_stock
lite_exchange
stock=$(lite_lines nf_conntrack)
stock_t=$(lite_timeouts nf_conntrack)
stock_ct=$(in_fw conntrack -L -p udplite 2>&1 | ct_norm)
mapfile -t scount < <(lite_invalid)
mapfile -t scsum < <(lite_checksums)
topo_destroy
nft flush ruleset
rmmod nf_conntrack_netlink

ct_load
topo_create
lite_exchange
kct=$(lite_lines kct)
kct_t=$(lite_timeouts kct)
kct_ct=$(in_fw conntrack -L -p udplite 2>&1 | ct_norm)
mapfile -t kcount < <(lite_invalid)
bad=$(kct_invalid $FW bad_checksum)
mapfile -t kcsum < <(lite_checksums)

want4="src=$CL4 dst=$SV4 sport=45600 dport=$PORT src=$SV4 dst=$CL4 sport=$PORT dport=45600 [ASSURED]"
ktap_check "stock: IPv4 exchange ASSURED" grep -qF "$want4" <<<"$stock"
ktap_check "stock: two lines, IPv4 and IPv6" test "$(grep -c . <<<"$stock")" = 2
ktap_expect "/proc/net/kct: the lines of stock's /proc/net/nf_conntrack" \
	"$stock" "$kct"
ktap_check "stock: timeouts are udp_timeout_stream (120 s)" \
	stream_timeouts "$stock_t"
ktap_check "kct: timeouts are udp_timeout_stream (120 s)" \
	stream_timeouts "$kct_t"
ktap_check "conntrack -L -p udplite: stock listed two" \
	test "$(grep -c 'udplite' <<<"$stock_ct")" = 2
ktap_expect "conntrack -L -p udplite: kct's lines are stock's" \
	"$stock_ct" "$kct_ct"
ktap_expect "stock, IPv4: 1 new, 3 established, bad coverage invalid" \
	"new=1 established=3 related=0 invalid=1 untracked=0" "${scount[0]}"
ktap_expect "IPv4: kct's rules counted as stock's" "${scount[0]}" "${kcount[0]}"
ktap_expect "IPv6: kct's rules counted as stock's" "${scount[1]}" "${kcount[1]}"

# Checksums verified: stock 6.1 (UDP's pseudo-header) rejects the good
# one too; kct tells them apart.
ktap_expect "stock, checksum=1: the good checksum is invalid too" \
	"new=0 established=0 related=0 invalid=2 untracked=0" "${scsum[0]}"
ktap_expect "kct, checksum=1, IPv4: the good checksum is new, the wrong one invalid" \
	"new=1 established=0 related=0 invalid=1 untracked=0" "${kcsum[0]}"
ktap_expect "kct, checksum=1, IPv6: the same" \
	"new=1 established=0 related=0 invalid=1 untracked=0" "${kcsum[1]}"
ktap_expect "kct: bad_checksum rose by 2" $((bad + 2)) \
	"$(kct_invalid $FW bad_checksum)"
ktap_done
