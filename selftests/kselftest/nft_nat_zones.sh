#!/bin/bash
# The kernel's own nft_nat_zones.sh (linux-source-6.1,
# tools/testing/selftests/netfilter), run unmodified from a scratch copy:
# clients with the same addresses behind one NAT gateway, told apart
# by conntrack zones, get distinct outside source ports.
# It must pass with kct loaded; its run on stock nf_conntrack in the
# same guest first shows the environment can pass it.
# Its 100 client namespaces take about 460 s to set up in the guest and
# a whole run about 700 s on either tracker (2026-12-01), more than the
# default limit of a run.
# kct-test-cost: 1350
# kct-test-timeout: 3600
. "$(dirname "$0")/../lib/preamble.sh"
. "$KCT_LIB/kselftest.sh"
KSELFTEST_RUN_LIMIT=1500
kselftest_compare nft_nat_zones.sh
