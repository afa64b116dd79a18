#!/bin/bash
# The kernel's own nft_zones_many.sh (linux-source-6.1,
# tools/testing/selftests/netfilter), run unmodified from a scratch copy:
# insertion of UDP packets with identical addresses and ports, each
# placed in another conntrack zone by nft ct zone set; conntrack -C
# counts one entry per zone.
# It must pass with kct loaded; its run on stock nf_conntrack in the
# same guest first shows the environment can pass it.
# kct-test-cost: 400
# kct-test-timeout: 4000
. "$(dirname "$0")/../lib/preamble.sh"
. "$KCT_LIB/kselftest.sh"
kselftest_compare nft_zones_many.sh
