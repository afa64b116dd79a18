# Shell helpers for the table selftests (selftests/table/*.sh): a TCP
# connection held open across a test, and floods of new UDP flows.
# Source it after ktap.sh, topo.sh and tracker.sh.

# held_tcp_start DIR: an echo server in the server namespace and a client
# that connects to it and exchanges one line; the client then waits until
# held_tcp_again is called, and exchanges a second line over the same
# connection.  Its answers land in DIR/held.out.
held_tcp_start() {
	local dir=$1
	in_sv socat TCP-LISTEN:7000,reuseaddr EXEC:cat >/dev/null 2>&1 &
	wait_for tcp_listening $SV 7000 || return 1
	mkfifo "$dir/held.go"
	in_cl python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], 7000), timeout=20)
s.sendall(b"one\n")
print(s.recv(100).decode().strip(), flush=True)
open(sys.argv[2]).read()
s.sendall(b"two\n")
print(s.recv(100).decode().strip(), flush=True)
' "$SV4" "$dir/held.go" >"$dir/held.out" 2>&1 &
	wait_for grep -q one "$dir/held.out"
}

# held_tcp_again DIR: the held connection's second exchange; true when
# the echo came back.
held_tcp_again() {
	local dir=$1
	echo go >"$dir/held.go"
	wait_for grep -q two "$dir/held.out"
}

# udp_flood NS FIRST COUNT [BURSTS]: COUNT datagrams from NS to the server,
# each to its own destination port from FIRST on, so COUNT new flows; with
# BURSTS, that many such bursts 0.1 s apart on the following ports.  One
# process, as starting one per burst costs more than the bursts under
# emulation.
udp_flood() {
	ip netns exec "$1" python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
port, count, bursts = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for burst in range(bursts):
    if burst:
        time.sleep(0.1)
    for _ in range(count):
        s.sendto(b"x", (sys.argv[1], port))
        port += 1
' "$SV4" "$2" "$3" "${4:-1}"
}

# only_firewall_tracks: the flows must reach the firewall as new ones, so
# the client and the server (which would fill their own tables, the
# limit being global) do not track.
only_firewall_tracks() {
	in_cl sysctl -qw net.kct.enable=0 && in_sv sysctl -qw net.kct.enable=0
}

# tcp_trickle NS ADDR PORT: a TCP stream from NS to ADDR:PORT that keeps
# flowing, about 100 kB/s: enough packets to keep every path busy without
# the emulated CPU spending itself on copying.
tcp_trickle() {
	ip netns exec "$1" python3 -c '
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
while True:
    s.sendall(b"x" * 1000)
    time.sleep(0.01)
' "$2" "$3" >/dev/null 2>&1
}

# --- many flows in a namespace of their own --------------------------------
# A lone namespace whose UDP goes out of a dummy device to a neighbour
# that never answers: each datagram to a new port is one new, unreplied
# connection, created and confirmed on the output path, with no reply or
# ICMP error to track.

# sink_ns NS: create NS with such a dummy device.
sink_ns() {
	ip netns add "$1" || return 1
	ip -n "$1" link set lo up
	ip -n "$1" link add d0 type dummy
	ip -n "$1" addr add 203.0.113.1/24 dev d0
	ip -n "$1" link set d0 up
	ip -n "$1" neigh add 203.0.113.2 lladdr 02:00:00:00:00:02 dev d0 nud permanent
}

# sink_fill NS COUNT [READY GO]: COUNT new UDP flows from NS, one
# datagram each; prints how many of them could not be sent (dropped:
# EPERM).  With READY and GO, it creates the file READY once started and
# sends once the file GO exists (senders started together).
sink_fill() {
	ip netns exec "$1" python3 -c '
import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if len(sys.argv) > 3:
    open(sys.argv[2], "w").close()
    while not os.path.exists(sys.argv[3]):
        time.sleep(0.01)
failed = 0
for port in range(1, int(sys.argv[1]) + 1):
    try:
        s.sendto(b"x", ("203.0.113.2", port))
    except OSError:
        failed += 1
print(failed)
' "$2" "${@:3}"
}

# sink_flood NS STOPFILE: new UDP flows from NS as fast as one process
# sends them, until STOPFILE exists (or 10 minutes pass); a new source
# port for every sweep of the destination ports, so every datagram is a
# new flow.  A datagram the full table drops (EPERM) does not stop it.
sink_flood() {
	ip netns exec "$1" python3 -c '
import os, socket, sys, time
end = time.time() + 600
while time.time() < end and not os.path.exists(sys.argv[1]):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for port in range(1, 65536):
        try:
            s.sendto(b"x", ("203.0.113.2", port))
        except OSError:
            pass
        if port % 1000 == 0 and os.path.exists(sys.argv[1]):
            break
    s.close()
' "$2"
}

# nf_count NS: nf_conntrack's count of connection objects in NS, which
# counts kct's too (each one is an nf_conn from nf_conntrack_alloc()).
nf_count() {
	ip netns exec "$1" sysctl -n net.netfilter.nf_conntrack_count
}

# stock_limits_save, stock_limits_restore: nf_conntrack's limit and hash
# size are global and stay while the module stays loaded; a test that
# changes them puts them back on exit.
stock_limits_save() {
	KCT_SAVED_MAX=$(sysctl -n net.netfilter.nf_conntrack_max)
	KCT_SAVED_HASHSIZE=$(cat /sys/module/nf_conntrack/parameters/hashsize)
}

stock_limits_restore() {
	[ -n "$KCT_SAVED_MAX" ] || return 0
	modprobe nf_conntrack
	sysctl -qw net.netfilter.nf_conntrack_max="$KCT_SAVED_MAX"
	echo "$KCT_SAVED_HASHSIZE" >/sys/module/nf_conntrack/parameters/hashsize
}

# stock_with_limits HASHSIZE MAX: stock nf_conntrack alone (kct
# unloaded), with HASHSIZE buckets and nf_conntrack_max MAX until the
# test exits.
stock_with_limits() {
	rmmod kct_ftp kct 2>/dev/null
	modprobe nf_conntrack
	stock_limits_save
	trap stock_limits_restore EXIT
	echo "$1" >/sys/module/nf_conntrack/parameters/hashsize
	sysctl -qw net.netfilter.nf_conntrack_max="$2"
}

# sink_ns_stock NS: sink_ns, where stock tracks because a rule asks.
sink_ns_stock() {
	sink_ns "$1" || return 1
	ip netns exec "$1" nft -f - <<'NFT'
table ip t {
	chain out {
		type filter hook output priority 0; policy accept;
		ct state new counter
	}
}
NFT
}
