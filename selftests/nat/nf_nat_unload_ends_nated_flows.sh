#!/bin/bash
# When nf_nat goes away (`rmmod nf_nat` once no NAT rule is left), the
# connections it translated go with it, on kct as on stock: their NAT
# state points into nf_nat's tables, which are freed.  With a
# masqueraded TCP connection and an untranslated one open through the
# router, the NAT table deleted and nf_nat unloaded, the router's table
# keeps the untranslated connection only; nf_nat loaded again, new
# masqueraded connections work, and a flush ends everything cleanly (on
# a debug kernel an entry left behind would be a use after free here).
# kct-test-cost: 54
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/nat_diff.sh"
require_tool nft socat conntrack

nat_rules() {
	in_fw nft -f - <<NFT
table ip kct_nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "fw1" tcp dport != 7002 masquerade
	}
}
NFT
}

# unload_nf_nat: nf_nat and every module using it.
unload_nf_nat() {
	local users
	users=$(awk '$1 == "nf_nat" { print $4 }' /proc/modules | tr ',' ' ' | tr -d -)
	rmmod $users nf_nat
}

# flows: the router's entries of the test's connections, one line.
flows() {
	in_fw conntrack -L -p tcp 2>/dev/null | grep 'sport=4603[0-9] ' | ct_norm |
		tr -s ' ' | paste -sd'|'
}

scenario() {
	topo_create
	diff_tracker "$1"
	nat_rules || echo "rules did not load"
	ct_tcp_hold 4 46030 7000
	ct_tcp_hold 4 46031 7002
	echo "before: $(flows)"
	in_fw nft delete table ip kct_nat
	unload_nf_nat && echo "nf_nat unloaded" || echo "nf_nat stayed: $(grep '^nf_nat ' /proc/modules)"
	echo "after: $(flows)"
	nat_rules || echo "rules did not load again"
	ct_tcp_hold 4 46032 7000
	echo "new: $(flows)"
	in_fw conntrack -F 2>/dev/null
	echo "flushed: $(flows)"
	topo_destroy
}

diff_run scenario 5
ktap_expect "stock: nf_nat unloaded" "nf_nat unloaded" "${DIFF_STOCK[1]}"
ktap_check "stock: the masqueraded connection ended with nf_nat" \
	not grep -q "sport=46030 " <<<"${DIFF_STOCK[2]}"
ktap_check "stock: the untranslated one stayed" grep -q "sport=46031 " <<<"${DIFF_STOCK[2]}"
ktap_check "stock: a new masqueraded connection through nf_nat loaded again" \
	grep -q "sport=46032 dport=7000 src=$SV4 dst=$FW4_SV " <<<"${DIFF_STOCK[3]}"
diff_compare
ktap_done
