#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hold packets in an NFQUEUE and let them go on cue, for kct's selftests.

    nfqueue.py hold --queue N --held FILE --go FILE [--count C]
    nfqueue.py ct --queue N [--count C] [--set-mark M]

Binds queue N over raw netlink (NETLINK_NETFILTER, nfnetlink_queue
messages; no library needed), takes C packets (default 1) as an nft
"queue num N" rule hands them over, creates FILE --held once it holds
them all, waits (up to 120 s times KCT_PATIENCE) until FILE --go exists,
then gives every held packet the verdict ACCEPT, in order: each goes on
through the hooks after the queueing rule, as if it had just left it.
Run it in the namespace of the rule, before traffic reaches the rule
(with no listener bound, the kernel drops queued packets).  It prints
"held ID LEN" per packet and "released" at the end; exit status 0 when
all went as asked.

"ct" binds queue N with the conntrack flag (NFQA_CFG_F_CONNTRACK), as
Suricata or nf-queue do, and for each of C packets prints one line of
what ctnetlink attached about its connection (NFQA_CT, NFQA_CT_INFO):
the attribute kinds, ctinfo, status, mark, tuples, whether a timeout
runs; then accepts it, with --set-mark also asking (NFQA_CT, CTA_MARK)
for the connection's mark to become M.
"""
import argparse
import os
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET = 0
NFQNL_MSG_VERDICT = 1
NFQNL_MSG_CONFIG = 2
NFQA_PACKET_HDR = 1
NFQA_VERDICT_HDR = 2
NFQA_PAYLOAD = 10
NFQA_CFG_CMD = 1
NFQA_CFG_PARAMS = 2
NFQNL_CFG_CMD_BIND = 1
NFQNL_COPY_PACKET = 2
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
NF_ACCEPT = 1
NFQA_CT = 11
NFQA_CT_INFO = 12
NFQA_CFG_MASK = 4
NFQA_CFG_FLAGS = 5
NFQA_CFG_F_CONNTRACK = 2
NLA_F_NESTED = 0x8000
CTA_NAMES = {1: "tuple_orig", 2: "tuple_reply", 3: "status", 4: "protoinfo",
             5: "help", 7: "timeout", 8: "mark", 9: "counters_orig",
             10: "counters_reply", 11: "use", 12: "id", 14: "tuple_master",
             18: "zone", 20: "timestamp", 22: "labels"}
CTA_STATUS = 3
CTA_TIMEOUT = 7
CTA_MARK = 8

PATIENCE = int(os.environ.get("KCT_PATIENCE", "1"))


def align(n):
    return (n + 3) & ~3


def attr(kind, data):
    return struct.pack("=HH", 4 + len(data), kind) + data + \
        b"\0" * (align(len(data)) - len(data))


def message(sock, seq, msg, queue, payload, flags=NLM_F_REQUEST):
    """Send one nfnetlink_queue message (nfgenmsg: AF_UNSPEC, v0, queue)."""
    body = struct.pack("!BBH", socket.AF_UNSPEC, 0, queue) + payload
    hdr = struct.pack("=IHHII", 16 + len(body),
                      (NFNL_SUBSYS_QUEUE << 8) | msg, flags, seq, 0)
    sock.send(hdr + body)


def attrs(data):
    """{type: payload} of a run of netlink attributes (flag bits cleared)."""
    out = {}
    while len(data) >= 4:
        length, kind = struct.unpack("=HH", data[:4])
        if length < 4:
            break
        out[kind & 0x3fff] = data[4:length]
        data = data[align(length):]
    return out


def check_ack(sock):
    data = sock.recv(65535)
    length, kind = struct.unpack("=IH", data[:6])
    if kind == NLMSG_ERROR:
        err = struct.unpack("=i", data[16:20])[0]
        if err:
            raise OSError(-err, "nfnetlink_queue refused: " + os.strerror(-err))


def hold(a):
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.bind((0, 0))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    bind(sock, a.queue)

    held = []
    while len(held) < a.count:
        data = sock.recv(1 << 17)
        while len(data) >= 16:
            length, kind = struct.unpack("=IH", data[:6])
            if kind == (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
                at = attrs(data[20:length])
                pid = struct.unpack("!I", at[NFQA_PACKET_HDR][:4])[0]
                held.append(pid)
                print("held", pid, len(at.get(NFQA_PAYLOAD, b"")))
                sys.stdout.flush()
            data = data[align(length):]
    open(a.held, "w").close()

    deadline = time.time() + 120 * PATIENCE
    while not os.path.exists(a.go):
        if time.time() > deadline:
            print("error: timed out waiting for", a.go)
            return 1
        time.sleep(0.05)
    for i, pid in enumerate(held):
        message(sock, 10 + i, NFQNL_MSG_VERDICT, a.queue,
                attr(NFQA_VERDICT_HDR, struct.pack("!II", NF_ACCEPT, pid)))
    print("released")
    return 0


def tuple_text(data):
    """A CTA_TUPLE_* nest as "src dst proto sport dport"."""
    t = attrs(data)
    ip = attrs(t.get(1, b""))
    proto = attrs(t.get(2, b""))
    words = []
    for k in (1, 2, 3, 4):
        if k in ip:
            fam = socket.AF_INET if k < 3 else socket.AF_INET6
            words.append(socket.inet_ntop(fam, ip[k]))
    words.append(str(proto.get(1, b"?")[0]))
    for k in (2, 3):
        if k in proto:
            words.append(str(struct.unpack("!H", proto[k])[0]))
    return " ".join(words)


def ct_line(at, ct_kind=NFQA_CT, info_kind=NFQA_CT_INFO):
    """What a user of the conntrack flag reads about the packet's connection
    (NFQUEUE's attributes, or NFLOG's given as ct_kind and info_kind)."""
    if ct_kind not in at:
        return "no conntrack attributes"
    ct = attrs(at[ct_kind])
    kinds = ",".join(CTA_NAMES.get(k, str(k)) for k in sorted(ct))
    info = struct.unpack("!I", at[info_kind])[0] if info_kind in at else "-"
    status = struct.unpack("!I", ct[CTA_STATUS])[0] if CTA_STATUS in ct else 0
    mark = struct.unpack("!I", ct[CTA_MARK])[0] if CTA_MARK in ct else "-"
    timeout = "-"
    if CTA_TIMEOUT in ct:
        timeout = "runs" if struct.unpack("!I", ct[CTA_TIMEOUT])[0] else "0"
    return "ctinfo=%s status=0x%x mark=%s timeout=%s orig=[%s] reply=[%s] attrs=%s" % (
        info, status, mark, timeout, tuple_text(ct.get(1, b"")),
        tuple_text(ct.get(2, b"")), kinds)


def bind(sock, queue, flags=0):
    message(sock, 1, NFQNL_MSG_CONFIG, queue,
            attr(NFQA_CFG_CMD, struct.pack("!BxH", NFQNL_CFG_CMD_BIND, 0)),
            NLM_F_REQUEST | NLM_F_ACK)
    check_ack(sock)
    params = attr(NFQA_CFG_PARAMS, struct.pack("!IB", 0xffff, NFQNL_COPY_PACKET))
    if flags:
        params += attr(NFQA_CFG_MASK, struct.pack("!I", flags)) + \
            attr(NFQA_CFG_FLAGS, struct.pack("!I", flags))
    message(sock, 2, NFQNL_MSG_CONFIG, queue, params,
            NLM_F_REQUEST | NLM_F_ACK)
    check_ack(sock)


def ct(a):
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.bind((0, 0))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    bind(sock, a.queue, NFQA_CFG_F_CONNTRACK)
    print("bound")
    sys.stdout.flush()
    seen = 0
    while seen < a.count:
        data = sock.recv(1 << 17)
        while len(data) >= 16 and seen < a.count:
            length, kind = struct.unpack("=IH", data[:6])
            if kind == (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
                at = attrs(data[20:length])
                pid = struct.unpack("!I", at[NFQA_PACKET_HDR][:4])[0]
                print(ct_line(at))
                sys.stdout.flush()
                verdict = attr(NFQA_VERDICT_HDR, struct.pack("!II", NF_ACCEPT, pid))
                if a.set_mark is not None:
                    verdict += attr(NFQA_CT | NLA_F_NESTED,
                                    attr(CTA_MARK, struct.pack("!I", a.set_mark)))
                message(sock, 10 + seen, NFQNL_MSG_VERDICT, a.queue, verdict)
                seen += 1
            data = data[align(length):]
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("hold", help="hold packets until a file exists")
    c.add_argument("--queue", type=int, required=True)
    c.add_argument("--held", required=True)
    c.add_argument("--go", required=True)
    c.add_argument("--count", type=int, default=1)
    c.set_defaults(fn=hold)
    c = sub.add_parser("ct", help="print the conntrack attributes of packets")
    c.add_argument("--queue", type=int, required=True)
    c.add_argument("--count", type=int, default=1)
    c.add_argument("--set-mark", type=int)
    c.set_defaults(fn=ct)
    a = p.parse_args()
    return a.fn(a)


if __name__ == "__main__":
    sys.exit(main())
