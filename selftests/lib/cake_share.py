#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""UDP floods from several flows of two inside hosts, for kct's selftests.

    cake_share.py down --port P --peers N --pps R --secs S
    cake_share.py recv --src A --dst D --port P --flows N
    cake_share.py up --src A --dst D --port P --flows N --pps R --secs S
    cake_share.py count --port P

How a shaper shares a link between the hosts behind a NAT router shows
in how many datagrams of each host's flows come through:

down:  the outside server.  Waits for N flows' "hello"s, then sends each
       of them R datagrams a second for S seconds.
recv:  an inside host.  From N sockets bound to address A, says "hello"
       to D:P (again each second until the flood reaches that socket),
       then counts the datagrams until none came for 3 seconds; prints
       the count.
up:    an inside host.  From N sockets bound to address A, sends R
       datagrams a second each to D:P for S seconds, each starting with
       the address A.
count: the outside server of "up".  Counts the datagrams by their first
       word until none came for 3 seconds after the first; prints
       "WORD COUNT" lines.

Datagrams are 500 bytes.  Exit status 0 unless an argument is wrong or a
socket fails.
"""
import argparse
import selectors
import socket
import time

SIZE = 500
QUIET = 3.0


def paced(targets, pps, secs, send):
    """Call send(target) for each target, pps times a second, for secs."""
    start = time.monotonic()
    sent = 0
    while True:
        now = time.monotonic() - start
        if now >= secs:
            return
        due = int(now * pps) + 1
        while sent < due:
            for t in targets:
                send(t)
            sent += 1
        time.sleep(min(0.01, 1.0 / pps))


def down(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("", a.port))
    peers = set()
    while len(peers) < a.peers:
        _, peer = s.recvfrom(100)
        peers.add(peer)
    payload = b"x" * SIZE

    def send(peer):
        try:
            s.sendto(payload, peer)
        except BlockingIOError:
            pass
    s.setblocking(False)
    paced(sorted(peers), a.pps, a.secs, send)


def flow_sockets(a):
    """An inside host's a.flows flows: non-blocking sockets from a.src."""
    socks = []
    for _ in range(a.flows):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((a.src, 0))
        s.connect((a.dst, a.port))
        s.setblocking(False)
        socks.append(s)
    return socks


def recv(a):
    socks = flow_sockets(a)
    sel = selectors.DefaultSelector()
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
    silent = set(socks)
    count = 0
    last = None
    hello = 0.0
    while last is None or time.monotonic() - last < QUIET:
        if silent and time.monotonic() - hello >= 1.0:
            for s in silent:
                try:
                    s.send(b"hello")
                except OSError:
                    pass    # refused: the server is not up yet
            hello = time.monotonic()
        for key, _ in sel.select(0.2):
            while True:
                try:
                    key.fileobj.recv(SIZE + 100)
                except BlockingIOError:
                    break
                except ConnectionRefusedError:
                    continue    # an earlier hello's ICMP error
                count += 1
                last = time.monotonic()
                silent.discard(key.fileobj)
    print(count)


def up(a):
    socks = flow_sockets(a)
    payload = (a.src + " ").encode().ljust(SIZE, b"x")

    def send(s):
        try:
            s.send(payload)
        except BlockingIOError:
            pass
    paced(socks, a.pps, a.secs, send)


def count(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("", a.port))
    counts = {}
    while True:
        try:
            data = s.recv(SIZE + 100)
        except socket.timeout:
            break
        word = data.split(b" ", 1)[0].decode(errors="replace")
        counts[word] = counts.get(word, 0) + 1
        s.settimeout(QUIET)
    for word in sorted(counts):
        print(word, counts[word])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("role", choices=["down", "recv", "up", "count"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--src")
    p.add_argument("--dst")
    p.add_argument("--peers", type=int, default=1)
    p.add_argument("--flows", type=int, default=1)
    p.add_argument("--pps", type=int, default=60)
    p.add_argument("--secs", type=float, default=5)
    a = p.parse_args()
    {"down": down, "recv": recv, "up": up, "count": count}[a.role](a)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
