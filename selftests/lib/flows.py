#!/usr/bin/env python3
"""flows.py tcp|udp --dst A --dport P --count N [--hold FILE] [--timeout S]
flows.py burst --dst A [--dst A...] --dport P  <COMMANDS
flows.py serve --port P

tcp, udp: start N new flows to A:P, one after the other, and print how
many were answered.

tcp: a connection counts once the server's first byte, "x\\n", arrived,
     so a firewall that drops or rejects the SYN, or any later segment,
     makes it fail.  With --hold, keep the answered ones open while FILE
     exists, then close them all (FIN) and wait for the server's FIN: the
     firewall sees each one close.
udp: one datagram from a new socket (a new source port) each; it counts
     when an echo server's answer comes back.

burst: the bursts of flows its standard input asks for, one a line, so
     that one process makes them all (under emulation, starting Python
     takes seconds):
     "FIRST N FILE": N TCP flows, then N UDP flows, to each A:P in turn,
         flow i from source port FIRST + i, up to --window of them at a
         time under one deadline each (so flows that are never answered
         cost little); then FILE appears (whole at once) with a line
         "PROTO A ANSWERED" each.  A TCP flow counts once "x\\n" arrived;
         the answered connections stay open until the next line, so a
         firewall's table shows them all established.  A UDP flow is a
         datagram echoed.
     "close FILE": reset the connections held (the client's RST ends
         the server's end too), then make FILE, empty.
serve: the server of burst and tcp (IPv4 and IPv6, one process): on
     TCP, "x\\n" to each connection, closed once the client has closed;
     on UDP, each datagram echoed.

Exit status 0 unless an argument is wrong.
"""
import argparse
import errno
import os
import resource
import selectors
import socket
import struct
import sys
import time

PATIENCE = int(os.environ.get("KCT_PATIENCE", "1"))


def family(dst):
    return socket.AF_INET6 if ":" in dst else socket.AF_INET


def tcp_flow(dst, port, timeout):
    s = socket.socket(family(dst), socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect((dst, port))
        if s.recv(2) != b"x\n":
            raise OSError("no greeting")
    except OSError:
        s.close()
        return None
    return s


def udp_flow(dst, port, timeout):
    s = socket.socket(family(dst), socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.connect((dst, port))
        s.send(b"x\n")
        if s.recv(64) != b"x\n":
            raise OSError("wrong echo")
    except OSError:
        s.close()
        return None
    return s


def close_all(socks):
    for s in socks:
        s.shutdown(socket.SHUT_WR)
    for s in socks:
        try:
            while s.recv(4096):
                pass
        except OSError:
            pass
        s.close()


def burst_start(proto, dst, dport, sport):
    fam = family(dst)
    s = socket.socket(fam, socket.SOCK_STREAM if proto == "tcp"
                      else socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        # Not the IPv4 port too: the families' flows use the same ports.
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", sport))
    s.setblocking(False)
    if proto == "tcp":
        err = s.connect_ex((dst, dport))
        if err not in (0, errno.EINPROGRESS):
            raise OSError(err, os.strerror(err))
    else:
        s.connect((dst, dport))
        s.send(b"x\n")
    return s


def burst(proto, dst, dport, sport, count, timeout, window, held=None):
    """How many of the flows from ports sport.. sport+count-1 answered;
    the answered ones go to held, open, if it is a list."""
    sel = selectors.DefaultSelector()
    ports = list(range(sport, sport + count))
    active = {}
    answered = 0
    while ports or active:
        while ports and len(active) < window:
            try:
                s = burst_start(proto, dst, dport, ports.pop(0))
            except OSError:
                continue
            active[s] = time.monotonic() + timeout
            sel.register(s, selectors.EVENT_READ)
        now = time.monotonic()
        wait = max(0.0, min(active.values()) - now) if active else 0
        for key, _ in sel.select(wait):
            s = key.fileobj
            try:
                ok = s.recv(64) == b"x\n"
            except OSError:
                ok = False
            answered += ok
            sel.unregister(s)
            del active[s]
            if ok and held is not None:
                held.append(s)
            else:
                s.close()
        now = time.monotonic()
        for s in [s for s, t in active.items() if t <= now]:
            sel.unregister(s)
            del active[s]
            s.close()
    sel.close()
    return answered


def report(path, lines):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("".join(line + "\n" for line in lines))
    os.rename(tmp, path)


def bursts(a):
    """The bursts asked for on stdin (see the top of this file)."""
    held = []
    for line in sys.stdin:
        words = line.split()
        for s in held:
            if words[0] == "close":
                # A reset (SO_LINGER 0): a thousand FINs at once left
                # orphaned sockets that a debug guest's kernel killed
                # ("too many orphaned sockets"), and the server's ends open.
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack("ii", 1, 0))
            s.close()
        held = []
        if words[0] == "close":
            report(words[1], [])
            continue
        first, count, path = int(words[0]), int(words[1]), words[2]
        lines = []
        for dst in a.dst:
            for proto in ("tcp", "udp"):
                n = burst(proto, dst, a.dport, first, count, a.timeout,
                          a.window, held if proto == "tcp" else None)
                lines.append("%s %s %d" % (proto, dst, n))
        report(path, lines)
    for s in held:
        s.close()


def serve(port):
    ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    ls.bind(("::", port))
    ls.listen(1024)
    ls.setblocking(False)
    us = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    us.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    us.bind(("::", port))
    us.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ)
    sel.register(us, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if s is us:
                try:
                    data, addr = us.recvfrom(64)
                    us.sendto(data, addr)
                except OSError:
                    pass
                continue
            if s is ls:
                try:
                    c, _ = ls.accept()
                    c.setblocking(False)
                    c.send(b"x\n")
                except OSError:
                    continue
                sel.register(c, selectors.EVENT_READ)
                continue
            try:
                more = s.recv(4096)
            except OSError:
                more = b""
            if not more:
                sel.unregister(s)
                s.close()


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="proto", required=True)
    for proto in ("tcp", "udp"):
        p = sub.add_parser(proto)
        p.add_argument("--dst", required=True)
        p.add_argument("--dport", type=int, required=True)
        p.add_argument("--count", type=int, required=True)
        p.add_argument("--hold")
        p.add_argument("--timeout", type=float, default=2.0 * PATIENCE)
    p = sub.add_parser("burst")
    p.add_argument("--dst", action="append", required=True)
    p.add_argument("--dport", type=int, required=True)
    p.add_argument("--window", type=int, default=64)
    p.add_argument("--timeout", type=float, default=3.0 * PATIENCE)
    p = sub.add_parser("serve")
    p.add_argument("--port", type=int, required=True)
    a = ap.parse_args()

    # A socket per flow: bursts and their server hold thousands at once.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if a.proto == "serve":
        serve(a.port)
        return 0
    if a.proto == "burst":
        bursts(a)
        return 0

    flow = tcp_flow if a.proto == "tcp" else udp_flow
    socks = [s for s in (flow(a.dst, a.dport, a.timeout)
                         for _ in range(a.count)) if s]
    print(len(socks), flush=True)
    if a.proto == "udp":
        for s in socks:
            s.close()
        return 0
    if a.hold:
        while os.path.exists(a.hold):
            time.sleep(0.1)
    close_all(socks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
