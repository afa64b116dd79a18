#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one ctnetlink expectation create request (IPCTNL_MSG_EXP_NEW), as
conntrackd or a program using libnetfilter_conntrack may, with the
attributes conntrack -I expect cannot send; print "OK" or the error's
name (ENOENT, EEXIST, ...).

    ctexp_new.py MASTER TUPLE MASK [--timeout S] [--flags N] [--class N]
                 [--helper NAME] [--zone N] [--no-excl] [--nat PORT]
                 [--fn NAME]

MASTER, TUPLE and MASK are "SRC,DST,SPORT,DPORT" of IPv4 TCP tuples:
the master's original direction, the expected connection and its mask.
Without --no-excl the request carries NLM_F_CREATE and NLM_F_EXCL, as
conntrack -I expect; with it NLM_F_CREATE only, which lets an existing
expectation be updated (its timeout).  --nat PORT adds CTA_EXPECT_NAT
(direction --nat-dir, 0 for original by default, the port PORT on the
address --nat-addr, by default the tuple's source address).
"""
import argparse
import errno
import socket
import struct

NETLINK_NETFILTER = 12
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 0x1, 0x4, 0x200, 0x400
NLA_F_NESTED = 0x8000
NLMSG_ERROR = 2
SUBSYS_EXP, MSG_EXP_NEW = 2, 0
(CTA_EXPECT_MASTER, CTA_EXPECT_TUPLE, CTA_EXPECT_MASK, CTA_EXPECT_TIMEOUT,
 _ID, CTA_EXPECT_HELP_NAME, CTA_EXPECT_ZONE, CTA_EXPECT_FLAGS,
 CTA_EXPECT_CLASS, CTA_EXPECT_NAT, CTA_EXPECT_FN) = range(1, 12)


def attr(kind, payload):
    data = struct.pack("=HH", 4 + len(payload), kind) + payload
    return data + b"\0" * (-len(data) % 4)


def nest(kind, *parts):
    return attr(kind | NLA_F_NESTED, b"".join(parts))


def tuple4(kind, spec):
    src, dst, sport, dport = spec.split(",")
    return nest(kind,
                nest(1, attr(1, socket.inet_aton(src)),
                     attr(2, socket.inet_aton(dst))),
                nest(2, attr(1, struct.pack("B", socket.IPPROTO_TCP)),
                     attr(2, struct.pack(">H", int(sport))),
                     attr(3, struct.pack(">H", int(dport)))))


def request(a):
    body = (tuple4(CTA_EXPECT_MASTER, a.master) +
            tuple4(CTA_EXPECT_TUPLE, a.tuple) +
            tuple4(CTA_EXPECT_MASK, a.mask))
    if a.timeout is not None:
        body += attr(CTA_EXPECT_TIMEOUT, struct.pack(">I", a.timeout))
    if a.helper is not None:
        body += attr(CTA_EXPECT_HELP_NAME, a.helper.encode() + b"\0")
    if a.zone is not None:
        body += attr(CTA_EXPECT_ZONE, struct.pack(">H", a.zone))
    if a.flags is not None:
        body += attr(CTA_EXPECT_FLAGS, struct.pack(">I", a.flags))
    if a.cls is not None:
        body += attr(CTA_EXPECT_CLASS, struct.pack(">I", a.cls))
    if a.nat is not None:
        src = a.nat_addr or a.tuple.split(",")[0]
        body += nest(CTA_EXPECT_NAT, attr(1, struct.pack(">I", a.nat_dir)),
                     tuple4(2, f"{src},0.0.0.0,{a.nat},0"))
    if a.fn is not None:
        body += attr(CTA_EXPECT_FN, a.fn.encode() + b"\0")
    flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE
    if not a.no_excl:
        flags |= NLM_F_EXCL
    payload = struct.pack("=BBH", socket.AF_INET, 0, 0) + body
    return struct.pack("=IHHII", 16 + len(payload),
                       SUBSYS_EXP << 8 | MSG_EXP_NEW, flags, 1, 0) + payload


def main():
    p = argparse.ArgumentParser()
    p.add_argument("master")
    p.add_argument("tuple")
    p.add_argument("mask")
    p.add_argument("--timeout", type=int)
    p.add_argument("--flags", type=int)
    p.add_argument("--class", dest="cls", type=int)
    p.add_argument("--helper")
    p.add_argument("--zone", type=int)
    p.add_argument("--nat", type=int)
    p.add_argument("--nat-dir", type=int, default=0)
    p.add_argument("--nat-addr")
    p.add_argument("--fn")
    p.add_argument("--no-excl", action="store_true")
    a = p.parse_args()
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    s.send(request(a))
    while True:
        data = s.recv(65536)
        off = 0
        while off + 16 <= len(data):
            length, mtype = struct.unpack_from("=IH", data, off)
            if mtype == NLMSG_ERROR:
                err = -struct.unpack_from("=i", data, off + 16)[0]
                print("OK" if err == 0 else errno.errorcode.get(err, str(err)))
                return 0 if err == 0 else 1
            off += (length + 3) & ~3


if __name__ == "__main__":
    raise SystemExit(main())
