# Reading connection tables in the selftests: /proc/net/kct and stock's
# /proc/net/nf_conntrack of a namespace, one entry or all those matching,
# countdowns and flags.  Sourced by tracker.sh.

# ns_cat NS FILE: /proc/net/FILE of namespace NS, read by the shell
# itself from /proc/PID/net of a process in NS (lib/servers.sh, ns_pid)
# when there is one: the tables are read again and again, and under
# emulation an ip netns exec cat costs a part of a second.  Otherwise,
# or if it cannot be read that way (no such file: the message is cat's),
# as cat prints it.  The firewall of the topology gets a process of its
# own for this (ns_hold) the first time; the others are read where a
# test's own processes are.
ns_cat() {
	local lines
	if ns_pid "$1" && mapfile -t lines <"/proc/$NS_PID/net/$2"; then
		[ ${#lines[@]} -eq 0 ] || printf '%s\n' "${lines[@]}"
		return 0
	fi 2>/dev/null
	[ "$1" = "$FW" ] && ns_hold "$1"
	ip netns exec "$1" cat "/proc/net/$2"
}

# ns_hold NS: a sleeping process in namespace NS, for ns_cat to read
# through, until the namespace's processes are ended (topo_destroy,
# ns_kill).  It holds none of the test's files or pipes open, is no job
# of the test's shell (wait, $!) and starts in the background: the
# next read uses it.  One for each namespace of that name: the mark
# file is newer than the namespace once one was started.
ns_hold() {
	[ /tmp/kct-step-hold-"$1" -nt /run/netns/"$1" ] && return 0
	: >/tmp/kct-step-hold-"$1"
	( (
		for fd in /proc/$BASHPID/fd/*; do
			fd=${fd##*/}
			[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
		done
		exec ip netns exec "$1" sleep $((3600 * KCT_PATIENCE))
	) </dev/null >/dev/null 2>&1 & )
}

# kct_table NS: the connection table of namespace NS.
kct_table() {
	ns_cat "$1" kct
}

# stock_table NS: stock nf_conntrack's table of namespace NS.
stock_table() {
	ns_cat "$1" nf_conntrack
}

# lines_with PATTERN...: the lines of stdin containing every PATTERN
# (plain strings).  Pure bash: under emulation every process costs a
# noticeable fraction of a second.
lines_with() {
	local line p ok
	while IFS= read -r line; do
		ok=1
		for p in "$@"; do
			[[ $line == *"$p"* ]] || { ok=; break; }
		done
		[ -n "$ok" ] && printf '%s\n' "$line"
	done
	return 0
}

# kct_entries NS PATTERN...: the lines of NS's table containing every
# PATTERN.
kct_entries() {
	local ns=$1
	shift
	lines_with "$@" < <(kct_table "$ns")
}

# kct_count NS [PATTERN...]: how many lines kct_entries finds.
kct_count() {
	local lines
	mapfile -t lines < <(kct_entries "$@")
	echo ${#lines[@]}
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

# The topology's IPv6 addresses as /proc/net/kct prints them (stock's
# %pI6: every group, four digits).
CL6_FULL=2001:0db8:0001:0000:0000:0000:0000:0002
SV6_FULL=2001:0db8:0002:0000:0000:0000:0000:0002
