# The kernel's own netfilter selftests, unmodified, from the
# linux-source-6.1 package (scripts/setup.sh extracts them into the
# cache): find them, run one from a scratch copy, report its verdict.

# kselftest_dir: the extracted tools/testing/selftests/netfilter, or
# nothing.
kselftest_dir() {
	local d
	for d in "$KCT_TOP/.cache" "${KCT_CACHE:-}"; do
		d=$d/linux-source-6.1/tools/testing/selftests/netfilter
		[ -d "$d" ] && echo "$d" && return
	done
}

# kselftest_once SCRIPT [SOURCE.c...]: one run of SCRIPT in a scratch copy
# of the directory, each SOURCE.c compiled first to the binary named
# after it; prints PASS, SKIP or FAIL, then the script's output as
# "# " lines.  Its exit status is the kselftest one (0 pass, 4 skip).
# A run is stopped after KSELFTEST_RUN_LIMIT seconds (default 600, times
# KCT_PATIENCE); a wrapper whose script takes longer here sets it, and a
# kct-test-timeout that covers its runs.
kselftest_once() {
	local script=$1 dir tmp src rc verdict
	shift
	dir=$(kselftest_dir)
	tmp=$(mktemp -d)
	cp -r "$dir/." "$tmp/"
	for src in "$@"; do
		gcc -o "$tmp/${src%.c}" "$tmp/$src" >"$tmp/gcc.out" 2>&1 ||
			{ echo FAIL; sed 's/^/# /' "$tmp/gcc.out"; rm -rf "$tmp"; return 1; }
	done
	# nc (OpenBSD's netcat, which the scripts are written for), socat
	# and sleep keep the order the scripts start servers and clients
	# in (kselftest_bin/order.sh says how).
	mkdir "$tmp/.bin" "$tmp/.order"
	ln -s "$KCT_LIB"/kselftest_bin/{nc,socat,sleep} "$tmp/.bin/"
	(cd "$tmp" && PATH=$tmp/.bin:$PATH KSELFTEST_ORDER=$tmp/.order \
		KSELFTEST_SCRIPT="./$script" \
		timeout -k 5 $((${KSELFTEST_RUN_LIMIT:-600} * KCT_PATIENCE)) \
		bash "./$script") >"$tmp/out" 2>&1 </dev/null
	rc=$?
	# A script that reports a failure but exits 0 (nft_synproxy.sh in
	# 6.1 sets its status from the echo that reports it) fails here.
	if [ $rc -eq 0 ] && [ -n "${KSELFTEST_FAIL_LINE:-}" ] &&
	   grep -q "$KSELFTEST_FAIL_LINE" "$tmp/out"; then
		rc=1
	fi
	case $rc in
	0) verdict=PASS ;;
	4) verdict=SKIP ;;
	*) verdict=FAIL ;;
	esac
	echo "$verdict"
	sed 's/^/# /' "$tmp/out"
	rm -rf "$tmp"
	return $rc
}

# kselftest_verdict TRACKER SCRIPT [SOURCE.c...]: one ktap check that
# SCRIPT passes under TRACKER ("stock" or "kct", already loaded), its
# output shown when it does not.  The scripts time their steps with
# fixed sleeps and one-second timeouts, tuned for real hardware; under
# emulation a step can miss its window on any tracker, so a script gets
# up to KCT_KSELFTEST_TRIES runs (default 3) and the check says which
# one passed.
kselftest_verdict() {
	local who=$1 script=$2 out try tries=${KCT_KSELFTEST_TRIES:-3}
	shift 2
	for try in $(seq "$tries"); do
		out=$(kselftest_once "$script" "$@")
		[ "${out%%$'\n'*}" = PASS ] && break
	done
	if [ "${out%%$'\n'*}" = PASS ]; then
		ktap_ok "$script passes with $who (run $try of $tries)"
	else
		ktap_fail "$script passes with $who (${out%%$'\n'*} in $tries runs)"
		echo "${out#*$'\n'}"
	fi
}

# kselftest_stock_gone: unload what of stock's kct replaces (its
# ctnetlink and FTP helper); succeeds once they are gone.
kselftest_stock_gone() {
	rmmod nf_conntrack_netlink nf_nat_ftp nf_conntrack_ftp 2>/dev/null
	! grep -qE '^(nf_conntrack_netlink|nf_nat_ftp|nf_conntrack_ftp) ' /proc/modules
}

# kselftest_compare SCRIPT [SOURCE.c...]: the whole test of a kselftest/
# file: the script on stock nf_conntrack, then with kct loaded.
kselftest_compare() {
	if [ -z "$(kselftest_dir)" ]; then
		ktap_fail "the kernel's netfilter selftests are extracted (scripts/setup.sh)"
		ktap_done
	fi
	rmmod kct_nat_ftp kct_ftp kct 2>/dev/null
	kselftest_verdict stock "$@"
	# What a user does to switch: stock's ctnetlink and FTP helper
	# (which the stock run may have loaded) make way for kct's.
	# The stock run's namespaces go in the background, and their nft ct
	# helper objects hold nf_conntrack_ftp until then: kct_ftp cannot
	# register "ftp" while it is loaded.
	poll 60 kselftest_stock_gone
	kct_load
	modprobe kct_ftp || ktap_fail "modprobe kct_ftp"
	kselftest_verdict kct "$@"
	ktap_done
}
