#!/bin/bash
# kct answers stock's __nf_conntrack_confirm() for kct's connections, so
# that a packet kct tracked just before net.kct.enable went to 0 is
# confirmed in kct's table by nf_conntrack's confirm hook, and kct's own
# confirm hooks leave namespaces where kct is off.  When another user
# holds that function (a test module, as livepatch would), kct cannot
# answer it: it loads, names the function and what users lose in its
# log, and keeps its confirm hooks where it is switched off instead, so
# that no connection of kct's reaches stock's table; where it is on it
# tracks as usual.  A kprobe on kct_confirm() counts its calls.
# kct-test-cost: 15
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/probes.sh"
require_tool modprobe rmmod ping

HELD=__nf_conntrack_confirm
trap 'probes_del 2>/dev/null; rmmod kct 2>/dev/null; rmmod kct_test_ftrace 2>/dev/null' EXIT

# confirm_calls: how often kct_confirm() ran for one ping from the
# client to the server.
confirm_calls() {
	local before
	before=$(probes_hits)
	in_cl ping -c 1 -W $((2 * KCT_PATIENCE)) $SV4 >/dev/null
	echo $(($(probes_hits) - before))
}

rmmod kct_ftp kct 2>/dev/null
modprobe nf_conntrack
topo_create
modprobe kct
for ns in $CL $SV; do
	ip netns exec $ns sysctl -qw net.kct.enable=0
done
in_fw sysctl -qw net.kct.enable=0
probes_add kct_confirm
ktap_expect "alone, kct takes its confirm hooks out where it is off" \
	0 "$(confirm_calls)"
in_fw sysctl -qw net.kct.enable=1
ktap_check "... and has them where it is on" test "$(confirm_calls)" -gt 0
probes_del
rmmod kct

if ! modprobe kct_test_ftrace ipmodify=1 confirm=1; then
	ktap_fail "a test module holds $HELD"
	ktap_done
fi
kct_load_logged "kct loads while another user holds $HELD"
ktap_check "its log names $HELD and what users lose" \
	grep -q "kct: cannot answer $HELD \[nf_conntrack\] (error -16): a bridged broadcast to the host lands in stock's table" <<<"$KCT_LOAD_LOG"
for ns in $CL $SV; do
	ip netns exec $ns sysctl -qw net.kct.enable=0
done
probes_add kct_confirm
in_fw sysctl -qw net.kct.enable=0
ktap_check "switched off, it keeps its confirm hooks there" \
	test "$(confirm_calls)" -gt 0
in_fw sysctl -qw net.kct.enable=1
probes_del
ktap_check "ping through the firewall" \
	in_cl ping -c 1 -W $((2 * KCT_PATIENCE)) $SV4
ktap_expect "the firewall, still on, tracked it" 1 "$(kct_count $FW "type=8")"
ktap_expect "nf_conntrack's table stays empty" "" "$(stock_table $FW)"
topo_destroy
rmmod kct
ktap_check "unloaded, kct leaves $HELD to the other user" \
	grep -q "^$HELD .*kct_test_ftrace_call" $TRACING/enabled_functions
ktap_done
