#!/bin/bash
# iptables and ip6tables rules read kct's verdicts exactly as stock's:
# "-m state --state" and "-m conntrack" with --ctstate, --ctdir,
# --ctorigsrc, --ctorigdstport and --ctstatus count each forwarded packet
# as they would with nf_conntrack, for UDP and ICMP, IPv4 and IPv6.
# kct-test-cost: 52
. "$(dirname "$0")/../lib/preamble.sh"
require_tool iptables-restore ip6tables-restore ping socat python3 ss

topo_create
kct_load

# One counting rule per match, named by its comment.
rules() { # CLIENT-ADDRESS SERVER-ADDRESS
	cat <<RULES
*raw
-A PREROUTING -p udp --dport 9999 -j CT --notrack
COMMIT
*filter
-A FORWARD -m state --state NEW -m comment --comment state_new
-A FORWARD -m state --state ESTABLISHED -m comment --comment state_established
-A FORWARD -m state --state RELATED -m comment --comment state_related
-A FORWARD -m state --state INVALID -m comment --comment state_invalid
-A FORWARD -m state --state UNTRACKED -m comment --comment state_untracked
-A FORWARD -m conntrack --ctstate NEW -m comment --comment ctstate_new
-A FORWARD -m conntrack --ctstate ESTABLISHED -m comment --comment ctstate_established
-A FORWARD -m conntrack --ctstate RELATED -m comment --comment ctstate_related
-A FORWARD -m conntrack --ctstate INVALID -m comment --comment ctstate_invalid
-A FORWARD -m conntrack --ctstate UNTRACKED -m comment --comment ctstate_untracked
-A FORWARD -m conntrack --ctdir ORIGINAL -m comment --comment ctdir_original
-A FORWARD -m conntrack --ctdir REPLY -m comment --comment ctdir_reply
-A FORWARD -m conntrack --ctorigsrc $1 -m comment --comment ctorigsrc_client
-A FORWARD -m conntrack --ctorigsrc $2 -m comment --comment ctorigsrc_server
-A FORWARD -m conntrack --ctproto udp --ctorigdstport 5000 -m comment --comment ctorigdstport_5000
-A FORWARD -m conntrack --ctstatus SEEN_REPLY -m comment --comment ctstatus_seen_reply
-A FORWARD -m conntrack --ctstatus ASSURED -m comment --comment ctstatus_assured
COMMIT
RULES
}
rules $CL4 $SV4 | in_fw iptables-restore
rules $CL6 $SV6 | in_fw ip6tables-restore
KEYS="state_new state_established state_related state_invalid state_untracked
ctstate_new ctstate_established ctstate_related ctstate_invalid ctstate_untracked
ctdir_original ctdir_reply ctorigsrc_client ctorigsrc_server ctorigdstport_5000
ctstatus_seen_reply ctstatus_assured"
KEYS=$(echo $KEYS)
udp_echo $SV 5000
udp_echo $CL 5001
udp_sink $SV 9999

# check DESCRIPTION EXPECTED: what each family's rules counted since the
# last check.
snap4="" snap6=""
check() {
	local now4 now6
	now4=$(ipt_counters $FW iptables filter FORWARD)
	now6=$(ipt_counters $FW ip6tables filter FORWARD)
	ktap_expect "IPv4 $1" "$(counts_expect "$KEYS" "$2")" "$(counts_delta "$snap4" "$now4")"
	ktap_expect "IPv6 $1" "$(counts_expect "$KEYS" "$2")" "$(counts_delta "$snap6" "$now6")"
	snap4=$now4 snap6=$now6
}
check "rules start at zero" ""

# UDP, echoed, a second exchange 2.2 s after the first: the flow becomes
# ASSURED with the second datagram.
pkt $CL udp --dst $SV4 --dport 5000 --count 2 --interval 2.2 --reply &
pid=$!
pkt $CL udp --dst $SV6 --dport 5000 --count 2 --interval 2.2 --reply
wait $pid
check "UDP stream to port 5000" "state_new=1 state_established=3
	ctstate_new=1 ctstate_established=3 ctdir_original=2 ctdir_reply=2
	ctorigsrc_client=4 ctorigdstport_5000=4 ctstatus_seen_reply=3
	ctstatus_assured=2"

in_cl ping -c 2 -i 0.2 -W $((2 * KCT_PATIENCE)) $SV4 >/dev/null
in_cl ping -6 -c 2 -i 0.2 -W $((2 * KCT_PATIENCE)) $SV6 >/dev/null
check "ping x2 from the client" "state_new=1 state_established=3
	ctstate_new=1 ctstate_established=3 ctdir_original=2 ctdir_reply=2
	ctorigsrc_client=4 ctstatus_seen_reply=3"

pkt $SV udp --dst $CL4 --dport 5001 --reply + udp --dst $CL6 --dport 5001 --reply
check "UDP echoed, from the server" "state_new=1 state_established=1
	ctstate_new=1 ctstate_established=1 ctdir_original=1 ctdir_reply=1
	ctorigsrc_server=2 ctstatus_seen_reply=1"

pkt $CL udp --dst $SV4 --dport 9 --refused + udp --dst $SV6 --dport 9 --refused
check "UDP to a closed port and its port unreachable" "state_new=1
	state_related=1 ctstate_new=1 ctstate_related=1 ctdir_original=1
	ctdir_reply=1 ctorigsrc_client=2"

pkt $CL icmp --dst $SV4 --type 0 + icmp --dst $SV6 --type 129
check "lone echo reply" "state_invalid=1 ctstate_invalid=1"

pkt $CL udp --dst $SV4 --dport 9999 + udp --dst $SV6 --dport 9999
check "UDP under a CT --notrack rule" "state_untracked=1 ctstate_untracked=1"
ktap_done
