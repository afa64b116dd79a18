#!/bin/bash
# ping is tracked as a connection: the echo request (type 8, ICMPv6 128)
# is the original direction, the echo reply (type 0, ICMPv6 129) with the
# same id the reply direction; net.netfilter.nf_conntrack_icmp_timeout
# and icmpv6_timeout (30 s) apply.  A request nobody answers stays [UNREPLIED].
# kct-test-cost: 17
. "$(dirname "$0")/../lib/preamble.sh"
require_tool ping python3

topo_create
kct_load
# 30 s, longer on a slow kernel (kct_load).
icmp=$(in_fw sysctl -n net.netfilter.nf_conntrack_icmp_timeout)
icmpv6=$(in_fw sysctl -n net.netfilter.nf_conntrack_icmpv6_timeout)

ktap_check "client pings the server (IPv4)" in_cl ping -c 1 -W $KCT_CLIENT_WAIT $SV4
line=$(kct_entry $FW "type=8")
id=$(echo "$line" | sed -n 's/.* type=8 code=0 id=\([0-9]*\) .*/\1/p')
ktap_expect "IPv4: request type 8 / reply type 0, same id" \
	"ipv4     2 icmp     1 T src=$CL4 dst=$SV4 type=8 code=0 id=$id src=$SV4 dst=$CL4 type=0 code=0 id=$id mark=0 zone=0 use=2" \
	"$(kct_norm "$line")"
ktap_check "IPv4: timeout is icmp_timeout ($((icmp - KCT_SLACK))..$icmp s)" \
	in_range "$(kct_timeout "$line")" $((icmp - KCT_SLACK)) "$icmp"

ktap_check "client pings the server (IPv6)" in_cl ping -6 -c 1 -W $KCT_CLIENT_WAIT $SV6
line=$(kct_entry $FW "type=128")
id=$(echo "$line" | sed -n 's/.* type=128 code=0 id=\([0-9]*\) .*/\1/p')
ktap_expect "IPv6: request type 128 / reply type 129, same id" \
	"ipv6     10 icmpv6   58 T src=$CL6_FULL dst=$SV6_FULL type=128 code=0 id=$id src=$SV6_FULL dst=$CL6_FULL type=129 code=0 id=$id mark=0 zone=0 use=2" \
	"$(kct_norm "$line")"
ktap_check "IPv6: timeout is icmpv6_timeout ($((icmpv6 - KCT_SLACK))..$icmpv6 s)" \
	in_range "$(kct_timeout "$line")" $((icmpv6 - KCT_SLACK)) "$icmpv6"

# The server stops answering: a request alone stays [UNREPLIED].
in_sv sysctl -qw net.ipv4.icmp_echo_ignore_all=1
pkt $CL icmp --dst $SV4 --type 8 --id 4242
line=$(kct_entry $FW "id=4242")
ktap_expect "an unanswered request is [UNREPLIED]" \
	"ipv4     2 icmp     1 T src=$CL4 dst=$SV4 type=8 code=0 id=4242 [UNREPLIED] src=$SV4 dst=$CL4 type=0 code=0 id=4242 mark=0 zone=0 use=2" \
	"$(kct_norm "$line")"
ktap_expect "the firewall tracks exactly these three" 3 "$(kct_count $FW)"
ktap_done
