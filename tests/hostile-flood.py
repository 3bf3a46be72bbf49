#!/usr/bin/env python3
"""hostile-flood.py OUT.pcap KIND: write a hostile capture followed by a
real Stratum session (pcaps/gen/stratum-xmrig.pcap, re-timed to come after
it), for tests/hostile.sh. Kinds:
  synflood   1,000,000 SYNs from distinct source ports/addresses
  ooo        1,000,000 out-of-order 8-byte segments in one flow, never filled
  noline     a 100 MB stream with no newline to port 3333
  fragments  200,000 first fragments that never complete
  partial    1,000 flows each leaving a 60 KB Stratum line unfinished
  dnsloop    100,000 DNS responses in 64 flows, most with names that loop:
             a question or answer name whose pointer leads back into it, a
             chain of 100 pointers, CNAME records naming each other
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
            for i in range(1000000):
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
        elif kind == "dnsloop":
            resolver = [192, 0, 2, 53]
            client = [10, 244, 11, 1]
            q = b"\x04pool\x07example\x00"
            an = 12 + len(q) + 4          # where the first answer starts
            a_rr = struct.pack("!HHIH", 1, 1, 60, 4) + bytes(resolver)
            for i in range(100000):
                v = (i // 64) % 5
                hdr = struct.pack("!HHHHHH", i & 0xffff, 0x8180, 1, 1, 0, 0)
                if v == 0:
                    # a well-formed answer, so that each flow is DNS
                    msg = hdr + q + struct.pack("!HH", 1, 1) + b"\xc0\x0c" + a_rr
                elif v == 1:
                    # the question name's label is followed by a pointer to itself
                    msg = hdr + b"\x04pool\xc0\x0c" + struct.pack("!HH", 1, 1) + b"\xc0\x0c" + a_rr
                elif v == 2:
                    # the answer's name: a label, then a pointer back to that label
                    msg = hdr + q + struct.pack("!HH", 1, 1) + b"\x01a" + \
                        struct.pack("!H", 0xc000 | an) + a_rr
                elif v == 3:
                    # a TXT answer whose data is a chain of 100 pointers, each to
                    # the one before (the first to the question), and an A answer
                    # named by the last: 101 jumps
                    hdr = struct.pack("!HHHHHH", i & 0xffff, 0x8180, 1, 2, 0, 0)
                    r = an + 12
                    chain = struct.pack("!H", 0xc00c) + b"".join(
                        struct.pack("!H", 0xc000 | (r + 2 * (k - 1))) for k in range(1, 100))
                    msg = hdr + q + struct.pack("!HH", 1, 1) + b"\xc0\x0c" + \
                        struct.pack("!HHIH", 16, 1, 60, len(chain)) + chain + \
                        struct.pack("!H", 0xc000 | (r + 2 * 99)) + a_rr
                else:
                    # a CNAME b, b CNAME a: a loop of names, each well formed
                    hdr = struct.pack("!HHHHHH", i & 0xffff, 0x8180, 1, 2, 0, 0)
                    b_name = b"\x01b\x07example\x00"
                    msg = hdr + q + struct.pack("!HH", 1, 1) + b"\xc0\x0c" + \
                        struct.pack("!HHIH", 5, 1, 60, len(b_name)) + b_name
                    msg += struct.pack("!H", 0xc000 | (an + 12)) + \
                        struct.pack("!HHIH", 5, 1, 60, 2) + b"\xc0\x0c"
                udp = struct.pack("!HHHH", 53, 10000 + i % 64, 8 + len(msg), 0) + msg
                rec(f, t, ETH + ipv4(resolver, client, 17, udp, ident=i))
                t += 10
        elif kind == "partial":
            # each flow leaves a long Stratum line unfinished, held by the
            # dissector until the flow ends
            line = b'{"id":1,"method":"login","params":{"login":"' + b"x" * 60000
            for i in range(1000):
                src = [10, 245, (i >> 8) & 0xff, i & 0xff]
                rec(f, t, ETH + ipv4(src, dst, 6, tcp(40002, 3333, 999, 0x02)))
                seq = 1000
                for k in range(0, len(line), 1448):
                    rec(f, t, ETH + ipv4(src, dst, 6, tcp(40002, 3333, seq, 0x18, line[k:k + 1448])))
                    seq += len(line[k:k + 1448])
                    t += 1
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
