#!/usr/bin/env python3
"""Send one ctnetlink update (IPCTNL_MSG_CT_NEW without NLM_F_CREATE) and
print the kernel's answer: 0, or the errno's name (ENOENT, EBUSY...).

For the requests the conntrack command cannot make: an update of a
missing entry, a status that clears bits, a helper by name, NAT or a
master on an existing entry, malformed labels, sequence adjustment,
SYNPROXY, an unknown TCP state.

  ctnetlink_update.py 4|6 PROTO SRC DST SPORT DPORT [KEY=VALUE...]

KEY: status, timeout, mark, markmask, zone, tcpstate (numbers); helper
(a name, may be empty); labels, labelsmask (hex bytes); dir=reply (the
tuple given is the reply direction's); flags=excl (NLM_F_CREATE|
NLM_F_EXCL); reply=inverse (the reply tuple too, the inverse of the
given one: with flags=excl, a create as conntrackd's commit makes it);
natsrc=ADDR and natdst=ADDR (ADDR: 192.0.2.1, 192.0.2.1:PORT, 2001:db8::1
or [2001:db8::1]:PORT); master=1 (the tuple again, as master);
seqadj=1; synproxy=1.
"""
import errno
import socket
import struct
import sys

NETLINK_NETFILTER = 12
NLM_F_REQUEST, NLM_F_ACK = 0x1, 0x4
NLM_F_EXCL, NLM_F_CREATE = 0x200, 0x400
NLMSG_ERROR = 2
NLA_F_NESTED = 0x8000
IPCTNL_MSG_CT_NEW = 0
(CTA_TUPLE_ORIG, CTA_TUPLE_REPLY, CTA_STATUS, CTA_PROTOINFO, CTA_HELP,
 CTA_NAT_SRC, CTA_TIMEOUT, CTA_MARK) = range(1, 9)
CTA_TUPLE_MASTER, CTA_SEQ_ADJ_ORIG, CTA_SEQ_ADJ_REPLY = 14, 15, 16
CTA_ZONE, CTA_MARK_MASK, CTA_LABELS, CTA_LABELS_MASK = 18, 21, 22, 23
CTA_SYNPROXY = 24
CTA_NAT_DST = 13


def attr(kind, payload):
    data = struct.pack("=HH", 4 + len(payload), kind) + payload
    return data + b"\0" * (-len(data) % 4)


def nest(kind, *parts):
    return attr(kind | NLA_F_NESTED, b"".join(parts))


def be32(v):
    return struct.pack(">I", int(v, 0) & 0xffffffff)


def tuple_attr(kind, fam, proto, src, dst, sport, dport):
    af = socket.AF_INET if fam == 4 else socket.AF_INET6
    a_src, a_dst = (1, 2) if fam == 4 else (3, 4)
    return nest(kind,
                nest(1, attr(a_src, socket.inet_pton(af, src)),
                     attr(a_dst, socket.inet_pton(af, dst))),
                nest(2, attr(1, struct.pack("B", proto)),
                     attr(2, struct.pack(">H", sport)),
                     attr(3, struct.pack(">H", dport))))


def nat_attr(kind, val):
    """CTA_NAT_SRC/DST: one address (and port), as conntrackd sends it."""
    port = None
    if val.startswith("["):
        addr, _, port = val[1:].partition("]:")
    elif val.count(":") == 1:
        addr, port = val.split(":")
    else:
        addr = val
    if ":" in addr:
        ip = socket.inet_pton(socket.AF_INET6, addr)
        parts = [attr(4, ip), attr(5, ip)]
    else:
        ip = socket.inet_aton(addr)
        parts = [attr(1, ip), attr(2, ip)]
    if port:
        pp = struct.pack(">H", int(port))
        parts.append(nest(3, attr(1, pp), attr(2, pp)))
    return nest(kind, *parts)


def request(argv):
    fam, proto = int(argv[0]), socket.getprotobyname(argv[1])
    src, dst, sport, dport = argv[2], argv[3], int(argv[4]), int(argv[5])
    opts = dict(a.split("=", 1) for a in argv[6:])
    flags = NLM_F_REQUEST | NLM_F_ACK
    if opts.get("flags") == "excl":
        flags |= NLM_F_CREATE | NLM_F_EXCL
    kind = CTA_TUPLE_REPLY if opts.get("dir") == "reply" else CTA_TUPLE_ORIG
    body = tuple_attr(kind, fam, proto, src, dst, sport, dport)
    if opts.get("reply") == "inverse":
        body += tuple_attr(CTA_TUPLE_REPLY, fam, proto, dst, src, dport,
                           sport)
    seqadj = attr(1, be32("1000")) + attr(2, be32("0")) + attr(3, be32("0"))
    for key, val in opts.items():
        if key == "status":
            body += attr(CTA_STATUS, be32(val))
        elif key == "timeout":
            body += attr(CTA_TIMEOUT, be32(val))
        elif key == "mark":
            body += attr(CTA_MARK, be32(val))
        elif key == "markmask":
            body += attr(CTA_MARK_MASK, be32(val))
        elif key == "zone":
            body += attr(CTA_ZONE, struct.pack(">H", int(val)))
        elif key == "tcpstate":
            body += nest(CTA_PROTOINFO,
                         nest(1, attr(1, struct.pack("B", int(val)))))
        elif key == "helper":
            body += nest(CTA_HELP, attr(1, val.encode() + b"\0"))
        elif key == "labels":
            body += attr(CTA_LABELS, bytes.fromhex(val))
        elif key == "labelsmask":
            body += attr(CTA_LABELS_MASK, bytes.fromhex(val))
        elif key == "natsrc":
            body += nat_attr(CTA_NAT_SRC, val)
        elif key == "natdst":
            body += nat_attr(CTA_NAT_DST, val)
        elif key == "master":
            body += tuple_attr(CTA_TUPLE_MASTER, fam, proto, src, dst,
                               sport, dport)
        elif key == "seqadj":
            body += nest(CTA_SEQ_ADJ_ORIG, seqadj)
            body += nest(CTA_SEQ_ADJ_REPLY, seqadj)
        elif key == "synproxy":
            body += nest(CTA_SYNPROXY, attr(1, be32("1")),
                         attr(2, be32("2")), attr(3, be32("3")))
        elif key not in ("flags", "dir", "reply"):
            sys.exit(f"unknown key {key}")
    family = socket.AF_INET if fam == 4 else socket.AF_INET6
    payload = struct.pack("=BBH", family, 0, 0) + body
    return struct.pack("=IHHII", 16 + len(payload), (1 << 8) | IPCTNL_MSG_CT_NEW,
                       flags, 1, 0) + payload


def main():
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.bind((0, 0))
    sock.settimeout(10)
    sock.send(request(sys.argv[1:]))
    while True:
        data = sock.recv(65536)
        _, mtype, _, seq, _ = struct.unpack_from("=IHHII", data)
        if mtype == NLMSG_ERROR and seq == 1:
            err = -struct.unpack_from("=i", data, 16)[0]
            print(errno.errorcode.get(err, str(err)) if err else "0")
            return


if __name__ == "__main__":
    main()
