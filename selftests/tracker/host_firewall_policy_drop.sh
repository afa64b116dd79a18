#!/bin/bash
# The host firewall of the motivating notes, in iptables: policy DROP on
# INPUT and OUTPUT, "OUTPUT -m conntrack --ctstate NEW,ESTABLISHED" and
# "INPUT -m conntrack --ctstate ESTABLISHED" accepted.  With kct doing
# the tracking, the host reaches TCP and UDP services and can ping, while
# nobody can open a connection to it.
# kct-test-cost: 37
# kct-test-tier: long
. "$(dirname "$0")/../lib/preamble.sh"
require_tool iptables-restore socat ping python3 ss

topo_create
kct_load
in_cl iptables-restore <<'RULES'
*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT DROP [0:0]
-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT
-A OUTPUT -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT
COMMIT
RULES

in_sv socat TCP-LISTEN:7000,reuseaddr SYSTEM:'echo tcp-ok' >/dev/null 2>&1 &
udp_echo $SV 7001
in_cl socat TCP-LISTEN:8000,reuseaddr SYSTEM:'echo tcp-ok' >/dev/null 2>&1 &
udp_echo $CL 8001
wait_for tcp_listening $SV 7000
wait_for tcp_listening $CL 8000

# Inbound first: nothing the host started, so every attempt is NEW.
dropped=$(ipt_policy_packets $CL iptables INPUT)
ktap_check "the server cannot reach the host's UDP service" \
	not pkt $SV udp --dst $CL4 --dport 8001 --reply --timeout 1
ktap_expect "the INPUT policy dropped that datagram" $((dropped + 1)) \
	"$(ipt_policy_packets $CL iptables INPUT)"
ktap_check "the server cannot connect to the host's TCP listener" \
	not in_sv socat -T 1 /dev/null TCP:$CL4:8000,connect-timeout=1
ktap_check "the server cannot ping the host" \
	not in_sv ping -c 1 -W 1 $CL4

# Outbound: allowed, and the answers come back in.
out=$(tcp_answer $CL $SV4 7000)
ktap_expect "the host connects to the server's TCP service" "tcp-ok" "$out"
ktap_check "the host gets answers from the server's UDP service" \
	pkt $CL udp --dst $SV4 --dport 7001 --count 2 --reply
ktap_check "the host can ping the server" in_cl ping -c 1 -W $((2 * KCT_PATIENCE)) $SV4

# Still closed inbound for a new UDP flow, after the host's own traffic.
dropped=$(ipt_policy_packets $CL iptables INPUT)
ktap_check "afterwards, the server still cannot reach the host's UDP service" \
	not pkt $SV udp --dst $CL4 --sport 7001 --dport 8001 --reply --timeout 1
ktap_expect "the INPUT policy dropped that datagram" $((dropped + 1)) \
	"$(ipt_policy_packets $CL iptables INPUT)"
ktap_done
