#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""One long TCP stream for the handover tests.

  tcpstream.py server ADDR PORT       accept one connection, count bytes,
                                      print "bytes=N t=SECONDS" every 0.2 s
  tcpstream.py client ADDR PORT KBPS  send at about KBPS kbit/s until killed

Either side prints "error=WHAT" and exits 1 if the connection is reset or
closed under it, so a test can tell "slow during a move" from "broken".
"""
import errno
import socket
import sys
import time


def server(addr, port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(1)
    print("listening", flush=True)
    c, peer = s.accept()
    print("accepted %s" % peer[0], flush=True)
    c.settimeout(0.2)
    total, t0, last = 0, time.time(), 0.0
    while True:
        try:
            data = c.recv(65536)
            if not data:
                print("bytes=%d t=%.1f" % (total, time.time() - t0), flush=True)
                print("error=closed by peer", flush=True)
                return 1
            total += len(data)
        except socket.timeout:
            pass
        except OSError as e:
            print("bytes=%d t=%.1f" % (total, time.time() - t0), flush=True)
            print("error=%s" % errno.errorcode.get(e.errno, str(e)), flush=True)
            return 1
        now = time.time()
        if now - last >= 0.2:
            print("bytes=%d t=%.1f" % (total, now - t0), flush=True)
            last = now


def client(addr, port, kbps):
    s = socket.create_connection((addr, port), timeout=10)
    s.settimeout(None)
    print("connected", flush=True)
    chunk = b"x" * 8192
    per_sec = max(1, kbps * 1000 // 8)
    sent, t0 = 0, time.time()
    while True:
        try:
            sent += s.send(chunk)
        except OSError as e:
            print("error=%s" % errno.errorcode.get(e.errno, str(e)), flush=True)
            return 1
        ahead = sent / per_sec - (time.time() - t0)
        if ahead > 0:
            time.sleep(ahead)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "server":
        sys.exit(server(sys.argv[2], int(sys.argv[3])))
    if len(sys.argv) == 5 and sys.argv[1] == "client":
        sys.exit(client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
    sys.exit(__doc__)
