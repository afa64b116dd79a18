#!/usr/bin/env python3
"""soak_probe.py serve --port P
soak_probe.py probe --dst A --port P --count N --limit S --stop FILE --out FILE
                    --lost FILE [--interval S]

serve: a TCP echo server (IPv4), one process for every connection.
probe: N connections to A:P, kept open; each sends a numbered line every
     0.5 s (--interval) and waits for its echo.  An echo later than S seconds, a wrong
     one or a broken connection is a lost probe; the connection is then
     opened again.  Until FILE (--stop) exists; then it writes, and
     prints, "sent N answered N lost N worst_ms N" to --out, also every
     few seconds while it runs, so a soak that is stopped early still
     tells what its probes saw.  worst_ms is the longest wait for an echo
     that came.  A loss also creates the file --lost (the soak then
     looks at the firewall's tables).
"""
import argparse
import os
import selectors
import socket
import sys
import time



def serve(port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(64)
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if s is ls:
                c, _ = ls.accept()
                sel.register(c, selectors.EVENT_READ)
                continue
            try:
                data = s.recv(4096)
                if data:
                    s.sendall(data)
                    continue
            except OSError:
                pass
            sel.unregister(s)
            s.close()


class Probe:
    def __init__(self, dst, port):
        self.dst, self.port = dst, port
        self.sock = None
        self.seq = 0
        self.sent_at = None  # when the line awaiting its echo went
        self.buf = b""
        self.next_send = time.monotonic()

    def connect(self, limit):
        self.close()
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(limit)
        s.connect((self.dst, self.port))
        s.setblocking(False)
        self.sock = s

    def close(self):
        if self.sock:
            self.sock.close()
        self.sock = None
        self.sent_at = None
        self.buf = b""


def probe(a):
    stats = {"sent": 0, "answered": 0, "lost": 0, "worst_ms": 0}
    probes = [Probe(a.dst, a.port) for _ in range(a.count)]
    sel = selectors.DefaultSelector()
    last_report = 0.0

    def report():
        line = "sent %(sent)d answered %(answered)d lost %(lost)d " \
            "worst_ms %(worst_ms)d" % stats
        with open(a.out + ".tmp", "w") as f:
            f.write(line + "\n")
        os.rename(a.out + ".tmp", a.out)
        return line

    def lost(p, why):
        stats["lost"] += 1
        port = p.sock.getsockname()[1] if p.sock else 0
        sys.stderr.write("probe from port %d lost (%s) at %s\n"
                         % (port, why, time.strftime("%T")))
        open(a.lost, "w").close()
        if p.sock:
            sel.unregister(p.sock)
        p.close()

    while not os.path.exists(a.stop):
        now = time.monotonic()
        for p in probes:
            if p.sock is None:
                try:
                    p.connect(a.limit)
                except OSError as e:
                    stats["lost"] += 1
                    sys.stderr.write("probe connect failed: %s\n" % e)
                    open(a.lost, "w").close()
                    p.close()
                    continue
                sel.register(p.sock, selectors.EVENT_READ, p)
            if p.sent_at is not None and now - p.sent_at > a.limit:
                lost(p, "no echo within %gs" % a.limit)
                continue
            if p.sent_at is None and now >= p.next_send:
                p.seq += 1
                try:
                    p.sock.send(b"%d\n" % p.seq)
                except OSError as e:
                    lost(p, str(e))
                    continue
                p.sent_at = now
                p.next_send = now + a.interval
                stats["sent"] += 1
        for key, _ in sel.select(0.05):
            p = key.data
            try:
                data = p.sock.recv(100)
            except OSError as e:
                lost(p, str(e))
                continue
            if not data:
                lost(p, "closed by the server")
                continue
            p.buf += data
            if not p.buf.endswith(b"\n"):
                continue
            if p.buf != b"%d\n" % p.seq or p.sent_at is None:
                lost(p, "wrong echo %r" % p.buf)
                continue
            ms = int((time.monotonic() - p.sent_at) * 1000)
            stats["answered"] += 1
            stats["worst_ms"] = max(stats["worst_ms"], ms)
            p.sent_at = None
            p.buf = b""
        if now - last_report > 2:
            report()
            last_report = now
    # A line still in flight gets its full time.
    end = time.monotonic() + a.limit
    while any(p.sent_at is not None for p in probes) and time.monotonic() < end:
        for key, _ in sel.select(0.1):
            p = key.data
            try:
                data = p.sock.recv(100)
            except OSError:
                data = b""
            p.buf += data
            if data and p.buf == b"%d\n" % p.seq:
                ms = int((time.monotonic() - p.sent_at) * 1000)
                stats["answered"] += 1
                stats["worst_ms"] = max(stats["worst_ms"], ms)
                p.sent_at = None
            elif not data or p.buf.endswith(b"\n"):
                lost(p, "at the end: %r" % p.buf)
    for p in probes:
        if p.sent_at is not None:
            lost(p, "no echo at the end")
    print(report())
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("serve")
    p.add_argument("--port", type=int, required=True)
    p = sub.add_parser("probe")
    p.add_argument("--dst", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--limit", type=float, required=True)
    p.add_argument("--stop", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--lost", required=True)
    p.add_argument("--interval", type=float, default=0.5)
    a = ap.parse_args()
    if a.cmd == "serve":
        serve(a.port)
        return 0
    return probe(a)


if __name__ == "__main__":
    sys.exit(main())
