#!/usr/bin/python3
"""fake-dns.py: a DNS responder for recordings and tests.

Every A question is answered with ADDR (TTL 300); any other question gets
an empty NOERROR answer (a resolver asking AAAA too is not kept waiting).
UDP only, one question per message, standard library only. It stops by
itself after --max-seconds, so a forgotten process cannot run forever.

    fake-dns.py ADDR [--bind ADDR] [--port 53] [--max-seconds 90]

Every question is logged on stderr.
"""

import argparse
import socket
import struct
import sys
import time


def answer(query, addr):
    """The response to query (bytes), or None when it is not a query with
    one question."""
    if len(query) < 17 or query[2] & 0x80 or struct.unpack(">H", query[4:6])[0] != 1:
        return None
    try:
        qend = query.index(b"\0", 12) + 5
    except ValueError:
        return None
    if qend > len(query):
        return None
    qtype = struct.unpack(">H", query[qend - 4:qend - 2])[0]
    ancount = 1 if qtype == 1 else 0
    # id, flags: response, recursion desired and available; one question
    hdr = query[:2] + b"\x81\x80" + struct.pack(">HHHH", 1, ancount, 0, 0)
    ans = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04" + addr if ancount else b""
    return hdr + query[12:qend] + ans


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("addr", help="the address every A question gets")
    ap.add_argument("--bind", default=None, help="address to listen on (default: ADDR)")
    ap.add_argument("--port", type=int, default=53)
    ap.add_argument("--max-seconds", type=float, default=90.0)
    opts = ap.parse_args()
    addr = socket.inet_aton(opts.addr)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((opts.bind or opts.addr, opts.port))
    s.settimeout(1.0)
    end = time.time() + opts.max_seconds
    while time.time() < end:
        try:
            q, peer = s.recvfrom(512)
        except socket.timeout:
            continue
        r = answer(q, addr)
        if r is None:
            continue
        name = q[12:q.index(b"\0", 12)]
        sys.stderr.write("%s asked %r\n" % (peer[0], name))
        sys.stderr.flush()
        s.sendto(r, peer)


if __name__ == "__main__":
    main()
