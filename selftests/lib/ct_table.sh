# Reading connection tables in the selftests: /proc/net/kct and stock's
# /proc/net/nf_conntrack of a namespace, one entry or all those matching,
# countdowns and flags.  Sourced by tracker.sh.

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

# The topology's IPv6 addresses as /proc/net/kct prints them (stock's
# %pI6: every group, four digits).
CL6_FULL=2001:0db8:0001:0000:0000:0000:0000:0002
SV6_FULL=2001:0db8:0002:0000:0000:0000:0000:0002
