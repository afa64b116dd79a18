#!/usr/bin/env python3
"""Packet generator for kct's tracker selftests.

Run it inside a namespace (ip netns exec NS python3 pkt.py ...).  Real
exchanges use ordinary sockets; packets that no real program sends
(lone replies, ICMP errors about flows that never existed, other IP
protocols) are built by hand and sent from a raw socket, so they leave
the namespace through its OUTPUT hooks like any locally made packet.

  udp-echo  --port P [--port P ...] [--lite]
                                          echo every datagram back (v4+v6;
                                          --lite: UDP-Lite, both here and
                                          for the udp client)
  udp       --dst A --dport P [--sport P] [--count N] [--interval S]
            [--reply | --refused] [--timeout S] [--lite]
                                          send N datagrams from one socket;
                                          --reply: each must be echoed,
                                          --refused: a port unreachable
                                          must come back
  icmp      --dst A [--type T] [--code C] [--id I] [--seq S]
                                          one ICMP/ICMPv6 echo request or
                                          reply (id and seq follow the
                                          checksum whatever T)
  icmp-unreach --dst A [--code C] --quote-src A --quote-dst A
            --quote-sport P --quote-dport P
                                          a destination unreachable quoting
                                          a UDP packet quote-src -> quote-dst
  ip        --dst A --proto N [--payload TEXT]
                                          one IP packet of protocol N
  udp-raw   --dst A --sport P --dport P [--bad-checksum]
                                          one UDP datagram, built by hand
  udplite-raw --dst A --sport P --dport P [--cscov N] [--bad-checksum]
                                          one UDP-Lite datagram, built by
                                          hand, with checksum coverage N
                                          (0: all; a bad one is not checked)
  tcp       --dst A --sport P --dport P --flags F [--data N] [--seq-add N]
            [--ack-add N] [--seq N] [--ack N] [--win W] [--wscale S]
            [--sack-perm] [--mss M] [--retrans] [--no-advance] [--ns NS]
            [--payload TEXT] [--ttl T]
                                          one TCP segment, built by hand, with
                                          sequence numbers that follow the
                                          flow (see below)
  tcp-serve --port P [--step STEP ...]    accept one TCP connection, run STEPs
  tcp-connect --dst A --dport P [--sport P] [--step STEP ...]
                                          connect, then run STEPs

TCP segments made by "tcp" are numbered like a real end would: the
numbers each end (address and port) has used and the numbers it acks
are kept in a file per flow under /tmp (every namespace sees it), so a
segment sent from the client and the next one from the server, in two
runs, fit together.  A SYN without --seq starts its end over at a random
initial number; --retrans sends again with the number of the end's
previous segment, changing nothing.  --seq-add / --ack-add shift the segment's numbers from
what they should be (an out-of-window segment); such a segment, or one
with --no-advance, changes nothing in the file.  F is any of S A F R P U
(SYN ACK FIN RST PSH URG), or - for none.  --payload TEXT (Python
escapes: \\r \\n) is carried instead of --data's N bytes of "k".  --ttl T
sets the IPv4 TTL or IPv6 hop limit (default 64).  --ns NS sends from namespace NS (one
process can then play both ends).

STEPs of tcp-serve / tcp-connect, in order: send:N (N bytes), recv:N
(read N bytes), eof (read until the peer's FIN), shutdown (send FIN),
close, wait:NAME (until /tmp/kct-step-NAME exists), mark:NAME (create
/tmp/kct-step-NAME), sleep:S.

Several commands may be given at once, separated by a lone "+"
(pkt.py icmp --dst A --type 0 + icmp --dst B --type 129): they run in
order in one process, which saves scapy's start-up time.

IPv6 is chosen by the address.  The source address is the one the
namespace's routing picks for --dst.  Exit status 0 when everything asked
for happened, 1 otherwise, with a line on stderr saying what did not.
"""
import argparse
import ctypes
import json
import os
import random
import select
import socket
import struct
import sys
import time

# How many times longer than usual waits may take (the test library's
# KCT_PATIENCE: about ten on the debug kernel).
PATIENCE = int(os.environ.get("KCT_PATIENCE", "1"))


def is_v6(addr):
    return ":" in addr


def source_for(dst):
    """The address the kernel would send from to reach dst."""
    fam = socket.AF_INET6 if is_v6(dst) else socket.AF_INET
    with socket.socket(fam, socket.SOCK_DGRAM) as s:
        s.connect((dst, 9))
        return s.getsockname()[0]


def scapy():
    """Import the few scapy layers needed, without its crypto start-up."""
    # scapy.config probes the cryptography package (a second under
    # emulation) for features these tests never use.
    sys.modules.setdefault("cryptography", None)
    if sys.flags.no_site:  # run with -S (lib/tracker.sh): scapy is there
        import site
        site.main()
    import scapy.layers.inet as l4
    import scapy.layers.inet6 as l6
    return l4, l6


def send_raw(pkt_bytes, dst):
    """Send a whole IP packet (header included) towards dst."""
    if is_v6(dst):
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
        s.sendto(pkt_bytes, (dst, 0, 0, 0))
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        s.sendto(pkt_bytes, (dst, 0))
    s.close()


# UDP-Lite (RFC 3828): a datagram socket of protocol 136.
IPPROTO_UDPLITE = 136


def cmd_udp_echo(a):
    socks = []
    proto = IPPROTO_UDPLITE if a.lite else 0
    for port in a.port:
        for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
            s = socket.socket(fam, socket.SOCK_DGRAM, proto)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((addr, port))
            socks.append(s)
    while True:
        ready, _, _ = select.select(socks, [], [])
        for s in ready:
            data, peer = s.recvfrom(65535)
            s.sendto(data, peer)


def cmd_udp(a):
    fam = socket.AF_INET6 if is_v6(a.dst) else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM,
                      IPPROTO_UDPLITE if a.lite else 0)
    # Another socket (a sink in the test) may hold the port as well.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # A broadcast destination is refused without it; unicast ignores it.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    if a.sport or a.src:
        any_addr = "::" if fam == socket.AF_INET6 else "0.0.0.0"
        s.bind((a.src or any_addr, a.sport))
    dst = (a.dst, a.dport)
    if a.dev and fam == socket.AF_INET6:
        # A link-local or multicast destination names its link.
        dst = (a.dst, a.dport, 0, socket.if_nametoindex(a.dev))
    elif a.dev:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE,
                     a.dev.encode())
    # Connected: an ICMP port unreachable is reported as ECONNREFUSED.
    s.connect(dst)
    s.settimeout(a.timeout)
    for i in range(a.count):
        if i:
            time.sleep(a.interval)
        try:
            s.send(b"kct %d\n" % i)
        except ConnectionRefusedError:
            # The error an earlier datagram caused, reported late.
            s.send(b"kct %d\n" % i)
        if not (a.reply or a.refused):
            continue
        try:
            data = s.recv(65535)
        except ConnectionRefusedError:
            if a.refused:
                continue
            print("datagram %d: port unreachable" % i, file=sys.stderr)
            return 1
        except socket.timeout:
            print("datagram %d: nothing came back" % i, file=sys.stderr)
            return 1
        if a.refused:
            print("datagram %d: answered, not refused" % i, file=sys.stderr)
            return 1
        if data != b"kct %d\n" % i:
            print("datagram %d: wrong echo %r" % (i, data), file=sys.stderr)
            return 1
    return 0


# Packets no real program sends are built here by hand, as scapy would
# build them (IPv4 id 1, no DF, TTL and hop limit 64): importing scapy
# takes over ten seconds under emulation.

def ip_packet(src, dst, proto, payload):
    """A whole IPv4 or IPv6 packet of protocol proto carrying payload."""
    if is_v6(dst):
        s, d = (socket.inet_pton(socket.AF_INET6, x) for x in (src, dst))
        return struct.pack("!IHBB", 6 << 28, len(payload), proto, 64) + s + d + payload
    s, d = (socket.inet_aton(x) for x in (src, dst))
    ip = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(payload), 1, 0,
                     64, proto, 0) + s + d
    return ip[:10] + struct.pack("!H", csum(ip)) + ip[12:] + payload


def l4_checksum(src, dst, proto, data, at):
    """data (a transport header and payload) with its checksum, at byte
    offset at, computed over the pseudo-header of src and dst."""
    if is_v6(dst):
        s, d = (socket.inet_pton(socket.AF_INET6, x) for x in (src, dst))
        pseudo = s + d + struct.pack("!IxxxB", len(data), proto)
    else:
        s, d = (socket.inet_aton(x) for x in (src, dst))
        pseudo = s + d + struct.pack("!xBH", proto, len(data))
    c = csum(pseudo + data[:at] + b"\0\0" + data[at + 2:])
    if proto == 17 and c == 0:
        c = 0xffff  # UDP: zero means no checksum
    return data[:at] + struct.pack("!H", c) + data[at + 2:]


def icmp_packet(src, dst, typ, code, rest, payload):
    """An ICMP (IPv4) or ICMPv6 message: type, code, checksum, the four
    bytes rest, payload."""
    msg = struct.pack("!BBH", typ, code, 0) + rest + payload
    if is_v6(dst):
        return ip_packet(src, dst, 58, l4_checksum(src, dst, 58, msg, 2))
    msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
    return ip_packet(src, dst, 1, msg)


def udp_packet(src, dst, sport, dport, payload):
    """A whole IP packet carrying one UDP datagram, checksum correct."""
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    return ip_packet(src, dst, 17, l4_checksum(src, dst, 17, udp, 6))


def cmd_icmp(a):
    src = source_for(a.dst)
    if is_v6(a.dst):
        typ = 128 if a.type is None else a.type
    else:
        typ = 8 if a.type is None else a.type
    pkt = icmp_packet(src, a.dst, typ, a.code,
                      struct.pack("!HH", a.id, a.seq), b"kct" * 8)
    send_raw(pkt, a.dst)
    return 0


def cmd_icmp_unreach(a):
    src = source_for(a.dst)
    quoted = udp_packet(a.quote_src, a.quote_dst, a.quote_sport,
                        a.quote_dport, b"kct")
    if is_v6(a.dst):
        typ, code = 1, 4 if a.code is None else a.code
    else:
        typ, code = 3, 3 if a.code is None else a.code
    pkt = icmp_packet(src, a.dst, typ, code, b"\0" * 4, quoted)
    send_raw(pkt, a.dst)
    return 0


def cmd_ip(a):
    src = source_for(a.dst)
    send_raw(ip_packet(src, a.dst, a.proto, a.payload.encode()), a.dst)
    return 0


def cmd_udp_raw(a):
    src = source_for(a.dst)
    pkt = udp_packet(src, a.dst, a.sport, a.dport, b"kct raw\n")
    if a.bad_checksum:
        at = len(pkt) - len(b"kct raw\n") - 2
        (c,) = struct.unpack("!H", pkt[at:at + 2])
        pkt = pkt[:at] + struct.pack("!H", c ^ 0x5a5a) + pkt[at + 2:]
    send_raw(pkt, a.dst)
    return 0


def cmd_udplite_raw(a):
    """UDP-Lite has no scapy layer: header and checksum made here."""
    l4, l6 = scapy()
    src = source_for(a.dst)
    data = b"kct lite\n"
    length = 8 + len(data)
    cover = a.cscov or length
    hdr = struct.pack("!HHHH", a.sport, a.dport, a.cscov, 0)
    if is_v6(a.dst):
        pseudo = (socket.inet_pton(socket.AF_INET6, src) +
                  socket.inet_pton(socket.AF_INET6, a.dst) +
                  struct.pack("!I3xB", length, IPPROTO_UDPLITE))
    else:
        pseudo = (socket.inet_aton(src) + socket.inet_aton(a.dst) +
                  struct.pack("!xBH", IPPROTO_UDPLITE, length))
    # A coverage outside 8..length has no checksum to compute: any
    # non-zero value does (zero is not allowed in UDP-Lite).
    check = 0x4b43
    if 8 <= cover <= length:
        check = csum(pseudo + (hdr + data)[:cover]) or 0xffff
    if a.bad_checksum:
        check ^= 0x5a5a
    lite = struct.pack("!HHHH", a.sport, a.dport, a.cscov, check) + data
    if is_v6(a.dst):
        pkt = l6.IPv6(src=src, dst=a.dst, nh=IPPROTO_UDPLITE) / lite
    else:
        pkt = l4.IP(src=src, dst=a.dst, proto=IPPROTO_UDPLITE) / lite
    send_raw(bytes(pkt), a.dst)
    return 0


# --- TCP --------------------------------------------------------------------

TCP_FLAGS = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, "A": 0x10, "U": 0x20}
CLONE_NEWNET = 0x40000000


def enter_netns(name):
    """Move this process into network namespace NAME (ip netns's)."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + name)
    finally:
        os.close(fd)


def csum(data):
    """The Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def tcp_segment(src, dst, sport, dport, seq, ack, flags, win, options, data,
                ttl=64):
    """A whole IPv4 or IPv6 packet carrying one TCP segment."""
    while len(options) % 4:
        options += b"\x01"  # NOP padding
    doff = (20 + len(options)) // 4
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4,
                      flags, win, 0, 0) + options
    tcp = hdr + data
    if is_v6(dst):
        s, d = (socket.inet_pton(socket.AF_INET6, a) for a in (src, dst))
        pseudo = s + d + struct.pack("!IxxxB", len(tcp), 6)
        tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
        ip = struct.pack("!IHBB", 6 << 28, len(tcp), 6, ttl) + s + d
    else:
        s, d = (socket.inet_aton(a) for a in (src, dst))
        pseudo = s + d + struct.pack("!xBH", 6, len(tcp))
        tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
        ip = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(tcp), 0, 0x4000,
                         ttl, 6, 0) + s + d
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + tcp


def flow_file(a, b):
    """The file keeping the numbers of the flow between ends a and b."""
    ends = sorted(["%s.%d" % e for e in (a, b)])
    return "/tmp/kct-tcp-%s" % "-".join(ends).replace(":", "_")


def cmd_tcp(a):
    if a.ns:
        enter_netns(a.ns)
    src = source_for(a.dst)
    me, peer = (src, a.sport), (a.dst, a.dport)
    path = flow_file(me, peer)
    try:
        with open(path) as f:
            state = json.load(f)
    except FileNotFoundError:
        state = {}
    key, pkey = "%s.%d" % me, "%s.%d" % peer
    flags = 0
    for c in a.flags.replace("-", ""):
        flags |= TCP_FLAGS[c]
    if a.seq is not None:
        seq = a.seq
    elif a.retrans:
        seq = state[key + "/last"]
    elif flags & TCP_FLAGS["S"] or key not in state:
        seq = random.randrange(1 << 32)
    else:
        seq = state[key]
    seq = (seq + a.seq_add) & 0xffffffff
    if a.ack is not None:
        ack = a.ack
    elif flags & TCP_FLAGS["A"]:
        ack = state.get(pkey, 0)
    else:
        ack = 0
    ack = (ack + a.ack_add) & 0xffffffff
    options = b""
    if a.mss:
        options += struct.pack("!BBH", 2, 4, a.mss)
    if a.sack_perm:
        options += b"\x04\x02"
    if a.wscale is not None:
        options += b"\x01" + struct.pack("!BBB", 3, 3, a.wscale)
    data = b"k" * a.data
    if a.payload is not None:
        data = a.payload.encode().decode("unicode_escape").encode("latin-1")
    send_raw(tcp_segment(src, a.dst, a.sport, a.dport, seq, ack, flags,
                         a.win, options, data, a.ttl), a.dst)
    if not (a.no_advance or a.retrans or a.seq_add or a.ack_add):
        length = len(data) + bool(flags & TCP_FLAGS["S"]) + \
            bool(flags & TCP_FLAGS["F"])
        state[key] = (seq + length) & 0xffffffff
        state[key + "/last"] = seq
    with open(path, "w") as f:
        json.dump(state, f)
    return 0


def run_steps(sock, steps):
    """The STEPs of tcp-serve / tcp-connect on the connected sock."""
    for step in steps:
        what, _, arg = step.partition(":")
        if what == "send":
            sock.sendall(b"k" * int(arg))
        elif what == "recv":
            left = int(arg)
            while left > 0:
                data = sock.recv(min(left, 65536))
                if not data:
                    print("recv: early end of stream", file=sys.stderr)
                    return 1
                left -= len(data)
        elif what == "eof":
            while sock.recv(65536):
                pass
        elif what == "shutdown":
            sock.shutdown(socket.SHUT_WR)
        elif what == "close":
            sock.close()
        elif what == "wait":
            while not os.path.exists("/tmp/kct-step-" + arg):
                time.sleep(0.05)
        elif what == "mark":
            open("/tmp/kct-step-" + arg, "w").close()
        elif what == "sleep":
            time.sleep(float(arg))
        else:
            print("unknown step " + step, file=sys.stderr)
            return 1
    return 0


def cmd_tcp_serve(a):
    fam = socket.AF_INET6
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    ls.bind(("::", a.port))
    ls.listen(1)
    sock, _ = ls.accept()
    ls.close()
    return run_steps(sock, a.step or [])


def cmd_tcp_connect(a):
    fam = socket.AF_INET6 if is_v6(a.dst) else socket.AF_INET
    sock = socket.socket(fam, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if a.sport:
        sock.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", a.sport))
    sock.settimeout(a.timeout)
    try:
        sock.connect((a.dst, a.dport))
    except OSError as e:
        print("connect: %s" % e, file=sys.stderr)
        return 1
    sock.settimeout(None)
    return run_steps(sock, a.step or [])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    c = sub.add_parser("udp-echo", help="UDP echo server")
    c.add_argument("--port", type=int, action="append", required=True)
    c.add_argument("--lite", action="store_true")
    c.set_defaults(fn=cmd_udp_echo)

    c = sub.add_parser("udp", help="UDP client on one socket")
    c.add_argument("--dst", required=True)
    c.add_argument("--dport", type=int, required=True)
    c.add_argument("--sport", type=int, default=0)
    c.add_argument("--src", help="source address (bound)")
    c.add_argument("--dev", help="the link, for multicast and broadcast")
    c.add_argument("--count", type=int, default=1)
    c.add_argument("--interval", type=float, default=0.0)
    c.add_argument("--timeout", type=float, default=3.0 * PATIENCE)
    g = c.add_mutually_exclusive_group()
    g.add_argument("--reply", action="store_true")
    g.add_argument("--refused", action="store_true")
    c.add_argument("--lite", action="store_true")
    c.set_defaults(fn=cmd_udp)

    c = sub.add_parser("icmp", help="one ICMP/ICMPv6 query or reply")
    c.add_argument("--dst", required=True)
    c.add_argument("--type", type=int)
    c.add_argument("--code", type=int, default=0)
    c.add_argument("--id", type=int, default=0x4b43)
    c.add_argument("--seq", type=int, default=1)
    c.set_defaults(fn=cmd_icmp)

    c = sub.add_parser("icmp-unreach", help="destination unreachable")
    c.add_argument("--dst", required=True)
    c.add_argument("--code", type=int)
    c.add_argument("--quote-src", required=True)
    c.add_argument("--quote-dst", required=True)
    c.add_argument("--quote-sport", type=int, required=True)
    c.add_argument("--quote-dport", type=int, required=True)
    c.set_defaults(fn=cmd_icmp_unreach)

    c = sub.add_parser("ip", help="one packet of any IP protocol")
    c.add_argument("--dst", required=True)
    c.add_argument("--proto", type=int, required=True)
    c.add_argument("--payload", default="kct")
    c.set_defaults(fn=cmd_ip)

    c = sub.add_parser("udp-raw", help="one hand-made UDP datagram")
    c.add_argument("--dst", required=True)
    c.add_argument("--sport", type=int, required=True)
    c.add_argument("--dport", type=int, required=True)
    c.add_argument("--bad-checksum", action="store_true")
    c.set_defaults(fn=cmd_udp_raw)

    c = sub.add_parser("udplite-raw", help="one hand-made UDP-Lite datagram")
    c.add_argument("--dst", required=True)
    c.add_argument("--sport", type=int, required=True)
    c.add_argument("--dport", type=int, required=True)
    c.add_argument("--cscov", type=int, default=0)
    c.add_argument("--bad-checksum", action="store_true")
    c.set_defaults(fn=cmd_udplite_raw)

    c = sub.add_parser("tcp", help="one hand-made TCP segment")
    c.add_argument("--dst", required=True)
    c.add_argument("--sport", type=int, required=True)
    c.add_argument("--dport", type=int, required=True)
    c.add_argument("--flags", required=True)
    c.add_argument("--data", type=int, default=0)
    c.add_argument("--payload")
    c.add_argument("--seq", type=lambda v: int(v, 0))
    c.add_argument("--ack", type=lambda v: int(v, 0))
    c.add_argument("--seq-add", type=lambda v: int(v, 0), default=0)
    c.add_argument("--ack-add", type=lambda v: int(v, 0), default=0)
    c.add_argument("--win", type=int, default=29200)
    c.add_argument("--ttl", type=int, default=64)
    c.add_argument("--wscale", type=int)
    c.add_argument("--mss", type=int)
    c.add_argument("--sack-perm", action="store_true")
    c.add_argument("--retrans", action="store_true")
    c.add_argument("--no-advance", action="store_true")
    c.add_argument("--ns")
    c.set_defaults(fn=cmd_tcp)

    c = sub.add_parser("tcp-serve", help="serve one TCP connection")
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--step", action="append")
    c.set_defaults(fn=cmd_tcp_serve)

    c = sub.add_parser("tcp-connect", help="one TCP connection")
    c.add_argument("--dst", required=True)
    c.add_argument("--dport", type=int, required=True)
    c.add_argument("--sport", type=int, default=0)
    c.add_argument("--timeout", type=float, default=5.0 * PATIENCE)
    c.add_argument("--step", action="append")
    c.set_defaults(fn=cmd_tcp_connect)

    argv, cmds = sys.argv[1:], [[]]
    for arg in argv:
        if arg == "+":
            cmds.append([])
        else:
            cmds[-1].append(arg)
    parsed = [p.parse_args(c) for c in cmds]
    try:
        for a in parsed:
            rc = a.fn(a)
            if rc:
                return rc
    except KeyboardInterrupt:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
