#!/usr/bin/env python3
"""Read an strace log of a conntrack command (strace -e trace=sendto,recvfrom)
and say, for each netlink message read, which request it answers.

  nl_reply_order.py steps FILE    one line per request sent and per reply
                                  read on the command's update socket
  nl_reply_order.py verdict FILE  counts of the replies read on that
                                  socket: current, stale, foreign

conntrack 1.4.7 stamps each request with time(NULL) as its sequence
number and libmnl refuses a reply whose number is not the request's
with EPROTO ("Protocol error").  A reply is "current" when it carries
the number of the request just sent on its socket, "stale" when it
carries the number of an earlier request on that socket (one the
command did not read all the answers of), "foreign" otherwise (a
number the command never sent: what a kernel answering with the wrong
number would show).  Requests are named by their rank among all the
command's requests (req1 is the dump), so that two runs compare line by
line whatever the clock says.  The dump's socket (the one that sent
NLM_F_DUMP) is left out of the steps: how many entries one read of a
dump returns is not what is compared here.
"""
import re
import sys

CALL = re.compile(r"^(?:\d+ +)?(sendto|recvfrom)\((\d+), \[(.*)")
HEAD = re.compile(r"\{nlmsg_len=\d+, nlmsg_type=([^,]+), nlmsg_flags=([^,]+), "
                  r"nlmsg_seq=(\d+), nlmsg_pid=\d+\}")
ERROR = re.compile(r"\{error=(-?[A-Z0-9]+|0)")


def short_type(t):
    t = t.replace("NFNL_SUBSYS_CTNETLINK<<8|IPCTNL_MSG_", "")
    return t.replace("NLMSG_", "")


def events(path):
    """(call, fd, type, flags, seq, error) of each netlink send or read,
    the first message of each read only."""
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            m = CALL.match(line)
            if not m:
                continue
            h = HEAD.search(m.group(3))
            if not h:
                continue
            err = None
            if h.group(1) == "NLMSG_ERROR":
                e = ERROR.search(m.group(3), h.end())
                err = e.group(1) if e else "?"
            out.append((m.group(1), int(m.group(2)), short_type(h.group(1)),
                        h.group(2), int(h.group(3)), err))
    return out


def analyse(path):
    evs = events(path)
    dump_fds = {fd for call, fd, _, flags, _, _ in evs
                if call == "sendto" and "NLM_F_DUMP" in flags}
    rank = {}        # seq -> rank of the first request that carried it
    sent = {}        # fd -> seqs sent on it, in order
    steps, counts = [], {"current": 0, "stale": 0, "foreign": 0}
    for call, fd, typ, flags, seq, err in evs:
        if call == "sendto":
            rank.setdefault(seq, len(rank) + 1)
            sent.setdefault(fd, []).append(seq)
            if fd not in dump_fds:
                acked = "+ACK" if "NLM_F_ACK" in flags else ""
                steps.append("send %s%s req%d" % (typ, acked, rank[seq]))
            continue
        if fd in dump_fds:
            continue
        mine = sent.get(fd, [])
        if mine and seq == mine[-1]:
            kind = "current"
        elif seq in mine:
            kind = "stale"
        else:
            kind = "foreign"
        counts[kind] += 1
        what = typ if err is None else "%s(%s)" % (typ, err)
        of = "req%d" % rank[seq] if seq in rank else "unknown"
        steps.append("read %s of %s: %s" % (what, of, kind))
    return steps, counts


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("steps", "verdict"):
        sys.stderr.write(__doc__)
        return 2
    steps, counts = analyse(sys.argv[2])
    if sys.argv[1] == "steps":
        print("\n".join(steps))
    else:
        print("current %d stale %d foreign %d" %
              (counts["current"], counts["stale"], counts["foreign"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
