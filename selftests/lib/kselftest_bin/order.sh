# Sourced by the commands make kselftest puts first in the kernel
# scripts' PATH (nc, socat, sleep here).  The scripts start a server in
# the background and its client right after it, or after a sleep of a
# fraction of a second, because on real hardware the server is listening
# by then.  Under emulation starting a program takes seconds, and the
# client comes first: it is refused (TCP) or its datagram is lost (UDP),
# and the check fails on any tracker.  So here a server announces itself
# until its socket is bound, and clients and sleeps wait for every server
# started before them to be bound: the order the scripts are written in
# holds, and nothing else about the programs changes.
#
# KSELFTEST_ORDER: the directory of the announcements (one per server
# being started), set by kselftest_once for one script's run.

# order_deadline: seconds a server may take to bind before the others
# stop waiting for it (one that never binds must not hang the script).
order_deadline() {
	echo $((20 * ${KCT_PATIENCE:-1}))
}

# order_serve PROTO PORT CMD...: run the server CMD (its stdin is ours),
# announced until a PROTO (tcp|udp) socket on PORT is bound in this
# network namespace or CMD has ended; then wait for CMD and exit with
# its status.  A signal to us goes on to CMD (scripts kill servers by
# the pid they started).
order_serve() {
	local proto=$1 port=$2 note child end
	shift 2
	note=${KSELFTEST_ORDER:-}/serve.$$
	[ -n "${KSELFTEST_ORDER:-}" ] && : >"$note"
	exec 3<&0
	"$@" <&3 3<&- &
	child=$!
	exec 3<&-
	trap 'kill -TERM $child 2>/dev/null' TERM INT HUP
	end=$((SECONDS + $(order_deadline)))
	while [ -e "$note" ] && [ $SECONDS -lt $end ] &&
	      kill -0 $child 2>/dev/null; do
		ss -Hln --"$proto" 2>/dev/null | awk '{ print $4 }' |
			grep -q ":$port\$" && break
		/bin/sleep 0.05
	done
	rm -f "$note"
	# wait returns early when a trapped signal comes: wait again.
	while kill -0 $child 2>/dev/null; do
		wait $child
	done
	wait $child
}

# order_wait: until every server announced is bound (or given up on).
order_wait() {
	local end=$((SECONDS + $(order_deadline)))

	[ -n "${KSELFTEST_ORDER:-}" ] || return 0
	while compgen -G "$KSELFTEST_ORDER/serve.*" >/dev/null &&
	      [ $SECONDS -lt $end ]; do
		/bin/sleep 0.05
	done
}
