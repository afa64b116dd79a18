#!/bin/bash
# The kernel's own conntrack_vrf.sh (linux-source-6.1,
# tools/testing/selftests/netfilter), run unmodified from a scratch copy:
# conntrack and nft rules on interfaces enslaved to a VRF device, which
# runs the netfilter hooks twice (zones set on the VRF, masquerade
# through it).
# It must pass with kct loaded; its run on stock nf_conntrack in the
# same guest first shows the environment can pass it.
# kct-test-cost: 120
# kct-test-timeout: 2400
. "$(dirname "$0")/../lib/preamble.sh"
. "$KCT_LIB/kselftest.sh"
kselftest_compare conntrack_vrf.sh
