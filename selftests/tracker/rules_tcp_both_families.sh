#!/bin/bash
# TCP through a firewall, IPv4 and IPv6, as the rules see it: nft "ct
# state" and iptables/ip6tables "-m conntrack --ctstate" / "-m state"
# count the SYN as NEW and every other segment, both ways, as
# ESTABLISHED; "--ctdir REPLY" counts exactly the server's segments and
# "--ctorigdstport" every segment of the connection.
# kct-test-cost: 23
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft iptables-restore ip6tables-restore socat python3 ss

topo_create
kct_load
ct_counters_ruleset | in_fw nft -f -
rules() {
	cat <<'RULES'
*filter
-A FORWARD -p tcp -m comment --comment all
-A FORWARD -p tcp -s SERVER -m comment --comment from_server
-A FORWARD -m state --state NEW -m comment --comment state_new
-A FORWARD -m conntrack --ctstate NEW -m comment --comment ctstate_new
-A FORWARD -m conntrack --ctstate ESTABLISHED -m comment --comment ctstate_established
-A FORWARD -m conntrack --ctstate INVALID -m comment --comment ctstate_invalid
-A FORWARD -m conntrack --ctdir REPLY -m comment --comment ctdir_reply
-A FORWARD -m conntrack --ctproto tcp --ctorigdstport 7000 -m comment --comment origdport
-A FORWARD -m conntrack --ctstatus ASSURED -m comment --comment assured
COMMIT
RULES
}
rules | sed "s/SERVER/$SV4/" | in_fw iptables-restore
rules | sed "s/SERVER/$SV6/" | in_fw ip6tables-restore
in_sv socat TCP6-LISTEN:7000,reuseaddr,fork SYSTEM:'echo tcp-ok' >/dev/null 2>&1 &
wait_for tcp_listening $SV 7000

for fam in 4 6; do
	addr=$SV4 ipt=iptables
	[ $fam = 6 ] && addr="[$SV6]" ipt=ip6tables
	out=$(tcp_answer $CL "$addr" 7000 2>&1)
	ktap_expect "IPv$fam: the connection works" "tcp-ok" "$out"
	sleep 0.5
	c=$(ipt_counters $FW $ipt filter FORWARD)
	all=$(echo "$c" | tr ' ' '\n' | sed -n 's/^all=//p')
	srv=$(echo "$c" | tr ' ' '\n' | sed -n 's/^from_server=//p')
	ktap_check "IPv$fam: at least 6 segments passed" in_range "$all" 6 1000
	ktap_expect "IPv$fam: nft: the SYN new, the rest established" \
		"new=1 established=$((all - 1)) related=0 invalid=0 untracked=0" \
		"$(ct_counters $FW $fam "")"
	ktap_expect "IPv$fam: $ipt: state, ctstate, ctdir, ctorigdstport" \
		"all=$all from_server=$srv state_new=1 ctstate_new=1 ctstate_established=$((all - 1)) ctstate_invalid=0 ctdir_reply=$srv origdport=$all" \
		"$(echo "$c" | sed 's/ assured=[0-9]*//')"
	assured=$(echo "$c" | tr ' ' '\n' | sed -n 's/^assured=//p')
	ktap_check "IPv$fam: ASSURED from the handshake's last ACK on ($assured of $all)" \
		in_range "$assured" $((all - 3)) $((all - 2))
done
ktap_done
