#!/bin/bash
# A home router shapes its uplink with sch_cake and its "nat" keyword
# (as sqm-scripts sets it up): cake asks the conntrack table for each
# packet's address inside the NAT, so that the link is shared fairly
# between the inside hosts, not between the flows, although every
# packet on the outside carries the router's one address.  Downstream
# the shaper sits on an ifb device fed from the outside link's ingress,
# where a packet has no connection yet and cake looks its tuple up
# (nf_ct_get_tuple_skb); upstream on the outside link's egress, where
# cake reads the connection the packet carries.  cake does this for
# IPv4 only.
# Two inside hosts behind a masquerading router, one with four UDP
# flows and one with one, each flow offered more than a fifth of a
# 400 kbit/s link: downstream ("dual-dsthost nat" on the ifb) and
# upstream ("dual-srchost nat" on the outside link) the host with one
# flow gets about half of what came through, on stock as on kct.
# Without "nat" (stock) it gets about a fifth, as each flow gets its
# share: the test tells the two apart.
# kct-test-cost: 91
. "$(dirname "$0")/../lib/ktap.sh"
. "$(dirname "$0")/../lib/topo.sh"
. "$(dirname "$0")/../lib/tracker.sh"
require_tool nft tc python3

LIB=$(cd "$(dirname "$0")/../lib" && pwd)
# Each side gives up after 120 s (times KCT_PATIENCE), so that a flow the
# router loses fails the test instead of holding it up.
SHARE=(timeout $((120 * KCT_PATIENCE)) python3 "$LIB/cake_share.py")
PORT=7300
# The second inside host: an address of its own on the client.
CL4_B=192.0.2.3
IFB=kct-ifb

if ! modprobe -a sch_cake ifb act_mirred cls_matchall 2>/dev/null; then
	ktap_skip "cake's nat keyword" "this kernel has no sch_cake, ifb or matchall"
	ktap_done
fi

RUN=$(mktemp -d /tmp/kct-cake.XXXXXX)
trap 'topo_destroy >/dev/null 2>&1; rm -rf "$RUN"' EXIT

topo_create
in_cl ip addr add $CL4_B/24 dev cl0
in_fw nft -f - <<EOF
table ip kct_nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "fw1" masquerade
	}
}
EOF
# What arrives on the outside link goes through the ifb device first.
in_fw ip -b - <<EOF
link add $IFB type ifb
link set $IFB up
EOF
in_fw tc -b - <<EOF
qdisc add dev fw1 handle ffff: ingress
filter add dev fw1 parent ffff: protocol ip matchall action mirred egress redirect dev $IFB
EOF

# shapers NAT: cake on both directions of the outside link, with "nat"
# or "nonat" (NAT); what tc said if that failed.
shapers() {
	in_fw tc -b - <<EOF
qdisc replace dev fw1 root cake bandwidth 400kbit dual-srchost $1
qdisc replace dev $IFB root cake bandwidth 400kbit dual-dsthost $1
EOF
}

# share COUNT_A COUNT_B: what the host with one flow (B) got of what came
# through, in words.
share() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		s = a + b ? b / (a + b) : 0
		if (s >= 0.35 && s <= 0.65) print "about half"
		else if (s >= 0.1 && s <= 0.3) print "about a fifth"
		else printf "%d%%\n", 100 * s
	}'
}

# downstream: the server floods the five flows that greeted it; prints
# how many datagrams each inside host's flows got, A's then B's.
downstream() {
	rm -f "$RUN"/down.*
	in_sv "${SHARE[@]}" down --port $PORT --peers 5 >/dev/null 2>&1 &
	wait_for udp_bound $SV $PORT
	in_cl "${SHARE[@]}" recv --src $CL4 --dst $SV4 --port $PORT \
		--flows 4 >"$RUN/down.a" 2>&1 &
	in_cl "${SHARE[@]}" recv --src $CL4_B --dst $SV4 --port $PORT \
		>"$RUN/down.b" 2>&1 &
	wait
	echo $(cat "$RUN/down.a") $(cat "$RUN/down.b")
}

# upstream: both inside hosts flood the server; prints how many
# datagrams of each came, A's then B's.
upstream() {
	in_sv "${SHARE[@]}" count --port $PORT >"$RUN/up" 2>&1 &
	wait_for udp_bound $SV $PORT
	in_cl "${SHARE[@]}" up --src $CL4 --dst $SV4 --port $PORT --flows 4 &
	in_cl "${SHARE[@]}" up --src $CL4_B --dst $SV4 --port $PORT &
	wait
	awk -v a=$CL4 -v b=$CL4_B '{ n[$1] = $2 }
		END { print n[a] + 0, n[b] + 0 }' "$RUN/up"
}

# shared TRACKER DIRECTION EXPECTED: the flood of DIRECTION (downstream
# or upstream) left the host with one flow EXPECTED ("about half").
shared() {
	local counts
	counts=$($2)
	ktap_note "$1, $2: host A got $(echo $counts | sed 's/ /, host B /')"
	ktap_expect "$1: $2, the host with one flow gets $3" "$3" "$(share $counts)"
}

# both TRACKER: both directions, with "nat".
both() {
	shared "$1" downstream "about half"
	shared "$1" upstream "about half"
}

ktap_check "cake with nat on both directions of the outside link" shapers nat

kct_load
both kct
rmmod kct
both stock
ktap_check "stock: cake without nat configured" shapers nonat
shared stock downstream "about a fifth"
shared stock upstream "about a fifth"
ktap_done
