#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read packets from an NFLOG group with the conntrack flag, for kct's selftests.

    nflog.py ct --group G [--count C]

Binds log group G over raw netlink (nfnetlink_log messages, as ulogd
does) with NFULNL_CFG_F_CONNTRACK, prints "bound", then for each of C
logged packets one line of what ctnetlink attached about its connection
(NFULA_CT, NFULA_CT_INFO), in nfqueue.py's format.  Run it in the
namespace of the log rule.
"""
import argparse
import socket
import struct
import sys

from nfqueue import NETLINK_NETFILTER, NLM_F_REQUEST, NLM_F_ACK, align, \
    attr, attrs, check_ack, ct_line

NFNL_SUBSYS_ULOG = 4
NFULNL_MSG_PACKET = 0
NFULNL_MSG_CONFIG = 1
NFULA_CFG_CMD = 1
NFULA_CFG_MODE = 2
NFULA_CFG_QTHRESH = 5
NFULA_CFG_FLAGS = 6
NFULNL_CFG_CMD_BIND = 1
NFULNL_COPY_PACKET = 2
NFULNL_CFG_F_CONNTRACK = 4
NFULA_CT = 18
NFULA_CT_INFO = 19


def config(sock, seq, group, payload):
    body = struct.pack("!BBH", socket.AF_UNSPEC, 0, group) + payload
    hdr = struct.pack("=IHHII", 16 + len(body),
                      (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG,
                      NLM_F_REQUEST | NLM_F_ACK, seq, 0)
    sock.send(hdr + body)
    check_ack(sock)


def ct(a):
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.bind((0, 0))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    config(sock, 1, a.group, attr(NFULA_CFG_CMD, struct.pack("B", NFULNL_CFG_CMD_BIND)))
    config(sock, 2, a.group,
           attr(NFULA_CFG_MODE, struct.pack("!IBx", 0xffff, NFULNL_COPY_PACKET)) +
           attr(NFULA_CFG_QTHRESH, struct.pack("!I", 1)) +
           attr(NFULA_CFG_FLAGS, struct.pack("!H", NFULNL_CFG_F_CONNTRACK)))
    print("bound")
    sys.stdout.flush()
    seen = 0
    while seen < a.count:
        data = sock.recv(1 << 17)
        while len(data) >= 16 and seen < a.count:
            length, kind = struct.unpack("=IH", data[:6])
            if kind == (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET:
                print(ct_line(attrs(data[20:length]), NFULA_CT, NFULA_CT_INFO))
                sys.stdout.flush()
                seen += 1
            data = data[align(length):]
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("ct", help="print the conntrack attributes of logged packets")
    c.add_argument("--group", type=int, required=True)
    c.add_argument("--count", type=int, default=1)
    c.set_defaults(fn=ct)
    a = p.parse_args()
    return a.fn(a)


if __name__ == "__main__":
    sys.exit(main())
