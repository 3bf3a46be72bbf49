#!/usr/bin/env python3
"""make-mixed.py: build the benchmark's large mixed capture.

Concatenates the Ethernet, classic-pcap benign captures of pcaps/ndpi-benign
COPIES times; copy k has every IPv4 address rewritten (second octet += k,
third octet += k / 256) so each copy's flows are distinct flows, and
timestamps shifted so the file is in time order. One copy is about 700
flows and 9,600 packets (5.4 MB): the default 500 copies make the
"hundreds of thousands of flows" issue #8 asks for (348,000 flows as
stratumwatch counts them, 4.8 M packets, 2.7 GB). Past 256 copies an address
of copy k can equal one of copy k + 256 (192.168.121.10 and 192.168.120.10
+ 1 in the third octet); the copies are hours apart in packet time, long
after every flow of the earlier one has expired, so no flow is merged.
Checksums are not fixed (no analyser under test checks them).

usage: make-mixed.py OUT.pcap [COPIES]   (default 500)
"""
import glob
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "pcaps", "ndpi-benign")


def packets(path):
    with open(path, "rb") as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            return None
        magic = struct.unpack("<I", hdr[:4])[0]
        if magic == 0xa1b2c3d4:
            endian = "<"
        elif magic == 0xd4c3b2a1:
            endian = ">"
        else:
            return None  # pcapng or nanosecond: skipped
        if struct.unpack(endian + "I", hdr[20:24])[0] != 1:
            return None  # Ethernet only, so addresses sit at known offsets
        out = []
        while True:
            ph = f.read(16)
            if len(ph) < 16:
                break
            sec, usec, incl, orig = struct.unpack(endian + "IIII", ph)
            data = f.read(incl)
            if len(data) < incl:
                break
            out.append((sec * 1000000 + usec, data, orig))
        return out


def rewrite(data, k):
    # Ethernet, optional one 802.1Q tag, IPv4: bump the second octet (and
    # the third past 256 copies).
    off = 14
    if len(data) >= 18 and data[12:14] == b"\x81\x00":
        off = 18
    et = data[off - 2:off]
    if et != b"\x08\x00" or len(data) < off + 20:
        return data
    b = bytearray(data)
    for a in (off + 12, off + 16):
        b[a + 1] = (b[a + 1] + k) & 0xff
        b[a + 2] = (b[a + 2] + (k >> 8)) & 0xff
    return bytes(b)


def main():
    out = sys.argv[1]
    copies = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    files = []
    for p in sorted(glob.glob(os.path.join(SRC, "*.pcap"))):
        pk = packets(p)
        if pk:
            files.append(pk)
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        t = 1700000000 * 1000000
        for k in range(copies):
            for pk in files:
                base = pk[0][0]
                for ts, data, orig in pk:
                    # a few captures span years: keep at most an hour of each
                    tt = t + min(max(0, ts - base), 3600 * 1000000)
                    d = rewrite(data, k)
                    f.write(struct.pack("<IIII", tt // 1000000, tt % 1000000, len(d), orig))
                    f.write(d)
                t = tt + 1000
    return 0


if __name__ == "__main__":
    sys.exit(main())
