# Shell helpers for kct's SCTP selftests (selftests/tracker/sctp_*.sh):
# hand-made SCTP packets between the client and the server through the
# firewall (lib/sctp.py), and the line /proc/net/kct should show for
# them.  Source it after ktap.sh, topo.sh and tracker.sh; the flow
# variables are tracker.sh's (TF_FAM, TF_CL, TF_SV, TF_CP, TF_SP), so
# fw_state, fw_timeout and tf_lines work on SCTP flows too.

SCTP_PY="$TRACKER_LIB/sctp.py"

# The tags each end asks its peer to carry (its INIT's Initiate Tag).
SCTP_CT=0x1a2b3c4d
SCTP_ST=0x5e6f7081

# sctp_flow 4|6 CLIENT_PORT SERVER_PORT: a flow of hand-made packets.
# Neither end's stack may see them (it would answer with ABORTs), so
# each end drops them before any tracking.
sctp_flow() {
	local ns port
	tcp_ends "$@"
	for ns in $CL $SV; do
		port=$TF_CP
		[ $ns = $SV ] && port=$TF_SP
		ip netns exec $ns nft -f - <<NFT
table inet kct_quiet_sctp_$port {
	chain prerouting {
		type filter hook prerouting priority -400; policy accept;
		sctp dport $port drop
	}
}
NFT
	done
}

# chunks "SIDE VTAG CHUNK..."...: send packets of the flow, in order, in
# one process; SIDE is cl or sv, CHUNK as sctp.py send takes it.
chunks() {
	local args=() spec side vtag rest
	for spec in "$@"; do
		read -r side vtag rest <<<"$spec"
		[ ${#args[@]} -gt 0 ] && args+=(+)
		if [ "$side" = cl ]; then
			args+=(send --ns $CL --dst $TF_SV --sport $TF_CP --dport $TF_SP)
		else
			args+=(send --ns $SV --dst $TF_CL --sport $TF_SP --dport $TF_CP)
		fi
		# shellcheck disable=SC2206
		args+=(--vtag "$vtag" $rest)
	done
	python3 "$SCTP_PY" "${args[@]}"
}

# sctp_line STATE [FLAGS...]: the line /proc/net/kct should show for the
# flow, countdown as T; FLAGS as tf_line's.
sctp_line() {
	local st=$1 a=$TF_CL b=$TF_SV unrep="" assured="" head
	shift
	case " $* " in *" [UNREPLIED] "*) unrep="[UNREPLIED] " ;; esac
	case " $* " in *" [ASSURED] "*) assured="[ASSURED] " ;; esac
	if [ "$TF_FAM" = 6 ]; then
		head="ipv6     10 sctp     132 T"
		a=$(v6_full "$a") b=$(v6_full "$b")
	else
		head="ipv4     2 sctp     132 T"
	fi
	echo "$head $st src=$a dst=$b sport=$TF_CP dport=$TF_SP ${unrep}src=$b dst=$a sport=$TF_SP dport=$TF_CP ${assured}mark=0 zone=0 use=2"
}

# sctp_step STATE "SIDE VTAG CHUNK..."...: send, wait for STATE on the
# firewall, print "LINE / SECONDS".
sctp_step() {
	local st=$1
	shift
	chunks "$@" || echo "sctp.py failed"
	echo "$(fw_state "$st") / $(fw_timeout)"
}

# SCTP_TIMEOUTS: stock's timeout sysctls of the states, and the values
# the tests give them: each state its own, long enough for a slow
# guest, so that a line's countdown tells which state's timeout it got.
SCTP_TIMEOUTS="closed=10 cookie_wait=41 cookie_echoed=42 established=210
shutdown_sent=45 shutdown_recd=46 shutdown_ack_sent=47 heartbeat_sent=30"

# sctp_timeouts_set NS: SCTP_TIMEOUTS for kct and stock in NS.
sctp_timeouts_set() {
	local kv
	for kv in $SCTP_TIMEOUTS; do
		ip netns exec "$1" sysctl -qw "net.kct.sctp_timeout_$kv" 2>/dev/null
		ip netns exec "$1" sysctl -qw \
			"net.netfilter.nf_conntrack_sctp_timeout_$kv"
	done
}

# sctp_timeout NAME: the value SCTP_TIMEOUTS gives state NAME.
sctp_timeout() {
	local kv
	for kv in $SCTP_TIMEOUTS; do
		[ "${kv%=*}" = "$1" ] && echo "${kv#*=}"
	done
}
