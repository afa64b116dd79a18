#!/bin/bash
# The kernel's own nft_conntrack_helper.sh (linux-source-6.1,
# tools/testing/selftests/netfilter), run unmodified from a scratch copy:
# nft ct helper objects assign the ftp helper to connections, and
# conntrack -L shows helper=ftp for them, IPv4 and IPv6.
# It must pass with kct loaded; its run on stock nf_conntrack in the
# same guest first shows the environment can pass it.
# Its listener and client start together; under emulation the client
# often connected first (7 times in 12 on stock in the guest,
# 2026-12-01): refused, its entry went at the RST before the check, and
# OpenBSD's netcat then listened forever.  The harness's nc and sleep
# (selftests/lib/kselftest_bin) keep the script's order, and end such
# a listener as the -w the script gives it asks.
# kct-test-cost: 120
# kct-test-timeout: 2400
. "$(dirname "$0")/../lib/preamble.sh"
. "$KCT_LIB/kselftest.sh"
kselftest_compare nft_conntrack_helper.sh
