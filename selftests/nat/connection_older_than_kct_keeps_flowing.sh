#!/bin/bash
# A connection that stock tracked before kct was loaded keeps flowing
# when, after the load, its next packet comes from the server: kct picks
# it up from that packet (nf_conntrack_tcp_loose), so kct's entry is the
# flow seen from the server's side, while stock's old entry, which no
# packet reaches any more, still holds the client's side.  NAT's hooks
# are there (a masquerade rule for other traffic), so nf_nat gives the
# picked-up entry its null binding and asks whether its tuple is taken:
# stock's old entry of the same flow must not count, or nf_nat moves
# the client's port and the server's data never reaches the client.
# Stock meets the same pickup when a user flushes the table under a
# live connection (`conntrack -F`): what the client receives, and the
# router's entry, must be stock's.  IPv4 and IPv6.
# kct-test-cost: 47
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
. "$(dirname "$0")/../lib/nat_diff.sh"
require_tool nft conntrack python3

trap 'topo_destroy >/dev/null 2>&1; rm -f /tmp/kct-older-*' EXIT

# The server at PORT accepts one connection, waits for /tmp/kct-older-go,
# then speaks first.
server() {
	in_sv python3 - "$1" "$2" <<'PY' &
import os, socket, sys, time
fam = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET
s = socket.socket(fam)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(1)
c, _ = s.accept()
while not os.path.exists('/tmp/kct-older-go'):
    time.sleep(0.1)
c.sendall(b'server speaks first\n')
c.settimeout(120)
try:
    c.recv(100)
except OSError:
    pass
PY
}

# client DST PORT SPORT OUT: connect, then write to OUT what the server
# says (or the error) within a minute (times KCT_PATIENCE): kct's load
# comes between the two.
client() {
	in_cl python3 - "$1" "$2" "$3" "$4" $((60 * KCT_PATIENCE)) <<'PY' &
import socket, sys
dst, port, sport, out, wait = sys.argv[1:6]
fam = socket.AF_INET6 if ':' in dst else socket.AF_INET
s = socket.socket(fam)
s.bind(('::' if fam == socket.AF_INET6 else '0.0.0.0', int(sport)))
s.settimeout(float(wait))
s.connect((dst, int(port)))
open(out + '.connected', 'w').close()
try:
    got = s.recv(100).decode().strip() or 'closed'
except OSError as e:
    got = 'nothing (%s)' % e.__class__.__name__
open(out, 'w').write(got + '\n')
PY
}

# flow PORT: the router's entries of the test's connection, one line.
flow() {
	in_fw conntrack -L 2>/dev/null | grep "sport=$1 " | ct_norm |
		tr -s ' ' | paste -sd'|'
}

flow_seen() {
	[ -n "$(flow "$1")" ]
}

# flow_closed PORT: the connection's entry is in TIME_WAIT (the client
# closes after reading, then the server).
flow_closed() {
	[[ $(flow "$1") == *TIME_WAIT* ]]
}

scenario() {
	local fam sport=47100 dst
	topo_create
	diff_tracker stock
	in_fw nft -f - <<NFT || echo "rules did not load"
table inet kct_older {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		ip daddr 203.0.113.9 masquerade
		ip6 daddr 2001:db8:9::9 masquerade
	}
}
NFT
	rm -f /tmp/kct-older-*
	for fam in 4 6; do
		if [ $fam = 4 ]; then dst=$SV4; else dst=$SV6; fi
		server $dst $((7100 + fam))
		wait_for tcp_listening $SV $((7100 + fam))
		client $dst $((7100 + fam)) $((sport + fam)) /tmp/kct-older-$fam
		wait_for test -e /tmp/kct-older-$fam.connected
		wait_for flow_seen $((sport + fam))
		echo "IPv$fam before: $(flow $((sport + fam)))"
	done
	# Stock's entries go, as a user flushing them would; or kct comes
	# and stock's stay behind.
	if [ "$1" = stock ]; then
		in_fw conntrack -F 2>/dev/null
	else
		diff_tracker kct
	fi
	touch /tmp/kct-older-go
	for fam in 4 6; do
		poll 70 test -e /tmp/kct-older-$fam
		echo "IPv$fam client got: $(cat /tmp/kct-older-$fam 2>/dev/null)"
		poll 10 flow_closed $((sport + fam))
		echo "IPv$fam picked up: $(flow $((sport + fam)))"
	done
	topo_destroy
}

diff_run scenario 6
ktap_expect "stock: the IPv4 client got what the server said" \
	"IPv4 client got: server speaks first" "${DIFF_STOCK[2]}"
diff_compare
ktap_done
