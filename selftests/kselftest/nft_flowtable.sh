#!/bin/bash
# The kernel's own nft_flowtable.sh (linux-source-6.1,
# tools/testing/selftests/netfilter), run unmodified from a scratch copy:
# nft flowtable offload of forwarded TCP flows between links of different
# MTU (with NAT, and with IPsec): the transfers are intact.
# It must pass with kct loaded; its run on stock nf_conntrack in the
# same guest first shows the environment can pass it.
# kct-test-cost: 400
# kct-test-timeout: 4000
. "$(dirname "$0")/../lib/preamble.sh"
. "$KCT_LIB/kselftest.sh"
kselftest_compare nft_flowtable.sh
