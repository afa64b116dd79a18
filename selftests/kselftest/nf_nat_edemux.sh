#!/bin/bash
# The kernel's own nf_nat_edemux.sh (linux-source-6.1,
# tools/testing/selftests/netfilter), run unmodified from a scratch copy:
# NAT source port clash resolution: SNAT to the only local port, which
# a connection already holds, and early demux must not hand the NATed
# packets to the wrong socket.
# It must pass with kct loaded; its run on stock nf_conntrack in the
# same guest first shows the environment can pass it.
# kct-test-cost: 120
# kct-test-timeout: 2400
. "$(dirname "$0")/../lib/preamble.sh"
. "$KCT_LIB/kselftest.sh"
kselftest_compare nf_nat_edemux.sh
