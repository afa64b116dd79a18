#!/bin/bash
# The kernel's own conntrack_tcp_unreplied.sh (linux-source-6.1,
# tools/testing/selftests/netfilter), run unmodified from a scratch copy:
# an UNREPLIED TCP entry times out (after the stock
# nf_conntrack_tcp_timeout_syn_sent it sets), so that a DNAT rule added
# meanwhile applies to the client's next SYN.
# It must pass with kct loaded; its run on stock nf_conntrack in the
# same guest first shows the environment can pass it.
# kct-test-cost: 120
# kct-test-timeout: 2400
. "$(dirname "$0")/../lib/preamble.sh"
. "$KCT_LIB/kselftest.sh"
kselftest_compare conntrack_tcp_unreplied.sh
