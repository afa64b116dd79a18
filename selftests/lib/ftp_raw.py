#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A scripted FTP control-connection client for kct's FTP selftests.

    ftp_raw.py HOST PORT STEP...

Connects to the FTP server HOST:PORT with TCP_NODELAY, reads the greeting,
then runs the steps in order and prints what happened, one line each:

  login            USER anonymous, PASS x: expects 230
  cmd:TEXT         sends TEXT + CRLF, prints "reply CODE"
  raw:TEXT         sends TEXT as is (Python escapes: \\r \\n \\x00 ...)
  bytewise:TEXT    sends TEXT one byte per segment, 20 ms apart
  reply            reads one reply, prints "reply CODE"
  pasv             PASV: prints "pasv PORT", the port of the 227 reply
  epsv             EPSV: prints "epsv PORT", the port of the 229 reply
  connect          connects to the server's address at the port of the
                   last pasv/epsv, reads to the end, prints "data N bytes"
  listen:PORT      listens on PORT (the connection's address family)
  accept           accepts one data connection, reads it to the end,
                   prints "data N bytes"
  mark:FILE        creates FILE (tells the shell a point was reached)
  wait:FILE        waits (up to 120 s, times KCT_PATIENCE) until FILE exists
  sleep:SECS
  rst              closes the connection with a reset
  gap:N:TEXT       forges a segment of this connection carrying TEXT, N
                   bytes after the next byte this end will send (a gap
                   the server's TCP buffers and never delivers); IPv4
  icmp:TEXT        forges an ICMP port unreachable to the server quoting
                   a server->client segment of this connection whose
                   quoted bytes end in TEXT; the quoted IP header's id
                   and the ICMP's unused word are what a parser taking
                   the ICMP header for a TCP header would read as data
                   offset (20) and sequence number (the next byte this
                   end sends, plus 1000); IPv4
  quit             QUIT, then close

Any failure prints "error: ..." and exits 1.
"""
import os
import re
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pkt  # noqa: E402  (checksums, hand-made segments)

# Waits are this many times longer on a slow (debug) kernel.
PATIENCE = int(os.environ.get("KCT_PATIENCE", "1"))

ETH_P_ALL = 0x0003  # outgoing packets reach only taps of every protocol
ETH_P_IP = 0x0800


def unescape(text):
    return text.encode().decode("unicode_escape").encode("latin-1")


class Control:
    def __init__(self, host, port):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.family = fam
        self.sock = socket.socket(fam, socket.SOCK_STREAM)
        self.sock.settimeout(60 * PATIENCE)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # What this end sends, to forge segments that fit (gap:, icmp:).
        self.cap = None
        if fam == socket.AF_INET:
            self.cap = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                                     socket.htons(ETH_P_ALL))
        self.sent = None
        self.sock.connect((host, port))
        self.buf = b""
        self.listener = None
        self.host = host
        self.last = ""
        self.data_port = None

    def line(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(4096)
            if not data:
                raise EOFError("server closed the connection")
            self.buf += data
        line, _, self.buf = self.buf.partition(b"\n")
        self.last = line.rstrip(b"\r").decode("latin-1")
        return self.last

    def reply(self):
        first = self.line()
        code = first[:3]
        if len(first) > 3 and first[3] == "-":
            while True:
                nxt = self.line()
                if nxt[:3] == code and nxt[3:4] == " ":
                    break
        return code

    def send(self, data):
        self.sock.sendall(data)

    def next_sent(self):
        """(next sequence number, ack, window) of this end, as sent last."""
        lport = self.sock.getsockname()[1]
        rport = self.sock.getpeername()[1]
        while True:
            try:
                p, addr = self.cap.recvfrom(65535, socket.MSG_DONTWAIT)
            except BlockingIOError:
                break
            if addr[1] != ETH_P_IP or len(p) < 20:
                continue
            ihl = (p[0] & 15) * 4
            if p[9] != socket.IPPROTO_TCP or len(p) < ihl + 20:
                continue
            sp, dp, seq, ack, off, flags, win = struct.unpack(
                "!HHIIBBH", p[ihl:ihl + 16])
            if sp != lport or dp != rport:
                continue
            length = struct.unpack("!H", p[2:4])[0] - ihl - (off >> 4) * 4
            end = (seq + length + (flags & 1) + (flags >> 1 & 1)) & 0xffffffff
            if self.sent is None or (end - self.sent[0]) & 0x80000000 == 0:
                self.sent = (end, ack, win)
        if self.sent is None:
            raise RuntimeError("no segment of this connection captured")
        return self.sent

    def forge_gap(self, offset, text):
        nxt, ack, win = self.next_sent()
        me, peer = self.sock.getsockname(), self.sock.getpeername()
        pkt.send_raw(pkt.tcp_segment(me[0], peer[0], me[1], peer[1],
                                     (nxt + offset) & 0xffffffff, ack,
                                     0x18, win, b"", text), peer[0])

    def forge_icmp(self, text):
        nxt = self.next_sent()[0]
        me, peer = self.sock.getsockname(), self.sock.getpeername()
        tcp = struct.pack("!HHIIBBHHH", peer[1], me[1], 0, 0, 5 << 4, 0x18,
                          1024, 0, 0) + text
        quoted = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(tcp), 0x5000, 0,
                             64, socket.IPPROTO_TCP, 0) + \
            socket.inet_aton(peer[0]) + socket.inet_aton(me[0])
        quoted = quoted[:10] + struct.pack("!H", pkt.csum(quoted)) + \
            quoted[12:] + tcp
        icmp = struct.pack("!BBHI", 3, 3, 0, (nxt + 1000) & 0xffffffff) + quoted
        icmp = icmp[:2] + struct.pack("!H", pkt.csum(icmp)) + icmp[4:]
        ip = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(icmp), 0, 0, 64,
                         socket.IPPROTO_ICMP, 0) + \
            socket.inet_aton(me[0]) + socket.inet_aton(peer[0])
        ip = ip[:10] + struct.pack("!H", pkt.csum(ip)) + ip[12:]
        pkt.send_raw(ip + icmp, peer[0])

    def bytewise(self, data):
        for i in range(len(data)):
            self.sock.send(data[i:i + 1])
            time.sleep(0.02)


def read_all(conn):
    conn.settimeout(60 * PATIENCE)
    total = 0
    while True:
        data = conn.recv(65536)
        if not data:
            break
        total += len(data)
    conn.close()
    return total


def run(ctl, step):
    op, _, arg = step.partition(":")
    if op == "login":
        ctl.send(b"USER anonymous\r\n")
        code = ctl.reply()
        if code == "331":
            ctl.send(b"PASS x\r\n")
            code = ctl.reply()
        if code != "230":
            raise RuntimeError("login failed: " + code)
        print("logged in")
    elif op == "cmd":
        ctl.send(unescape(arg) + b"\r\n")
        print("reply", ctl.reply())
    elif op == "raw":
        ctl.send(unescape(arg))
    elif op == "bytewise":
        ctl.bytewise(unescape(arg))
    elif op == "reply":
        print("reply", ctl.reply())
    elif op == "pasv":
        ctl.send(b"PASV\r\n")
        if ctl.reply() != "227":
            raise RuntimeError("PASV refused: " + ctl.last)
        nums = re.search(r"(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)", ctl.last)
        ctl.data_port = int(nums.group(5)) * 256 + int(nums.group(6))
        print("pasv", ctl.data_port)
    elif op == "epsv":
        ctl.send(b"EPSV\r\n")
        if ctl.reply() != "229":
            raise RuntimeError("EPSV refused: " + ctl.last)
        ctl.data_port = int(re.search(r"\(\|\|\|(\d+)\|\)", ctl.last).group(1))
        print("epsv", ctl.data_port)
    elif op == "connect":
        conn = socket.create_connection((ctl.host, ctl.data_port),
                                        timeout=30 * PATIENCE)
        print("data", read_all(conn), "bytes")
    elif op == "listen":
        ls = socket.socket(ctl.family, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("", int(arg)))
        ls.listen(1)
        ls.settimeout(60 * PATIENCE)
        ctl.listener = ls
    elif op == "accept":
        conn, _ = ctl.listener.accept()
        print("data", read_all(conn), "bytes")
    elif op == "mark":
        open(arg, "w").close()
    elif op == "wait":
        deadline = time.time() + 120 * PATIENCE
        while not os.path.exists(arg):
            if time.time() > deadline:
                raise RuntimeError("timed out waiting for " + arg)
            time.sleep(0.05)
    elif op == "sleep":
        time.sleep(float(arg))
    elif op == "rst":
        ctl.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            struct.pack("ii", 1, 0))
        ctl.sock.close()
        print("reset")
    elif op == "gap":
        offset, _, text = arg.partition(":")
        ctl.forge_gap(int(offset), unescape(text))
        print("forged gap segment")
    elif op == "icmp":
        ctl.forge_icmp(unescape(arg))
        print("forged icmp error")
    elif op == "quit":
        ctl.send(b"QUIT\r\n")
        print("reply", ctl.reply())
        ctl.sock.close()
    else:
        raise RuntimeError("unknown step " + step)
    sys.stdout.flush()


def main():
    try:
        ctl = Control(sys.argv[1], int(sys.argv[2]))
        print("greeting", ctl.reply())
        sys.stdout.flush()
        for step in sys.argv[3:]:
            run(ctl, step)
    except Exception as e:  # report, let the test decide
        print("error:", e)
        sys.stdout.flush()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
