#!/usr/bin/env python3
"""soak_traffic.py flood --dst A --rate N --stop FILE --out FILE
soak_traffic.py churn --count N --flows M

flood: new UDP flows to A, N datagrams a second (0: as fast as it can),
     each to a new (source port, destination port) pair, until FILE
     exists; a datagram the firewall drops (EPERM) does not stop it.
     Writes "sent N" to --out when it ends.
churn: N network namespaces, one after the other, each made by a child
     process (unshare), given live entries and left with them: M UDP
     flows over loopback that nobody answers and one TCP connection over
     loopback that exchanged a line each way; the child then exits with
     its sockets open, which drops the namespace's last reference while
     its entries live.  One process for them all: under emulation,
     starting a program per namespace would cost more than the churn.
     Prints how many namespaces it made and how many entries kct
     inserted in them (each child reads its /proc/net/stat/kct before it
     exits); fails unless it made all N.
"""
import argparse
import ctypes
import fcntl
import os
import socket
import struct
import sys
import time


def flood(a):
    sent = 0
    port = 0
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    burst = max(1, a.rate // 10) if a.rate else 1000
    while not os.path.exists(a.stop):
        start = time.monotonic()
        for _ in range(burst):
            port += 1
            if port > 65535:
                # Every destination port used: a new source port.
                s.close()
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                port = 1
            try:
                s.sendto(b"x", (a.dst, port))
            except OSError:
                pass
            sent += 1
        if a.rate:
            left = 0.1 - (time.monotonic() - start)
            if left > 0:
                time.sleep(left)
    with open(a.out, "w") as f:
        f.write("sent %d\n" % sent)
    return 0


CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 1


def lo_up():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ifr = fcntl.ioctl(s, SIOCGIFFLAGS, struct.pack("16sH", b"lo", 0))
    flags = struct.unpack("16sH", ifr[:18])[1]
    fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))
    s.close()


def kct_inserted():
    """The insert column of this namespace's /proc/net/stat/kct, summed
    over CPUs (0 when kct is not loaded)."""
    try:
        with open("/proc/self/net/stat/kct") as f:
            lines = f.read().split("\n")
    except OSError:
        return 0
    col = lines[0].split().index("insert")
    return sum(int(line.split()[col], 16) for line in lines[1:] if line)


def churn_child(flows, wfd):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        os._exit(1)
    lo_up()
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.bind(("127.0.0.1", 0))
    keep = [sink]
    for _ in range(flows):
        # A new source port each: a new flow, never answered (the sink
        # does not read).
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.sendto(b"x", sink.getsockname())
        keep.append(u)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    c = socket.create_connection(ls.getsockname(), timeout=30)
    srv, _ = ls.accept()
    c.sendall(b"ping\n")
    srv.recv(10)
    srv.sendall(b"pong\n")
    c.recv(10)
    os.write(wfd, b"%d\n" % kct_inserted())
    # Left open: the exit closes them, the entries stay live.
    os._exit(0)


def churn(a):
    inserted = 0
    made = 0
    for _ in range(a.count):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                churn_child(a.flows, w)
            finally:
                os._exit(1)
        os.close(w)
        got = os.read(r, 100)
        os.close(r)
        _, status = os.waitpid(pid, 0)
        if status == 0 and got:
            made += 1
            inserted += int(got)
    print("%d %d" % (made, inserted))
    return 0 if made == a.count else 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("flood")
    p.add_argument("--dst", required=True)
    p.add_argument("--rate", type=int, required=True)
    p.add_argument("--stop", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("churn")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--flows", type=int, required=True)
    a = ap.parse_args()
    return flood(a) if a.cmd == "flood" else churn(a)


if __name__ == "__main__":
    sys.exit(main())
