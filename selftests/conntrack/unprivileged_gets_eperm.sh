#!/bin/bash
# Changing kct's table needs CAP_NET_ADMIN over the namespace, as with
# stock ctnetlink: an unprivileged user, and root of a user namespace that
# does not own the network namespace, get "Operation not permitted" from
# -D, -F and -U, and the table keeps its entries and marks.
# kct-test-cost: 16
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack socat ss setpriv unshare

ct_load
topo_create
ct_tcp_hold 4 42000 7000
# The table without its timeouts, which tick.
table() { in_fw cat /proc/net/kct | sed -E 's/^(([^ ]+ +){4})[0-9]+/\1/'; }
before=$(table)
nobody() { in_fw setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
userns() { in_fw unshare -Ur "$@"; }

for who in nobody userns; do
	for cmd in "-F" "-D -p tcp" "-U -p tcp -m 9"; do
		out=$($who conntrack $cmd 2>&1)
		rc=$?
		ktap_check "$who: conntrack $cmd fails" test $rc -ne 0
		ktap_check "... not permitted" grep -q "CAP_NET_ADMIN\|not permitted" <<<"$out"
	done
done
ktap_expect "the table is unchanged" "$before" "$(table)"
ktap_done
