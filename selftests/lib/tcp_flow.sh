# TCP flows made by hand in the selftests: segments written one by one
# with pkt.py between the client and the server, the firewall's entry
# of the flow waited for and compared with the lines stock shows, and a
# whole connection walked through its states.  Sourced by tracker.sh.

# A TCP flow whose segments the test writes itself (pkt.py tcp), between
# the client and the server through the firewall.  Neither end's stack
# may see them (it would answer with RSTs of its own), so they leave with
# TTL (hop limit) TF_QUIET_TTL, which no real stack here uses, and each
# end drops what arrives with it (less the firewall's hop) in a chain
# that runs before any tracking.  That table is made once per namespace
# and topology (topo_create forgets TF_QUIETED), not once per flow: an
# nft run costs seconds under emulation.
TF_QUIET_TTL=99
# tcp_flow 4|6 CLIENT_PORT SERVER_PORT: the flow that seg and fw_state use.
tcp_flow() {
	local ns
	tcp_ends "$@"
	TF_QUIET=1
	for ns in $CL $SV; do
		case " $TF_QUIETED " in *" $ns "*) continue ;; esac
		ip netns exec $ns nft -f - <<NFT
table inet kct_quiet {
	chain prerouting {
		type filter hook prerouting priority -400; policy accept;
		ip ttl { $((TF_QUIET_TTL - 1)), $TF_QUIET_TTL } drop
		ip6 hoplimit { $((TF_QUIET_TTL - 1)), $TF_QUIET_TTL } drop
	}
}
NFT
		TF_QUIETED+=" $ns"
	done
}

# tcp_ends 4|6 CLIENT_PORT SERVER_PORT: the same for a real connection
# (the ends' stacks see everything): what fw_state and tf_line use.
tcp_ends() {
	TF_FAM=$1 TF_CP=$2 TF_SP=$3 TF_QUIET=
	if [ "$1" = 6 ]; then
		TF_CL=$CL6 TF_SV=$SV6
	else
		TF_CL=$CL4 TF_SV=$SV4
	fi
}

# seg "SIDE FLAGS [pkt.py tcp options]"...: send segments of the flow, in
# order, in one process; SIDE is cl or sv, FLAGS as pkt.py's --flags.
seg() {
	local args=() spec side rest
	for spec in "$@"; do
		read -r side rest <<<"$spec"
		[ ${#args[@]} -gt 0 ] && args+=(+)
		if [ "$side" = cl ]; then
			args+=(tcp --ns $CL --dst $TF_SV --sport $TF_CP --dport $TF_SP)
		else
			args+=(tcp --ns $SV --dst $TF_CL --sport $TF_SP --dport $TF_CP)
		fi
		[ -z "$TF_QUIET" ] || args+=(--ttl $TF_QUIET_TTL)
		# shellcheck disable=SC2206
		args+=(--flags $rest)
	done
	"${PKT_PY[@]}" "${args[@]}"
}

# TF_TABLE: whose table fw_state reads, kct (default) or nf_conntrack.
TF_TABLE=kct

# tf_lines: the firewall's lines of the flow in TF_TABLE (either way,
# its family only).
tf_lines() {
	local line
	while IFS= read -r line; do
		[[ $line == "ipv$TF_FAM "* ]] || continue
		case "$line" in
		*" sport=$TF_CP dport=$TF_SP "* | *" sport=$TF_SP dport=$TF_CP "*)
			printf '%s\n' "$line" ;;
		esac
	done < <(ns_cat $FW $TF_TABLE)
	return 0
}

# fw_state STATE: wait until the firewall's entry of the flow is in STATE
# (NONE: no entry at all), then print its line, countdown normalised, or
# what there is if it never gets there.  It waits as long as wait_for:
# the state may wait on a program that is still starting (5 s ran out
# before a client's first SYN on a busy machine).
fw_state() {
	local out end=$((EPOCHSECONDS + 1 + KCT_START_WAIT * KCT_PATIENCE))
	while :; do
		out=$(tf_lines)
		if [ "$1" = NONE ]; then
			[ -z "$out" ] && return 0
		else
			case "$out" in *" $1 "*) break ;; esac
		fi
		[ "$EPOCHSECONDS" -lt "$end" ] || break
		nap 0.2
	done
	[ -n "$out" ] && kct_norm "$out"
	return 0
}

# fw_timeout: the countdown of the flow's entry on the firewall.
fw_timeout() {
	kct_timeout "$(tf_lines | head -n1)"
}

# tf_line STATE [FLAGS...] / tf_rline STATE [FLAGS...]: the line
# /proc/net/kct should show for the flow, opened by the client (tf_line)
# or by the server (tf_rline); FLAGS are [UNREPLIED] (placed after the
# original tuple, as stock does) or [ASSURED] (after the reply tuple).
tf_line() {
	tf_mkline "$TF_CL" "$TF_SV" "$TF_CP" "$TF_SP" "$@"
}
tf_rline() {
	tf_mkline "$TF_SV" "$TF_CL" "$TF_SP" "$TF_CP" "$@"
}
tf_mkline() {
	local a=$1 b=$2 pa=$3 pb=$4 st=$5 unrep="" assured="" head
	shift 5
	case " $* " in *" [UNREPLIED] "*) unrep="[UNREPLIED] " ;; esac
	case " $* " in *" [ASSURED] "*) assured="[ASSURED] " ;; esac
	if [ "$TF_FAM" = 6 ]; then
		head="ipv6     10 tcp      6 T"
		a=$(v6_full "$a") b=$(v6_full "$b")
	else
		head="ipv4     2 tcp      6 T"
	fi
	echo "$head $st src=$a dst=$b sport=$pa dport=$pb ${unrep}src=$b dst=$a sport=$pb dport=$pa ${assured}mark=0 zone=0 use=2"
}

# v6_full ADDR: the topology's IPv6 address as /proc/net/kct prints it.
v6_full() {
	case $1 in
	"$CL6") echo "$CL6_FULL" ;;
	"$SV6") echo "$SV6_FULL" ;;
	*) echo "$1" ;;
	esac
}

# stock_now: unload kct, so that nf_conntrack (its hooks registered by a
# ct rule on the firewall) does the tracking from now on; for the same
# packets run again as a differential oracle.
stock_now() {
	rmmod kct || echo "rmmod kct failed"
	TF_TABLE=nf_conntrack
}

# tcp_handshake [OPTIONS]: SYN, SYN/ACK (both with OPTIONS), ACK; the
# firewall's entry is then ESTABLISHED.
tcp_handshake() {
	seg "cl S $*" "sv SA $*" "cl A"
	fw_state ESTABLISHED >/dev/null
}

# tcp_walk_states: a whole connection of the current tcp_flow, one
# segment at a time (handshake, data, the client closing first); after
# each step, the firewall's line and its countdown ("LINE / SECONDS"),
# eight lines in all.  Real stacks pass the middle states too fast to see.
tcp_walk_states() {
	seg "cl S --wscale 7 --sack-perm --mss 1460"
	echo "$(fw_state SYN_SENT) / $(fw_timeout)"
	seg "sv SA --wscale 7 --sack-perm --mss 1460"
	echo "$(fw_state SYN_RECV) / $(fw_timeout)"
	seg "cl A"
	echo "$(fw_state ESTABLISHED) / $(fw_timeout)"
	seg "cl PA --data 100" "sv A"
	echo "$(fw_state ESTABLISHED) / $(fw_timeout)"
	seg "cl FA"
	echo "$(fw_state FIN_WAIT) / $(fw_timeout)"
	seg "sv A"
	echo "$(fw_state CLOSE_WAIT) / $(fw_timeout)"
	seg "sv FA"
	echo "$(fw_state LAST_ACK) / $(fw_timeout)"
	seg "cl A"
	echo "$(fw_state TIME_WAIT) / $(fw_timeout)"
}

# tcp_walk_check STEPS...: the eight checks of tcp_walk_states' output
# (each step's line and timeout against stock's defaults).
tcp_walk_check() {
	ktap_check "SYN: SYN_SENT [UNREPLIED], 120 s" line_within "$1" "$(tf_line SYN_SENT "[UNREPLIED]")" 120
	ktap_check "SYN/ACK: SYN_RECV, 60 s" line_within "$2" "$(tf_line SYN_RECV)" 60
	ktap_check "ACK: ESTABLISHED [ASSURED], 432000 s" line_within "$3" "$(tf_line ESTABLISHED "[ASSURED]")" 432000
	ktap_check "data and its ACK: ESTABLISHED, 432000 s" line_within "$4" "$(tf_line ESTABLISHED "[ASSURED]")" 432000
	ktap_check "client FIN: FIN_WAIT, 120 s" line_within "$5" "$(tf_line FIN_WAIT "[ASSURED]")" 120
	ktap_check "server ACK: CLOSE_WAIT, 60 s" line_within "$6" "$(tf_line CLOSE_WAIT "[ASSURED]")" 60
	ktap_check "server FIN: LAST_ACK, 30 s" line_within "$7" "$(tf_line LAST_ACK "[ASSURED]")" 30
	ktap_check "last ACK: TIME_WAIT, 120 s" line_within "$8" "$(tf_line TIME_WAIT "[ASSURED]")" 120
}

# tcp_walk_same STOCK KCT: stock's lines of tcp_walk_states against kct's,
# step by step (the countdowns left out).
tcp_walk_same() {
	local -n _s=$1 _k=$2
	local names=(SYN SYN/ACK ACK data FIN ACK FIN ACK) i
	for i in 0 1 2 3 4 5 6 7; do
		ktap_expect "stock shows the same after ${names[$i]} (step $((i + 1)))" \
			"${_s[$i]% / *}" "${_k[$i]% / *}"
	done
}

# line_within "LINE / SECONDS" EXPECTED_LINE TIMEOUT: the line is the one
# expected and its countdown at most KCT_SLACK (5 s) under TIMEOUT.
line_within() {
	local line=${1% / *} t=${1##* / }
	[ "$line" = "$2" ] || { echo "line: $line"; echo "want: $2"; return 1; }
	in_range "$t" $(($3 - KCT_SLACK)) "$3"
}
