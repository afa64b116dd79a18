# Small servers in the selftests' namespaces (UDP echo and sink) and
# the checks that a port is bound.  Sourced by tracker.sh.

# udp_bound NS PORT [N]: at least N (default 1) sockets bound to UDP PORT.
udp_bound() {
	[ "$(ip netns exec "$1" ss -Hlun "sport = :$2" | grep -c .)" -ge "${3:-1}" ]
}

# tcp_listening NS PORT: something listens on TCP PORT.
tcp_listening() {
	[ "$(ip netns exec "$1" ss -Hltn "sport = :$2" | grep -c .)" -ge 1 ]
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
