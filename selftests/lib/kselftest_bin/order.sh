# Sourced by the commands make kselftest puts first in the kernel
# scripts' PATH (nc, socat, sleep here).  The scripts start a server in
# the background and its client right after it, or after a sleep of a
# fraction of a second, because on real hardware the server is listening
# by then.  Under emulation starting a program takes seconds, and the
# client comes first: it is refused (TCP) or its datagram is lost (UDP),
# and the check fails on any tracker.  So here a server announces itself
# until its socket is bound, and clients and sleeps wait for every server
# started before them to be bound.  A client announces itself too, until
# it has a socket to its server's port (a TCP one has sent its SYN), and
# sleeps wait for it: "client &; sleep 1; check" checks after the client
# spoke, as on real hardware.  The order the scripts are written in
# holds, and nothing else about the programs changes.
#
# KSELFTEST_ORDER: the directory of the announcements (one per server
# or client being started), set by kselftest_once for one script's run.

# order_deadline: seconds a server may take to bind before the others
# stop waiting for it (one that never binds must not hang the script).
order_deadline() {
	echo $((20 * ${KCT_PATIENCE:-1}))
}

# order_run KIND PROTO PORT CMD...: run CMD (its stdin is ours),
# announced as KIND until it has its socket in this network namespace
# or has ended; then wait for CMD and exit with its status (this is
# the wrapper's last act).  KIND
# "serve": a PROTO (tcp|udp) socket bound to PORT.  KIND "client": a
# socket of CMD's to PORT.  A signal to us goes on to CMD (scripts kill
# their servers by the pid they started).
order_run() {
	local kind=$1 proto=$2 port=$3 note child end
	shift 3
	note=${KSELFTEST_ORDER:-/nonexistent}/$kind.$$
	[ -n "${KSELFTEST_ORDER:-}" ] && : >"$note"
	exec 3<&0
	"$@" <&3 3<&- &
	child=$!
	exec 3<&-
	trap 'kill -TERM $child 2>/dev/null' TERM INT HUP
	end=$((SECONDS + $(order_deadline)))
	while [ -e "$note" ] && [ $SECONDS -lt $end ] &&
	      kill -0 $child 2>/dev/null; do
		order_has_socket "$kind" "$proto" "$port" $child && break
		/bin/sleep 0.05
	done
	rm -f "$note"
	# wait returns early when a trapped signal comes: wait again.
	while kill -0 $child 2>/dev/null; do
		wait $child
	done
	wait $child
	exit
}

# order_has_socket KIND PROTO PORT PID: whether the socket KIND waits
# for is there.
order_has_socket() {
	if [ "$1" = serve ]; then
		ss -Hln --"$2" 2>/dev/null | awk '{ print $4 }' |
			grep -q ":$3\$"
	else
		ss -Hanp --"$2" dport = ":$3" 2>/dev/null | grep -q "pid=$4,"
	fi
}

# order_wait KIND...: until no program of these KINDs is announced (or
# the deadline has passed).
order_wait() {
	local end=$((SECONDS + $(order_deadline))) kind busy

	[ -n "${KSELFTEST_ORDER:-}" ] || return 0
	while [ $SECONDS -lt $end ]; do
		busy=
		for kind in "$@"; do
			compgen -G "$KSELFTEST_ORDER/$kind.*" >/dev/null && busy=1
		done
		[ -z "$busy" ] && return 0
		/bin/sleep 0.05
	done
}
