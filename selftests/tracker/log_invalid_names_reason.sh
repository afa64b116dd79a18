#!/bin/bash
# net.netfilter.nf_conntrack_log_invalid (0 off, a protocol number, 255
# all) makes kct log INVALID packets as it makes stock log them, but
# kct's message names why it judged the packet invalid, so users need
# not guess.
# kct-test-cost: 13
. "$(dirname "$0")/../lib/preamble.sh"
require_tool python3 dmesg

topo_create
kct_load
# The firewall is not the initial namespace: let it log (see
# log_invalid_initial_namespace_only).
sysctl -qw net.netfilter.nf_log_all_netns=1
trap 'sysctl -qw net.netfilter.nf_log_all_netns=0; topo_destroy >/dev/null 2>&1; rm -f /tmp/kct-tcp-* /tmp/kct-step-*' EXIT
in_fw sysctl -qw net.netfilter.nf_conntrack_log_invalid=17
before=$(dmesg | wc -l)
pkt $CL icmp --dst $SV4 --type 0 --id 4444
ktap_expect "log_invalid=17 (UDP only): an invalid ICMP packet is not logged" "" \
	"$(dmesg | tail -n +$((before + 1)) | grep "kct: invalid packet")"

in_fw sysctl -qw net.netfilter.nf_conntrack_log_invalid=255
before=$(dmesg | wc -l)
pkt $CL icmp --dst $SV4 --type 0 --id 4444
log=$(dmesg | tail -n +$((before + 1)) | grep "kct: invalid packet")
ktap_expect "log_invalid=255: one line, naming the reason, protocol, addresses and device" \
	"kct: invalid packet (icmp_bad_type): proto=1 src=$CL4 dst=$SV4 dev=fw0" \
	"$(echo "$log" | sed 's/^\[[ 0-9.]*\] //')"
ktap_done
