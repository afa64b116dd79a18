# Small servers in the selftests' namespaces (UDP echo and sink) and
# the checks that a port is bound.  Sourced by tracker.sh.

# The checks below read the namespace's sockets from /proc/PID/net of a
# process in it, in the shell itself, rather than running ss there: a
# wait for a server polls them every 0.2 s, and under emulation each
# ip/ss/grep costs a part of a second, taken from the server being waited
# for.  With no process in the namespace they ask ss as before.

# ns_pid NS: set NS_PID to a process in namespace NS (the one found last
# time if it is still there); false if there is none.
declare -gA NS_PID_OF
ns_pid() {
	local p=${NS_PID_OF[$1]:-}
	if [ -n "$p" ] && [ "/proc/$p/ns/net" -ef "/run/netns/$1" ]; then
		NS_PID=$p
		return 0
	fi
	for p in /proc/[0-9]*; do
		if [ "$p/ns/net" -ef "/run/netns/$1" ]; then
			NS_PID=${p#/proc/}
			NS_PID_OF[$1]=$NS_PID
			return 0
		fi
	done 2>/dev/null
	return 1
}

# ns_socks NS PROTO STATE PORT [any]: set NS_SOCKS to the number of
# PROTO (tcp, udp) sockets, IPv4 and IPv6, in STATE (/proc/net/tcp's st:
# 0A listening, 01 established, 07 an unconnected UDP socket) on local
# PORT (with "any", local or remote) in namespace NS; false if that
# cannot be read (no process in NS, or it just ended).
ns_socks() {
	local hex f sl loc rem st n=0
	printf -v hex '%04X' "$4"
	ns_pid "$1" || return 1
	for f in "/proc/$NS_PID/net/$2" "/proc/$NS_PID/net/${2}6"; do
		{
			while read -r sl loc rem st _; do
				[ "$st" = "$3" ] || continue
				[[ $loc == *":$hex" ]] ||
					{ [ "${5:-}" = any ] && [[ $rem == *":$hex" ]]; } ||
					continue
				n=$((n + 1))
			done <"$f"
		} 2>/dev/null || return 1
	done
	NS_SOCKS=$n
}

# udp_bound NS PORT [N]: at least N (default 1) sockets bound to UDP PORT
# (ss -l: unconnected).
udp_bound() {
	if ns_socks "$1" udp 07 "$2"; then
		[ "$NS_SOCKS" -ge "${3:-1}" ]
		return
	fi
	[ "$(ip netns exec "$1" ss -Hlun "sport = :$2" | grep -c .)" -ge "${3:-1}" ]
}

# tcp_listening NS PORT: something listens on TCP PORT.
tcp_listening() {
	if ns_socks "$1" tcp 0A "$2"; then
		[ "$NS_SOCKS" -ge 1 ]
		return
	fi
	[ "$(ip netns exec "$1" ss -Hltn "sport = :$2" | grep -c .)" -ge 1 ]
}

# tcp_established NS PORT: a TCP connection of NS is established from or
# to PORT (either end's).
tcp_established() {
	if ns_socks "$1" tcp 01 "$2" any; then
		[ "$NS_SOCKS" -ge 1 ]
		return
	fi
	ip netns exec "$1" ss -Htn state established | grep -q ":$2 "
}

# udp_echo NS PORT...: a UDP echo server (IPv4 and IPv6) in NS.
udp_echo() {
	local ns=$1 args=() p
	shift
	for p in "$@"; do args+=(--port "$p"); done
	pkt "$ns" udp-echo "${args[@]}" >/dev/null 2>&1 &
	for p in "$@"; do
		wait_for udp_bound "$ns" "$p" 2 || echo "udp echo on $ns:$p did not start"
	done
}

# udp_sink NS PORT: a UDP socket that takes datagrams and never answers.
udp_sink() {
	ip netns exec "$1" socat -u "UDP6-RECV:$2,reuseaddr" /dev/null \
		>/dev/null 2>&1 &
	wait_for udp_bound "$1" "$2" || echo "udp sink on $1:$2 did not start"
}
