# Counters in the selftests: kct's and stock's /proc/net/stat files, and
# the packet counters of nft and iptables rules, with the nft table that
# counts packets by ct state.  Sourced by tracker.sh.

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
	ns_cat "$1" "stat/$2" | awk -v col="$3" '
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
	ns_cat "$1" stat/kct_invalid |
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
