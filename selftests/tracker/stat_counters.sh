#!/bin/bash
# /proc/net/stat/kct is stock's /proc/net/stat/nf_conntrack for kct: the
# same header, one line of hex counters per possible CPU; insert counts
# new connections, found packets of known ones, entries the table's
# size, invalid the INVALID packets, icmp_error the ICMP errors that
# match no connection (stock counts those there, not under invalid).
# /proc/net/stat/kct_invalid adds why packets were INVALID, by reason.
# kct-test-cost: 22
. "$(dirname "$0")/../lib/preamble.sh"
require_tool ping python3 ss

kct_load
ns=kct-st
ip netns add $ns
ip -n $ns link set lo up
short_lived_last $ns

ktap_expect "header is stock's" \
	"$(head -n1 /proc/net/stat/nf_conntrack)" \
	"$(ip netns exec $ns head -n1 /proc/net/stat/kct)"
ktap_expect "one line per possible CPU, like stock's" \
	"$(grep -c . /proc/net/stat/nf_conntrack)" \
	"$(ip netns exec $ns grep -c . /proc/net/stat/kct)"
possible=$(awk -F- '{ print ($2 == "" ? 1 : $2 - $1 + 1) }' /sys/devices/system/cpu/possible)
ktap_expect "... that is $possible CPU lines" $((possible + 1)) \
	"$(ip netns exec $ns grep -c . /proc/net/stat/kct)"
ktap_check "every field is 8 hex digits" ip netns exec $ns awk '
	NR > 1 { for (i = 1; i <= NF; i++) if (length($i) != 8 || $i ~ /[^0-9a-f]/) { print "bad: " $0; exit 1 }
		if (NF != 17) { print "fields: " NF; exit 1 } }' /proc/net/stat/kct

# Five new UDP flows over loopback, each answered once.
udp_echo $ns 5000
insert=$(kct_stat $ns insert)
found=$(kct_stat $ns found)
pkt $ns udp --dst 127.0.0.1 --dport 5000 --reply + \
	udp --dst 127.0.0.1 --dport 5000 --reply + \
	udp --dst 127.0.0.1 --dport 5000 --reply + \
	udp --dst 127.0.0.1 --dport 5000 --reply + \
	udp --dst 127.0.0.1 --dport 5000 --reply
ktap_expect "5 new flows: insert rose by 5" $((insert + 5)) "$(kct_stat $ns insert)"
ktap_expect "5 replies of known flows: found rose by 5" $((found + 5)) \
	"$(kct_stat $ns found)"
ktap_expect "entries equals the lines of /proc/net/kct" \
	"$(kct_count $ns)" "$(kct_stat $ns entries)"
ktap_expect "entries equals net.kct.count" \
	"$(ip netns exec $ns sysctl -n net.kct.count)" "$(kct_stat $ns entries)"

# A lone echo reply is INVALID (leaving, and again arriving over lo).
invalid=$(kct_stat $ns invalid)
pkt $ns icmp --dst 127.0.0.1 --type 0
ktap_expect "a lone echo reply: invalid rose by 2 (output and input)" \
	$((invalid + 2)) "$(kct_stat $ns invalid)"

# An ICMP error quoting no connection: stock counts it under icmp_error
# and leaves invalid alone.
invalid=$(kct_stat $ns invalid)
icmp_error=$(kct_stat $ns icmp_error)
pkt $ns icmp-unreach --dst 127.0.0.1 --quote-src 127.0.0.1 --quote-dst 127.0.0.1 \
	--quote-sport 7777 --quote-dport 8888
ktap_expect "an ICMP error of no connection: icmp_error rose by 2" \
	$((icmp_error + 2)) "$(kct_stat $ns icmp_error)"
ktap_expect "... and invalid did not move (as stock)" $invalid "$(kct_stat $ns invalid)"

ktap_expect "kct_invalid lists every reason" \
	"truncated bad_checksum bad_header tcp_bad_flags tcp_not_syn tcp_out_of_window tcp_bad_rst tcp_bad_state tcp_bad_ack icmp_no_match icmp_bad_type table_full no_memory clash sctp_bad_chunks sctp_bad_vtag sctp_bad_state" \
	"$(ip netns exec $ns awk '{ print $1 }' /proc/net/stat/kct_invalid | paste -sd' ')"
ktap_expect "kct_invalid: icmp_bad_type 2, icmp_no_match 2" "2 2" \
	"$(kct_invalid $ns icmp_bad_type) $(kct_invalid $ns icmp_no_match)"
ktap_done
