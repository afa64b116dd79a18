#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Many FTP control connections, each inside an unfinished PORT line.

    ftp_fill.py N PORT MARK GO

Listens on 127.0.0.1:PORT, opens N connections to it and sends on each
"PORT 127,0,0,1,1," (a line the FTP helper must keep, waiting for its
end), reads those bytes on the accepting side so that they have passed
the namespace's hooks, creates the file MARK, waits (up to 120 s times
KCT_PATIENCE) until the file GO exists, and closes everything.  Run in a
namespace where a rule assigns the "ftp" helper to TCP port PORT.
"""
import os
import socket
import sys
import time

PATIENCE = int(os.environ.get("KCT_PATIENCE", "1"))
LINE = b"PORT 127,0,0,1,1,"


def main():
    n, port, mark, go = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], \
        sys.argv[4]
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(n)
    ends = []
    for _ in range(n):
        c = socket.create_connection(("127.0.0.1", port), timeout=30)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s, _ = ls.accept()
        s.settimeout(30)
        c.sendall(LINE)
        got = b""
        while len(got) < len(LINE):
            got += s.recv(len(LINE) - len(got))
        ends += [c, s]
    open(mark, "w").close()
    deadline = time.time() + 120 * PATIENCE
    while not os.path.exists(go) and time.time() < deadline:
        time.sleep(0.05)
    for e in ends:
        e.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
