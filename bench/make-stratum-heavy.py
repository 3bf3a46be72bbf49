#!/usr/bin/env python3
"""make-stratum-heavy.py: build the benchmark's large Stratum-heavy capture.

One "copy" is every Stratum dialect tools/gen-pcaps.py knows (the scenarios
in MINING below: XMRig/CryptoNote, Stratum V1 BTC, EthereumStratum 1 and 2,
eth-proxy, KawPow, Zcash, NiceHash XMR, Stratum V2, getwork over HTTP, and
Stratum behind SOCKS5, HTTP CONNECT, WebSocket and TLS with pool SNI), the
DNS lookups of pool names those scenarios make, and background traffic:
the non-mining JSON protocols (Ethereum node RPC, LSP, chat, Elasticsearch)
plus, made here with gen-pcaps' builders, DNS lookups of ordinary names and
plain HTTP requests. COPIES copies are laid over each other STEP_MS apart,
so thousands of sessions are open at once; copy k has each 10.0.0.0/8
address (the clients and the cluster DNS server) moved to its own block of
10.0.0.0/8, so every copy's flows are distinct flows, while pool addresses
(and so the pools' DNS answers) stay as they are. Checksums of rewritten
packets are not fixed (no analyser under test checks them).

The scenarios are taken from tools/gen-pcaps.py by importing it: the
sessions are exactly those the golden tests check.

usage: make-stratum-heavy.py OUT.pcap [COPIES [STEP_MS]]
  defaults: 1500 copies (21,000 Stratum sessions, 1.3 M packets),
  25 ms apart
"""
import heapq
import importlib.util
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "..", "tools", "gen-pcaps.py")

# Ethernet IPv4 scenarios with Stratum sessions, one or more per dialect
MINING = [
    "stratum-xmrig.pcap", "stratum-v1-btc.pcap", "stratum-es1.pcap",
    "stratum-es2.pcap", "stratum-ethproxy.pcap", "stratum-kawpow.pcap",
    "stratum-zcash.pcap", "stratum-nicehash-xmr.pcap", "stratum-v2.pcap",
    "getwork-http.pcap", "stratum-crlf-mixed.pcap", "pool-socks5-stratum.pcap",
    "pool-http-connect-stratum.pcap", "pool-websocket-stratum.pcap",
    "pool-tls-sni.pcap", "pool-dns-cname-tls-nosni.pcap",
]
# JSON over TCP that is not Stratum
BACKGROUND = [
    "jsonrpc-eth-node.pcap", "lsp.pcap", "chat-login.pcap",
    "elasticsearch-json.pcap",
]
BENIGN_NAMES = ["www.example.com", "api.github.com", "deb.debian.org",
                "registry.k8s.io", "time.cloudflare.com", "login.example.org"]


def load_gen():
    spec = importlib.util.spec_from_file_location("gen_pcaps", GEN)
    g = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(g)
    return g


def background(g):
    """DNS lookups of ordinary names and plain HTTP GETs, from two pods."""
    cap = g.Capture(1)
    link = g.EthLink()
    dns = ("10.96.0.10", 53)
    for i, name in enumerate(BENIGN_NAMES):
        cli = ("10.244.9.%d" % (20 + i % 2), 40000 + i)
        addr = "192.0.2.%d" % (10 + i)
        g.udp_exchange(cap, link, cli, dns, i * 150 * g.MS,
                       g.dns_query(0x4000 + i, name, 1),
                       g.dns_answer(0x4000 + i, name, 1, [addr]), ipid=0x3000 + i)
        if i % 2 == 0:
            c = g.TcpConv((cli[0], 41000 + i), (addr, 80), 0x51000001 + i, 0x61000001 + i,
                          t0=i * 150 * g.MS + 10 * g.MS, rtt=15 * g.MS)
            c.handshake()
            c.msg(True, g.http_req("GET", "/index.html", name, None,
                                   ("User-Agent: curl/7.88.1", "Accept: */*")))
            c.msg(False, g.http_resp(b"<html>" + b"x" * 900 + b"</html>", ctype="text/html"))
            c.close(gap=200 * g.MS)
            c.finish().render(link, cap)
    return cap


def addr_fields(frame):
    """Offsets of the IPv4 source and destination addresses in 10.0.0.0/8 of
    an Ethernet frame (optionally 802.1Q tagged), or None if not IPv4."""
    off = 14
    if frame[12:14] == b"\x81\x00":
        off = 18
    if frame[off - 2:off] != b"\x08\x00" or len(frame) < off + 20:
        return None
    return [a for a in (off + 12, off + 16) if frame[a] == 10]


def base_packets(g):
    """[(t_us, frame, [(offset, index of the original address)])] of one
    copy, in time order, and the number of distinct 10/8 addresses."""
    scen = dict(g.SCENARIOS)
    items, addrs = [], {}
    caps = []
    for name in MINING + BACKGROUND:
        if name not in scen:
            sys.exit("make-stratum-heavy: gen-pcaps.py has no scenario " + name)
        cap, fmt = scen[name]()
        if fmt != "pcap" or cap.linktype != 1:
            sys.exit("make-stratum-heavy: %s is not an Ethernet pcap" % name)
        caps.append(cap)
    caps.append(background(g))
    for cap in caps:
        for t, _, frame in cap.sorted_items():
            fields = addr_fields(frame)
            if fields is None:
                sys.exit("make-stratum-heavy: a frame that is not Ethernet IPv4")
            patch = []
            for a in fields:
                key = bytes(frame[a + 1:a + 4])
                patch.append((a, addrs.setdefault(key, len(addrs))))
            items.append((t, frame, patch))
    items.sort(key=lambda x: x[0])
    return items, len(addrs)


def copy_stream(items, k, naddr, t0):
    """Copy k: shifted by t0, each 10/8 address i moved to 10.0.0.0 + k *
    naddr + i + 1 (distinct for every copy while that fits in /8)."""
    for t, frame, patch in items:
        if patch:
            b = bytearray(frame)
            for a, i in patch:
                v = k * naddr + i + 1
                b[a + 1:a + 4] = bytes(((v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff))
            frame = bytes(b)
        yield (t0 + t, k, frame)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    copies = int(sys.argv[2]) if len(sys.argv) > 2 else 1500
    step = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    g = load_gen()
    items, naddr = base_packets(g)
    if copies * naddr + naddr >= 1 << 24:
        sys.exit("make-stratum-heavy: too many copies for 10.0.0.0/8")
    streams = [copy_stream(items, k, naddr, k * step * g.MS) for k in range(copies)]
    n = 0
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for t, _, frame in heapq.merge(*streams):
            ts = g.BASE_US + t
            f.write(struct.pack("<IIII", ts // g.SEC, ts % g.SEC, len(frame), len(frame)))
            f.write(frame)
            n += 1
    print("%s: %d packets, %d copies of %d packets" % (out, n, copies, len(items)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
