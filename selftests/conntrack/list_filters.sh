#!/bin/bash
# `conntrack -L` with the filters users type selects from kct's table what
# they ask for: protocol (-p), addresses (-s, -d), ports (--sport,
# --dport), TCP state (--state), mark (-m), family (-f ipv6) and status
# (--status).
# kct-test-cost: 28
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack socat ss

ct_load
topo_create
ct_traffic
in_fw nft -f - <<'NFT'
table inet marks {
	chain filt { type filter hook forward priority 10; tcp dport 7001 ct mark set 7; }
}
NFT
ct_tcp_hold 6 42003 7001

# filter_is DESC EXPECTED-COUNT PATTERN ARGS...: the command lists that
# many lines, each containing PATTERN.
filter_is() {
	local desc=$1 want=$2 pat=$3 out n
	shift 3
	out=$(in_fw conntrack -L "$@" 2>/dev/null)
	n=$(printf '%s\n' "$out" | grep -c .)
	if [ "$n" = "$want" ] && ! printf '%s\n' "$out" | grep -vq -- "$pat"; then
		ktap_ok "$desc"
	else
		ktap_fail "$desc"
		ktap_note "conntrack -L $*: wanted $want lines with '$pat':"
		ktap_note "$out"
	fi
}

filter_is "-p tcp: the three TCP connections" 3 "^tcp " -p tcp
filter_is "-p udp: the UDP datagram" 1 "^udp .*\[UNREPLIED\]" -p udp
filter_is "-p icmp: the IPv4 ping" 1 "^icmp .*type=8" -p icmp
filter_is "-s $CL4: the IPv4 connections" 3 "src=$CL4 " -s $CL4
filter_is "-d $SV6 -f ipv6: the IPv6 ones" 3 "dst=$SV6 " -f ipv6 -d $SV6
filter_is "-p tcp --sport 42000" 1 "sport=42000 dport=7000" -p tcp --sport 42000
filter_is "-p tcp --dport 7001: two connections" 2 "dport=7001 " -p tcp --dport 7001
filter_is "-p tcp --state ESTABLISHED" 3 "ESTABLISHED" -p tcp --state ESTABLISHED
filter_is "-m 7: the marked IPv6 connection" 1 "sport=42003 .*mark=7 " -m 7
filter_is "-f ipv6: IPv6 only" 3 "2001:db8:" -f ipv6
filter_is "-p udp --status ASSURED: none" 0 "" -p udp --status ASSURED
filter_is "--status ASSURED: the three TCP connections" 3 "\[ASSURED\]" --status ASSURED
ktap_done
