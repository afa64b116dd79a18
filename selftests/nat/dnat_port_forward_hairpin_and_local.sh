#!/bin/bash
# Destination NAT on kct's connections gives what it gives on stock's,
# in the three ways routers use it:
# - a port forward: the router's outside address, port 8080, forwarded
#   to an inside host's port 7000 (nft "dnat" in prerouting), reached
#   from the outside;
# - hairpin NAT: the inside host itself connects to that outside address
#   and port; the router forwards it back inside and masquerades it (nft
#   "ct status dnat masquerade"), so that the answer comes back through
#   the router;
# - local DNAT: a program on the router connects to an address that
#   "dnat" in the output hook sends to a server.
# Each connection gets its service's answer, and the router's table
# shows, for each, the line stock shows (original tuple as sent, reply
# tuple from where it was translated to).  Then `conntrack -D` of the
# three entries leaves the NAT state clean: the same three connections,
# made again from the same ports, get the same answers and lines.
# kct-test-cost: 32
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/nat_diff.sh"
require_tool nft socat

# The address the router's own program connects to, on the inside
# network (so routed out there first) but owned by nobody.
LOCAL_VIP=192.0.2.99

nat_rules() {
	in_fw sysctl -qw net.ipv4.conf.all.send_redirects=0 \
		net.ipv4.conf.fw0.send_redirects=0
	in_fw nft -f - <<NFT
table ip kct_dnat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr $FW4_SV tcp dport 8080 dnat to $CL4:7000
	}
	chain output {
		type nat hook output priority -100; policy accept;
		ip daddr $LOCAL_VIP tcp dport 80 dnat to $SV4:7001
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "fw0" ip daddr $CL4 ct status dnat masquerade
	}
}
NFT
}

# line TABLE PATTERN...: the router's entry matching every PATTERN,
# countdown masked.
line() {
	local t=$1
	shift
	kct_norm "$(ip netns exec $FW cat /proc/net/$t | lines_with "$@")"
}

# all_closed TABLE: the router holds the three connections, closed.
all_closed() {
	[ "$(ip netns exec $FW cat /proc/net/$1 |
		grep -c ' TIME_WAIT .* sport=4500[012] dport=')" = 3 ]
}

# connect_all TABLE PREFIX: the three connections; one output line per
# answer and per table entry, each starting with PREFIX.
connect_all() {
	echo "$2port forward answered: $(nat_answer $SV $FW4_SV 8080 45000)"
	echo "$2hairpin answered: $(nat_answer $CL $FW4_SV 8080 45001)"
	echo "$2local DNAT answered: $(nat_answer $FW $LOCAL_VIP 80 45002)"
	poll 5 all_closed "$1"
	echo "$2port forward entry: $(line $1 "src=$SV4 dst=$FW4_SV sport=45000 ")"
	echo "$2hairpin entry: $(line $1 "src=$CL4 dst=$FW4_SV sport=45001 ")"
	echo "$2local DNAT entry: $(line $1 "dst=$LOCAL_VIP sport=45002 ")"
}

# scenario TRACKER: the same steps on either tracker.
scenario() {
	local table

	table=$(diff_proc_table "$1")
	topo_create
	diff_tracker "$1"
	nat_rules || echo "rules did not load"
	in_cl socat TCP4-LISTEN:7000,reuseaddr,fork SYSTEM:"echo inside" \
		>/dev/null 2>&1 &
	in_sv socat TCP4-LISTEN:7001,reuseaddr,fork SYSTEM:"echo server" \
		>/dev/null 2>&1 &
	wait_for tcp_listening $CL 7000
	wait_for tcp_listening $SV 7001
	connect_all $table ""
	echo "conntrack -D: $(in_fw conntrack -D -p tcp --orig-port-src 45000 2>&1 | grep -c '^tcp') $(
		in_fw conntrack -D -p tcp --orig-port-src 45001 2>&1 | grep -c '^tcp') $(
		in_fw conntrack -D -p tcp --orig-port-src 45002 2>&1 | grep -c '^tcp')"
	connect_all $table "again: "
	topo_destroy
}

diff_run scenario 13
ktap_expect "stock: the port forward reached the inside host" \
	"port forward answered: inside" "${DIFF_STOCK[0]}"
ktap_expect "stock: so did the hairpin connection" \
	"hairpin answered: inside" "${DIFF_STOCK[1]}"
ktap_expect "stock: the router's local DNAT reached the server" \
	"local DNAT answered: server" "${DIFF_STOCK[2]}"
ktap_expect "stock: the hairpin entry is masqueraded back" \
	"hairpin entry: ipv4     2 tcp      6 T TIME_WAIT src=$CL4 dst=$FW4_SV sport=45001 dport=8080 src=$CL4 dst=$FW4_CL sport=7000 dport=45001 [ASSURED] mark=0 zone=0 use=2" \
	"${DIFF_STOCK[4]}"
ktap_expect "stock: conntrack -D deleted the three" "conntrack -D: 1 1 1" "${DIFF_STOCK[6]}"
diff_compare
ktap_done
