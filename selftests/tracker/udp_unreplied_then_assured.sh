#!/bin/bash
# A UDP flow is [UNREPLIED] with net.netfilter.nf_conntrack_udp_timeout
# (30 s) until the peer answers.  The first answer clears [UNREPLIED]
# but the flow is not yet ASSURED and keeps the short timeout.  Once it
# still talks both ways more than two seconds after it began it is a
# stream: [ASSURED], with net.netfilter.nf_conntrack_udp_timeout_stream
# (120 s), safe from early drop.  Users size their tables and read
# /proc/net/kct by these rules.
# kct-test-cost: 21
. "$(dirname "$0")/../lib/preamble.sh"
require_tool socat python3 ss

topo_create
kct_load
# 30 s, longer on a slow kernel (kct_load).
udp=$(in_fw sysctl -n net.netfilter.nf_conntrack_udp_timeout)
udp_sink $SV 5000
udp_sink $CL 40000

flow="sport=40000 dport=5000"
pkt $CL udp --dst $SV4 --sport 40000 --dport 5000
kct_wait_entry $FW "$flow"
line=$(kct_entry $FW "$flow")
ktap_expect "first datagram: entry [UNREPLIED]" \
	"ipv4     2 udp      17 T src=$CL4 dst=$SV4 sport=40000 dport=5000 [UNREPLIED] src=$SV4 dst=$CL4 sport=5000 dport=40000 mark=0 zone=0 use=2" \
	"$(kct_norm "$line")"
ktap_check "first datagram: timeout is udp_timeout ($((udp - KCT_SLACK))..$udp s)" \
	in_range "$(kct_timeout "$line")" $((udp - KCT_SLACK)) "$udp"

pkt $SV udp --dst $CL4 --sport 5000 --dport 40000
kct_wait_entry $FW "dport=5000 src=$SV4"
line=$(kct_entry $FW "$flow")
ktap_expect "first reply: entry replied, not assured" \
	"ipv4     2 udp      17 T src=$CL4 dst=$SV4 sport=40000 dport=5000 src=$SV4 dst=$CL4 sport=5000 dport=40000 mark=0 zone=0 use=2" \
	"$(kct_norm "$line")"
ktap_check "first reply: timeout still udp_timeout ($((udp - KCT_SLACK))..$udp s)" \
	in_range "$(kct_timeout "$line")" $((udp - KCT_SLACK)) "$udp"

# More than two seconds after the first datagram, both ways again.
sleep 2.2
pkt $CL udp --dst $SV4 --sport 40000 --dport 5000
pkt $SV udp --dst $CL4 --sport 5000 --dport 40000
kct_wait_entry $FW "$flow" "[ASSURED]"
line=$(kct_entry $FW "$flow")
ktap_expect "two-way traffic after 2 s: entry [ASSURED]" \
	"ipv4     2 udp      17 T src=$CL4 dst=$SV4 sport=40000 dport=5000 src=$SV4 dst=$CL4 sport=5000 dport=40000 [ASSURED] mark=0 zone=0 use=2" \
	"$(kct_norm "$line")"
stream=$(in_fw sysctl -n net.netfilter.nf_conntrack_udp_timeout_stream)
ktap_expect "udp_timeout_stream is 120 s" 120 "$stream"
ktap_check "assured: timeout is udp_timeout_stream ($((stream - KCT_SLACK))..$stream s)" \
	in_range "$(kct_timeout "$line")" $((stream - KCT_SLACK)) "$stream"
ktap_done
