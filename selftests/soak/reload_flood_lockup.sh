#!/bin/bash
# Reloads under a NAT flood, the soak's lockup (issue 18) on its own: two
# namespaces joined by a veth, nft nat chains with no rule at every nat
# hook in both (a null binding for every new connection, so every one
# asks nf_conntrack_tuple_taken()), a UDP flood one way pinned to CPU 0
# and TCP connection attempts the other way pinned to CPU 1 (each CPU
# calls nf_conntrack_tuple_taken() all the time, from local out and from
# the softirq of prerouting), while kct, kct_ftp and kct_nat_ftp are
# unloaded and loaded again, as the soak does, LOCKUP_RELOADS times or
# for LOCKUP_SECS seconds, whichever ends first.  Each load and unload
# of kct patches nf_conntrack_tuple_taken()'s entry (kct_redirect.c).
# A guest that hangs panics (soft lockup, RCU stall) and fails the test.
#
# LOCKUP_MODE=control loads and unloads selftests/modules/kct_test_ftrace
# instead (a no-op ftrace callback on the same function, nothing of
# kct's): whether a hang needs kct at all.  LOCKUP_MODE=cycle does the
# same, its load registering and unregistering the callback
# LOCKUP_CYCLES (50) times first: many more patchings of the function's
# entry for the time.
#
# Under QEMU's multi-threaded TCG (scripts/vm-run, KCT_VM_TCG) the
# control and cycle modes froze 4 of 5 guests, kct's mode none in 81
# reloads; single-threaded TCG froze none (README, make soak): the
# freeze is the emulator's, so a failure here under multi-threaded TCG
# with both CPUs at nf_conntrack_tuple_taken+0 (one in asm_exc_int3) is
# that artifact, not kct.
# kct-test-cost: 200
# kct-test-tier: long
# kct-test-timeout: 900
. "$(dirname "$0")/../lib/preamble.sh"
require_tool python3 nft taskset

: "${LOCKUP_RELOADS:=40}" "${LOCKUP_SECS:=150}" "${LOCKUP_MODE:=kct}"
: "${LOCKUP_CYCLES:=50}"
A=lk-a-$$
B=lk-b-$$
S=$(mktemp -d /tmp/kct-lockup.XXXXXX)
trap 'touch "$S/stop"; ns_kill KILL $A $B; ip netns del $A; ip netns del $B;
	rm -rf "$S"' EXIT

# A hang is over at the first report: the guest panics, so the console
# ends with the stuck CPUs' registers and the test fails at once.
sysctl -qw kernel.softlockup_panic=1 kernel.panic_on_rcu_stall=1 \
	kernel.softlockup_all_cpu_backtrace=1

ip -b - <<EOF
netns add $A
netns add $B
link add va netns $A type veth peer name vb netns $B
EOF
ip -n $A -b - <<EOF
link set lo up
addr add 10.9.0.1/24 dev va
link set va up
EOF
ip -n $B -b - <<EOF
link set lo up
addr add 10.9.0.2/24 dev vb
link set vb up
EOF
for ns in $A $B; do
	ip netns exec $ns nft -f - <<'NFT' || exit 1
table ip lockup {
	chain out { type nat hook output priority -100; }
	chain pre { type nat hook prerouting priority dstnat; }
	chain in { type nat hook input priority 100; }
	chain post { type nat hook postrouting priority srcnat; masquerade; }
}
NFT
	# Entries go quickly, so that the table does not sit full (a packet
	# dropped for a full table asks nothing of NAT).
	ip netns exec $ns sysctl -qw net.netfilter.nf_conntrack_udp_timeout=2 \
		net.netfilter.nf_conntrack_tcp_timeout_close=2 \
		net.netfilter.nf_conntrack_tcp_timeout_syn_sent=2
done

load_all() {
	case $LOCKUP_MODE in
	kct) modprobe kct && modprobe kct_ftp && modprobe kct_nat_ftp ;;
	control) insmod "$KCT_LIB/../modules/kct_test_ftrace.ko" ;;
	cycle) insmod "$KCT_LIB/../modules/kct_test_ftrace.ko" \
		cycles="$LOCKUP_CYCLES" ;;
	esac
}
unload_one() { [ ! -e "/sys/module/$1" ] || rmmod "$1" 2>/dev/null; }
unload_all() {
	case $LOCKUP_MODE in
	kct) poll 20 unload_one kct_nat_ftp && poll 20 unload_one kct_ftp &&
		poll 20 unload_one kct ;;
	control | cycle) unload_one kct_test_ftrace ;;
	esac
}

load_all || { ktap_fail "load ($LOCKUP_MODE)"; ktap_done; }

# The floods: new flows as fast as one process can, each on its CPU.
ip netns exec $A taskset -c 0 python3 - 10.9.0.2 "$S/stop" <<'PY' >"$S/udp" &
import os, socket, sys
dst, stop = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
port = sent = 0
while not os.path.exists(stop):
    sent += 500
    for _ in range(500):
        port = port % 65535 + 1
        if port == 1:
            s.close()
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.sendto(b"x", (dst, port))
        except OSError:
            pass
print(sent)
PY
ip netns exec $B taskset -c 1 python3 - 10.9.0.1 "$S/stop" <<'PY' >"$S/tcp" &
import os, socket, sys
dst, stop = sys.argv[1], sys.argv[2]
port = sent = 0
while not os.path.exists(stop):
    sent += 200
    for _ in range(200):
        port = port % 65535 + 1
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex((dst, port))
        s.close()
print(sent)
PY

# The floods make connections before the first reload.
made() {
	[ "$(ip netns exec $A sysctl -n net.netfilter.nf_conntrack_count)" -gt 100 ]
}
ktap_check "the floods make connections" poll 30 made

start=$EPOCHSECONDS
done_n=0
while [ "$done_n" -lt "$LOCKUP_RELOADS" ] &&
	[ $((EPOCHSECONDS - start)) -lt "$LOCKUP_SECS" ]; do
	echo "kct lockup: reload $((done_n + 1)) ($LOCKUP_MODE)" >/dev/kmsg
	unload_all || { ktap_fail "unload ($LOCKUP_MODE)"; break; }
	load_all || { ktap_fail "load ($LOCKUP_MODE)"; break; }
	done_n=$((done_n + 1))
	echo "# reload $done_n done at $((EPOCHSECONDS - start))s"
done
touch "$S/stop"
wait
ktap_ok "reloads under the flood: $done_n in $((EPOCHSECONDS - start))s ($LOCKUP_MODE)"
[ "$LOCKUP_MODE" != cycle ] ||
	ktap_note "patchings: $((done_n * (LOCKUP_CYCLES + 1))) register/unregister pairs"
ktap_note "flood: $(cat "$S/udp") UDP datagrams (CPU 0), $(cat "$S/tcp") TCP connects (CPU 1)"
unload_all
ktap_done
