#!/bin/bash
# The kernel's own nft_synproxy.sh (linux-source-6.1,
# tools/testing/selftests/netfilter), run unmodified from a scratch copy:
# nft synproxy in front of an iperf3 server: the handshake is answered
# by the router, and the connection then works.
# It must pass with kct loaded; its run on stock nf_conntrack in the
# same guest first shows the environment can pass it.
# kct-test-cost: 120
# kct-test-timeout: 2400
. "$(dirname "$0")/../lib/preamble.sh"
. "$KCT_LIB/kselftest.sh"
# When iperf3 fails, the script prints "FAIL: iperf3 returned an error"
# and exits 0 all the same: its line is the verdict then.
KSELFTEST_FAIL_LINE='^FAIL: '
kselftest_compare nft_synproxy.sh
