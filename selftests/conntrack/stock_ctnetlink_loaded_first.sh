#!/bin/bash
# Only one module can own ctnetlink.  When nf_conntrack_netlink is
# loaded before kct, kct loads and tracks without it, and says so once in
# the kernel log; `conntrack` then talks to stock (and sees an empty
# table).  When kct owns ctnetlink, loading nf_conntrack_netlink fails
# with EBUSY and `conntrack` keeps working against kct.
# kct-test-cost: 17
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack socat ss

rmmod kct 2>/dev/null
modprobe nf_conntrack_netlink
before=$(dmesg | wc -l)
ktap_check "with nf_conntrack_netlink loaded, modprobe kct succeeds" modprobe kct
log=$(dmesg | tail -n +$((before + 1)))
ktap_expect "the kernel log says so, once" 1 \
	"$(grep -c 'kct: ctnetlink is taken (nf_conntrack_netlink loaded)' <<<"$log")"
topo_create
ct_tcp_hold 4 42000 7000
ktap_check "kct tracks" in_fw grep -q "dport=7000 " /proc/net/kct
ktap_expect "conntrack -L shows stock's (empty) table" 0 \
	"$(ct_lines in_fw conntrack -L)"
topo_destroy
ktap_check "kct unloads" rmmod kct
ktap_check "nf_conntrack_netlink was left alone" \
	grep -q "^nf_conntrack_netlink " /proc/modules

ct_load
out=$(modprobe nf_conntrack_netlink 2>&1)
rc=$?
ktap_check "with kct loaded, modprobe nf_conntrack_netlink fails" test $rc -ne 0
ktap_check "... busy" grep -q "Device or resource busy" <<<"$out"
topo_create
ct_tcp_hold 4 42000 7000
ktap_expect "conntrack -L still lists kct's connection" 1 \
	"$(ct_lines in_fw conntrack -L -p tcp --dport 7000)"
ktap_done
