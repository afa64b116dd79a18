#!/bin/bash
# kct answers seven of stock's functions in their place, as livepatch
# replaces a function (kct_redirect.c); only one user of a function may
# do that.  With another user holding one of them (a test module, as
# livepatch would), kct still loads: its log names that function and what
# users lose, the other six are answered by kct, and unloading kct
# leaves them all to stock and the other user's hold in place.  Without
# it, all seven are answered.  (What each answer gives users is tested
# where they use it: connection limits, NAT, ct expectation objects.)
# kct-test-cost: 13
. "$(dirname "$0")/../lib/preamble.sh"
require_tool modprobe rmmod

TRACING=/sys/kernel/tracing
HELD=nf_conntrack_tuple_taken
OTHERS="nf_conntrack_find_get nf_ct_expect_related_report nf_ct_delete
nf_ct_iterate_cleanup_net nf_ct_iterate_destroy __nf_conntrack_confirm"

trap 'rmmod kct 2>/dev/null; rmmod kct_test_ftrace 2>/dev/null' EXIT
mountpoint -q "$TRACING" || mount -t tracefs nodev "$TRACING"

# answered_by_kct FUNC: ftrace sends FUNC's calls to kct's callback.
answered_by_kct() {
	grep -q "^$1 .*kct_redirect_call" "$TRACING"/enabled_functions
}

# held_by_other: HELD's calls go to the test module's callback.
held_by_other() {
	grep "^$HELD " "$TRACING"/enabled_functions | grep -q kct_test_ftrace_call
}

# kct_answers_none: no function's calls go to kct's callback.
kct_answers_none() {
	! grep -q kct_redirect_call "$TRACING"/enabled_functions
}

# kct_answers_all FUNC...: every FUNC answered by kct; the others named.
kct_answers_all() {
	local f missing=
	for f in "$@"; do
		answered_by_kct "$f" || missing="$missing $f"
	done
	[ -z "$missing" ] || ktap_note "not answered by kct:$missing"
	[ -z "$missing" ]
}

rmmod kct_ftp kct 2>/dev/null
modprobe nf_conntrack
modprobe kct
# shellcheck disable=SC2086  # OTHERS is a list of names
ktap_check "alone, kct answers all seven functions" kct_answers_all $HELD $OTHERS
rmmod kct

if ! modprobe kct_test_ftrace ipmodify=1 || ! held_by_other; then
	ktap_fail "a test module holds $HELD"
	ktap_done
fi
kct_load_logged "kct loads while another user holds $HELD"
ktap_check "its log names $HELD and what users lose" \
	grep -q "kct: cannot answer $HELD \[nf_conntrack\] (error -16): NAT may give two connections the same outside tuple" <<<"$KCT_LOAD_LOG"
# shellcheck disable=SC2086
ktap_check "kct answers the other six" kct_answers_all $OTHERS
ktap_check "$HELD stays with the other user" held_by_other
rmmod kct
ktap_check "unloaded, kct answers none" kct_answers_none
ktap_check "the other user still holds $HELD" held_by_other
ktap_done
