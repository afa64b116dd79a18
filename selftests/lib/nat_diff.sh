# Shell helpers for the NAT selftests (selftests/nat/*.sh) that run one
# scenario on stock nf_conntrack and then on kct, in the same guest, and
# compare what a user sees, line by line.  Source it after preamble.sh.
#
# A scenario is a function taking the tracker (stock or kct) that prints
# one "what: value" line per step; "what" names the step in the results.

# nat_tracker stock|kct: switch to that tracker, as a user switches (kct
# and stock's ctnetlink cannot both be loaded).
nat_tracker() {
	if [ "$1" = stock ]; then
		rmmod kct_nat_ftp kct_ftp kct 2>/dev/null
		modprobe nf_conntrack_netlink
	else
		rmmod nf_conntrack_netlink 2>/dev/null
		modprobe kct || echo "modprobe kct failed"
	fi
}

# nat_proc_table stock|kct: the name of that tracker's table in /proc/net.
nat_proc_table() {
	if [ "$1" = stock ]; then echo nf_conntrack; else echo kct; fi
}

# nat_answer NS DST PORT SPORT: what the TCP service at DST:PORT sends
# to a client in NS connecting from source port SPORT.
nat_answer() {
	ip netns exec "$1" socat -u -T $KCT_CLIENT_WAIT \
		"TCP4:$2:$3,sourceport=$4,connect-timeout=$KCT_CLIENT_WAIT" - 2>&1
}

# nat_run SCENARIO STEPS: SCENARIO on stock, then on kct; their lines in
# NAT_STOCK and NAT_KCT, stock's noted, and a check that stock's ran all
# STEPS.
nat_run() {
	mapfile -t NAT_STOCK < <("$1" stock)
	mapfile -t NAT_KCT < <("$1" kct)
	rmmod kct 2>/dev/null
	printf '%s\n' "${NAT_STOCK[@]}" | sed 's/^/# stock: /'
	ktap_expect "stock: the scenario ran its $2 steps" "$2" "${#NAT_STOCK[@]}"
}

# nat_compare: each of kct's lines is stock's.
nat_compare() {
	local i

	for i in "${!NAT_STOCK[@]}"; do
		ktap_expect "${NAT_STOCK[$i]%: *}: kct shows what stock shows" \
			"${NAT_STOCK[$i]}" "${NAT_KCT[$i]}"
	done
}
