#!/bin/bash
# The kernel's own ipip-conntrack-mtu.sh (linux-source-6.1,
# tools/testing/selftests/netfilter), run unmodified from a scratch copy:
# two routers joined by an IPIP tunnel over a link of smaller MTU, with
# conntrack on the routers: reassembly of the tunnelled fragments must
# not lose packets.
# It must pass with kct loaded; its run on stock nf_conntrack in the
# same guest first shows the environment can pass it.
# kct-test-cost: 200
# kct-test-timeout: 2400
. "$(dirname "$0")/../lib/preamble.sh"
. "$KCT_LIB/kselftest.sh"
kselftest_compare ipip-conntrack-mtu.sh
