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
  wait:FILE        waits (up to 120 s) until FILE exists
  sleep:SECS
  rst              closes the connection with a reset
  quit             QUIT, then close

Any failure prints "error: ..." and exits 1.
"""
import os
import re
import socket
import struct
import sys
import time


def unescape(text):
    return text.encode().decode("unicode_escape").encode("latin-1")


class Control:
    def __init__(self, host, port):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.family = fam
        self.sock = socket.socket(fam, socket.SOCK_STREAM)
        self.sock.settimeout(60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
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

    def bytewise(self, data):
        for i in range(len(data)):
            self.sock.send(data[i:i + 1])
            time.sleep(0.02)


def read_all(conn):
    conn.settimeout(60)
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
        conn = socket.create_connection((ctl.host, ctl.data_port), timeout=30)
        print("data", read_all(conn), "bytes")
    elif op == "listen":
        ls = socket.socket(ctl.family, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("", int(arg)))
        ls.listen(1)
        ls.settimeout(60)
        ctl.listener = ls
    elif op == "accept":
        conn, _ = ctl.listener.accept()
        print("data", read_all(conn), "bytes")
    elif op == "mark":
        open(arg, "w").close()
    elif op == "wait":
        deadline = time.time() + 120
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
