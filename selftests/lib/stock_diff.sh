# Shell helpers for the selftests that run one scenario on stock
# nf_conntrack and then on kct, in the same guest, and compare what a
# user sees, line by line.  Source it after preamble.sh.
#
# A scenario is a function taking the tracker (stock or kct) that prints
# one "what: value" line per step; "what" names the step in the results.

# diff_tracker stock|kct: switch to that tracker, as a user switches (kct
# and stock's ctnetlink cannot both be loaded).
diff_tracker() {
	if [ "$1" = stock ]; then
		rmmod kct_nat_ftp kct_ftp kct 2>/dev/null
		modprobe nf_conntrack_netlink
	else
		rmmod nf_conntrack_netlink 2>/dev/null
		modprobe kct || echo "modprobe kct failed"
	fi
}

# diff_tracker_ftp stock|kct: that tracker with its FTP helper (stock's
# nf_conntrack_ftp, or kct_ftp).
diff_tracker_ftp() {
	diff_tracker "$1"
	if [ "$1" = stock ]; then
		modprobe nf_conntrack_ftp
	else
		rmmod nf_conntrack_ftp 2>/dev/null
		modprobe kct_ftp
	fi
}

# diff_proc_table stock|kct: the name of that tracker's table in /proc/net.
diff_proc_table() {
	if [ "$1" = stock ]; then echo nf_conntrack; else echo kct; fi
}

# ct_stat NAME: the firewall's conntrack -S counter NAME summed over its
# CPUs, from whichever tracker answers ctnetlink.
ct_stat() {
	in_fw conntrack -S 2>/dev/null |
		sed -n "s/.*[[:space:]]$1=\([0-9]*\).*/\1/p" | awk '{ n += $1 } END { print n + 0 }'
}

# diff_run SCENARIO STEPS: SCENARIO on stock, then on kct; their lines in
# DIFF_STOCK and DIFF_KCT, stock's noted, and a check that stock's ran all
# STEPS.
diff_run() {
	mapfile -t DIFF_STOCK < <("$1" stock)
	mapfile -t DIFF_KCT < <("$1" kct)
	rmmod kct 2>/dev/null
	printf '%s\n' "${DIFF_STOCK[@]}" | sed 's/^/# stock: /'
	ktap_expect "stock: the scenario ran its $2 steps" "$2" "${#DIFF_STOCK[@]}"
}

# diff_compare: each of kct's lines is stock's.
diff_compare() {
	local i

	for i in "${!DIFF_STOCK[@]}"; do
		ktap_expect "${DIFF_STOCK[$i]%: *}: kct shows what stock shows" \
			"${DIFF_STOCK[$i]}" "${DIFF_KCT[$i]}"
	done
}

# diff_stock_shows LINE...: stock's run printed each LINE: what the
# scenario is known to do, so that kct matching stock means something.
diff_stock_shows() {
	local line

	for line in "$@"; do
		ktap_check "stock: $line" grep -qxF "$line" <(printf '%s\n' "${DIFF_STOCK[@]}")
	done
}
