# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""A bulk TCP transfer whose bytes are checked end to end.

Run with `/usr/bin/python3 -c SERVER ADDR` (prints "ready", then
"<octets> <sha256>" once the peer closes) and `/usr/bin/python3 -c CLIENT
SRC DST OCTETS` in whichever namespaces the test has built. expected(n) is
what SERVER prints when all n octets of CLIENT's pattern arrived intact.
"""
import hashlib

PORT = 5001

SERVER = r"""
import hashlib, socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5001)); s.listen(1); s.settimeout(60)
print("ready", flush=True)
c, _ = s.accept(); c.settimeout(20); h = hashlib.sha256(); n = 0
while True:
    b = c.recv(1 << 16)
    if not b: break
    h.update(b); n += len(b)
print(n, h.hexdigest(), flush=True)
"""

CLIENT = r"""
import socket, sys
n = int(sys.argv[3]); blk = bytes(range(256)) * 256
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.bind((sys.argv[1], 0)); s.settimeout(20); s.connect((sys.argv[2], 5001))
sent = 0
while sent < n:
    k = min(len(blk), n - sent); s.sendall(blk[:k]); sent += k
s.shutdown(socket.SHUT_WR); s.recv(1); s.close()
"""


def expected(n):
    blk = bytes(range(256)) * 256
    h = hashlib.sha256()
    sent = 0
    while sent < n:
        k = min(len(blk), n - sent)
        h.update(blk[:k])
        sent += k
    return "%d %s" % (n, h.hexdigest())
