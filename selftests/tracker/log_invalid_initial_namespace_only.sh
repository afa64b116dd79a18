#!/bin/bash
# As with stock, INVALID packets are logged (log_invalid) from the initial
# network namespace, and from any other namespace only once the host
# allows it (net.netfilter.nf_log_all_netns=1): a container that sets
# log_invalid cannot fill the host's kernel log.  Stock
# nf_conntrack_log_invalid, given the same packet in the firewall
# namespace, logs in the same cases.
# kct-test-cost: 34
. "$(dirname "$0")/../lib/preamble.sh"
require_tool python3 dmesg nft

LIB=$(cd "$(dirname "$0")/../lib" && pwd)
trap 'sysctl -qw net.netfilter.nf_log_all_netns=0 \
	net.netfilter.nf_conntrack_log_invalid=0 2>/dev/null
	nft delete table inet kct_stock 2>/dev/null
	topo_destroy >/dev/null 2>&1' EXIT

# logged PATTERN CMD...: "logged" if running CMD adds kernel log lines
# matching PATTERN, else "nothing".  (A packet to the loopback address
# meets the tracker twice, on its way out and on its way in.)
logged() {
	local pattern=$1 before
	shift
	before=$(dmesg | wc -l)
	"$@" >/dev/null 2>&1
	if dmesg | tail -n +$((before + 1)) | grep -q "$pattern"; then
		echo logged
	else
		echo nothing
	fi
}

# A UDP datagram with a bad checksum: INVALID for both trackers, and
# logged by both when allowed.
from_firewall() {
	pkt $CL udp-raw --dst $SV4 --sport 7777 --dport 8888 --bad-checksum
}
# A lone echo reply over loopback (checksums are not checked there).
from_host() {
	python3 "$LIB/pkt.py" icmp --dst 127.0.0.1 --type 0 --id 4445
}

topo_create
sysctl -qw net.netfilter.nf_log_all_netns=0
kct_load
in_fw sysctl -qw net.netfilter.nf_conntrack_log_invalid=255
sysctl -qw net.netfilter.nf_conntrack_log_invalid=255
ktap_expect "kct, another namespace: nothing logged" nothing \
	"$(logged "kct: invalid packet" from_firewall)"
ktap_expect "kct, the initial namespace: logged" logged \
	"$(logged "kct: invalid packet" from_host)"
sysctl -qw net.netfilter.nf_log_all_netns=1
ktap_expect "kct, another namespace, nf_log_all_netns=1: logged" logged \
	"$(logged "kct: invalid packet" from_firewall)"
sysctl -qw net.netfilter.nf_conntrack_log_invalid=0

rmmod kct
modprobe nf_log_syslog
# Stock tracks only where a rule asks.
nft -f - <<'NFT'
table inet kct_stock {
	chain output_filter {
		type filter hook output priority filter; policy accept;
		ct state new accept
	}
}
NFT
in_fw nft -f - <<'NFT'
table inet kct_stock {
	chain forward_filter {
		type filter hook forward priority filter; policy accept;
		ct state new accept
	}
}
NFT
in_fw sysctl -qw net.netfilter.nf_conntrack_log_invalid=255
sysctl -qw net.netfilter.nf_conntrack_log_invalid=255
sysctl -qw net.netfilter.nf_log_all_netns=0
ktap_expect "stock, another namespace: nothing logged" nothing \
	"$(logged "nf_ct_proto_17:" from_firewall)"
sysctl -qw net.netfilter.nf_log_all_netns=1
ktap_expect "stock, another namespace, nf_log_all_netns=1: logged" logged \
	"$(logged "nf_ct_proto_17:" from_firewall)"
sysctl -qw net.netfilter.nf_log_all_netns=0
sysctl -qw net.netfilter.nf_conntrack_log_invalid=0
nft delete table inet kct_stock
ktap_done
