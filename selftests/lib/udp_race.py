#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Make two packets of one new UDP flow race through a router, for kct's selftests.

    udp_race.py --dst ADDR --port P --flows N [--first-sport S] [--wait SECS]

For each of N flows (source ports S, S+1, ...), two processes pinned to
two CPUs each hold a socket bound to the flow's source port
(SO_REUSEPORT) and connected to ADDR:P, meet at a barrier and send one
datagram at once: the router sees two packets of a flow it has not seen,
each on its own CPU, and may give each a connection.  Then every answer
that comes within SECS is counted; prints "sent X answered Y".
"""
import argparse
import multiprocessing
import os
import select
import socket
import time


def side(cpu, a, barrier, answered):
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError:
        pass
    socks = []
    for i in range(a.flows):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        s.bind(("", a.first_sport + i))
        s.connect((a.dst, a.port))
        socks.append(s)
    for s in socks:
        barrier.wait()
        try:
            s.send(b"q%d" % cpu)
        except OSError:
            pass
    # Either socket of a flow may get both answers: count them together
    # until all came or the wait is over.
    deadline = time.time() + a.wait
    while time.time() < deadline and answered.value < 2 * a.flows:
        ready, _, _ = select.select(socks, [], [], 0.2)
        for s in ready:
            s.recv(100)
            with answered.get_lock():
                answered.value += 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dst", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--flows", type=int, default=200)
    p.add_argument("--first-sport", type=int, default=30000)
    p.add_argument("--wait", type=float, default=5)
    a = p.parse_args()
    barrier = multiprocessing.Barrier(2)
    answered = multiprocessing.Value("i", 0)
    procs = [multiprocessing.Process(target=side, args=(c, a, barrier, answered))
             for c in (0, 1)]
    for pr in procs:
        pr.start()
    for pr in procs:
        pr.join()
    print("sent", 2 * a.flows, "answered", answered.value)


if __name__ == "__main__":
    main()
