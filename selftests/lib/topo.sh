# Network topologies for kct's selftests, built from namespaces and veth
# pairs inside the guest:
#
#   client (kct-cl) ---- firewall (kct-fw) ---- server (kct-sv)
#   192.0.2.2            192.0.2.1              198.51.100.2
#   2001:db8:1::2        198.51.100.1           2001:db8:2::2
#                        2001:db8:1::1
#                        2001:db8:2::1
#
# The firewall forwards IPv4 and IPv6; connection tracking and the rules
# under test live there.  Addresses are from the documentation ranges.

CL=kct-cl
FW=kct-fw
SV=kct-sv
CL4=192.0.2.2
FW4_CL=192.0.2.1
FW4_SV=198.51.100.1
SV4=198.51.100.2
CL6=2001:db8:1::2
FW6_CL=2001:db8:1::1
FW6_SV=2001:db8:2::1
SV6=2001:db8:2::2

in_cl() { ip netns exec $CL "$@"; }
in_fw() { ip netns exec $FW "$@"; }
in_sv() { ip netns exec $SV "$@"; }

# Under emulation every process costs a noticeable fraction of a second,
# so the topology is made by one ip batch per namespace, not one ip per
# step.  The firewall's links come up before the others add their
# default routes through it.
topo_create() {
	TF_QUIETED= # lib/tcp_flow.sh: no namespace has its quiet table yet
	ip -b - <<EOF
netns add $CL
netns add $FW
netns add $SV
link add cl0 netns $CL type veth peer name fw0 netns $FW
link add fw1 netns $FW type veth peer name sv0 netns $SV
EOF
	ip -n $FW -b - <<EOF
link set lo up
addr add $FW4_CL/24 dev fw0
addr add $FW6_CL/64 dev fw0 nodad
addr add $FW4_SV/24 dev fw1
addr add $FW6_SV/64 dev fw1 nodad
link set fw0 up
link set fw1 up
EOF
	ip -n $CL -b - <<EOF
link set lo up
addr add $CL4/24 dev cl0
addr add $CL6/64 dev cl0 nodad
link set cl0 up
route add default via $FW4_CL
route add ::/0 via $FW6_CL
EOF
	ip -n $SV -b - <<EOF
link set lo up
addr add $SV4/24 dev sv0
addr add $SV6/64 dev sv0 nodad
link set sv0 up
route add default via $FW4_SV
route add ::/0 via $FW6_SV
EOF
	in_fw sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

# ns_kill SIGNAL NS...: send SIGNAL to every process in the namespaces
# NS (names under /run/netns), found by comparing namespace files (as ip
# netns pids does) without starting a process.
ns_kill() {
	local sig=$1 ns p pids=()
	shift
	for p in /proc/[0-9]*; do
		for ns in "$@"; do
			if [ "$p/ns/net" -ef "/run/netns/$ns" ]; then
				pids+=("${p#/proc/}")
				break
			fi
		done
	done 2>/dev/null
	[ ${#pids[@]} -eq 0 ] || kill "-$sig" "${pids[@]}" 2>/dev/null
	return 0
}

# topo_destroy: the topology's namespaces and everything running in them.
topo_destroy() {
	local ns del=
	for ns in $CL $FW $SV; do
		[ -e /run/netns/$ns ] && del+="netns del $ns"$'\n'
	done
	[ -n "$del" ] || return 0
	ns_kill TERM $CL $FW $SV
	ip -force -b - <<<"$del" 2>/dev/null
	return 0
}

# KCT_PATIENCE: how many times longer than usual waits may take.  The
# debug kernel (KASAN, lockdep, kmemleak) runs everything about ten times
# slower under emulation; a server that binds in 0.2 s takes 2 s there.
if [ "$KCT_KERNEL" = debug ]; then
	KCT_PATIENCE=${KCT_PATIENCE:-10}
else
	KCT_PATIENCE=${KCT_PATIENCE:-1}
fi
# pkt.py scales its default waits by it too.
export KCT_PATIENCE
# KCT_SLACK: seconds a check may come after the event it checks, as when
# a countdown read from /proc/net/kct must be within KCT_SLACK of its
# start value.
KCT_SLACK=$((5 * KCT_PATIENCE))
# KCT_CLIENT_WAIT: seconds a client (socat) waits to connect and for an
# answer.
KCT_CLIENT_WAIT=$((3 * KCT_PATIENCE))

# tcp_answer NS ADDR PORT: connect from NS to ADDR:PORT (an IPv6 ADDR in
# brackets) and print what the server sends until it closes.  The client
# sends nothing and, unlike a two-way socat reading /dev/null, does not
# close its side first: a socat server gives its forked shell only 0.5 s
# after the client's FIN, too short on a slow kernel.
tcp_answer() {
	ip netns exec "$1" socat -u -T $KCT_CLIENT_WAIT \
		"TCP:$2:$3,connect-timeout=$KCT_CLIENT_WAIT" -
}

# short_lived_last [NS...]: on a slow (debug) kernel a test's checks take
# longer than the 30 s that ICMP and unreplied or briefly answered UDP
# entries live; give them 30 s times KCT_PATIENCE in namespaces NS
# (default: the topology's), kct's and stock's alike.
short_lived_last() {
	local ns secs=$((30 * KCT_PATIENCE)) p
	[ "$KCT_PATIENCE" -gt 1 ] || return 0
	[ $# -gt 0 ] || set -- $CL $FW $SV
	for ns in "$@"; do
		for p in icmp icmpv6 udp; do
			ip netns exec $ns sysctl -qw \
				net.netfilter.nf_conntrack_${p}_timeout=$secs 2>/dev/null
		done
	done
	return 0
}

# nap SECONDS: sleep without starting a process (sleep(1) costs a part
# of a second under emulation): a read that times out on a pipe nobody
# writes to.
exec {KCT_NAP_FD}<> <(:)
nap() {
	read -r -t "$1" -u "$KCT_NAP_FD" _
	return 0
}

# poll SECONDS CMD...: run CMD every 0.2 s until it succeeds, for at most
# SECONDS times KCT_PATIENCE of wall-clock time; fails if it never did.
# Tests wait for the condition they need this way, not with fixed sleeps.
poll() {
	local end=$((EPOCHSECONDS + 1 + $1 * KCT_PATIENCE))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$EPOCHSECONDS" -lt "$end" ] || return 1
		nap 0.2
	done
}

# wait_for CMD...: poll CMD for what takes a moment, such as a server
# binding its port: KCT_START_WAIT s (times KCT_PATIENCE), since under
# emulation on a busy machine starting a program can take several seconds.
KCT_START_WAIT=20
wait_for() {
	poll $KCT_START_WAIT "$@"
}
