#!/bin/bash
# `conntrack -E` shows the life of a real TCP connection through the
# firewall as kct tracks it: NEW (SYN_SENT, unreplied), UPDATEs through
# SYN_RECV, ESTABLISHED [ASSURED], the closing states to TIME_WAIT, and
# DESTROY when `conntrack -D` removes it.  Events are per namespace: a
# listener in a namespace without traffic hears nothing, `-e NEW` hears
# only NEW.
# kct-test-cost: 12
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack socat ss

ct_load
topo_create
ip netns add kct-quiet
ev=/tmp/kct-ct-events quiet=/tmp/kct-ct-quiet new=/tmp/kct-ct-new
in_fw timeout $((25 * KCT_PATIENCE)) conntrack -E >$ev 2>&1 &
in_fw timeout $((25 * KCT_PATIENCE)) conntrack -E -e NEW >$new 2>&1 &
ip netns exec kct-quiet timeout $((25 * KCT_PATIENCE)) conntrack -E >$quiet 2>&1 &
wait_for ct_events_ready $FW 2
wait_for ct_events_ready kct-quiet 1

# The server's socat waits for cat's echo after the client's EOF: by
# default half a second, less than a debug kernel takes to start cat.
in_sv socat -t $((2 * KCT_PATIENCE)) TCP4-LISTEN:7000,reuseaddr EXEC:cat \
	>/dev/null 2>&1 &
wait_for tcp_listening $SV 7000
out=$(echo hello | in_cl socat -t $((2 * KCT_PATIENCE)) - TCP4:$SV4:7000,sourceport=42000)
ktap_expect "the connection carried data both ways" hello "$out"
wait_for in_fw grep -q "TIME_WAIT" /proc/net/kct
in_fw conntrack -D -p tcp --sport 42000 >/dev/null 2>&1
wait_for grep -q DESTROY $ev
tup="src=$CL4 dst=$SV4 sport=42000 dport=7000"

has() { grep -q -- "$2" "$1"; }
ktap_check "[NEW] tcp 6 SYN_SENT ... [UNREPLIED]" \
	has $ev "\[NEW\] tcp      6 [0-9]* SYN_SENT $tup \[UNREPLIED\]"
ktap_check "[UPDATE] ... SYN_RECV" has $ev "\[UPDATE\] tcp      6 [0-9]* SYN_RECV $tup"
ktap_check "[UPDATE] ... ESTABLISHED ... [ASSURED]" \
	has $ev "\[UPDATE\] tcp      6 [0-9]* ESTABLISHED $tup .*\[ASSURED\]"
ktap_check "[UPDATE] ... TIME_WAIT" has $ev "\[UPDATE\] tcp      6 [0-9]* TIME_WAIT $tup"
ktap_check "[DESTROY] ... after conntrack -D" has $ev "\[DESTROY\] tcp      6 .*$tup"
ktap_check "the events came in that order" sh -c "grep -o 'NEW\] tcp.*SYN_SENT\|SYN_RECV\|ESTABLISHED\|TIME_WAIT\|DESTROY' $ev | uniq | tr '\n' ' ' | grep -q 'SYN_SENT SYN_RECV ESTABLISHED.*TIME_WAIT DESTROY'"
ktap_expect "-e NEW: only the NEW event" 1 "$(grep -c '\[' $new)"
ktap_expect "a namespace without traffic: no event" "" "$(grep '\[' $quiet)"
# The listeners have said all there is: end them now, not at their timeout.
kill $(jobs -p) 2>/dev/null
wait
ktap_done
