#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hold packets in an NFQUEUE and let them go on cue, for kct's selftests.

    nfqueue.py hold --queue N --held FILE --go FILE [--count C]

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
    out = {}
    while len(data) >= 4:
        length, kind = struct.unpack("=HH", data[:4])
        if length < 4:
            break
        out[kind & 0x7fff] = data[4:length]
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
    message(sock, 1, NFQNL_MSG_CONFIG, a.queue,
            attr(NFQA_CFG_CMD, struct.pack("!BxH", NFQNL_CFG_CMD_BIND, 0)),
            NLM_F_REQUEST | NLM_F_ACK)
    check_ack(sock)
    message(sock, 2, NFQNL_MSG_CONFIG, a.queue,
            attr(NFQA_CFG_PARAMS, struct.pack("!IB", 0xffff,
                                              NFQNL_COPY_PACKET)),
            NLM_F_REQUEST | NLM_F_ACK)
    check_ack(sock)

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


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("hold", help="hold packets until a file exists")
    c.add_argument("--queue", type=int, required=True)
    c.add_argument("--held", required=True)
    c.add_argument("--go", required=True)
    c.add_argument("--count", type=int, default=1)
    c.set_defaults(fn=hold)
    a = p.parse_args()
    return a.fn(a)


if __name__ == "__main__":
    sys.exit(main())
