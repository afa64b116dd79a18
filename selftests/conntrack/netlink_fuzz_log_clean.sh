#!/bin/bash
# Hostile ctnetlink messages get errors and break nothing: 3000 random and
# mutated requests (ctnetlink_fuzz.py, fixed seed) to kct's conntrack and
# expectation subsystems leave the kernel log clean (the runner fails the
# test on any warning), and kct answers and tracks afterwards.  Malformed
# requests that name a live connection change nothing: a DELETE with a
# broken tuple, an update whose protocol part is invalid (its valid mark
# is not applied either).
# kct-test-cost: 22
. "$(dirname "$0")/../lib/preamble.sh"
. "$(dirname "$0")/../lib/conntrack.sh"
require_tool conntrack socat ss python3

ct_load
topo_create
ct_tcp_hold 4 42000 7000 120
fuzz=$(dirname "$0")/ctnetlink_fuzz.py
py() { in_fw python3 -c "import sys; sys.path.insert(0, '$(dirname "$fuzz")'); from ctnetlink_fuzz import *; $1"; }
# send_one PYTHON-EXPR: send that message, print the kernel's errno.
send_one() {
	py "
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
s.send($1)
ans = s.recv(4096)
print(-struct.unpack('=i', ans[16:20])[0])"
}
bad_tuple='nest(1, nest(1, attr(1, b"\xc0\x00")), nest(2, attr(1, u8(6))))'
err=$(send_one "msg(SUBSYS_CT, 2, NLM_F_REQUEST | NLM_F_ACK, 2, $bad_tuple, 1)")
ktap_check "DELETE with a broken tuple: an error ($err)" test "$err" -gt 0
bad_info='nest(4, nest(1, attr(1, u8(99))))'
err=$(send_one "msg(SUBSYS_CT, 0, NLM_F_REQUEST | NLM_F_ACK, 2, T4 + attr(8, be32(42)) + $bad_info, 1)")
ktap_check "update with TCP state 99: an error ($err)" test "$err" -gt 0
ktap_check "the connection is still there, mark 0" \
	in_fw grep -q "dport=7000 .*mark=0 " /proc/net/kct

out=$(in_fw timeout 600 python3 "$fuzz" 3000 2>&1)
ktap_check "the fuzzer ran: $out" grep -q "sent 3000" <<<"$out"
ktap_check "conntrack -L still answers" in_fw conntrack -L
ktap_check "conntrack -L expect still answers" in_fw conntrack -L expect
ct_tcp_hold 4 42001 7001
ktap_check "kct still tracks new connections" \
	in_fw grep -q "sport=42001 dport=7001 .*ESTABLISHED\|ESTABLISHED.*sport=42001 dport=7001" /proc/net/kct
ktap_done
