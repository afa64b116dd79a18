#!/usr/bin/env python3
"""Read an strace log of a conntrack command (strace -e trace=sendto,recvmsg)
and say, for each netlink reply it read, which of its requests it answers.

  nl_reply_order.py steps FILE    one line per request sent and per reply
                                  read on the command's update socket
  nl_reply_order.py verdict FILE  counts of the replies read on that
                                  socket: current, stale, foreign, and
                                  of those, refused (another number)

Requests are named by the order they were sent in (req1 is the first),
so that two runs compare line by line whatever the clock says.  Netlink
answers a socket's requests in order, so each reply is matched to the
oldest request still owed that kind of reply: an NLMSG_ERROR (an error
or an ACK) to the oldest unfinished request of the type and sequence
number it echoes, which it finishes; a data message to the oldest
unfinished GET with its number that got no data yet.  A reply is
"current" when it answers the request just sent on its socket, "stale"
when it answers an earlier one (the command left it unread), "foreign"
when it answers none (what a kernel replying with a wrong number or
type would show).  conntrack 1.4.7 stamps each request with time(NULL)
and libmnl refuses with EPROTO ("Protocol error") a reply whose number
is not the request's: "refused" counts the replies read whose number
differs from that of the request just sent.  Only the first message of
each read is looked at: one read returns one reply on a request socket.
The dump's socket (the one that sent NLM_F_DUMP) is left out: how many
entries one read of a dump returns is not what is compared here.
"""
import re
import sys

CALL = re.compile(r"^(?:\d+ +)?(sendto|recvmsg|recvfrom)\((\d+), (.*)")
HEAD = re.compile(r"\{nlmsg_len=\d+, nlmsg_type=([^,]+), nlmsg_flags=([^,]+), "
                  r"nlmsg_seq=(\d+), nlmsg_pid=-?\d+\}")
ERROR = re.compile(r"\{error=(-?[A-Z0-9]+|0)")


def short_type(t):
    t = t.replace("NFNL_SUBSYS_CTNETLINK<<8|IPCTNL_MSG_", "")
    return t.replace("NLMSG_", "")


def events(path):
    """(call, fd, type, flags, seq, error, echoed type) of each netlink
    message sent, and of the first message of each read."""
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            m = CALL.match(line)
            if not m:
                continue
            rest = m.group(3)
            h = HEAD.search(rest)
            if not h:
                continue
            err = echoed = None
            if h.group(1) == "NLMSG_ERROR":
                e = ERROR.search(rest, h.end())
                err = e.group(1) if e else "?"
                eh = HEAD.search(rest, h.end())
                echoed = short_type(eh.group(1)) if eh else None
            call = "send" if m.group(1) == "sendto" else "read"
            out.append((call, int(m.group(2)), short_type(h.group(1)),
                        h.group(2), int(h.group(3)), err, echoed))
    return out


class Request:
    def __init__(self, rank, typ, seq):
        self.rank, self.typ, self.seq = rank, typ, seq
        self.done = False
        self.data = False


def match(owed, typ, seq, err, echoed):
    """The request of @owed (oldest first) that this reply answers."""
    for r in owed:
        if r.done or r.seq != seq:
            continue
        if err is not None:
            if echoed is None or echoed == r.typ:
                return r
        elif r.typ == "CT_GET" and not r.data:
            return r
    return None


def analyse(path):
    evs = events(path)
    dump_fds = {fd for call, fd, _, flags, _, _, _ in evs
                if call == "send" and "NLM_F_DUMP" in flags}
    owed = {}        # fd -> requests sent on it, in order
    rank = 0
    steps = []
    counts = {"current": 0, "stale": 0, "foreign": 0, "refused": 0}
    for call, fd, typ, flags, seq, err, echoed in evs:
        if call == "send":
            rank += 1
            owed.setdefault(fd, []).append(Request(rank, typ, seq))
            if fd not in dump_fds:
                acked = "+ACK" if "NLM_F_ACK" in flags else ""
                steps.append("send %s%s req%d" % (typ, acked, rank))
            continue
        if fd in dump_fds:
            continue
        mine = owed.get(fd, [])
        r = match(mine, typ, seq, err, echoed)
        if r is None:
            kind, of = "foreign", "no request"
        else:
            kind = "current" if r is mine[-1] else "stale"
            of = "req%d" % r.rank
            if err is not None:
                r.done = True
            else:
                r.data = True
        counts[kind] += 1
        refused = bool(mine) and seq != mine[-1].seq
        if refused:
            counts["refused"] += 1
        what = typ if err is None else "%s(%s)" % (typ, err)
        steps.append("read %s of %s: %s%s" % (what, of, kind,
                                              ", refused" if refused else ""))
    return steps, counts


def undecoded(path):
    """True when strace printed the ctnetlink requests as bare numbers
    (nlmsg_type=0x101): it names a netlink socket's protocol through
    netlink_diag, and a kernel without it leaves nothing to match."""
    return any(call == "send" and typ.startswith("0x")
               for call, _, typ, _, _, _, _ in events(path))


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("steps", "verdict"):
        sys.stderr.write(__doc__)
        return 2
    if undecoded(sys.argv[2]):
        sys.stderr.write("strace printed ctnetlink messages as numbers: "
                         "this kernel lacks netlink_diag "
                         "(CONFIG_NETLINK_DIAG)\n")
        return 3
    steps, counts = analyse(sys.argv[2])
    if sys.argv[1] == "steps":
        print("\n".join(steps))
    else:
        print("current %d stale %d foreign %d refused %d" %
              (counts["current"], counts["stale"], counts["foreign"],
               counts["refused"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
