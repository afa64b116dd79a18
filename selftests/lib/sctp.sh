# Shell helpers for kct's SCTP selftests (selftests/tracker/sctp_*.sh):
# hand-made SCTP packets between the client and the server through the
# firewall (lib/sctp.py), and the line /proc/net/kct should show for
# them.  Source it after ktap.sh, topo.sh and tracker.sh; a flow is named
# with tracker.sh's tcp_ends (TF_FAM, TF_CL, TF_SV, TF_CP, TF_SP), so
# fw_state, fw_timeout and tf_lines work on SCTP flows too.

SCTP_PY="$TRACKER_LIB/sctp.py"

# The tags each end asks its peer to carry (its INIT's Initiate Tag).
SCTP_CT=0x1a2b3c4d
SCTP_ST=0x5e6f7081

# sctp_quiet CLIENT_PORTS SERVER_PORTS: hand-made packets to these ports
# (nft sets, "41000-41009") are for the firewall only: neither end's stack
# may see them (it would answer with ABORTs), so each end drops them
# before any tracking.
sctp_quiet() {
	local ns ports
	for ns in $CL $SV; do
		ports=$1
		[ $ns = $SV ] && ports=$2
		ip netns exec $ns nft -f - <<NFT
table inet kct_quiet_sctp {
	chain prerouting {
		type filter hook prerouting priority -400; policy accept;
		sctp dport { $ports } drop
	}
}
NFT
	done
}

# sctp_walk 4|6 TABLE STEP...: lib/sctp.py's walk between the client and
# the server of the topology, the firewall's lines read from
# /proc/net/TABLE; prints "LINE / SECONDS" per step that waits for a
# state (countdown normalised as kct_norm does).
sctp_walk() {
	local cl=$CL4 sv=$SV4 line
	[ "$1" = 6 ] && cl=$CL6 sv=$SV6
	python3 "$SCTP_PY" walk --cl-ns $CL --sv-ns $SV --fw-ns $FW \
		--cl "$cl" --sv "$sv" --table "$2" "${@:3}" |
		while IFS= read -r line; do
			if [ "$line" = none ]; then
				echo "none / -"
			else
				echo "$(kct_norm "$line") / $(kct_timeout "$line")"
			fi
		done
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

# SCTP_TIMEOUTS: stock's timeout sysctls of the states, and the values
# the tests give them: each state its own, long enough for a slow
# guest, so that a line's countdown tells which state's timeout it got.
SCTP_TIMEOUTS="closed=10 cookie_wait=41 cookie_echoed=42 established=210
shutdown_sent=45 shutdown_recd=46 shutdown_ack_sent=47 heartbeat_sent=30"

# sctp_timeouts_set NS: SCTP_TIMEOUTS in NS (stock's sysctls, kct's too).
sctp_timeouts_set() {
	local kv
	for kv in $SCTP_TIMEOUTS; do
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
