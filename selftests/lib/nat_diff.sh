# Shell helpers for the NAT selftests (selftests/nat/*.sh) that compare
# stock and kct (lib/stock_diff.sh).  Source it after preamble.sh.
. "$(dirname "${BASH_SOURCE[0]}")/stock_diff.sh"

# nat_answer NS DST PORT SPORT: what the TCP service at DST:PORT sends
# to a client in NS connecting from source port SPORT.
nat_answer() {
	ip netns exec "$1" socat -u -T $KCT_CLIENT_WAIT \
		"TCP4:$2:$3,sourceport=$4,connect-timeout=$KCT_CLIENT_WAIT" - 2>&1
}
