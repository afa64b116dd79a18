#!/usr/bin/env python3
"""Send random and mutated ctnetlink messages to the kernel.

Valid requests of every kind conntrack sends (dumps with filters, GET,
DELETE, update, counters, expectation list/delete) are the seeds; each
iteration sends either one of them mutated (bytes flipped, lengths and
types changed, attributes cut or repeated) or a message of random
attributes, to the conntrack and expectation subsystems only.  The answers
(errors included) are read and ignored: what matters is the kernel log.
Deterministic: a fixed seed and iteration count.
"""
import random
import socket
import struct
import sys

NETLINK_NETFILTER = 12
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
NLM_F_EXCL, NLM_F_CREATE = 0x200, 0x400
NLA_F_NESTED = 0x8000
SUBSYS_CT, SUBSYS_EXP = 1, 2


def attr(kind, payload):
    data = struct.pack("=HH", 4 + len(payload), kind) + payload
    return data + b"\0" * (-len(data) % 4)


def nest(kind, *parts):
    return attr(kind | NLA_F_NESTED, b"".join(parts))


def be32(v):
    return struct.pack(">I", v & 0xffffffff)


def be16(v):
    return struct.pack(">H", v & 0xffff)


def u8(v):
    return struct.pack("B", v & 0xff)


def tuple4(kind, src, dst, proto, sport, dport):
    return nest(kind,
                nest(1, attr(1, socket.inet_aton(src)),
                     attr(2, socket.inet_aton(dst))),
                nest(2, attr(1, u8(proto)), attr(2, be16(sport)),
                     attr(3, be16(dport))))


def tuple6(kind, src, dst, proto, sport, dport):
    return nest(kind,
                nest(1, attr(3, socket.inet_pton(socket.AF_INET6, src)),
                     attr(4, socket.inet_pton(socket.AF_INET6, dst))),
                nest(2, attr(1, u8(proto)), attr(2, be16(sport)),
                     attr(3, be16(dport))))


def msg(subsys, mtype, flags, family, payload, seq):
    body = struct.pack("=BBH", family, 0, 0) + payload
    return struct.pack("=IHHII", 16 + len(body), subsys << 8 | mtype,
                       flags, seq, 0) + body


T4 = tuple4(1, "192.0.2.2", "198.51.100.2", 6, 42000, 7000)
T6 = tuple6(1, "2001:db8:1::2", "2001:db8:2::2", 6, 42001, 7001)
TCP_INFO = nest(4, nest(1, attr(1, u8(3)), attr(2, u8(7)), attr(3, u8(7)),
                        attr(4, b"\x0a\x0a"), attr(5, b"\x0a\x0a")))
FILTER = nest(25, attr(1, struct.pack("=I", 0x3b)), attr(2, struct.pack("=I", 0)))
EXP_T = tuple4(2, "198.51.100.2", "192.0.2.2", 6, 0, 50000)

SEEDS = [
    (SUBSYS_CT, 1, NLM_F_REQUEST | NLM_F_DUMP, 0, b""),
    (SUBSYS_CT, 1, NLM_F_REQUEST | NLM_F_DUMP, 2,
     attr(8, be32(7)) + attr(21, be32(0xffffffff))),
    (SUBSYS_CT, 1, NLM_F_REQUEST | NLM_F_DUMP, 0,
     attr(3, be32(4)) + attr(26, be32(4))),
    (SUBSYS_CT, 1, NLM_F_REQUEST | NLM_F_DUMP, 2, T4 + FILTER),
    (SUBSYS_CT, 1, NLM_F_REQUEST | NLM_F_ACK, 2, T4 + TCP_INFO),
    (SUBSYS_CT, 1, NLM_F_REQUEST | NLM_F_ACK, 10, T6),
    (SUBSYS_CT, 0, NLM_F_REQUEST | NLM_F_ACK, 0,
     T4 + attr(8, be32(42)) + TCP_INFO),
    (SUBSYS_CT, 0, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, 2,
     T4 + attr(7, be32(100)) + attr(3, be32(0x8e))),
    (SUBSYS_CT, 2, NLM_F_REQUEST | NLM_F_ACK, 2, T4 + attr(12, be32(1))),
    (SUBSYS_CT, 4, NLM_F_REQUEST | NLM_F_DUMP, 0, b""),
    (SUBSYS_CT, 5, NLM_F_REQUEST, 0, b""),
    (SUBSYS_CT, 3, NLM_F_REQUEST | NLM_F_DUMP, 0, b""),
    (SUBSYS_EXP, 1, NLM_F_REQUEST | NLM_F_DUMP, 2, b""),
    (SUBSYS_EXP, 1, NLM_F_REQUEST | NLM_F_ACK, 2, EXP_T),
    (SUBSYS_EXP, 2, NLM_F_REQUEST | NLM_F_ACK, 2,
     EXP_T + attr(4, be32(5))),
    (SUBSYS_EXP, 2, NLM_F_REQUEST | NLM_F_ACK, 2,
     attr(6, b"ftp\0")),
    (SUBSYS_EXP, 0, NLM_F_REQUEST | NLM_F_ACK, 2, EXP_T),
]


def mutate(rng, payload):
    data = bytearray(payload)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        if not data:
            data += bytes(rng.randrange(256) for _ in range(8))
        pos = rng.randrange(len(data))
        if op == 0:
            data[pos] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[pos] = rng.choice((0, 1, 0x7f, 0x80, 0xff))
        elif op == 2:
            del data[pos:pos + rng.randint(1, 8)]
        elif op == 3:
            data[pos:pos] = data[pos:pos + rng.randint(1, 16)]
        elif op == 4:
            # an attribute length (first two bytes of some header)
            p = pos & ~3
            if p + 2 <= len(data):
                data[p:p + 2] = struct.pack("=H", rng.randrange(0, 1024))
        else:
            data += bytes(rng.randrange(256) for _ in range(rng.randint(1, 12)))
    return bytes(data)


def random_attrs(rng, depth=0):
    out = b""
    for _ in range(rng.randint(0, 6)):
        kind = rng.randrange(0, 32)
        if depth < 3 and rng.random() < 0.3:
            out += nest(kind, random_attrs(rng, depth + 1))
        else:
            size = rng.choice((0, 1, 2, 4, 8, 16, rng.randrange(64)))
            out += attr(kind, bytes(rng.randrange(256) for _ in range(size)))
    return out


def drain(sock):
    while True:
        try:
            if not sock.recv(65536):
                return
        except BlockingIOError:
            return
        except OSError:
            continue


def main():
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    rng = random.Random(20261123)
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.bind((0, 0))
    sock.setblocking(False)
    errors = 0
    for i in range(iterations):
        if rng.random() < 0.7:
            subsys, mtype, flags, family, payload = rng.choice(SEEDS)
            payload = mutate(rng, payload)
            if rng.random() < 0.2:
                flags ^= rng.choice((NLM_F_DUMP, NLM_F_CREATE, NLM_F_EXCL,
                                     NLM_F_ACK))
            if rng.random() < 0.1:
                family = rng.choice((0, 2, 10, 7, 255))
            if rng.random() < 0.1:
                mtype = rng.randrange(0, 12)
        else:
            subsys = rng.choice((SUBSYS_CT, SUBSYS_EXP))
            mtype = rng.randrange(0, 12)
            flags = NLM_F_REQUEST | rng.choice((0, NLM_F_ACK, NLM_F_DUMP,
                                                NLM_F_CREATE))
            family = rng.choice((0, 2, 10, rng.randrange(256)))
            payload = random_attrs(rng)
        # Never flush the table by accident: DELETE without attributes
        # would; it is tested elsewhere.
        if mtype == 2 and len(payload) < 8:
            continue
        data = msg(subsys, mtype, flags, family, payload, i + 1)
        if rng.random() < 0.05:
            data = mutate(rng, data)
        try:
            sock.send(data)
        except OSError:
            errors += 1
        drain(sock)
    print(f"sent {iterations} messages ({errors} refused by send)")


if __name__ == "__main__":
    main()
