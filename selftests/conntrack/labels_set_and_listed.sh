#!/bin/bash
# Connection labels work on kct's connections as on stock's: an iptables
# `-m connlabel --set` rule or nft `ct label set` labels a connection, a
# `-m connlabel` or nft `ct label` match then sees the label on its later
# packets, `conntrack -L -o labels`
# lists it, and `conntrack -U --label-add`/`--label-del` change it;
# `conntrack -E -o labels` reports each labelled state.
# conntrack 1.4.7 needs a family for -U (-f ipv4 here): without one
# both trackers refuse the update with "Operation not supported".
# Label names come from the map users keep in
# /etc/xtables/connlabel.conf (iptables) and /etc/connlabel.conf (nft),
# written in the guest for the test.
# kct-test-cost: 64
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack iptables socat ss

map=/etc/xtables/connlabel.conf
if [ ! -e $map ]; then
	mkdir -p /etc/xtables
	printf '1 web\n3 blue\n5 audited\n' >$map
	trap 'topo_destroy >/dev/null 2>&1; rm -f /tmp/kct-ct-* /tmp/kct-tcp-* '$map EXIT
fi
[ -e /etc/connlabel.conf ] || cp $map /etc/connlabel.conf

# labelled PORT: the firewall's conntrack -o labels line of the flow to
# PORT, countdown masked.
labelled() {
	in_fw conntrack -L -p tcp --dport "$1" -o labels 2>/dev/null | ct_norm
}

# labelled_events: the distinct events the listener printed that carry a
# label, countdowns, source ports and requesters' portids masked, sorted,
# on one line.
labelled_events() {
	sed -E -n '/labels=/{s/^ *(\[[A-Z]+\]) +([a-z0-9]+ +[0-9]+) +[0-9]+ /\1 \2 T /; s/sport=4200[0-9]/sport=P/; s/portid=[0-9]+/portid=N/; p}' \
		/tmp/kct-ct-ev | sort -u | tr '\n' '|'
}

# scenario TABLE: the same steps on either tracker; one line each.
scenario() {
	topo_create
	[ "$1" = nf_conntrack ] && ct_stock
	in_fw iptables -t mangle -A FORWARD -p tcp --dport 7000 \
		-m connlabel --label blue --set
	in_fw iptables -A FORWARD -p tcp --sport 7000 -m connlabel --label blue
	in_fw nft -f - <<-'NFT'
	table inet lab {
		counter web_replies {}
		chain labelling {
			type filter hook forward priority 10;
			tcp dport 7002 ct label set web
			tcp sport 7002 ct label web counter name web_replies
		}
	}
	NFT
	ip netns exec $FW timeout $((120 * KCT_PATIENCE)) \
		conntrack -E -p tcp -o labels >/tmp/kct-ct-ev 2>&1 &
	evpid=$!
	wait_for ct_events_ready $FW 1
	ct_tcp_hold 4 42000 7000
	ct_tcp_hold 4 42001 7001
	ct_tcp_hold 4 42002 7002
	echo "set by the rule: $(labelled 7000)"
	echo "not labelled: $(labelled 7001)"
	echo "replies matched by -m connlabel: $(in_fw iptables -nvx -L FORWARD |
		awk '/connlabel/ { print ($1 > 0) ? "some" : "none" }')"
	echo "set by nft ct label set: $(labelled 7002)"
	echo "replies matched by nft ct label: $(nft_counter $FW inet lab web_replies |
		awk '{ print ($1 > 0) ? "some" : "none" }')"
	echo "conntrack -U --label-add without a family: $(in_fw conntrack -U \
		-p tcp --dport 7001 --label-add audited 2>&1 | tr '\n' ' ')"
	echo "... leaves it: $(labelled 7001)"
	in_fw conntrack -U -f ipv4 -p tcp --dport 7001 --label-add audited >/tmp/kct-ct-u1 2>&1
	echo "conntrack -U -f ipv4 --label-add: $(labelled 7001)"
	in_fw conntrack -U -f ipv4 -p tcp --dport 7000 --label-del blue >/tmp/kct-ct-u2 2>&1
	echo "conntrack -U -f ipv4 --label-del: $(labelled 7000)"
	sed "s/^/# $1 -U: /" /tmp/kct-ct-u1 /tmp/kct-ct-u2 >&2
	kill $evpid 2>/dev/null
	wait $evpid 2>/dev/null
	echo "conntrack -E -o labels, each labelled state once: $(labelled_events)"
	topo_destroy
}

mapfile -t s < <(scenario nf_conntrack)
rmmod nf_conntrack_netlink
ct_load
mapfile -t k < <(scenario kct)

printf '%s\n' "${s[@]}" | sed 's/^/# stock: /'
ktap_expect "stock: the scenario ran its 10 steps" 10 "${#s[@]}"
ktap_check "stock: the rule's label is listed" grep -q "labels=blue" <<<"${s[0]}"
ktap_check "stock: conntrack -U -f ipv4 --label-add applied" \
	grep -q "labels=audited" <<<"${s[7]}"
ktap_check "stock: nft's label is listed" grep -q "labels=web" <<<"${s[3]}"
ktap_check "stock: the label set by the rule was reported" \
	grep -q "labels=blue" <<<"${s[9]}"
for i in $(seq 0 9); do
	ktap_expect "${s[$i]%%:*}: kct shows what stock shows" "${s[$i]}" "${k[$i]}"
done
ktap_done
