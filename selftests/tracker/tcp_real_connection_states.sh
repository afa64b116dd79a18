#!/bin/bash
# A real TCP connection through the firewall, as /proc/net/kct shows it
# there, IPv4 and IPv6: while the server does not answer, SYN_SENT
# [UNREPLIED] (120 s); when the client never gets the SYN/ACK, SYN_RECV
# (60 s); open, ESTABLISHED [ASSURED] (432000 s); the client half-closes,
# CLOSE_WAIT (60 s); the server closes too, TIME_WAIT (120 s).  A
# connection the server refuses with an RST leaves no entry.
# kct-test-cost: 37
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft python3 ss

topo_create
kct_load

# step NAME: let the ends run their steps up to wait:NAME.
step() { touch /tmp/kct-step-$1; }

for fam in 4 6; do
	sv=$SV4
	[ $fam = 6 ] && sv=$SV6
	tcp_ends $fam 42000 7000
	pkt $SV tcp-serve --port 7000 --step recv:5 --step eof --step wait:close$fam \
		--step close >/dev/null 2>&1 &
	wait_for tcp_listening $SV 7000
	pkt $CL tcp-connect --dst $sv --dport 7000 --sport 42000 --step send:5 \
		--step wait:shut$fam --step shutdown --step eof >/dev/null 2>&1 &
	line=$(fw_state ESTABLISHED)
	t=$(fw_timeout)
	ktap_expect "IPv$fam: open: ESTABLISHED [ASSURED]" \
		"$(tf_line ESTABLISHED "[ASSURED]")" "$line"
	ktap_check "IPv$fam: ... 432000 s" in_range "$t" $((432000 - KCT_SLACK)) 432000
	step shut$fam
	ktap_expect "IPv$fam: client half-closed: CLOSE_WAIT" \
		"$(tf_line CLOSE_WAIT "[ASSURED]")" "$(fw_state CLOSE_WAIT)"
	ktap_check "IPv$fam: ... 60 s" in_range "$(fw_timeout)" $((60 - KCT_SLACK)) 60
	step close$fam
	ktap_expect "IPv$fam: server closed too: TIME_WAIT" \
		"$(tf_line TIME_WAIT "[ASSURED]")" "$(fw_state TIME_WAIT)"
	ktap_check "IPv$fam: ... 120 s" in_range "$(fw_timeout)" $((120 - KCT_SLACK)) 120
	wait
done

# The server drops SYNs to port 7001: the client keeps trying.
in_sv nft add table inet drop_syn
in_sv nft add chain inet drop_syn input '{ type filter hook input priority 0; }'
in_sv nft add rule inet drop_syn input tcp dport 7001 drop
tcp_ends 4 42001 7001
pkt $CL tcp-connect --dst $SV4 --dport 7001 --sport 42001 --timeout 30 \
	>/dev/null 2>&1 &
ktap_expect "server silent: SYN_SENT [UNREPLIED]" \
	"$(tf_line SYN_SENT "[UNREPLIED]")" "$(fw_state SYN_SENT)"
ktap_check "... 120 s" in_range "$(fw_timeout)" $((120 - KCT_SLACK)) 120

# The client drops the SYN/ACKs from port 7002: the ACK never comes.
in_cl nft add table inet drop_synack
in_cl nft add chain inet drop_synack input '{ type filter hook input priority 0; }'
in_cl nft add rule inet drop_synack input tcp sport 7002 drop
pkt $SV tcp-serve --port 7002 >/dev/null 2>&1 &
wait_for tcp_listening $SV 7002
tcp_ends 4 42002 7002
pkt $CL tcp-connect --dst $SV4 --dport 7002 --sport 42002 --timeout 30 \
	>/dev/null 2>&1 &
ktap_expect "client never gets the SYN/ACK: SYN_RECV" \
	"$(tf_line SYN_RECV)" "$(fw_state SYN_RECV)"
ktap_check "... 60 s" in_range "$(fw_timeout)" $((60 - KCT_SLACK)) 60

# Nothing listens on port 7003: the server's RST answers the SYN.
tcp_ends 4 42003 7003
insert=$(kct_stat $FW insert)
ktap_check "the server refuses a connection to port 7003" \
	not pkt $CL tcp-connect --dst $SV4 --dport 7003 --sport 42003
ktap_expect "... and the firewall's entry went with the RST" "" "$(fw_state NONE)"
ktap_expect "... after it was inserted with the SYN" $((insert + 1)) "$(kct_stat $FW insert)"
ktap_done
