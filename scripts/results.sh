# Shared by the test stages: record one result line in $KCT_RESULTS
# ("PASS name", "FAIL name" or "SKIP name") when a results file is set.
record() {
	local verdict=$1
	shift
	[ -n "$KCT_RESULTS" ] && echo "$verdict $*" >>"$KCT_RESULTS"
	return 0
}
