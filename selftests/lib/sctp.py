#!/usr/bin/env python3
"""SCTP for kct's tracker selftests: hand-made packets and real associations.

Run it inside a namespace (ip netns exec NS python3 sctp.py ...), or give
--ns NS to a "send".

  send --dst A --sport P --dport P --vtag T CHUNK... [--bad-crc] [--ns NS]
        one SCTP packet, built by hand, with these chunks in this order,
        sent from a raw socket (so it leaves through the namespace's
        OUTPUT hooks).  CHUNK is NAME[:key=value...], NAME one of init,
        init-ack, cookie-echo, cookie-ack, data, sack, heartbeat,
        heartbeat-ack, abort, shutdown, shutdown-ack, shutdown-complete,
        error; keys: tag=T (the Initiate Tag of init and init-ack),
        t=1 (the T bit of abort and shutdown-complete).  Tags are numbers
        (0x... allowed).  --bad-crc: a wrong CRC32c.
  serve --addr A --port P [--hold S]
        accept one association on A:P (a real SCTP socket, bound to that
        one address so that no other path is offered), echo what comes
        until the peer shuts down, or hold it open S seconds.
  connect --addr A --dst A --dport P [--sport P] [--hold S]
        open an association from A, send "hello", expect it echoed, keep
        it S seconds (default 0), then close it (the kernel shuts it
        down).
  collide --addr A --port P --peer A --signal FILE [--server] [--hold S]
        one end of an INIT collision: listen on A:P, then open an
        association to the peer's same port.  The client creates FILE
        and connects at once; the server waits for FILE to appear and
        connects 0.7 s later, so that the order does not depend on which
        process started first.  The client sends "hello" a second after
        its connect and expects it echoed ("echo came back"), the server
        echoes it; both keep the association S seconds before closing.
  walk --cl-ns NS --sv-ns NS --fw-ns NS --cl A --sv A --table NAME STEP...
        hand-made packets between client A and server A, and after each
        step the firewall's line of the flow in /proc/net/NAME, all in one
        process (each process start costs seconds under emulation).
        STEP is "CPORT SPORT STATE | SIDE VTAG CHUNK... | ...": send each
        packet (SIDE cl or sv, VTAG and CHUNKs as for send), then wait up
        to 5 s for the flow's line to show STATE and print it (STATE
        NONE: wait until there is none and print "none"; "-": print
        nothing).

Several commands may be given at once, separated by a lone "+", to save
the interpreter's start-up.  Exit status 0 when everything asked for
happened, 1 otherwise, with a line on stderr saying what did not.
"""
import argparse
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pkt import enter_netns, is_v6, send_raw, source_for  # noqa: E402

PATIENCE = int(os.environ.get("KCT_PATIENCE", "1"))

CHUNK_TYPES = {
    "data": 0, "init": 1, "init-ack": 2, "sack": 3, "heartbeat": 4,
    "heartbeat-ack": 5, "abort": 6, "shutdown": 7, "shutdown-ack": 8,
    "error": 9, "cookie-echo": 10, "cookie-ack": 11,
    "shutdown-complete": 14,
}


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


CRC_TABLE = _crc32c_table()


def crc32c(data):
    """CRC32c (Castagnoli), as RFC 9260 appendix B computes it."""
    c = 0xFFFFFFFF
    for b in data:
        c = CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def chunk_bytes(spec):
    """One chunk from its command-line spec."""
    name, *kv = spec.split(":")
    opts = dict(x.split("=", 1) for x in kv)
    ctype = CHUNK_TYPES[name]
    flags = 1 if opts.get("t") == "1" else 0
    tag = int(opts.get("tag", "0"), 0)
    if name in ("init", "init-ack"):
        # Initiate Tag, a_rwnd, outbound and inbound streams, initial TSN
        body = struct.pack("!IIHHI", tag, 65536, 10, 10, 1000)
    elif name == "data":
        flags = 3  # a whole message: B and E
        body = struct.pack("!IHHI", 1000, 0, 0, 0) + b"kct!"
    elif name == "sack":
        body = struct.pack("!IIHH", 1000, 65536, 0, 0)
    elif name == "shutdown":
        body = struct.pack("!I", 1000)
    elif name in ("heartbeat", "heartbeat-ack"):
        body = struct.pack("!HH", 1, 8) + b"kct!"  # heartbeat info
    elif name == "cookie-echo":
        body = b"cookie!!"
    else:
        body = b""
    return struct.pack("!BBH", ctype, flags, 4 + len(body)) + body


def sctp_packet(src, dst, sport, dport, vtag, chunks, bad_crc):
    """A whole IPv4 or IPv6 packet carrying one SCTP packet."""
    sctp = struct.pack("!HHII", sport, dport, vtag, 0) + b"".join(chunks)
    crc = crc32c(sctp) ^ (0xFFFFFFFF if bad_crc else 0)
    sctp = sctp[:8] + struct.pack("<I", crc) + sctp[12:]
    if is_v6(dst):
        s, d = (socket.inet_pton(socket.AF_INET6, a) for a in (src, dst))
        ip = struct.pack("!IHBB", 6 << 28, len(sctp), 132, 64) + s + d
    else:
        s, d = (socket.inet_aton(a) for a in (src, dst))
        ip = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(sctp), 0, 0x4000,
                         64, 132, 0) + s + d
        total = sum(struct.unpack("!10H", ip))
        while total >> 16:
            total = (total & 0xFFFF) + (total >> 16)
        ip = ip[:10] + struct.pack("!H", ~total & 0xFFFF) + ip[12:]
    return ip + sctp


def cmd_send(a):
    if a.ns:
        enter_netns(a.ns)
    src = source_for(a.dst)
    chunks = [chunk_bytes(c) for c in a.chunks]
    send_raw(sctp_packet(src, a.dst, a.sport, a.dport, int(a.vtag, 0),
                         chunks, a.bad_crc), a.dst)
    return 0


def flow_line(table, cl, sv, cport, sport):
    """The firewall's line of the flow, either way round, or None."""
    fam = "ipv6 " if is_v6(cl) else "ipv4 "
    keys = (" sport=%d dport=%d " % (cport, sport),
            " sport=%d dport=%d " % (sport, cport))
    with open("/proc/net/" + table) as f:
        for line in f:
            if line.startswith(fam) and any(k in line for k in keys):
                return line.rstrip("\n")
    return None


def cmd_walk(a):
    ns = {"cl": a.cl_ns, "sv": a.sv_ns}
    for step in a.steps:
        head, *packets = [x.split() for x in step.split("|")]
        cport, sport, state = int(head[0]), int(head[1]), head[2]
        for side, vtag, *chunks in packets:
            enter_netns(ns[side])
            src, dst = (a.cl, a.sv) if side == "cl" else (a.sv, a.cl)
            sp, dp = (cport, sport) if side == "cl" else (sport, cport)
            bad = "--bad-crc" in chunks
            chunks = [chunk_bytes(c) for c in chunks if c != "--bad-crc"]
            send_raw(sctp_packet(src, dst, sp, dp, int(vtag, 0), chunks,
                                 bad), dst)
        if state == "-":
            continue
        enter_netns(a.fw_ns)
        deadline = time.time() + 5 * PATIENCE
        while True:
            line = flow_line(a.table, a.cl, a.sv, cport, sport)
            if state == "NONE" and line is None:
                line = "none"
                break
            if line is not None and " %s " % state in line:
                break
            if time.time() > deadline:
                break
            time.sleep(0.1)
        print(line or "none", flush=True)
    return 0


def sctp_socket(addr, port):
    fam = socket.AF_INET6 if is_v6(addr) else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    return s


def cmd_serve(a):
    ls = sctp_socket(a.addr, a.port)
    ls.listen(1)
    ls.settimeout(30 * PATIENCE)
    conn, _ = ls.accept()
    conn.settimeout(30 * PATIENCE + a.hold)
    try:
        while True:
            data = conn.recv(4096)
            if not data:
                break
            conn.sendall(data)
    except OSError:
        pass  # the association ended: the client's verdict counts
    conn.close()
    ls.close()
    return 0


def cmd_connect(a):
    s = sctp_socket(a.addr, a.sport)
    s.settimeout(10 * PATIENCE)
    s.connect((a.dst, a.dport))
    s.sendall(b"hello")
    got = s.recv(4096)
    if got != b"hello":
        print("connect: echo was %r" % got, file=sys.stderr)
        return 1
    time.sleep(a.hold)
    # The kernel runs the SHUTDOWN sequence after the close.
    s.close()
    return 0


def cmd_collide(a):
    """Both ends of an INIT collision: each listens, then connects."""
    fam = socket.AF_INET6 if is_v6(a.addr) else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_SEQPACKET, socket.IPPROTO_SCTP)
    s.bind((a.addr, a.port))
    s.listen(5)
    s.settimeout(25 * PATIENCE)
    peer = (a.peer, a.port)
    if a.server:
        # Opens second, while the client's INIT ACK is held up.
        deadline = time.monotonic() + 25 * PATIENCE
        while not os.path.exists(a.signal):
            if time.monotonic() > deadline:
                print("collide: the client never connected", file=sys.stderr)
                return 1
            time.sleep(0.02)
        time.sleep(0.7)
        s.connect(peer)
        data, frm = s.recvfrom(64)
        s.sendto(data, frm)
    else:
        open(a.signal, "w").close()
        s.connect(peer)
        # Sends when the delayed INIT ACK is about to come.
        time.sleep(1)
        s.sendto(b"hello", peer)
        data, _ = s.recvfrom(64)
        if data != b"hello":
            print("collide: echo was %r" % data, file=sys.stderr)
            return 1
        print("echo came back", flush=True)
    time.sleep(a.hold)
    s.close()
    return 0


def parser():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("send", help="one hand-made SCTP packet")
    c.add_argument("--dst", required=True)
    c.add_argument("--sport", type=int, required=True)
    c.add_argument("--dport", type=int, required=True)
    c.add_argument("--vtag", default="0")
    c.add_argument("--bad-crc", action="store_true")
    c.add_argument("--ns")
    c.add_argument("chunks", nargs="+", metavar="CHUNK")
    c.set_defaults(func=cmd_send)
    c = sub.add_parser("serve", help="accept one real association")
    c.add_argument("--addr", required=True)
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--hold", type=float, default=0)
    c.set_defaults(func=cmd_serve)
    c = sub.add_parser("connect", help="one real association")
    c.add_argument("--addr", required=True)
    c.add_argument("--dst", required=True)
    c.add_argument("--dport", type=int, required=True)
    c.add_argument("--sport", type=int, default=0)
    c.add_argument("--hold", type=float, default=0)
    c.set_defaults(func=cmd_connect)
    c = sub.add_parser("collide", help="one end of an INIT collision")
    c.add_argument("--addr", required=True)
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--peer", required=True)
    c.add_argument("--signal", required=True)
    c.add_argument("--server", action="store_true")
    c.add_argument("--hold", type=float, default=0)
    c.set_defaults(func=cmd_collide)
    c = sub.add_parser("walk", help="packets and the firewall's lines")
    for o in ("--cl-ns", "--sv-ns", "--fw-ns", "--cl", "--sv", "--table"):
        c.add_argument(o, required=True)
    c.add_argument("steps", nargs="+", metavar="STEP")
    c.set_defaults(func=cmd_walk)
    return p


def main():
    args = sys.argv[1:]
    cmds, cur = [], []
    for x in args:
        if x == "+":
            cmds.append(cur)
            cur = []
        else:
            cur.append(x)
    cmds.append(cur)
    p = parser()
    rc = 0
    for c in cmds:
        a = p.parse_args(c)
        try:
            rc |= a.func(a)
        except OSError as e:
            print("%s: %s" % (a.cmd, e), file=sys.stderr)
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
