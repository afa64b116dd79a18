#!/bin/bash
# The kernel's own conntrack_icmp_related.sh (linux-source-6.1,
# tools/testing/selftests/netfilter), run unmodified from a scratch copy:
# ICMP fragmentation-needed and packet-too-big errors are RELATED
# (routers drop INVALID), and reach the sender through masquerade, as
# the NAT of the ICMP echo 'connection' says.
# It must pass with kct loaded; its run on stock nf_conntrack in the
# same guest first shows the environment can pass it.
# kct-test-cost: 200
# kct-test-timeout: 2400
. "$(dirname "$0")/../lib/preamble.sh"
. "$KCT_LIB/kselftest.sh"
kselftest_compare conntrack_icmp_related.sh
