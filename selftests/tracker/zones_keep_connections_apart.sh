#!/bin/bash
# Conntrack zones keep connections apart, with kct as with stock
# nf_conntrack: the same UDP tuple put in zone 1 and then in zone 2 by an
# nft `ct zone set` rule is two connections, each answered; /proc shows
# zone=1 and zone=2; `conntrack -L -w 1` lists only zone 1's, `-G -w 2`
# gets zone 2's, `-D -w 1` deletes zone 1's alone.  A TCP connection
# placed in zone 3 by iptables `-j CT --zone 3` gets established there,
# and `-j CT --zone-orig 5` on the client side only (a directional zone:
# the replies stay in the default zone) shows zone-orig=5 after the
# original tuple.  Every line is compared with stock's.
# kct-test-cost: 63
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack socat nft iptables ss

# udp_ask SPORT: one datagram from the client, answered by the server's
# echo; prints what came back.
udp_ask() {
	echo "zone probe" | in_cl socat -t $((2 * KCT_PATIENCE)) - \
		UDP4:$SV4:5000,sourceport=$1 2>/dev/null
}

# zone_set N: the firewall's raw rule puts every UDP packet in zone N.
zone_set() {
	in_fw nft -f - <<NFT
table ip zones
delete table ip zones
table ip zones {
	chain pre { type filter hook prerouting priority raw; meta l4proto udp ct zone set $1; }
}
NFT
}

# lines TABLE PATTERN: the firewall's entries with PATTERN, countdowns
# masked, sorted.
lines() {
	local l
	while IFS= read -r l; do
		kct_norm "$l"
	done < <(lines_with "$2" < <(in_fw cat /proc/net/$1)) | sort
}

# scenario TABLE: the same steps on either tracker; one "what: result"
# line each.
scenario() {
	local t=$1
	topo_create
	[ "$t" = nf_conntrack ] && ct_stock
	# UDP entries live 30 s: longer, to be listed on a slow kernel.
	in_fw sysctl -qw net.netfilter.nf_conntrack_udp_timeout=$((120 * KCT_PATIENCE))
	udp_echo $SV 5000
	zone_set 1
	echo "zone 1 answered: $(udp_ask 41000)"
	zone_set 2
	echo "zone 2 answered: $(udp_ask 41000)"
	echo "both listed: $(lines "$t" "sport=41000 " | tr '\n' '|')"
	echo "conntrack -L lists: $(ct_lines in_fw conntrack -L -p udp --sport 41000)"
	echo "conntrack -L -w 1 lists: $(in_fw conntrack -L -w 1 -p udp --sport 41000 2>/dev/null | ct_norm | tr '\n' '|')"
	echo "conntrack -G -w 2: $(in_fw conntrack -G -w 2 -p udp -s $CL4 -d $SV4 --sport 41000 --dport 5000 2>/dev/null | ct_norm | tr '\n' '|')"
	echo "conntrack -G -w 7: $(in_fw conntrack -G -w 7 -p udp -s $CL4 -d $SV4 --sport 41000 --dport 5000 2>&1 | ct_norm | tr '\n' '|')"
	in_fw conntrack -D -w 1 -p udp --sport 41000 >/dev/null 2>&1
	echo "after -D -w 1: $(lines "$t" "sport=41000 " | tr '\n' '|')"

	in_fw nft delete table ip zones
	in_fw iptables -t raw -A PREROUTING -p tcp --dport 7000 -j CT --zone 3
	in_fw iptables -t raw -A PREROUTING -p tcp --sport 7000 -j CT --zone 3
	in_fw iptables -t raw -A PREROUTING -i fw0 -p tcp --dport 7001 \
		-j CT --zone-orig 5
	ct_tcp_hold 4 42000 7000
	ct_tcp_hold 4 42001 7001
	echo "zone 3: $(lines "$t" "sport=42000 ")"
	echo "zone-orig 5: $(lines "$t" "sport=42001 ")"
	echo "conntrack -L -w 5 lists: $(in_fw conntrack -L -w 5 -p tcp 2>/dev/null | ct_norm | tr '\n' '|')"
	topo_destroy
}

mapfile -t s < <(scenario nf_conntrack)
rmmod nf_conntrack_netlink
ct_load
mapfile -t k < <(scenario kct)

printf '%s\n' "${s[@]}" | sed 's/^/# stock: /'
ktap_expect "stock: the scenario ran its 11 steps" 11 "${#s[@]}"
ktap_expect "stock: zone 1's datagram answered" \
	"zone 1 answered: zone probe" "${s[0]}"
ktap_expect "stock: zone 2's datagram answered" \
	"zone 2 answered: zone probe" "${s[1]}"
ktap_check "stock: two entries, zone=1 and zone=2" \
	grep -q "zone=1 .*|.*zone=2 " <<<"${s[2]}"
for i in $(seq 0 10); do
	ktap_expect "${s[$i]%%:*}: kct shows what stock shows" "${s[$i]}" "${k[$i]}"
done
ktap_done
