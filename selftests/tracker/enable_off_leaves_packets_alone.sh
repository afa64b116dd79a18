#!/bin/bash
# Where net.kct.enable=0, kct leaves a namespace's packets alone, as
# nf_conntrack leaves those of a namespace without a ct rule: none of
# kct's hooks runs for them, its confirm hook included, nor the
# reassembly kct needs, and a firewall forwards fragments as they come
# instead of reassembling them (IPv4 ReasmOKs).  Where it is 1, kct
# reassembles and tracks, as nf_conntrack does where a ct rule exists.
# kct-test-cost: 20
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/probes.sh"
require_tool nft ping sysctl

# reasm_oks NS: the namespace's IPv4 datagrams reassembled so far.
reasm_oks() {
	ip netns exec "$1" awk '/^Ip:/ {
		if (!col) { for (i = 2; i <= NF; i++) if ($i == "ReasmOKs") col = i }
		else print $col
	}' /proc/net/snmp
}

# big_ping_reassembled: the firewall's reassemblies for one ping whose
# request and reply are each three fragments.
big_ping_reassembled() {
	local before
	before=$(reasm_oks $FW)
	in_cl ping -c 1 -s 3000 -W $((2 * KCT_PATIENCE)) $SV4 >/dev/null ||
		{ echo "ping failed"; return; }
	echo $(($(reasm_oks $FW) - before))
}

topo_create
ktap_expect "stock, no ct rule on the firewall: fragments pass as they are" \
	0 "$(big_ping_reassembled)"

kct_load
for ns in $CL $FW $SV; do
	ip netns exec $ns sysctl -qw net.kct.enable=0
done
sysctl -qw net.kct.enable=0
ktap_expect "kct off in the firewall: fragments pass as they are" \
	0 "$(big_ping_reassembled)"
# kct's hook functions, and nf_defrag_ipv4's and nf_defrag_ipv6's.
if probes_add kct_track kct_keep_invalid kct_confirm ipv4_conntrack_defrag \
	ipv6_defrag; then
	before=$(probes_hits)
	in_cl ping -c 2 -i 0.2 -W $((2 * KCT_PATIENCE)) $SV4 >/dev/null
	in_cl ping -6 -c 2 -i 0.2 -W $((2 * KCT_PATIENCE)) $SV6 >/dev/null
	ktap_expect "kct off everywhere: no kct hook or reassembly ran for two pings of each family" \
		0 "$(($(probes_hits) - before))"
else
	ktap_fail "kprobes on kct's hooks"
fi

in_fw sysctl -qw net.kct.enable=1
before=$(probes_hits)
ktap_expect "kct on in the firewall: it reassembles the request and the reply" \
	2 "$(big_ping_reassembled)"
ktap_check "... its hooks ran" test "$(probes_hits)" -gt "$before"
ktap_expect "... and it tracked the ping" 1 "$(kct_count $FW "type=8")"
ktap_expect "the client, still off, has no kct entry" "" "$(kct_table $CL)"

in_fw sysctl -qw net.kct.enable=0
ktap_expect "off again: fragments pass as they are" 0 "$(big_ping_reassembled)"
probes_del
sysctl -qw net.kct.enable=1

rmmod kct
ct_counters_ruleset | in_fw nft -f -
ktap_expect "stock with a ct rule on the firewall reassembles them too" \
	2 "$(big_ping_reassembled)"
ktap_done
