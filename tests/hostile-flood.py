#!/usr/bin/env python3
"""hostile-flood.py OUT.pcap KIND: write a hostile capture followed by a
real Stratum session (pcaps/gen/stratum-xmrig.pcap, re-timed to come after
it), for tests/hostile.sh. Kinds:
  synflood   1,000,000 SYNs from distinct source ports/addresses
  ooo        200,000 out-of-order 8-byte segments in one flow, never filled
  noline     a 100 MB stream with no newline to port 3333
  fragments  200,000 first fragments that never complete
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SESSION = os.path.join(HERE, "..", "pcaps", "gen", "stratum-xmrig.pcap")
ETH = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00"


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ipv4(src, dst, proto, payload, ident=1, frag=0x4000):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xffff, frag, 64, proto, 0,
                    bytes(src), bytes(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def tcp(sport, dport, seq, flags, payload=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, 0, 0x50, flags, 65535, 0, 0) + payload


def rec(f, t, frame):
    f.write(struct.pack("<IIII", t // 1000000, t % 1000000, len(frame), len(frame)))
    f.write(frame)


def main():
    out, kind = sys.argv[1], sys.argv[2]
    t = 1700000000 * 1000000
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        dst = [203, 0, 113, 99]
        if kind == "synflood":
            for i in range(1000000):
                src = [10, 200 + (i >> 24 & 3), (i >> 16) & 0xff, (i >> 8) & 0xff]
                rec(f, t, ETH + ipv4(src, dst, 6, tcp(1024 + (i & 0xff) * 200 % 60000, 80, i, 0x02)))
                t += 1
        elif kind == "ooo":
            src = [10, 244, 9, 9]
            rec(f, t, ETH + ipv4(src, dst, 6, tcp(40000, 3333, 999, 0x02)))
            for i in range(200000):
                # every segment leaves a hole before it: nothing is ever in order
                rec(f, t, ETH + ipv4(src, dst, 6, tcp(40000, 3333, 1000 + 16 + i * 16, 0x18, b"A" * 8)))
                t += 1
        elif kind == "noline":
            src = [10, 244, 9, 10]
            rec(f, t, ETH + ipv4(src, dst, 6, tcp(40001, 3333, 999, 0x02)))
            chunk = b"{" + b"x" * 1447
            seq = 1000
            for i in range(100 * 1000 * 1000 // 1448):
                rec(f, t, ETH + ipv4(src, dst, 6, tcp(40001, 3333, seq, 0x18, chunk)))
                seq += len(chunk)
                t += 10
        elif kind == "fragments":
            for i in range(200000):
                src = [10, 244, 10, (i >> 16) & 0xff]
                payload = struct.pack("!HHHH", 5000, 53, 1008, 0) + b"F" * 1000
                rec(f, t, ETH + ipv4(src, dst, 17, payload[:1000], ident=i, frag=0x2000))
                t += 5
        else:
            sys.exit("unknown kind " + kind)
        # the real session, after the flood
        with open(SESSION, "rb") as s:
            s.read(24)
            first = None
            while True:
                h = s.read(16)
                if len(h) < 16:
                    break
                sec, usec, incl, orig = struct.unpack("<IIII", h)
                data = s.read(incl)
                ts = sec * 1000000 + usec
                if first is None:
                    first = ts
                rec(f, t + 1000000 + ts - first, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
