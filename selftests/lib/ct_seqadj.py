#!/usr/bin/env python3
"""ct_seqadj.py 4|6 DPORT: the TCP connections to port DPORT in this
namespace's conntrack table, as a ctnetlink dump (IPCTNL_MSG_CT_GET,
NLM_F_DUMP) gives them, one line each:

  status=NAME|NAME... seqadj_orig=POS/BEFORE/AFTER seqadj_reply=POS/BEFORE/AFTER synproxy=ISN/ITS/TSOFF

ct_seqadj.py --events 4|6 DPORT: the same of every NEW, UPDATE and
DESTROY event of those connections, as they come (one line each, led by
the event's type), until killed.

Numbers are unsigned decimal; an attribute the dump does not carry is
"-".  These are what conntrackd replicates and what the conntrack
command does not print: the status bits (SEQ_ADJUST among them), the
sequence adjustment of each direction and SYNPROXY's state.
"""
import socket
import struct
import sys

from nfqueue import attrs

NETLINK_NETFILTER = 12
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
IPCTNL_MSG_CT_GET, IPCTNL_MSG_CT_DELETE = 1, 2
NLM_F_EXCL, NLM_F_CREATE = 0x200, 0x400
# NFNLGRP_CONNTRACK_NEW, _UPDATE and _DESTROY: groups 1 to 3.
EVENT_GROUPS = 0x7
NFNL_SUBSYS_CTNETLINK = 1
CTA_TUPLE_ORIG, CTA_STATUS = 1, 3
CTA_SEQ_ADJ_ORIG, CTA_SEQ_ADJ_REPLY, CTA_SYNPROXY = 15, 16, 24
CTA_TUPLE_PROTO, CTA_PROTO_NUM, CTA_PROTO_DST_PORT = 2, 1, 3
STATUS = ["EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED", "SRC_NAT",
          "DST_NAT", "SEQ_ADJUST", "SRC_NAT_DONE", "DST_NAT_DONE", "DYING",
          "FIXED_TIMEOUT", "TEMPLATE", "UNTRACKED", "HELPER", "OFFLOAD",
          "HW_OFFLOAD"]


def be32s(nested):
    a = attrs(nested)
    return "/".join(str(struct.unpack(">I", a[k])[0]) if k in a else "-"
                    for k in (1, 2, 3))


def entry(body, dport):
    a = attrs(body)
    proto = attrs(attrs(a.get(CTA_TUPLE_ORIG, b"")).get(CTA_TUPLE_PROTO, b""))
    if proto.get(CTA_PROTO_NUM) != b"\x06" or \
       proto.get(CTA_PROTO_DST_PORT) != struct.pack(">H", dport):
        return None
    status = struct.unpack(">I", a[CTA_STATUS])[0]
    names = [STATUS[i] if i < len(STATUS) else "bit%d" % i
             for i in range(32) if status & (1 << i)]
    parts = ["status=" + "|".join(names)]
    for name, kind in (("seqadj_orig", CTA_SEQ_ADJ_ORIG),
                       ("seqadj_reply", CTA_SEQ_ADJ_REPLY),
                       ("synproxy", CTA_SYNPROXY)):
        parts.append("%s=%s" % (name, be32s(a[kind]) if kind in a else "-"))
    return " ".join(parts)


def events(fam, dport):
    """Print the events of the connections to DPORT of family FAM."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind((0, EVENT_GROUPS))
    while True:
        data = s.recv(65536)
        while len(data) >= 20:
            length, kind, flags = struct.unpack("=IHH", data[:8])
            family = data[16]
            msg = kind & 0xff
            if kind >> 8 == NFNL_SUBSYS_CTNETLINK and family == fam:
                what = "DESTROY" if msg == IPCTNL_MSG_CT_DELETE else \
                    "NEW" if flags & (NLM_F_CREATE | NLM_F_EXCL) else "UPDATE"
                line = entry(data[20:length], dport)
                if line:
                    print(what, line, flush=True)
            data = data[(length + 3) & ~3:]


def main():
    if sys.argv[1] == "--events":
        fam = socket.AF_INET if sys.argv[2] == "4" else socket.AF_INET6
        return events(fam, int(sys.argv[3]))
    fam = socket.AF_INET if sys.argv[1] == "4" else socket.AF_INET6
    dport = int(sys.argv[2])
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    msg = struct.pack("=BBH", fam, 0, 0)
    s.send(struct.pack("=IHHII", 16 + len(msg),
                       (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET,
                       NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + msg)
    while True:
        data = s.recv(65536)
        while len(data) >= 16:
            length, kind = struct.unpack("=IH", data[:6])
            if kind == NLMSG_DONE:
                return 0
            if kind == NLMSG_ERROR:
                err = struct.unpack("=i", data[16:20])[0]
                print("error %d" % err, file=sys.stderr)
                return 1
            line = entry(data[20:length], dport)
            if line:
                print(line)
            data = data[(length + 3) & ~3:]


if __name__ == "__main__":
    sys.exit(main())
