#!/bin/bash
# The kernel's own nft_zones_many.sh (linux-source-6.1,
# tools/testing/selftests/netfilter), run unmodified from a scratch copy:
# insertion of UDP packets with identical addresses and ports, each
# placed in another conntrack zone by nft ct zone set; conntrack -C
# counts one entry per zone.
# It must pass with kct loaded; its run on stock nf_conntrack in the
# same guest first shows the environment can pass it.
# Its 2000 "ip netns exec ... conntrack -I" runs take about half a
# second each in the guest on either tracker (0.48 s stock, 0.41 s kct on
# 2026-12-01, most of it ip netns exec), longer than the default limit of
# a run; it has no timing window to miss, so one run per tracker.  With
# four guests on the machine its stock run still did not end in 2400 s.
# kct-test-cost: 2400
# kct-test-timeout: 5400
. "$(dirname "$0")/../lib/preamble.sh"
. "$KCT_LIB/kselftest.sh"
KSELFTEST_RUN_LIMIT=2400
KCT_KSELFTEST_TRIES=1
kselftest_compare nft_zones_many.sh
