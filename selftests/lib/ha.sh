# Shell helpers for the high-availability selftests (selftests/ha/*.sh):
# two firewalls (routers r1 and r2) between a client and a server, each
# with a stateful DROP policy and strict TCP pickup, replicating their
# connection state with conntrackd in FT-FW mode over a link of their own:
#
#                .-- l0 r1 w0 --.
#   client  c1 -'      sy0       '- s1  server
#   (kct-hcl)          |              (kct-hsv)
#           c2 -.      sy0       .- s2
#                '-- l0 r2 w0 --'
#
# The client's and the server's addresses (HA_CL4, HA_SV4) sit on their
# loopback, so each reaches the other through either router: failing
# over is moving both ends' routes to the other router (what keepalived
# moving the virtual addresses does for the hosts behind a real pair).
# Source it after preamble.sh, conntrack.sh and stock_diff.sh.

HA_CL=kct-hcl
HA_SV=kct-hsv
HA_R1=kct-r1
HA_R2=kct-r2
HA_CL4=192.0.2.2
HA_SV4=198.51.100.2
# Router N's addresses: 10.0.N.1 towards the client (which is 10.0.N.2),
# 10.1.N.1 towards the server (10.1.N.2), 10.2.0.N on the sync link.
HA_PORT=7000

trap 'ha_destroy >/dev/null 2>&1; rm -rf /tmp/kct-ha-* ${FTP_DIR:-}' EXIT

ha_r() { ip netns exec "kct-r$1" "${@:2}"; }
in_hcl() { ip netns exec $HA_CL "$@"; }
in_hsv() { ip netns exec $HA_SV "$@"; }

# ha_create: the namespaces, links, addresses and routes, the client and
# the server routed through r1.
ha_create() {
	local n
	rm -rf /tmp/kct-ha-*
	ip -b - <<EOF
netns add $HA_CL
netns add $HA_SV
netns add $HA_R1
netns add $HA_R2
link add c1 netns $HA_CL type veth peer name l0 netns $HA_R1
link add c2 netns $HA_CL type veth peer name l0 netns $HA_R2
link add s1 netns $HA_SV type veth peer name w0 netns $HA_R1
link add s2 netns $HA_SV type veth peer name w0 netns $HA_R2
link add sy0 netns $HA_R1 type veth peer name sy0 netns $HA_R2
EOF
	for n in 1 2; do
		ip -n kct-r$n -b - <<EOF
link set lo up
addr add 10.0.$n.1/24 dev l0
addr add 10.1.$n.1/24 dev w0
addr add 10.2.0.$n/24 dev sy0
link set l0 up
link set w0 up
link set sy0 up
route add $HA_CL4/32 via 10.0.$n.2
route add $HA_SV4/32 via 10.1.$n.2
EOF
		ha_r $n sysctl -qw net.ipv4.ip_forward=1 \
			net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	done
	ip -n $HA_CL -b - <<EOF
link set lo up
addr add $HA_CL4/32 dev lo
addr add 10.0.1.2/24 dev c1
addr add 10.0.2.2/24 dev c2
link set c1 up
link set c2 up
EOF
	ip -n $HA_SV -b - <<EOF
link set lo up
addr add $HA_SV4/32 dev lo
addr add 10.1.1.2/24 dev s1
addr add 10.1.2.2/24 dev s2
link set s1 up
link set s2 up
EOF
	in_hcl sysctl -qw net.ipv4.conf.all.rp_filter=0
	in_hsv sysctl -qw net.ipv4.conf.all.rp_filter=0
	ha_via 1
}

# ha_destroy: the namespaces and everything running in them.
ha_destroy() {
	local ns del=
	for ns in $HA_CL $HA_SV $HA_R1 $HA_R2; do
		[ -e /run/netns/$ns ] && del+="netns del $ns"$'\n'
	done
	[ -n "$del" ] || return 0
	ns_kill TERM $HA_CL $HA_SV $HA_R1 $HA_R2
	ip -force -b - <<<"$del" 2>/dev/null
	return 0
}

# ha_via N: the client and the server route to each other through
# router N (a failover when the other one carried their traffic).
ha_via() {
	in_hcl ip route replace $HA_SV4/32 via 10.0.$1.1 src $HA_CL4
	in_hsv ip route replace $HA_CL4/32 via 10.1.$1.1 src $HA_SV4
}

# ha_firewall N: router N's forward policy: drop, but for established
# or related packets and new connections from the client's side; strict
# TCP pickup, so only a SYN starts a connection.  Established packets,
# packets dropped as invalid and the others the policy drops are counted
# (counters "established", "invalid" and "dropped" of table inet ha).
ha_firewall() {
	ha_r "$1" sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
	ha_r "$1" nft -f - <<'NFT'
table inet ha {
	counter invalid {}
	counter established {}
	counter dropped {}
	chain forward {
		type filter hook forward priority 0; policy drop;
		ct state established,related counter name established accept
		ct state invalid counter name invalid drop
		iifname "l0" ct state new accept
		counter name dropped
	}
}
NFT
}

# ha_conf N: router N's conntrackd.conf: FT-FW (or HA_SYNC_MODE) over
# UDP on the sync link to the other router, a kernel table flushed 5 s
# after conntrackd -t (PurgeTimeout), its own lock file, socket and log,
# TCP only, the routers' own addresses ignored.  HA_MODE_OPTIONS holds
# more lines of the mode's section (such as DisableExternalCache On),
# HA_SYNC_OPTIONS more lines of Sync's Options section (such as
# ExpectationSync On), HA_PROTOCOLS the protocols conntrackd syncs
# instead of TCP alone (such as "TCP UDP", one a word).
ha_conf() {
	local n=$1 peer=$((3 - $1))
	cat <<CONF
Sync {
	Mode ${HA_SYNC_MODE:-FTFW} {
		PurgeTimeout 5
		${HA_MODE_OPTIONS:-}
	}
	UDP {
		IPv4_address 10.2.0.$n
		IPv4_Destination_Address 10.2.0.$peer
		Port 3780
		Interface sy0
		Checksum on
	}
	Options {
		${HA_SYNC_OPTIONS:-}
	}
}
General {
	HashSize 8192
	HashLimit 65536
	LogFile /tmp/kct-ha-r$n.log
	LockFile /tmp/kct-ha-r$n.lock
	UNIX {
		Path /tmp/kct-ha-r$n.ctl
	}
	NetlinkBufferSize 2097152
	NetlinkBufferSizeMaxGrowth 8388608
	Filter From Userspace {
		Protocol Accept {
			${HA_PROTOCOLS:-TCP}
		}
		Address Ignore {
			IPv4_address 127.0.0.1
			IPv4_address 10.0.$n.1
			IPv4_address 10.1.$n.1
			IPv4_address 10.2.0.1
			IPv4_address 10.2.0.2
		}
	}
}
CONF
}

# ctd N ARGS...: conntrackd's client command for router N's daemon.
ctd() {
	ha_r "$1" conntrackd -C /tmp/kct-ha-r$1.conf "${@:2}"
}

# ha_conntrackd N: conntrackd running in router N, answering on its
# socket; its log is noted if it does not start.
ha_conntrackd() {
	ha_conf "$1" >/tmp/kct-ha-r$1.conf
	ctd "$1" -d >/dev/null 2>&1
	if ! wait_for ctd "$1" -s; then
		echo "conntrackd in r$1 did not start:" >&2
		cat /tmp/kct-ha-r$1.log >&2
		return 1
	fi
}

# ha_echo_server: a TCP echo server on the server, port HA_PORT.
ha_echo_server() {
	in_hsv socat TCP4-LISTEN:$HA_PORT,reuseaddr,fork PIPE >/dev/null 2>&1 &
	wait_for tcp_listening $HA_SV $HA_PORT
}

# ha_session NAME SPORT: a TCP connection from the client's port SPORT
# to the echo server, kept open; ha_say writes lines into it and what
# comes back is in /tmp/kct-ha-NAME.out.
declare -A HA_FD
ha_session() {
	local fd
	mkfifo /tmp/kct-ha-$1.in
	in_hcl socat - TCP4:$HA_SV4:$HA_PORT,sourceport=$2,connect-timeout=$KCT_CLIENT_WAIT \
		</tmp/kct-ha-$1.in >/tmp/kct-ha-$1.out 2>/dev/null &
	exec {fd}>/tmp/kct-ha-$1.in
	HA_FD[$1]=$fd
}

# ha_say NAME WORD: send WORD on session NAME.
ha_say() {
	echo "$2" >&"${HA_FD[$1]}"
}

# ha_heard NAME WORD: session NAME's echo of WORD came back.
ha_heard() {
	grep -qx "$2" /tmp/kct-ha-$1.out
}

# ha_answers NAME WORD SECS: send WORD on session NAME and wait up to
# SECS (times KCT_PATIENCE) for its echo; "yes" or "no".
ha_answers() {
	ha_say "$1" "$2"
	if poll "$3" ha_heard "$1" "$2"; then echo yes; else echo no; fi
}

# ha_cached N WHICH SPORT: conntrackd's cache WHICH (-i internal, -e
# external) in router N holds the ESTABLISHED entry of the client's
# port SPORT.
ha_cached() {
	ctd "$1" "$2" 2>/dev/null | grep -q "ESTABLISHED src=$HA_CL4 dst=$HA_SV4 sport=$3 dport=$HA_PORT "
}

# ha_cache_line N WHICH SPORT: that entry as conntrackd lists it, without
# its age.
ha_cache_line() {
	ctd "$1" "$2" 2>/dev/null | grep "src=$HA_CL4 dst=$HA_SV4 sport=$3 dport=$HA_PORT " |
		sed -E 's/ *\[active since [0-9]+s\]//'
}

# ha_ct_line N SPORT: router N's kernel entry of the client's port SPORT
# as conntrack -L lists it, countdown and id aside.
ha_ct_line() {
	ha_r "$1" conntrack -L -p tcp --sport "$2" 2>/dev/null | ct_norm
}

# ha_counter N NAME: packets of router N's counter NAME.
ha_counter() {
	nft_counter "kct-r$1" inet ha "$2"
}

# yes_no CMD...: "yes" when CMD succeeds, else "no".
yes_no() { if "$@"; then echo yes; else echo no; fi; }

# ha_setup stock|kct [HELPER]: that tracker (with its FTP helper if
# HELPER is ftp), the topology, both firewalls, both conntrackd and the
# echo server; prints whether each conntrackd runs.
ha_setup() {
	if [ "${2:-}" = ftp ]; then diff_tracker_ftp "$1"; else diff_tracker "$1"; fi
	ha_create
	ha_firewall 1
	ha_firewall 2
	echo "conntrackd runs in r1: $(yes_no ha_conntrackd 1)"
	echo "conntrackd runs in r2: $(yes_no ha_conntrackd 2)"
	ha_echo_server
}

# ha_teardown: both conntrackd stopped (conntrackd -k), then the
# topology and the rules gone.
ha_teardown() {
	ctd 1 -k >/dev/null 2>&1
	ctd 2 -k >/dev/null 2>&1
	poll 10 test ! -e /tmp/kct-ha-r1.lock -a ! -e /tmp/kct-ha-r2.lock
	ha_destroy
	nft flush ruleset
}

# ha_tracks N SPORT TRACKER: router N's table of TRACKER (stock or kct)
# in /proc/net lists the client's port SPORT: the entry is that
# tracker's.
ha_tracks() {
	ha_r "$1" grep -q "sport=$2 dport=$HA_PORT " "/proc/net/$(diff_proc_table "$3")"
}

# ha_counted_more N NAME COUNT: router N's counter NAME is above COUNT.
ha_counted_more() { [ "$(ha_counter "$1" "$2")" -gt "$3" ]; }
# ha_listed N SPORT: router N's kernel table lists the client's port SPORT.
ha_listed() { [ -n "$(ha_ct_line "$1" "$2")" ]; }

# ha_fail_over TRACKER SPORT: the sessions "kept" (from SPORT) and
# "control" move to r2; one line per step: the control session's line
# without a commit (dropped as invalid), conntrackd -c on r2, r2's entry
# of SPORT after it (in TRACKER's own table), and the kept session's
# next line, forwarded as established.
ha_fail_over() {
	local inv est

	ha_via 2
	inv=$(ha_counter 2 invalid)
	echo "without a commit, the control session answers through r2: $(ha_answers control two 3)"
	echo "r2 dropped its line as invalid: $(yes_no ha_counted_more 2 invalid "$inv")"
	ctd 2 -c >/tmp/kct-ha-commit.out 2>&1
	echo "conntrackd -c in r2: status $?"
	echo "r2's kernel table holds the session after the commit: $(yes_no poll 10 ha_listed 2 "$2")"
	echo "r2 lists it as: $(ha_ct_line 2 "$2")"
	echo "the entry is in the tracker's own table: $(yes_no ha_tracks 2 "$2" "$1")"
	est=$(ha_counter 2 established)
	echo "after the commit, the session answers through r2: $(ha_answers kept two 10)"
	echo "r2 forwarded it as established: $(yes_no ha_counted_more 2 established "$est")"
}
