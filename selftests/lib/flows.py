#!/usr/bin/env python3
"""flows.py tcp|udp --dst A --dport P --count N [--hold FILE] [--timeout S]

Start N new flows to A:P, one after the other, and print how many were
answered.

tcp: a connection counts once the server's first byte, "x\\n", arrived,
     so a firewall that drops or rejects the SYN, or any later segment,
     makes it fail.  With --hold, keep the answered ones open while FILE
     exists, then close them all (FIN) and wait for the server's FIN: the
     firewall sees each one close.
udp: one datagram from a new socket (a new source port) each; it counts
     when an echo server's answer comes back.

Exit status 0 unless an argument is wrong.
"""
import argparse
import os
import socket
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("proto", choices=("tcp", "udp"))
    ap.add_argument("--dst", required=True)
    ap.add_argument("--dport", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--hold")
    ap.add_argument("--timeout", type=float, default=2.0 * PATIENCE)
    a = ap.parse_args()

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
