#!/bin/bash
# The kernel's own nft_nat.sh (linux-source-6.1,
# tools/testing/selftests/netfilter), run unmodified from a scratch copy:
# masquerade, snat, dnat and redirect with nft, IPv4 and IPv6, through
# a router namespace, and NAT of a local connection.
# It must pass with kct loaded; its run on stock nf_conntrack in the
# same guest first shows the environment can pass it.
# kct-test-cost: 300
# kct-test-timeout: 4000
. "$(dirname "$0")/../lib/preamble.sh"
. "$KCT_LIB/kselftest.sh"
kselftest_compare nft_nat.sh
