#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""inject.py IFACE HEXFRAME...: send whole Ethernet frames on IFACE (AF_PACKET).

Run inside a namespace with nsenter; used to put forged or replayed
signalling onto the HA's link."""
import socket
import sys

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
for h in sys.argv[2:]:
    s.send(bytes.fromhex(h))
