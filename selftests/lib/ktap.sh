# KTAP output for kct's shell selftests.  Source it, call ktap_* for each
# check, end with ktap_done, which prints the plan and exits with the
# kselftest status (0 pass, 1 fail, 4 skip).
KTAP_N=0
KTAP_FAILED=0
KTAP_SKIPPED=0
echo "TAP version 13"

ktap_ok() {
	KTAP_N=$((KTAP_N + 1))
	echo "ok $KTAP_N $*"
}

ktap_fail() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_FAILED=$((KTAP_FAILED + 1))
	echo "not ok $KTAP_N $*"
}

ktap_skip() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_SKIPPED=$((KTAP_SKIPPED + 1))
	echo "ok $KTAP_N $1 # SKIP ${2:-}"
}

ktap_note() {
	echo "$*" | sed 's/^/# /'
}

# ktap_check DESCRIPTION CMD [ARG...]: one check that passes when CMD does.
ktap_check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		ktap_ok "$desc"
	else
		ktap_fail "$desc"
		[ -n "$out" ] && ktap_note "$out"
	fi
}

# ktap_expect DESCRIPTION EXPECTED ACTUAL: passes when the strings match.
ktap_expect() {
	if [ "$2" = "$3" ]; then
		ktap_ok "$1"
	else
		ktap_fail "$1"
		ktap_note "expected: $2"
		ktap_note "actual:   $3"
	fi
}

# A test that cannot run because a tool is missing fails: the setup
# script installs every tool the tests use.
require_tool() {
	local t
	for t in "$@"; do
		if ! command -v "$t" >/dev/null 2>&1; then
			ktap_fail "tool $t is installed"
			ktap_done
		fi
	done
}

ktap_done() {
	echo "1..$KTAP_N"
	if [ "$KTAP_FAILED" -gt 0 ]; then
		exit 1
	elif [ "$KTAP_N" -gt 0 ] && [ "$KTAP_SKIPPED" -eq "$KTAP_N" ]; then
		exit 4
	fi
	exit 0
}
