# Shell helpers for kct's tracker selftests (selftests/tracker/*.sh):
# reading /proc/net/kct and the counters, rule counters of nft and
# iptables, small servers and the packet generator.  Source it after
# ktap.sh and topo.sh.

TRACKER_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Servers started in the background must not outlive the test (the
# runner reads the test's output until every writer has gone): on exit,
# end every process in the topology's namespaces.  Background commands
# should also send their output elsewhere than the test's.
trap 'topo_destroy >/dev/null 2>&1; rm -f /tmp/kct-tcp-* /tmp/kct-step-*' EXIT

# PKT_PY: how to run the packet generator (lib/pkt.py): imported, so
# that its compiled form is kept between runs, and without the site
# packages it does not use (-S); under emulation each saves a part of a
# second per run.
PKT_PY=(python3 -S -c 'import sys; sys.path[0] = sys.argv.pop(1); sys.argv[0] = "pkt.py"; import pkt; sys.exit(pkt.main())' "$TRACKER_LIB")

# pkt NS ARGS...: the packet generator inside namespace NS.
pkt() {
	local ns=$1
	shift
	ip netns exec "$ns" "${PKT_PY[@]}" "$@"
}

# kct_load: load the tracker, or fail the test.  On a slow kernel, ICMP
# and UDP entries of the topology's namespaces get longer to live
# (short_lived_last).
kct_load() {
	if ! modprobe kct; then
		ktap_fail "modprobe kct"
		ktap_done
	fi
	short_lived_last
}

# --- /proc/net/kct -----------------------------------------------------

# kct_table NS: the connection table of namespace NS.
kct_table() {
	ip netns exec "$1" cat /proc/net/kct
}

# stock_table NS: stock nf_conntrack's table of namespace NS.
stock_table() {
	ip netns exec "$1" cat /proc/net/nf_conntrack
}

# kct_entries NS PATTERN...: the lines of NS's table containing every
# PATTERN (plain strings).  Pure bash past the one read: under emulation
# every process costs a noticeable fraction of a second.
kct_entries() {
	local ns=$1 line p ok
	shift
	while IFS= read -r line; do
		ok=1
		for p in "$@"; do
			[[ $line == *"$p"* ]] || { ok=; break; }
		done
		[ -n "$ok" ] && printf '%s\n' "$line"
	done < <(kct_table "$ns")
	return 0
}

# kct_count NS [PATTERN...]: how many lines kct_entries finds.
kct_count() {
	local out
	out=$(kct_entries "$@")
	if [ -z "$out" ]; then
		echo 0
	else
		printf '%s\n' "$out" | wc -l
	fi
}

# kct_entry NS PATTERN...: the one line matching every PATTERN, waiting
# up to 5 s (times KCT_PATIENCE) for it; fails (printing the table)
# unless there is exactly one.
kct_entry() {
	local out n=0 end=$((EPOCHSECONDS + 1 + 5 * KCT_PATIENCE))
	while :; do
		out=$(kct_entries "$@")
		[ -n "$out" ] || [ "$EPOCHSECONDS" -ge "$end" ] && break
		nap 0.2
	done
	[ -n "$out" ] && n=$(printf '%s\n' "$out" | wc -l)
	if [ "$n" -ne 1 ]; then
		echo "expected one entry in $1 matching '${*:2}', found $n:"
		kct_table "$1"
		return 1
	fi
	printf '%s\n' "$out"
}

# kct_wait_entry NS PATTERN...: wait up to 5 s (times KCT_PATIENCE)
# until an entry matches.
kct_wait_entry() {
	poll 5 kct_has_entry "$@"
}
kct_has_entry() {
	[ -n "$(kct_entries "$@")" ]
}

# kct_timeout LINE: the seconds left, the fifth field of a table line.
kct_timeout() {
	local f
	read -r -a f <<<"$1"
	echo "${f[4]}"
}

# kct_norm LINE: the line with its countdown replaced by T, for exact
# comparisons (spacing kept: it is part of the format).
kct_norm() {
	local re='^([^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ )[0-9]+ (.*)$'
	if [[ $1 =~ $re ]]; then
		echo "${BASH_REMATCH[1]}T ${BASH_REMATCH[2]}"
	else
		echo "$1"
	fi
}

# in_range VALUE LOW HIGH: LOW <= VALUE <= HIGH, with a message if not.
in_range() {
	if [ -n "$1" ] && [ "$1" -ge "$2" ] 2>/dev/null && [ "$1" -le "$3" ]; then
		return 0
	fi
	echo "$1 is not in $2..$3"
	return 1
}

# has_flag LINE FLAG / lacks_flag LINE FLAG: [UNREPLIED], [ASSURED].
has_flag() {
	case " $1 " in *" $2 "*) return 0 ;; esac
	echo "no $2 in: $1"
	return 1
}
lacks_flag() {
	case " $1 " in *" $2 "*)
		echo "$2 in: $1"
		return 1
		;;
	esac
	return 0
}

# --- counters ------------------------------------------------------------

# kct_stat NS COLUMN: a column of /proc/net/stat/kct (hex, one line per
# CPU) summed over CPUs, in decimal; "entries", the same on every line,
# is read once.
kct_stat() {
	proc_stat "$1" kct "$2"
}

# stock_stat NS COLUMN: the same for nf_conntrack's /proc/net/stat file.
stock_stat() {
	proc_stat "$1" nf_conntrack "$2"
}

proc_stat() {
	ip netns exec "$1" cat "/proc/net/stat/$2" | awk -v col="$3" '
		function hex(s,   i, v) {
			v = 0
			for (i = 1; i <= length(s); i++)
				v = v * 16 + index("0123456789abcdef", substr(tolower(s), i, 1)) - 1
			return v
		}
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		c { sum += hex($c); if (col == "entries") exit }
		END { if (!c) exit 1; printf "%d\n", sum }'
}

# kct_invalid NS REASON: the count of /proc/net/stat/kct_invalid's REASON.
kct_invalid() {
	ip netns exec "$1" cat /proc/net/stat/kct_invalid |
		awk -v r="$2" '$1 == r { print $2; f = 1 } END { exit !f }'
}

# nft_counter NS FAMILY TABLE NAME: packets of a named nft counter.
nft_counter() {
	ip netns exec "$1" nft list counter "$2" "$3" "$4" |
		sed -n 's/.*packets \([0-9]*\) bytes.*/\1/p'
}

# nft_counters NS FAMILY TABLE: "name=packets ..." for every named
# counter of the table, in the order nft lists them.
nft_counters() {
	ip netns exec "$1" nft list table "$2" "$3" | awk '
		$1 == "counter" && $3 == "{" { name = $2 }
		name && $1 == "packets" { out = out sep name "=" $2; sep = " "; name = "" }
		END { print out }'
}

# ct_counters_ruleset: an nft table "inet ctstate" whose forward chain counts
# every packet by its ct state and family: counters new4, established4,
# related4, invalid4, untracked4 and the same with 6.
CT_STATES="new established related invalid untracked"
ct_counters_ruleset() {
	local st fam
	echo "table inet ctstate {"
	for fam in 4 6; do
		for st in $CT_STATES; do echo "	counter $st$fam {}"; done
	done
	echo "	chain forward_filter {"
	echo "		type filter hook forward priority filter; policy accept;"
	for fam in 4 6; do
		for st in $CT_STATES; do
			echo "		meta nfproto ipv$fam ct state $st counter name \"$st$fam\""
		done
	done
	echo "	}"
	echo "}"
}

# ct_counters NS FAM SNAPSHOT_BEFORE: what table inet ctstate counted for
# family FAM (4 or 6) since SNAPSHOT_BEFORE (an nft_counters output, or
# empty), as "new=N established=N related=N invalid=N untracked=N".
ct_counters() {
	counts_delta "$3" "$(nft_counters "$1" inet ctstate)" |
		tr ' ' '\n' | sed -n "s/^\([a-z]*\)$2=/\1=/p" | paste -sd' '
}

# counts_delta BEFORE AFTER: "k=v ..." lists; AFTER minus BEFORE, key by
# key, in AFTER's order (a key missing from BEFORE counts from 0).
counts_delta() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		n = split(a, x, " "); for (i = 1; i <= n; i++) { split(x[i], kv, "="); old[kv[1]] = kv[2] }
		n = split(b, y, " ")
		for (i = 1; i <= n; i++) {
			split(y[i], kv, "="); out = out sep kv[1] "=" (kv[2] - old[kv[1]]); sep = " "
		}
		print out }'
}

# counts_expect KEYS "k=v ...": the full "k=v" list over KEYS (a
# space-separated list), 0 for every key not given.
counts_expect() {
	awk -v keys="$(echo $1)" -v given="$(echo $2)" 'BEGIN {
		n = split(given, x, " "); for (i = 1; i <= n; i++) { split(x[i], kv, "="); v[kv[1]] = kv[2] }
		n = split(keys, k, " ")
		for (i = 1; i <= n; i++) { out = out sep k[i] "=" (k[i] in v ? v[k[i]] : 0); sep = " " }
		print out }'
}

# ipt_counter NS CMD TABLE CHAIN COMMENT: packets of the rule whose
# comment is COMMENT (CMD: iptables or ip6tables).
ipt_counter() {
	ip netns exec "$1" "$2" -t "$3" -L "$4" -v -x -n |
		awk -v c="/* $5 */" 'index($0, c) { print $1; f = 1 } END { exit !f }'
}

# ipt_counters NS CMD TABLE CHAIN: "comment=packets ..." for every rule
# of CHAIN that carries a comment, in rule order.
ipt_counters() {
	ip netns exec "$1" "$2" -t "$3" -L "$4" -v -x -n | awk '
		match($0, /\/\* [^ ]+ \*\//) {
			out = out sep substr($0, RSTART + 3, RLENGTH - 6) "=" $1; sep = " "
		}
		END { print out }'
}

# ipt_policy_packets NS CMD CHAIN: packets the chain's policy took.
ipt_policy_packets() {
	ip netns exec "$1" "$2" -L "$3" -v -x -n |
		sed -n '1s/.*policy [A-Z]* \([0-9]*\) packets.*/\1/p'
}

# --- servers -------------------------------------------------------------

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

# The topology's IPv6 addresses as /proc/net/kct prints them (stock's
# %pI6: every group, four digits).
CL6_FULL=2001:0db8:0001:0000:0000:0000:0000:0002
SV6_FULL=2001:0db8:0002:0000:0000:0000:0000:0002

# not CMD...: succeeds when CMD fails (for ktap_check).
not() {
	! "$@"
}

# --- TCP flows made by hand ---------------------------------------------

# A TCP flow whose segments the test writes itself (pkt.py tcp), between
# the client and the server through the firewall.  Neither end's stack
# may see them (it would answer with RSTs of its own), so each end drops
# them on arrival, in a chain that runs before any tracking.
# tcp_flow 4|6 CLIENT_PORT SERVER_PORT: the flow that seg and fw_state use.
tcp_flow() {
	local ns port
	tcp_ends "$@"
	for ns in $CL $SV; do
		port=$TF_CP
		[ $ns = $SV ] && port=$TF_SP
		ip netns exec $ns nft -f - <<NFT
table inet kct_quiet_$port {
	chain prerouting {
		type filter hook prerouting priority -400; policy accept;
		tcp dport $port drop
	}
}
NFT
	done
}

# tcp_ends 4|6 CLIENT_PORT SERVER_PORT: the same for a real connection
# (the ends' stacks see everything): what fw_state and tf_line use.
tcp_ends() {
	TF_FAM=$1 TF_CP=$2 TF_SP=$3
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
	done < <(ip netns exec $FW cat /proc/net/$TF_TABLE)
	return 0
}

# fw_state STATE: wait (5 s, times KCT_PATIENCE) until the firewall's entry of the flow is in
# STATE (NONE: no entry at all), then print its line, countdown
# normalised, or what there is if it never gets there.
fw_state() {
	local out end=$((EPOCHSECONDS + 1 + 5 * KCT_PATIENCE))
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
