# Shell helpers for the conntrack-tools selftests (selftests/conntrack/*.sh):
# the real `conntrack` command against kct through ctnetlink, connections
# held open through the firewall, and output normalised for comparison
# with stock.  Source it after ktap.sh and topo.sh.

trap 'topo_destroy >/dev/null 2>&1; rm -f /tmp/kct-ct-* /tmp/kct-tcp-* /tmp/kct-step-*' EXIT

# not CMD...: succeeds when CMD fails.
not() { ! "$@"; }

# ct_load: kct owning ctnetlink (nf_conntrack_netlink, which a previous
# conntrack command may have auto-loaded, must go first), or fail.
ct_load() {
	rmmod nf_conntrack_netlink 2>/dev/null
	if ! modprobe kct; then
		ktap_fail "modprobe kct"
		ktap_done
	fi
}

# ct_stock: stock nf_conntrack with its ctnetlink, tracking in the
# firewall (stock tracks a namespace only once a rule uses conntrack).
ct_stock() {
	rmmod kct_ftp kct 2>/dev/null
	modprobe nf_conntrack_netlink
	in_fw nft -f - <<'NFT'
table inet ct_stock {
	chain filt { type filter hook forward priority 0; ct state established,related,new accept; }
}
NFT
}

# ct_tcp_hold 4|6 SPORT DPORT [SECS]: a TCP connection from the client
# to the server, open for SECS (default 120, times KCT_PATIENCE) seconds
# in the background, or until the test ends and its namespaces go (a
# test on a busy machine can outlast a shorter hold); returns once the
# firewall forwarded its handshake.
ct_tcp_hold() {
	local dst=$SV4 secs=${4:-$((120 * KCT_PATIENCE))}
	[ "$1" = 6 ] && dst="[$SV6]"
	in_sv socat TCP$1-LISTEN:$3,reuseaddr EXEC:"sleep $secs" \
		>/dev/null 2>&1 &
	wait_for tcp_listening $SV $3
	in_cl socat -u EXEC:"sleep $secs" TCP$1:$dst:$3,sourceport=$2 \
		>/dev/null 2>&1 &
	wait_for tcp_established $CL $2
}

# ct_traffic: the same mix for kct and stock: TCP open on IPv4 and IPv6,
# a ping each way and a UDP datagram nobody answers.
ct_traffic() {
	short_lived_last
	ct_tcp_hold 4 42000 7000
	ct_tcp_hold 6 42001 7001
	in_cl ping -c1 -W$((2 * KCT_PATIENCE)) $SV4 >/dev/null
	in_cl ping -6 -c1 -W$((2 * KCT_PATIENCE)) $SV6 >/dev/null
	echo x | in_cl socat -u - UDP4:$SV4:5000,sourceport=43000 >/dev/null 2>&1
	wait_for ct_udp_listed
}
ct_udp_listed() {
	in_fw conntrack -L -p udp --sport 43000 2>/dev/null | grep -q "dport=5000 "
}

# ct_events_ready NS N: N listeners (conntrack -E) in namespace NS have
# joined conntrack's event groups: netfilter netlink sockets (protocol
# 12) with groups set in /proc/net/netlink.  What to wait for before
# making the traffic whose events a test reads.
ct_events_ready() {
	local sk eth pid groups n=0
	# Read in the shell from a process in NS when there is one
	# (lib/servers.sh, ns_pid): this is polled, and processes are dear
	# under emulation.
	if ns_pid "$1" && {
		while read -r sk eth pid groups _; do
			if [ "$eth" = 12 ] && [ "$groups" != 00000000 ]; then
				n=$((n + 1))
			fi
		done <"/proc/$NS_PID/net/netlink"
	} 2>/dev/null; then
		[ "$n" -ge "$2" ]
		return
	fi
	[ "$(ip netns exec "$1" awk '$2 == 12 && $4 != "00000000" { n++ } END { print n + 0 }' \
		/proc/net/netlink)" -ge "$2" ]
}

# ct_norm: conntrack output without what differs between any two runs
# (timeouts, ICMP ids, the summary line), sorted.
ct_norm() {
	grep -v '^conntrack v' |
		sed -E 's/^((ipv[46] +[0-9]+ +)?[a-z0-9]+ +[0-9]+) +[0-9]+ /\1 T /; s/ id=[0-9]+/ id=I/g' |
		sort
}

# ct_lines CMD...: how many entries a conntrack command printed.
ct_lines() {
	"$@" 2>/dev/null | grep -vc '^conntrack v'
}
