# Sourced by the commands make kselftest puts first in the kernel
# scripts' PATH (nc, socat, sleep here).  The scripts start a server in
# the background and its client right after it, or after a sleep of a
# fraction of a second, because on real hardware the server is listening
# by then.  Under emulation starting a program takes seconds, and the
# client can come first: it is refused (TCP) or its datagram is lost
# (UDP), and the check fails on any tracker.  So here a client waits
# for every server the script started before it to have bound its
# socket, and a sleep waits, after sleeping, for the servers and clients
# started before it to have their sockets (a TCP client has sent its
# SYN): "client &; sleep 1; check" checks after the client spoke, as on
# real hardware.  The order the scripts are written in holds, and
# nothing else about the programs changes.
#
# "Started before" is the order the script forked them in: a process
# keeps its pid and start time through `ip netns exec` and exec.  A
# server or client is ready once its socket is there, or it has ended,
# or it has had the deadline; ready ones are noted in KSELFTEST_ORDER
# (a directory kselftest_once makes for one script's run).  Only the
# script's own processes are looked at: the descendants of the shell
# running KSELFTEST_SCRIPT (how kselftest_once started it, "./NAME.sh").

# order_deadline: seconds a program may take to get its socket before
# the others stop waiting for it (one that never does must not hang the
# script).
order_deadline() {
	echo $((20 * ${KCT_PATIENCE:-1}))
}

# order_key PID: when PID was forked, as a sortable string (start time
# in clock ticks, then pid) in ORDER_KEY; empty if PID is gone.  No
# command substitution here or below: order_wait runs this for every
# process, and a fork costs milliseconds under emulation.
order_key() {
	local stat
	local -a f

	ORDER_KEY=
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 0
	# Field 22 of stat is the start time: field 20 after "comm) ".
	read -r -a f <<<"${stat##*) }"
	printf -v ORDER_KEY '%020d%010d' "${f[19]}" "$1"
}

# order_kind_of PID: "serve", "client" or nothing in ORDER_KIND: what PID
# runs, seen through the wrappers it may still be starting in (ip netns
# exec, timeout, the shell running one of these commands).
order_kind_of() {
	ORDER_KIND=
	order_kind_of_argv "$1"
}

order_kind_of_argv() {
	local -a argv
	local a

	mapfile -d '' argv 2>/dev/null <"/proc/$1/cmdline" || return 0
	while [ ${#argv[@]} -gt 0 ]; do
		case ${argv[0]##*/} in
		ip)
			[ "${argv[1]}" = netns ] && [ "${argv[2]}" = exec ] || return
			argv=("${argv[@]:4}") ;;
		timeout)
			argv=("${argv[@]:1}")
			while [[ ${argv[0]} == -* ]]; do
				case ${argv[0]} in
				-k | -s) argv=("${argv[@]:2}") ;;
				*) argv=("${argv[@]:1}") ;;
				esac
			done
			argv=("${argv[@]:1}") ;;
		bash | sh)
			[[ ${argv[1]} == */.bin/* ]] || return
			argv=("${argv[@]:1}") ;;
		nc)
			for a in "${argv[@]:1}"; do
				[[ $a == -*l* && $a != -*[IiMmOPpsTVXxw]*l* ]] &&
					ORDER_KIND=serve && return
			done
			ORDER_KIND=client
			return ;;
		socat)
			for a in "${argv[@]:1}"; do
				[[ ${a^^} =~ ^(TCP|UDP)[46]?-(LISTEN|RECV|RECVFROM): ]] &&
					ORDER_KIND=serve && return
			done
			ORDER_KIND=client
			return ;;
		*) return ;;
		esac
	done
}

# order_ready CHILD: note this program, the timeout that may have
# started it and the real program it runs (CHILD) as ready.
order_ready() {
	local pid

	[ -n "${KSELFTEST_ORDER:-}" ] || return 0
	for pid in $$ $PPID "$1"; do
		: >"$KSELFTEST_ORDER/ready.$pid"
	done
}

# order_ppid PID: PID's parent in ORDER_PPID (0 if PID is gone).
order_ppid() {
	local stat
	local -a f

	ORDER_PPID=0
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 0
	read -r -a f <<<"${stat##*) }"
	ORDER_PPID=${f[1]}
}

# order_script_shell: the shell running the script (KSELFTEST_SCRIPT,
# "./NAME.sh") that this program descends from, in ORDER_TOP: the
# outermost ancestor running it (its subshells run it too).  Empty if
# none is found.
order_script_shell() {
	local pid=$$
	local -a argv

	ORDER_TOP=
	while :; do
		order_ppid "$pid"
		pid=$ORDER_PPID
		[ "$pid" -gt 1 ] || return 0
		mapfile -d '' argv 2>/dev/null <"/proc/$pid/cmdline"
		[ "${argv[1]:-}" = "${KSELFTEST_SCRIPT:-}" ] && ORDER_TOP=$pid
	done
}

# order_candidates: the processes that may be servers or clients of the
# script, in ORDER_PIDS: the descendants of the script's shell (a few;
# under emulation a scan of every process costs a client its one-second
# window), or every process where the kernel does not list children.
order_candidates() {
	local -a todo kids
	local p t

	ORDER_PIDS=()
	if [ -z "$ORDER_TOP" ] || ! [ -e "/proc/$ORDER_TOP/task/$ORDER_TOP/children" ]; then
		ORDER_PIDS=(/proc/[0-9]*)
		ORDER_PIDS=("${ORDER_PIDS[@]#/proc/}")
		return 0
	fi
	todo=("$ORDER_TOP")
	while [ ${#todo[@]} -gt 0 ]; do
		p=${todo[0]}
		todo=("${todo[@]:1}")
		for t in /proc/"$p"/task/*/children; do
			# The list has no newline: read "fails" at its end.
			kids=()
			read -r -a kids 2>/dev/null <"$t"
			todo+=("${kids[@]}")
			ORDER_PIDS+=("${kids[@]}")
		done
	done
}

# order_wait KIND...: until every program of these KINDs (serve, client)
# started before this one is ready, or the deadline has passed.
order_wait() {
	local end=$((SECONDS + $(order_deadline))) mine pid kind busy
	local -A kinds=()

	[ -n "${KSELFTEST_ORDER:-}" ] || return 0
	order_key $$
	mine=$ORDER_KEY
	order_script_shell
	while [ $SECONDS -lt $end ]; do
		busy=
		order_candidates
		for pid in "${ORDER_PIDS[@]}"; do
			[ "$pid" = $$ ] && continue
			[ -e "$KSELFTEST_ORDER/ready.$pid" ] && continue
			order_key "$pid"
			[ -n "$ORDER_KEY" ] && [[ $ORDER_KEY < $mine ]] || continue
			# What a process runs is known once it runs one of
			# ours; before, it may still be on its way to exec.
			if ! [ -v "kinds[$pid]" ]; then
				order_kind_of "$pid"
				[ -n "$ORDER_KIND" ] && kinds[$pid]=$ORDER_KIND
			fi
			kind=${kinds[$pid]:-}
			[ -n "$kind" ] && [[ " $* " == *" $kind "* ]] && busy=1 && break
		done
		[ -z "$busy" ] && return 0
		/bin/sleep 0.05
	done
}

# order_has_socket KIND PROTO PORT: whether the socket KIND waits for is
# in this network namespace: a server's PROTO (tcp|udp) socket bound to
# PORT (TCP listening, UDP unconnected), or a client's socket to PORT
# (TCP sending its SYN or connected, UDP connected).  Read from
# /proc/net, not with ss: a fork costs a client its window here.
order_has_socket() {
	local want file sl local remote state rest port

	printf -v port '%04X' "$3"
	case $1/$2 in
	serve/tcp) want=0A ;;
	serve/udp) want=07 ;;
	client/tcp) want='01 02' ;;
	client/udp) want=01 ;;
	esac
	for file in /proc/net/"$2" /proc/net/"$2"6; do
		while read -r sl local remote state rest; do
			[[ " $want " == *" $state "* ]] || continue
			if [ "$1" = serve ]; then
				[ "${local##*:}" = "$port" ] && return 0
			else
				[ "${remote##*:}" = "$port" ] && return 0
			fi
		done 2>/dev/null <"$file"
	done
	return 1
}

# order_run KIND PROTO PORT CMD...: run CMD (its stdin is ours) and note
# this program ready once CMD has the socket KIND says (order_has_socket)
# or has ended or the deadline has passed; then wait for CMD and exit
# with its status (this is the wrapper's last act).  A signal to us goes
# on to CMD (scripts kill their servers by the pid they started).
order_run() {
	local kind=$1 proto=$2 port=$3 child end
	shift 3
	exec 3<&0
	"$@" <&3 3<&- &
	child=$!
	exec 3<&-
	trap 'kill -TERM $child 2>/dev/null' TERM INT HUP
	end=$((SECONDS + $(order_deadline)))
	while [ $SECONDS -lt $end ] && kill -0 $child 2>/dev/null; do
		order_has_socket "$kind" "$proto" "$port" && break
		/bin/sleep 0.05
	done
	order_ready $child
	# wait returns early when a trapped signal comes: wait again.
	while kill -0 $child 2>/dev/null; do
		wait $child
	done
	wait $child
	exit
}
