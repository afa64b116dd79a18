#!/bin/bash
# kct_ftp and stock's nf_conntrack_ftp cannot both hold the helper name
# "ftp": with nf_conntrack_ftp loaded, modprobe kct_ftp fails and the
# kernel log says why; with kct_ftp loaded, nf_conntrack_ftp fails to
# load; once nf_conntrack_ftp is gone, kct_ftp loads.
# kct-test-cost: 4
. "$(dirname "$0")/../lib/preamble.sh"
require_tool modprobe rmmod

# nf_conntrack_ftp must not outlive the test (the runner does not know it).
trap 'rmmod nf_conntrack_ftp 2>/dev/null' EXIT
modprobe kct
modprobe nf_conntrack_ftp
log_before=$(dmesg | wc -l)
ktap_check "with nf_conntrack_ftp loaded, modprobe kct_ftp fails" \
	not modprobe kct_ftp
ktap_expect "the kernel log says why" \
	"kct: helper ftp is already registered (is nf_conntrack_ftp loaded?)" \
	"$(dmesg | tail -n +$((log_before + 1)) | grep -o 'kct: helper.*' | head -n1)"
ktap_check "kct_ftp is not loaded" sh -c '! grep -q "^kct_ftp " /proc/modules'
rmmod nf_conntrack_ftp
ktap_check "without nf_conntrack_ftp, kct_ftp loads" modprobe kct_ftp
ktap_check "with kct_ftp loaded, nf_conntrack_ftp fails to load" \
	not modprobe nf_conntrack_ftp
ktap_done
