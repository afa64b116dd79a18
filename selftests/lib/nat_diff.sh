# Shell helpers for the NAT selftests (selftests/nat/*.sh) that compare
# stock and kct (lib/stock_diff.sh).  Source it after preamble.sh.
. "$(dirname "${BASH_SOURCE[0]}")/stock_diff.sh"

# nat_answer NS DST PORT SPORT: what the TCP service at DST:PORT sends
# to a client in NS connecting from source port SPORT.
nat_answer() {
	ip netns exec "$1" socat -u -T $KCT_CLIENT_WAIT \
		"TCP4:$2:$3,sourceport=$4,connect-timeout=$KCT_CLIENT_WAIT" - 2>&1
}

# nat_events FILE SPORT: the events in FILE (`conntrack -E` output) of
# the flow from source port SPORT, in order, on one line ("|" between
# events): countdowns and the portid and program name of the command that
# caused an event (`conntrack -F`, `-D`) masked, as they differ per run.
nat_events() {
	grep -- "sport=$2 " "$1" |
		sed -E 's/^( *\[[A-Z]+\] [a-z0-9]+ +[0-9]+) [0-9]+ /\1 T /;
			s/ \[USERSPACE\] portid=[0-9]+( progname=[^ ]*)?/ [USERSPACE] portid=N/' |
		tr -s ' ' | paste -sd'|'
}
