#!/usr/bin/env python3
"""soak_traffic.py flood --dst A --rate N --stop FILE --out FILE
soak_traffic.py fill --dst A --count N

flood: new UDP flows to A, N datagrams a second (0: as fast as it can),
     each to a new (source port, destination port) pair, until FILE
     exists; a datagram the firewall drops (EPERM) does not stop it.
     Writes "sent N" to --out when it ends.
fill: the live entries of a namespace about to be deleted: N UDP flows
     to A that nobody answers, and one TCP connection over loopback that
     exchanges a line each way and is left open (the process exits
     without closing it, so the kernel does).
"""
import argparse
import os
import socket
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


def fill(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for port in range(1, a.count + 1):
        try:
            s.sendto(b"x", (a.dst, port))
        except OSError:
            pass
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    c = socket.create_connection(ls.getsockname(), timeout=30)
    srv, _ = ls.accept()
    c.sendall(b"ping\n")
    srv.recv(10)
    srv.sendall(b"pong\n")
    c.recv(10)
    # Left open: the exit closes them, the entries stay live.
    os._exit(0)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("flood")
    p.add_argument("--dst", required=True)
    p.add_argument("--rate", type=int, required=True)
    p.add_argument("--stop", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("fill")
    p.add_argument("--dst", required=True)
    p.add_argument("--count", type=int, required=True)
    a = ap.parse_args()
    return flood(a) if a.cmd == "flood" else fill(a)


if __name__ == "__main__":
    sys.exit(main())
