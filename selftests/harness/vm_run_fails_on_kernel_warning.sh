#!/bin/bash
# A command that succeeds but makes the kernel warn (the test-only module
# kct_test_warn calls WARN_ON when loaded) must fail vm-run, and the
# warning must be shown.
cd "$(dirname "$0")/../.." || exit 1
out=$(scripts/vm-run -q -t 120 modprobe kct_test_warn 2>&1)
rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q 'WARNING:.*kct_test_warn'
