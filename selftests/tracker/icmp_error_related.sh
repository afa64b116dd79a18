#!/bin/bash
# An ICMP error about a tracked connection is RELATED to it, so the
# common "ct state established,related accept" lets a port unreachable
# or a packet-too-big through; an ICMP error quoting a packet of no
# tracked connection is INVALID (and counted as icmp_no_match), so
# nobody can slip errors through by inventing them.  IPv4 and IPv6.
# kct-test-cost: 33
. "$(dirname "$0")/../lib/preamble.sh"
require_tool nft python3

topo_create
kct_load
ct_counters_ruleset | in_fw nft -f -
# The flows must outlive the test, however slow the machine.
in_fw sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600
nomatch=$(kct_invalid $FW icmp_no_match)

# A UDP datagram to a port where nothing listens: the server answers
# with port unreachable, which reaches the client.
ktap_check "IPv4: the client gets port unreachable" \
	pkt $CL udp --dst $SV4 --sport 40000 --dport 9 --refused
ktap_check "IPv6: the client gets port unreachable" \
	pkt $CL udp --dst $SV6 --sport 40000 --dport 9 --refused
snap=$(nft_counters $FW inet ctstate)
ktap_expect "IPv4: the datagram is NEW, the error RELATED" \
	"new=1 established=0 related=1 invalid=0 untracked=0" "$(ct_counters $FW 4 "")"
ktap_expect "IPv6: the datagram is NEW, the error RELATED" \
	"new=1 established=0 related=1 invalid=0 untracked=0" "$(ct_counters $FW 6 "")"
line=$(kct_entry $FW "udp" "dst=$SV4" "dport=9 ")
ktap_check "IPv4: the error does not count as a reply ([UNREPLIED])" \
	has_flag "$line" "[UNREPLIED]"

# Errors quoting a datagram of no connection.
pkt $CL icmp-unreach --dst $SV4 --quote-src $SV4 --quote-dst $CL4 \
	--quote-sport 7777 --quote-dport 8888
pkt $CL icmp-unreach --dst $SV6 --quote-src $SV6 --quote-dst $CL6 \
	--quote-sport 7777 --quote-dport 8888
ktap_expect "IPv4: an error quoting no connection is INVALID" \
	"new=0 established=0 related=0 invalid=1 untracked=0" "$(ct_counters $FW 4 "$snap")"
ktap_expect "IPv6: an error quoting no connection is INVALID" \
	"new=0 established=0 related=0 invalid=1 untracked=0" "$(ct_counters $FW 6 "$snap")"
ktap_expect "kct_invalid icmp_no_match rose by 2" $((nomatch + 2)) \
	"$(kct_invalid $FW icmp_no_match)"

# An error quoting the real flow, but sent to someone else than the
# flow's peer: INVALID too (stock checks the outer destination as well).
snap=$(nft_counters $FW inet ctstate)
pkt $SV icmp-unreach --dst 192.0.2.99 --quote-src $CL4 --quote-dst $SV4 \
	--quote-sport 40000 --quote-dport 9
ktap_expect "IPv4: an error about a real flow sent to a stranger is INVALID" \
	"new=0 established=0 related=0 invalid=1 untracked=0" "$(ct_counters $FW 4 "$snap")"
ktap_expect "no entry was made for any error" 2 "$(kct_count $FW)"
ktap_done
