#!/bin/bash
# A container host bridges its containers with br_netfilter loaded (as
# Docker sets it up), and a container sends the host a broadcast or a
# multicast datagram (DHCP, mDNS, SSDP).  br_netfilter confirms such a
# packet's connection itself at the bridge's input, through
# nf_conntrack's confirm, before the host's stack may copy it: the entry
# must still land in the tracker's own table, listed in /proc and by
# `conntrack -L`, and not in the other tracker's.  An IPv4 broadcast and
# an IPv6 all-nodes multicast from a container to its bridge host; kct
# shows what stock shows.
# kct-test-cost: 30
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/stock_diff.sh"
require_tool nft python3 conntrack
# The debug kernel (scripts/debug-kernel) is built without bridges.
if ! modprobe -q br_netfilter; then
	ktap_skip "bridged broadcasts to the host" "kernel without br_netfilter"
	ktap_done
fi

HOST4=203.0.113.1
CTR4=203.0.113.2
HOST6=2001:db8:3::1
CTR6=2001:db8:3::2

# bridge_create: the container ($CL, link c0) plugged into the host's
# bridge br0 ($FW), which holds the host's addresses.
bridge_create() {
	ip -b - <<EOF
netns add $CL
netns add $FW
link add c0 netns $CL type veth peer name p0 netns $FW
EOF
	ip -n $FW -b - <<EOF
link set lo up
link add br0 type bridge
link set p0 master br0
addr add $HOST4/24 dev br0
addr add $HOST6/64 dev br0 nodad
link set p0 up
link set br0 up
EOF
	ip -n $CL -b - <<EOF
link set lo up
addr add $CTR4/24 dev c0
addr add $CTR6/64 dev c0 nodad
link set c0 up
EOF
}

# new_seen N: the host's input counted N new connections.
new_seen() {
	[ "$(nft_counter $FW inet t new_in)" -ge "$1" ]
}

# send_until_seen N ARGS...: the container sends a datagram (pkt udp
# ARGS) until the host's input has counted N new connections: the bridge
# port may still be coming up.
send_until_seen() {
	local n=$1 end=$((EPOCHSECONDS + 1 + 10 * KCT_PATIENCE))
	shift
	until new_seen "$n"; do
		[ "$EPOCHSECONDS" -lt "$end" ] || return 1
		pkt $CL udp "$@"
		poll 1 new_seen "$n"
	done
}

# entries TABLE PATTERN...: the host's entries in /proc/net/TABLE with
# every PATTERN, countdowns as T (none if the table does not exist).
entries() {
	local table=$1 lines line
	shift
	lines=$(ns_cat $FW "$table" 2>/dev/null) || return 0
	lines_with "$@" <<<"$lines" | while IFS= read -r line; do
		kct_norm "$line"
	done
}

# listed FAMILY: how many of the container's flows `conntrack -L` lists.
listed() {
	in_fw conntrack -L -f "$1" -p udp --dport 5000 2>/dev/null |
		grep -c 'sport=40000'
}

# scenario TRACKER: the steps, one line each.
scenario() {
	local own other
	own=$(diff_proc_table "$1")
	other=$(diff_proc_table "$([ "$1" = stock ] && echo kct || echo stock)")
	bridge_create
	diff_tracker "$1"
	modprobe br_netfilter
	in_fw sysctl -qw net.bridge.bridge-nf-call-iptables=1 \
		net.bridge.bridge-nf-call-ip6tables=1
	in_fw nft -f - <<NFT || echo "rules did not load"
table inet t {
	counter new_in {}
	chain input {
		type filter hook input priority filter; policy accept;
		udp dport 5000 ct state new counter name "new_in"
	}
}
NFT
	send_until_seen 1 --dst 203.0.113.255 --src $CTR4 --sport 40000 \
		--dport 5000 --dev c0 ||
		echo "the IPv4 broadcast never reached the host's input"
	send_until_seen 2 --dst ff02::1 --src $CTR6 --sport 40000 \
		--dport 5000 --dev c0 ||
		echo "the IPv6 multicast never reached the host's input"
	echo "IPv4 broadcast in its table: $(entries $own "ipv4 " "dport=5000 ")"
	echo "IPv6 multicast in its table: $(entries $own "ipv6 " "dport=5000 ")"
	echo "in the other table: $(entries $other "dport=5000 " | grep -c .)"
	echo "conntrack -L lists: $(($(listed ipv4) + $(listed ipv6)))"
	echo "new connections counted: $(nft_counter $FW inet t new_in)"
	topo_destroy
}

diff_run scenario 5
diff_stock_shows "in the other table: 0" "conntrack -L lists: 2" \
	"new connections counted: 2"
ktap_check "stock: the IPv4 entry is listed" \
	grep -q "dst=203.0.113.255 sport=40000 dport=5000 " <<<"${DIFF_STOCK[0]}"
ktap_check "stock: the IPv6 entry is listed" \
	grep -q "sport=40000 dport=5000 " <<<"${DIFF_STOCK[1]}"
diff_compare
ktap_done
