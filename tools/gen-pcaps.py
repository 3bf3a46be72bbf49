#!/usr/bin/python3
"""gen-pcaps.py: deterministic synthetic captures for the stratumwatch tests.

Message shapes follow /work/shared/reference/stratum.md (sections 3-8); the
capture formats are classic libpcap (tcpdump.org/manpages/pcap-savefile.5)
and pcapng (IETF draft-ietf-opsawg-pcapng: SHB, IDB, EPB).

    python3 tools/gen-pcaps.py OUTDIR          write every capture into OUTDIR
    python3 tools/gen-pcaps.py --check OUTDIR  regenerate into a temporary
                                               directory and compare byte for
                                               byte (exit 1 on any difference)
    python3 tools/gen-pcaps.py --list          print the capture names

Everything is deterministic: fixed clock (2024-01-01T00:00:00Z plus fixed
steps), fixed ISNs, MACs, IP IDs, and "random" bytes drawn from SHA-256 of a
fixed label. Standard library only (no scapy), so the test suite can run it.
Addresses: clients 10.244.0.0/16 (a pod range), pools 198.51.100.0/24 and
203.0.113.0/24 (TEST-NET-2/3), IPv6 2001:db8::/32.
"""

import base64
import filecmp
import hashlib
import ipaddress
import json
import os
import shutil
import struct
import sys
import tempfile

# ---------------------------------------------------------------------------
# Deterministic helpers

BASE_US = 1704067200 * 1000000     # 2024-01-01T00:00:00Z in microseconds
MS = 1000                          # one millisecond in microseconds
SEC = 1000000


def prand(label, n):
    """n pseudo-random bytes that depend only on label (SHA-256 counter mode)."""
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b"%s/%d" % (label.encode(), i)).digest()
        i += 1
    return bytes(out[:n])


def phex(label, nbytes):
    return prand(label, nbytes).hex()


def prand_int(label, below):
    return int.from_bytes(prand(label, 16), "big") % below


def J(obj):
    """Compact JSON line (what XMRig and most pools write) with the LF."""
    return (json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n").encode()


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58check(payload):
    """Bitcoin-style Base58Check (double SHA-256 checksum)."""
    raw = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    n = int.from_bytes(raw, "big")
    s = ""
    while n:
        n, r = divmod(n, 58)
        s = B58[r] + s
    pad = len(raw) - len(raw.lstrip(b"\0"))
    return "1" * pad + s


# Section 8.1 of reference/stratum.md: checksum-valid Monero addresses.
XMR_DOC = ("48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJ"
           "Mk1j8nLwEVsaSWJ4fhdUyZijBGUicoD")
XMR_STD = ("41fKjWJQySv2LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECs"
           "tJ94XRDHZYFLSAQSTAftscna8JuzEJT")
XMR_SUB = ("82VU4sxFZsL2LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECs"
           "tJ94XRDHZYFLSAQSTAftscna8Fo6y6t")
XMR_INT = ("4BMzkK7uaiS2LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECs"
           "tJ94XRDHZYFLSAQSTAftscnaBhvYwF8HHg8TyW1b8c")
XMR_STAGE = ("51sMpMDNd422LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECs"
             "tJ94XRDHZYFLSAQSTAftscna8JjsPTq")
XMR_TEST = ("9sCsDkxgFp22LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECs"
            "tJ94XRDHZYFLSAQSTAftscna8H1KgRm")
# Base58Check addresses built here: Ravencoin P2PKH (version 60, "R...") and
# Zcash transparent P2PKH (version 0x1cb8, "t1..."); hash160 is synthetic.
RVN_ADDR = base58check(bytes([60]) + prand("rvn-hash160", 20))
ZEC_ADDR = base58check(bytes([0x1c, 0xb8]) + prand("zec-hash160", 20))
ETH_ADDR = "0x" + phex("eth-address", 20)

XMRIG_AGENT = "XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0"
XMRIG_ALGOS = ["rx/0", "cn/r", "rx/wow", "argon2/chukwav2"]

# ---------------------------------------------------------------------------
# Checksums and L3/L4 headers

TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK = 0x01, 0x02, 0x04, 0x08, 0x10
IPPROTO_TCP, IPPROTO_UDP = 6, 17


def inet_csum(data):
    """RFC 1071 Internet checksum."""
    if len(data) & 1:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip_bytes(addr):
    return ipaddress.ip_address(addr).packed


def ip_version(addr):
    return ipaddress.ip_address(addr).version


def pseudo_header(src, dst, proto, length):
    s, d = ip_bytes(src), ip_bytes(dst)
    if len(s) == 4:
        return s + d + struct.pack("!BBH", 0, proto, length)
    return s + d + struct.pack("!IxxxB", length, proto)


def tcp_build(src, dst, sport, dport, seq, ack, flags, payload, win, options=b""):
    """A TCP segment (header + payload) with a correct checksum."""
    assert len(options) % 4 == 0
    doff = (20 + len(options)) // 4
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF,
                      ack & 0xFFFFFFFF, doff << 4, flags, win, 0, 0) + options
    c = inet_csum(pseudo_header(src, dst, IPPROTO_TCP, len(hdr) + len(payload)) + hdr + payload)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload


def udp_build(src, dst, sport, dport, payload):
    length = 8 + len(payload)
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    c = inet_csum(pseudo_header(src, dst, IPPROTO_UDP, length) + hdr + payload)
    if c == 0:
        c = 0xFFFF              # RFC 768: 0 means "no checksum"
    return hdr[:6] + struct.pack("!H", c) + payload


def ipv4_build(src, dst, proto, payload, ident, ttl=64, df=True, mf=False, frag_off=0):
    """IPv4 header (no options) + payload; frag_off in bytes (multiple of 8)."""
    assert frag_off % 8 == 0
    flags = (0x4000 if df else 0) | (0x2000 if mf else 0) | (frag_off >> 3)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xFFFF,
                      flags, ttl, proto, 0, ip_bytes(src), ip_bytes(dst))
    return hdr[:10] + struct.pack("!H", inet_csum(hdr)) + hdr[12:] + payload


def ipv4_fragments(src, dst, proto, l4, ident, sizes, ttl=64):
    """Split one L4 datagram into IPv4 fragments; sizes = payload bytes per
    fragment except the last (each a multiple of 8)."""
    out, off = [], 0
    for sz in sizes:
        assert sz % 8 == 0
        out.append(ipv4_build(src, dst, proto, l4[off:off + sz], ident, ttl,
                              df=False, mf=True, frag_off=off))
        off += sz
    out.append(ipv4_build(src, dst, proto, l4[off:], ident, ttl, df=False, mf=False,
                          frag_off=off))
    return out


def ipv6_build(src, dst, nh, payload, hlim=64, flow=0):
    return struct.pack("!IHBB16s16s", 0x60000000 | flow, len(payload), nh, hlim,
                       ip_bytes(src), ip_bytes(dst)) + payload


def ip_build(src, dst, proto, l4, ident, ttl=64):
    if ip_version(src) == 4:
        return ipv4_build(src, dst, proto, l4, ident, ttl)
    return ipv6_build(src, dst, proto, l4, ttl)

# ---------------------------------------------------------------------------
# Link layers. frame(from_client, ip_packet) -> bytes of one captured frame.


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


CLI_MAC = mac("02:42:0a:f4:01:0a")     # locally administered (container veth style)
GW_MAC = mac("02:00:5e:00:fe:01")


def ethertype_of(ip_pkt):
    return 0x0800 if ip_pkt[0] >> 4 == 4 else 0x86DD


class EthLink:
    """Ethernet II, optionally 802.1Q / QinQ tagged: vlans = [(tpid, vid)],
    outermost first. Frames the capture host receives are padded to the
    60-byte minimum (as a NIC delivers them); frames it sends are not."""
    linktype = 1

    def __init__(self, cmac=CLI_MAC, smac=GW_MAC, vlans=()):
        self.cmac, self.smac, self.vlans = cmac, smac, vlans

    def frame(self, from_client, ip_pkt):
        dst, src = (self.smac, self.cmac) if from_client else (self.cmac, self.smac)
        tags = b"".join(struct.pack("!HH", tpid, vid) for tpid, vid in self.vlans)
        f = dst + src + tags + struct.pack("!H", ethertype_of(ip_pkt)) + ip_pkt
        if not from_client and len(f) < 60:
            f += b"\0" * (60 - len(f))
        return f


class SllLink:
    """LINUX_SLL (linktype 113): 16-byte cooked header."""
    linktype = 113

    def __init__(self, cmac=CLI_MAC, smac=GW_MAC):
        self.cmac, self.smac = cmac, smac

    def frame(self, from_client, ip_pkt):
        pkttype = 4 if from_client else 0          # OUTGOING / HOST
        addr = self.cmac if from_client else self.smac
        return struct.pack("!HHH8sH", pkttype, 1, 6, addr, ethertype_of(ip_pkt)) + ip_pkt


class Sll2Link:
    """LINUX_SLL2 (linktype 276): 20-byte cooked header with ifindex."""
    linktype = 276

    def __init__(self, ifindex=7, cmac=CLI_MAC, smac=GW_MAC):
        self.ifindex, self.cmac, self.smac = ifindex, cmac, smac

    def frame(self, from_client, ip_pkt):
        pkttype = 4 if from_client else 0
        addr = self.cmac if from_client else self.smac
        return struct.pack("!HHIHBB8s", ethertype_of(ip_pkt), 0, self.ifindex, 1,
                           pkttype, 6, addr) + ip_pkt


class RawLink:
    """LINKTYPE_RAW (101): the frame is the IP packet."""
    linktype = 101

    def frame(self, from_client, ip_pkt):
        return ip_pkt


class NullLink:
    """BSD loopback (linktype 0): 4-byte address family in the writer's byte
    order; our files are little-endian, AF_INET = 2."""
    linktype = 0

    def frame(self, from_client, ip_pkt):
        assert ip_pkt[0] >> 4 == 4
        return struct.pack("<I", 2) + ip_pkt

# ---------------------------------------------------------------------------
# TCP conversation model


class Pkt:
    """One TCP segment before rendering. tag = (message index, segment index)
    for data segments, None for control/ACK segments."""
    __slots__ = ("t", "cli", "seq", "ack", "flags", "data", "opts", "tag", "ipid", "frag")

    def __init__(self, t, cli, seq, ack, flags, data, opts, tag, ipid):
        self.t, self.cli, self.seq, self.ack, self.flags = t, cli, seq, ack, flags
        self.data, self.opts, self.tag, self.ipid = data, opts, tag, ipid
        self.frag = None        # (sizes, order) to send as IPv4 fragments


class TcpConv:
    """Emits a realistic packet sequence for one TCP connection.

    cli, srv: (ip, port). Times are microseconds relative to the capture
    start. The capture point is the client's node, so an ACK from the
    server arrives one RTT after the data it acknowledges.
    msg(from_cli, data, ...) appends a message: MSS-based segmentation by
    default, `segs` for custom segment sizes. An ACK from the receiver is
    piggybacked on its reply when the reply follows within 40 ms, otherwise
    a pure ACK is emitted (delayed ACK). Scenario code may then edit .pkts
    (drop, reorder + retime, inject) before rendering."""

    def __init__(self, cli, srv, isn_c, isn_s, t0=0, rtt=20 * MS, mss=1448,
                 tcp_ts=True, win_c=502, win_s=509, ipid_c=0x1a2b, ipid_s=0x4c3d):
        self.cli, self.srv, self.rtt, self.mss, self.tcp_ts = cli, srv, rtt, mss, tcp_ts
        self.nxt = {True: isn_c, False: isn_s}
        self.isn = {True: isn_c, False: isn_s}
        self.win = {True: win_c, False: win_s}      # scaled by 2^7 after the SYN
        self.synwin = {True: 64240, False: 65160}   # SYN windows are never scaled
        self.ipid = {True: ipid_c, False: ipid_s}
        self.tsbase = {True: 0x0a11b000 + (isn_c & 0xFFFF), False: 0x5c000000 + (isn_s & 0xFFFF)}
        self.last_tsval = {True: 0, False: 0}
        self.t = t0
        self.pkts = []
        self.nmsg = 0
        self.pending = None     # (receiver is client?, time of last data)
        self.fin_sent = {True: False, False: False}

    # -- low level ---------------------------------------------------------
    def _opts(self, cli, t, syn=False):
        tsval = (self.tsbase[cli] + t // MS) & 0xFFFFFFFF
        tsecr = self.last_tsval[not cli]
        self.last_tsval[cli] = tsval
        if syn:
            mss = self.mss + (12 if self.tcp_ts else 0)    # option excludes TS
            o = struct.pack("!BBH", 2, 4, mss) + b"\x04\x02"
            if self.tcp_ts:
                o += struct.pack("!BBII", 8, 10, tsval, tsecr if tsecr else 0)
            else:
                o += b"\x01\x01"
            return o + b"\x01\x03\x03\x07"        # NOP, window scale 7
        if not self.tcp_ts:
            return b""
        return b"\x01\x01" + struct.pack("!BBII", 8, 10, tsval, tsecr)

    def emit(self, cli, t, flags, data=b"", tag=None, seq=None, ack=None):
        """Append one segment; advances the sender's sequence number unless an
        explicit seq is given (retransmission or injected data)."""
        syn = bool(flags & TCP_SYN)
        if seq is None:
            seq = self.nxt[cli]
            self.nxt[cli] = (seq + len(data) + (1 if flags & (TCP_SYN | TCP_FIN) else 0)) & 0xFFFFFFFF
        if ack is None:
            ack = self.nxt[not cli] if flags & TCP_ACK else 0
        p = Pkt(t, cli, seq, ack, flags, data, self._opts(cli, t, syn), tag, self.ipid[cli])
        self.ipid[cli] = (self.ipid[cli] + 1) & 0xFFFF
        self.pkts.append(p)
        self.t = max(self.t, t)
        return p

    def _ack_delay(self, receiver_cli):
        return 40 * MS if receiver_cli else self.rtt

    def _flush_ack(self, next_t=None, next_cli=None):
        if self.pending is None:
            return
        rcv, t_end = self.pending
        self.pending = None
        if next_t is not None and next_cli == rcv and next_t - t_end <= 40 * MS:
            return                              # piggybacked on the reply
        at = t_end + self._ack_delay(rcv)
        if next_t is not None and at >= next_t:
            at = (t_end + next_t) // 2
        self.emit(rcv, at, TCP_ACK)

    # -- high level --------------------------------------------------------
    def handshake(self, t=None):
        t = self.t if t is None else t
        self.emit(True, t, TCP_SYN)
        self.emit(False, t + self.rtt, TCP_SYN | TCP_ACK)
        self.emit(True, t + self.rtt + 60, TCP_ACK)

    def msg(self, from_cli, data, at=None, gap=None, segs=None, step=10,
            ack_every=2, pause_every=32):
        """Send one application message. at: absolute time; gap: time after
        the previous packet (default 200 us same side, one RTT for a reply)."""
        if isinstance(data, str):
            data = data.encode()
        if at is None:
            if gap is None:
                gap = self.rtt if (self.pending and self.pending[0] == from_cli) else 200
            at = self.t + gap
        self._flush_ack(at, from_cli)
        if segs is None:
            sizes = [min(self.mss, len(data) - o) for o in range(0, len(data), self.mss)]
        elif isinstance(segs, int):
            sizes = [min(segs, len(data) - o) for o in range(0, len(data), segs)]
        else:
            sizes = list(segs)
        assert sum(sizes) == len(data), (sum(sizes), len(data))
        off, t = 0, at
        idx = self.nmsg
        self.nmsg += 1
        for i, sz in enumerate(sizes):
            if i and pause_every and i % pause_every == 0:
                t += self.rtt                   # wait for ACKs (receive window)
            last = i == len(sizes) - 1
            self.emit(from_cli, t, TCP_ACK | (TCP_PSH if last else 0),
                      data[off:off + sz], tag=(idx, i))
            off += sz
            if not last and ack_every and (i + 1) % ack_every == 0:
                self.emit(not from_cli, t + self._ack_delay(not from_cli) // 4, TCP_ACK)
            if not last:
                t += step
        self.pending = (not from_cli, t)
        return idx

    def close(self, by_cli=True, at=None, gap=None, rst=False):
        """FIN/ACK from one side, FIN/ACK back, final ACK (or an RST)."""
        if at is None:
            at = self.t + (gap if gap is not None else 500 * MS)
        self._flush_ack(at, by_cli)
        if rst:
            self.emit(by_cli, at, TCP_RST | TCP_ACK)
            return
        self.emit(by_cli, at, TCP_FIN | TCP_ACK)
        d = self.rtt if by_cli else 200
        self.emit(not by_cli, at + d, TCP_FIN | TCP_ACK)
        self.emit(by_cli, at + d + (60 if by_cli else self.rtt), TCP_ACK)

    def finish(self):
        self._flush_ack()
        self.pkts.sort(key=lambda p: p.t)       # stable: equal times keep order
        return self

    # -- scenario edits ----------------------------------------------------
    def find(self, msg_idx, seg_idx=None):
        return [p for p in self.pkts if p.tag and p.tag[0] == msg_idx
                and (seg_idx is None or p.tag[1] == seg_idx)]

    def drop(self, pkt):
        self.pkts.remove(pkt)

    def retime(self):
        """Keep the current packet order but give timestamps in that order
        (captures show disorder in sequence numbers, never in time)."""
        ts = sorted(p.t for p in self.pkts)
        for p, t in zip(self.pkts, ts):
            p.t = t

    def render(self, link, cap):
        for p in self.pkts:
            src, dst = (self.cli, self.srv) if p.cli else (self.srv, self.cli)
            win = self.synwin[p.cli] if p.flags & TCP_SYN else self.win[p.cli]
            seg = tcp_build(src[0], dst[0], src[1], dst[1], p.seq, p.ack, p.flags,
                            p.data, win, p.opts)
            if p.frag:
                sizes, order = p.frag
                frags = ipv4_fragments(src[0], dst[0], IPPROTO_TCP, seg, p.ipid, sizes)
                for k, i in enumerate(order):
                    cap.add(p.t + k, link.frame(p.cli, frags[i]))
                continue
            cap.add(p.t, link.frame(p.cli, ip_build(src[0], dst[0], IPPROTO_TCP, seg, p.ipid)))

# ---------------------------------------------------------------------------
# UDP (DNS) helpers


def dns_name(name):
    return b"".join(bytes([len(x)]) + x.encode() for x in name.split(".")) + b"\0"


def dns_query(txid, name, qtype):
    return struct.pack("!HHHHHH", txid, 0x0100, 1, 0, 0, 0) + dns_name(name) + struct.pack("!HH", qtype, 1)


def dns_answer(txid, name, qtype, addrs, ttl=300):
    q = dns_name(name) + struct.pack("!HH", qtype, 1)
    ans = b"".join(struct.pack("!HHHIH", 0xC00C, qtype, 1, ttl, len(ip_bytes(a))) + ip_bytes(a)
                   for a in addrs)
    return struct.pack("!HHHHHH", txid, 0x8180, 1, len(addrs), 0, 0) + q + ans


def udp_exchange(cap, link, cli, srv, t, req, resp, rtt=3 * MS, ipid=0x2000):
    cap.add(t, link.frame(True, ip_build(cli[0], srv[0], IPPROTO_UDP,
                                         udp_build(cli[0], srv[0], cli[1], srv[1], req), ipid)))
    cap.add(t + rtt, link.frame(False, ip_build(srv[0], cli[0], IPPROTO_UDP,
                                                udp_build(srv[0], cli[0], srv[1], cli[1], resp),
                                                ipid + 0x100)))

# ---------------------------------------------------------------------------
# Capture writers


class Capture:
    """Frames of one output file: [(time_us, interface, bytes)]."""

    def __init__(self, linktype):
        self.linktype = linktype
        self.items = []

    def add(self, t, frame, iface=0):
        self.items.append((t, iface, frame))

    def sorted_items(self):
        return sorted(self.items, key=lambda x: x[0])   # stable


def pcap_bytes(cap, snaplen=262144):
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, cap.linktype)]
    for t, _, f in cap.sorted_items():
        ts = BASE_US + t
        out.append(struct.pack("<IIII", ts // SEC, ts % SEC, len(f), len(f)) + f)
    return b"".join(out)


def pcapng_option(code, value):
    pad = (-len(value)) % 4
    return struct.pack("<HH", code, len(value)) + value + b"\0" * pad


def pcapng_block(btype, body):
    total = 12 + len(body)
    return struct.pack("<II", btype, total) + body + struct.pack("<I", total)


def pcapng_bytes(cap, ifaces, snaplen=262144):
    """ifaces: [(linktype, name)]; cap items carry the interface index."""
    shb = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
    shb += pcapng_option(4, b"stratumwatch tools/gen-pcaps.py") + pcapng_option(0, b"")
    out = [pcapng_block(0x0A0D0D0A, shb)]
    for lt, name in ifaces:
        body = struct.pack("<HHI", lt, 0, snaplen)
        body += pcapng_option(2, name.encode()) + pcapng_option(9, b"\x06") + pcapng_option(0, b"")
        out.append(pcapng_block(1, body))
    for t, iface, f in cap.sorted_items():
        ts = BASE_US + t
        body = struct.pack("<IIIII", iface, ts >> 32, ts & 0xFFFFFFFF, len(f), len(f))
        body += f + b"\0" * ((-len(f)) % 4)
        out.append(pcapng_block(6, body))
    return b"".join(out)

# ---------------------------------------------------------------------------
# Endpoints and message builders shared by the scenarios

POOL_XMR = "198.51.100.10"
POOL_BTC = "198.51.100.20"
POOL_ETH = "203.0.113.30"
POOL_RVN = "203.0.113.40"
POOL_ZEC = "203.0.113.50"
POOL_SV2 = "203.0.113.60"
POOL_NH = "198.51.100.70"


def xmr_blob(label, nicehash_byte=0):
    """Monero hashing blob, 76 bytes: major/minor 16/16, timestamp varint,
    prev id, 4-byte nonce at offset 39, tree root, tx count (section 3.4)."""
    ts = 1704067200
    v = bytearray()
    while True:
        b = ts & 0x7F
        ts >>= 7
        v.append(b | (0x80 if ts else 0))
        if not ts:
            break
    blob = b"\x10\x10" + bytes(v) + prand(label + "/prev", 32) + b"\0\0\0" + \
        bytes([nicehash_byte]) + prand(label + "/root", 32) + b"\x2d"
    assert len(blob) == 76
    return blob.hex()


XMR_SEED = phex("xmr-seed", 32)


def xmr_job(label, target, height, session, algo="rx/0", nicehash_byte=0):
    return {"blob": xmr_blob(label, nicehash_byte), "job_id": base64.b64encode(
        prand(label + "/jid", 12)).decode(), "target": target, "algo": algo,
        "height": height, "seed_hash": XMR_SEED, "id": session}


def xmr_result(label, t64):
    """A 32-byte PoW hash whose last 8 bytes (LE) are <= t64 (section 3.5)."""
    return (prand(label, 24) + struct.pack("<Q", prand_int(label + "/h", t64))).hex()


def xmr_session_id(label):
    h = phex(label, 16)
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:32])


def xmr_login(wallet, agent=XMRIG_AGENT, rigid=None, pass_="x", algo=XMRIG_ALGOS, rid=1):
    params = {"login": wallet, "pass": pass_, "agent": agent}
    if rigid:
        params["rigid"] = rigid
    if algo:
        params["algo"] = algo
    return J({"id": rid, "jsonrpc": "2.0", "method": "login", "params": params})


def xmr_login_reply(session, job, exts=("algo", "nicehash", "connect", "tls", "keepalive"), rid=1):
    return J({"id": rid, "jsonrpc": "2.0", "error": None, "result": {
        "id": session, "job": job, "extensions": list(exts), "status": "OK"}})


def xmr_job_push(job):
    return J({"jsonrpc": "2.0", "method": "job", "params": job})


def xmr_submit(rid, session, job, label, t64=1844674407370955, algo="rx/0", nonce=None):
    nonce = nonce or phex(label + "/nonce", 4)
    return J({"id": rid, "jsonrpc": "2.0", "method": "submit", "params": {
        "id": session, "job_id": job["job_id"], "nonce": nonce,
        "result": xmr_result(label, t64), "algo": algo}})


def xmr_ok(rid, status="OK"):
    return J({"id": rid, "jsonrpc": "2.0", "error": None, "result": {"status": status}})


def xmr_basic_session(conv, wallet, label, agent=XMRIG_AGENT, njobs=2, nsubmits=3,
                      target="b88d0600", rigid=None, close=True, login_segs=None,
                      t_gap=5 * SEC, handshake=True):
    """Handshake, login, reply, jobs and submits, FIN: the plain CryptoNote
    session several engine tests wrap in different link/IP layers."""
    sess = xmr_session_id(label + "/sess")
    if handshake:
        conv.handshake()
    conv.msg(True, xmr_login(wallet, agent, rigid), segs=login_segs)
    job = xmr_job(label + "/job0", target, 3210987, sess)
    conv.msg(False, xmr_login_reply(sess, job))
    rid = 2
    for k in range(nsubmits):
        if 0 < k < njobs:
            job = xmr_job(label + "/job%d" % k, target, 3210987 + k, sess)
            conv.msg(False, xmr_job_push(job), gap=t_gap)
        conv.msg(True, xmr_submit(rid, sess, job, label + "/sub%d" % k), gap=t_gap)
        conv.msg(False, xmr_ok(rid))
        rid += 1
    if close:
        conv.close(by_cli=True, gap=2 * SEC)
    return conv.finish()

# ---------------------------------------------------------------------------
# Scenarios: each returns (Capture, format) where format is "pcap" or a list
# of pcapng interfaces.

SCENARIOS = []


def scenario(name):
    def deco(fn):
        SCENARIOS.append((name, fn))
        return fn
    return deco


def one_conv_capture(conv, link):
    cap = Capture(link.linktype)
    conv.render(link, cap)
    return cap, "pcap"

# -- engine tests ------------------------------------------------------------


@scenario("xmr-split-every-byte.pcap")
def sc_split_every_byte():
    """Login sent one byte per segment; a job line in 2-byte segments."""
    c = TcpConv(("10.244.1.10", 41001), (POOL_XMR, 3333), 0x1000a001, 0x9000b001)
    sess = xmr_session_id("split/sess")
    c.handshake()
    login = xmr_login(XMR_STD, rigid="split-1")
    c.msg(True, login, segs=[1] * len(login), step=150)
    job0 = xmr_job("split/job0", "b88d0600", 3210987, sess)
    c.msg(False, xmr_login_reply(sess, job0))
    job1 = xmr_job("split/job1", "b88d0600", 3210988, sess)
    line = xmr_job_push(job1)
    c.msg(False, line, gap=3 * SEC, segs=[2] * (len(line) // 2) + [1] * (len(line) % 2), step=50)
    c.msg(True, xmr_submit(2, sess, job1, "split/sub0"), gap=2 * SEC)
    c.msg(False, xmr_ok(2))
    c.close(gap=SEC)
    return one_conv_capture(c.finish(), EthLink())


@scenario("tcp-out-of-order.pcap")
def sc_out_of_order():
    """Login in 4 segments captured 3,1,4,2; the login reply in 3 segments
    captured 2,3,1; a submit in 2 segments captured 2,1."""
    c = TcpConv(("10.244.1.11", 41002), (POOL_XMR, 3333), 0x2000a002, 0xa000b002)
    sess = xmr_session_id("ooo/sess")
    c.handshake()
    login = xmr_login(XMR_STD, rigid="ooo-1")
    q = len(login) // 4
    m_login = c.msg(True, login, segs=[q, q, q, len(login) - 3 * q], ack_every=0)
    job = xmr_job("ooo/job0", "b88d0600", 3210987, sess)
    reply = xmr_login_reply(sess, job)
    r = len(reply) // 3
    m_reply = c.msg(False, reply, segs=[r, r, len(reply) - 2 * r], ack_every=0)
    sub = xmr_submit(2, sess, job, "ooo/sub0")
    m_sub = c.msg(True, sub, gap=4 * SEC, segs=[60, len(sub) - 60], ack_every=0)
    c.msg(False, xmr_ok(2))
    c.msg(True, xmr_submit(3, sess, job, "ooo/sub1"), gap=4 * SEC)
    c.msg(False, xmr_ok(3))
    c.close(gap=SEC)
    c.finish()
    for m, order in ((m_login, [2, 0, 3, 1]), (m_reply, [1, 2, 0]), (m_sub, [1, 0])):
        segs = c.find(m)
        pos = sorted(c.pkts.index(p) for p in segs)
        for i, o in zip(pos, order):
            c.pkts[i] = segs[o]
    c.retime()
    return one_conv_capture(c, EthLink())


@scenario("tcp-retrans-overlap.pcap")
def sc_retrans_overlap():
    """Client login in 3 segments. Retransmissions: an exact copy of segment
    2, then a segment overlapping segments 1-2 whose bytes DIFFER (another
    valid wallet at the same offsets): first-wins keeps XMR_DOC. Also a
    duplicated server reply segment and a retransmitted submit."""
    c = TcpConv(("10.244.1.12", 41003), (POOL_XMR, 3333), 0x3000a003, 0xb000b003)
    sess = xmr_session_id("rtx/sess")
    c.handshake()
    login = xmr_login(XMR_DOC, rigid="rtx-1")
    evil = login.replace(XMR_DOC.encode(), XMR_STD.encode())
    assert len(evil) == len(login)
    base = c.nxt[True]
    c.msg(True, login, segs=[100, 100, len(login) - 200], ack_every=0, step=300)
    job = xmr_job("rtx/job0", "b88d0600", 3210987, sess)
    # Retransmissions are injected between the login and the reply.
    t = c.t
    c.emit(True, t + 200 * MS, TCP_ACK | TCP_PSH, login[100:200], seq=base + 100)
    c.emit(True, t + 210 * MS, TCP_ACK | TCP_PSH, evil[40:160], seq=base + 40)
    c.pending = (False, t + 210 * MS)
    c.msg(False, xmr_login_reply(sess, job))
    reply_pkt = c.pkts[-1]
    c.emit(False, c.t + 300 * MS, reply_pkt.flags, reply_pkt.data, seq=reply_pkt.seq,
           ack=reply_pkt.ack)
    sub = xmr_submit(2, sess, job, "rtx/sub0")
    c.msg(True, sub, gap=4 * SEC)
    sp = c.pkts[-1]
    c.emit(True, c.t + 220 * MS, sp.flags, sp.data, seq=sp.seq)
    c.pending = (False, c.t)
    c.msg(False, xmr_ok(2))
    c.msg(True, xmr_submit(3, sess, job, "rtx/sub1"), gap=4 * SEC)
    c.msg(False, xmr_ok(3))
    c.close(gap=SEC)
    return one_conv_capture(c.finish(), EthLink())


@scenario("tcp-gap.pcap")
def sc_gap():
    """The first of two segments of submit id 3 is missing from the capture;
    the server ACKs past it (and rejects nothing). Submits 4 and 5 after the
    gap must still parse (resync at the next LF)."""
    c = TcpConv(("10.244.1.13", 41004), (POOL_XMR, 3333), 0x4000a004, 0xc000b004)
    sess = xmr_session_id("gap/sess")
    c.handshake()
    c.msg(True, xmr_login(XMR_STD, rigid="gap-1"))
    job = xmr_job("gap/job0", "b88d0600", 3210987, sess)
    c.msg(False, xmr_login_reply(sess, job))
    c.msg(True, xmr_submit(2, sess, job, "gap/sub2"), gap=3 * SEC)
    c.msg(False, xmr_ok(2))
    s3 = xmr_submit(3, sess, job, "gap/sub3")
    m3 = c.msg(True, s3, gap=3 * SEC, segs=[90, len(s3) - 90], ack_every=0)
    c.msg(False, xmr_ok(3))
    for k in (4, 5):
        c.msg(True, xmr_submit(k, sess, job, "gap/sub%d" % k), gap=3 * SEC)
        c.msg(False, xmr_ok(k))
    c.close(gap=SEC)
    c.finish()
    c.drop(c.find(m3, 0)[0])
    return one_conv_capture(c, EthLink())


@scenario("tcp-midstream.pcap")
def sc_midstream():
    """No SYN/SYN-ACK: the capture starts inside an established session with
    the tail of a job line (its head was before the capture), then jobs,
    submits and a keepalived."""
    c = TcpConv(("10.244.1.14", 41005), (POOL_XMR, 3333), 0x5000a005, 0xd000b005)
    sess = xmr_session_id("mid/sess")
    c.nxt[True] += 1 + 4321         # established long ago
    c.nxt[False] += 1 + 98765
    old = xmr_job_push(xmr_job("mid/job-old", "b88d0600", 3210986, sess))
    c.msg(False, old[len(old) // 2:], at=0)
    job = xmr_job("mid/job0", "b88d0600", 3210987, sess)
    c.msg(False, xmr_job_push(job), gap=2 * SEC)
    rid = 17
    for k in range(3):
        c.msg(True, xmr_submit(rid, sess, job, "mid/sub%d" % k), gap=4 * SEC)
        c.msg(False, xmr_ok(rid))
        rid += 1
    c.msg(True, J({"id": rid, "jsonrpc": "2.0", "method": "keepalived", "params": {"id": sess}}),
          gap=SEC)
    c.msg(False, xmr_ok(rid, "KEEPALIVED"))
    job = xmr_job("mid/job1", "b88d0600", 3210988, sess)
    c.msg(False, xmr_job_push(job), gap=3 * SEC)
    c.msg(True, xmr_submit(rid + 1, sess, job, "mid/sub9"), gap=4 * SEC)
    c.msg(False, xmr_ok(rid + 1))
    return one_conv_capture(c.finish(), EthLink())


@scenario("ipv6-stratum.pcap")
def sc_ipv6():
    c = TcpConv(("2001:db8:244:1::15", 41006), ("2001:db8:100::10", 3333),
                0x6000a006, 0xe000b006)
    xmr_basic_session(c, XMR_SUB + ".rig6", "v6", rigid="v6-node")
    cap = Capture(1)
    dns = ("2001:db8:244::a", 53)
    udp_exchange(cap, EthLink(), (c.cli[0], 53001), dns, 0,
                 dns_query(0x6a6a, "pool.supportxmr.com", 28),
                 dns_answer(0x6a6a, "pool.supportxmr.com", 28, ["2001:db8:100::10"]))
    for p in c.pkts:
        p.t += 10 * MS
    c.render(EthLink(), cap)
    return cap, "pcap"


@scenario("ipv4-frag-stratum.pcap")
def sc_frag():
    """The login segment travels in one IPv4 datagram split into 3 fragments,
    captured in the order 0, 2, 1."""
    c = TcpConv(("10.244.1.16", 41007), (POOL_XMR, 3333), 0x7000a007, 0xf000b007)
    sess = xmr_session_id("frag/sess")
    c.handshake()
    m = c.msg(True, xmr_login(XMR_STD + "+50000", rigid="frag-1"))
    job = xmr_job("frag/job0", "b88d0600", 3210987, sess)
    c.msg(False, xmr_login_reply(sess, job))
    c.msg(True, xmr_submit(2, sess, job, "frag/sub0"), gap=3 * SEC)
    c.msg(False, xmr_ok(2))
    c.close(gap=SEC)
    c.finish()
    p = c.find(m)[0]
    l4len = 32 + len(p.data)
    assert l4len > 2 * 120
    p.frag = ([120, 120], [0, 2, 1])
    return one_conv_capture(c, EthLink())


@scenario("vlan-stratum.pcap")
def sc_vlan():
    """Two sessions: one 802.1Q (VLAN 100), one QinQ (S-tag 0x88a8 VLAN 200,
    C-tag 0x8100 VLAN 300)."""
    cap = Capture(1)
    c1 = TcpConv(("10.244.1.17", 41008), (POOL_XMR, 3333), 0x8000a008, 0x1000b008)
    xmr_basic_session(c1, XMR_STAGE, "vlan1", rigid="vlan-100")
    c1.render(EthLink(vlans=[(0x8100, 100)]), cap)
    c2 = TcpConv(("10.244.1.18", 41009), (POOL_XMR, 5555), 0x8100a009, 0x1100b009,
                 t0=500 * MS)
    xmr_basic_session(c2, XMR_TEST, "vlan2", rigid="qinq-200-300")
    c2.render(EthLink(vlans=[(0x88A8, 200), (0x8100, 300)]), cap)
    return cap, "pcap"


@scenario("sll-stratum.pcap")
def sc_sll():
    c = TcpConv(("10.244.1.19", 41010), (POOL_XMR, 3333), 0x9000a010, 0x2000b010)
    return one_conv_capture(xmr_basic_session(c, XMR_STD, "sll", rigid="sll"), SllLink())


@scenario("sll2-stratum.pcap")
def sc_sll2():
    c = TcpConv(("10.244.1.20", 41011), (POOL_XMR, 3333), 0x9100a011, 0x2100b011)
    return one_conv_capture(xmr_basic_session(c, XMR_STD, "sll2", rigid="sll2"), Sll2Link())


@scenario("raw-ip.pcap")
def sc_raw():
    c = TcpConv(("10.244.1.21", 41012), (POOL_XMR, 3333), 0x9200a012, 0x2200b012)
    return one_conv_capture(xmr_basic_session(c, XMR_STD, "raw", rigid="raw"), RawLink())


@scenario("null-loopback.pcap")
def sc_null():
    """A miner talking to a local xmrig-proxy on 127.0.0.1:3333."""
    c = TcpConv(("127.0.0.1", 41013), ("127.0.0.1", 3333), 0x9300a013, 0x2300b013,
                rtt=60, mss=65483)
    return one_conv_capture(xmr_basic_session(c, XMR_STD, "null", rigid="lo"), NullLink())


@scenario("stdin-pcapng.pcapng")
def sc_pcapng():
    c = TcpConv(("10.244.1.22", 41014), (POOL_XMR, 3333), 0x9400a014, 0x2400b014)
    cap, _ = one_conv_capture(xmr_basic_session(c, XMR_STD, "ng", rigid="ng"), EthLink())
    return cap, [(1, "eth0")]


@scenario("bad-mixed-linktypes.pcapng")
def sc_bad_mixed():
    """Interface 0 Ethernet, interface 1 RAW: the analyzer must refuse it."""
    cap = Capture(1)
    c1 = TcpConv(("10.244.1.23", 41015), (POOL_XMR, 3333), 0x9500a015, 0x2500b015)
    xmr_basic_session(c1, XMR_STD, "mixed1", nsubmits=1)
    c1.render(EthLink(), cap)
    c2 = TcpConv(("10.244.1.24", 41016), (POOL_XMR, 3333), 0x9600a016, 0x2600b016,
                 t0=300 * MS)
    xmr_basic_session(c2, XMR_STD, "mixed2", nsubmits=1)
    sub = Capture(101)
    c2.render(RawLink(), sub)
    for t, _, f in sub.items:
        cap.add(t, f, iface=1)
    return cap, [(1, "eth0"), (101, "tun0")]

# -- dialects ------------------------------------------------------------------


@scenario("stratum-xmrig.pcap")
def sc_xmrig():
    """XMRig CryptoNote session (section 3) after a DNS lookup of the pool.
    Target b88d0600 = difficulty 10000. The first job arrives with the login
    reply at T; 36 submits are accepted and the 36th acceptance arrives at
    exactly T + 300 s: 36 x 10000 / 300 = 1200 H/s (section 7.5, example 1)."""
    cap = Capture(1)
    link = EthLink()
    cli_ip = "10.244.2.10"
    udp_exchange(cap, link, (cli_ip, 52011), ("10.96.0.10", 53), 0,
                 dns_query(0x3c01, "pool.supportxmr.com", 1),
                 dns_answer(0x3c01, "pool.supportxmr.com", 1, [POOL_XMR]))
    c = TcpConv((cli_ip, 43210), (POOL_XMR, 3333), 0x11223344, 0x55667788, t0=10 * MS)
    sess = xmr_session_id("xmrig/sess")
    c.handshake()
    c.msg(True, xmr_login(XMR_DOC, rigid="node-3"))
    jobs = [xmr_job("xmrig/job%d" % k, "b88d0600", 3210987 + k, sess) for k in range(5)]
    c.msg(False, xmr_login_reply(sess, jobs[0]))
    T = c.t                          # the first job's packet time
    events = []                      # (time, kind, arg)
    for k in range(1, 5):
        events.append((T + k * 60 * SEC + 123 * MS, "job", jobs[k]))
    for k in range(1, 37):
        reply_t = T + (300 * SEC * k) // 36
        events.append((reply_t - c.rtt, "submit", k))
    events.append((T + 150 * SEC + 500 * MS, "keepalive", None))
    events.sort(key=lambda e: e[0])
    rid, job = 2, jobs[0]
    for t, kind, arg in events:
        if kind == "job":
            job = arg
            c.msg(False, xmr_job_push(job), at=t)
        elif kind == "submit":
            c.msg(True, xmr_submit(rid, sess, job, "xmrig/sub%d" % arg), at=t)
            c.msg(False, xmr_ok(rid), at=t + c.rtt)
            rid += 1
        else:
            c.msg(True, J({"id": rid, "jsonrpc": "2.0", "method": "keepalived",
                           "params": {"id": sess}}), at=t)
            c.msg(False, xmr_ok(rid, "KEEPALIVED"), at=t + c.rtt)
            rid += 1
    assert c.t == T + 300 * SEC
    c.close(gap=SEC)
    c.finish().render(link, cap)
    return cap, "pcap"


@scenario("stratum-v1-btc.pcap")
def sc_v1_btc():
    """Bitcoin Stratum V1 with BIP 310 (section 4): 6 accepted shares and one
    rejected with [23,"Low difficulty share",null]."""
    c = TcpConv(("10.244.2.11", 43211), (POOL_BTC, 3333), 0x21223344, 0x65667788)
    W = "acme.s19-04"
    c.handshake()
    c.msg(True, J({"id": 1, "method": "mining.configure", "params": [
        ["version-rolling", "minimum-difficulty", "subscribe-extranonce"],
        {"version-rolling.mask": "1fffe000", "version-rolling.min-bit-count": 2,
         "minimum-difficulty.value": 2048}]}))
    c.msg(False, J({"id": 1, "result": {"version-rolling": True, "version-rolling.mask": "1fffe000",
                                        "minimum-difficulty": True,
                                        "subscribe-extranonce": False}, "error": None}))
    c.msg(True, J({"id": 2, "method": "mining.subscribe", "params": ["bmminer/2.0.0"]}))
    c.msg(False, J({"id": 2, "result": [[["mining.set_difficulty", "c3d1"], ["mining.notify", "c3d1"]],
                                        "7a3c01ff", 8], "error": None}))
    c.msg(True, J({"id": 3, "method": "mining.authorize", "params": [W, "x"]}))
    c.msg(False, J({"id": 3, "result": True, "error": None}))
    c.msg(False, J({"id": None, "method": "mining.set_difficulty", "params": [65536]}), gap=300)

    def notify(k):
        return J({"id": None, "method": "mining.notify", "params": [
            "%x" % (0x1f4e + k), phex("btc/prev%d" % (k // 2), 32),
            "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff"
            + "4b03" + phex("btc/cb1/%d" % k, 30),
            phex("btc/cb2/%d" % k, 20) + "ffffffff02" + phex("btc/out/%d" % k, 60) + "00000000",
            [phex("btc/mb/%d/%d" % (k, i), 32) for i in range(6)],
            "20000000", "17034219", "%08x" % (1704067200 + 30 * k), k % 2 == 0]})
    c.msg(False, notify(0), gap=100)
    rid = 4
    for k in range(7):
        if k in (2, 5):
            c.msg(False, notify(k), gap=20 * SEC)
        job = "%x" % (0x1f4e + (0 if k < 2 else 2 if k < 5 else 5))
        c.msg(True, J({"id": rid, "method": "mining.submit", "params": [
            W, job, phex("btc/en2/%d" % k, 8), "%08x" % (1704067200 + 30 * k + 7),
            phex("btc/nonce/%d" % k, 4), "%08x" % (0x04d46000 + k * 0x2000)]}), gap=9 * SEC)
        if k == 3:
            c.msg(False, J({"id": rid, "result": None, "error": [23, "Low difficulty share", None]}))
        else:
            c.msg(False, J({"id": rid, "result": True, "error": None}))
        rid += 1
    c.close(gap=SEC)
    return one_conv_capture(c.finish(), EthLink())


@scenario("stratum-es1.pcap")
def sc_es1():
    """EthereumStratum/1.0.0 (section 5.1): difficulty 2.0, 45 accepted shares
    with the last acceptance exactly 900 s after the first notify
    (section 7.5 example 5: 429496729.6 H/s with the 2^32 constant)."""
    c = TcpConv(("10.244.2.12", 43212), (POOL_ETH, 4444), 0x31223344, 0x75667788)
    W = ETH_ADDR + ".rig1"
    c.handshake()
    c.msg(True, J({"id": 1, "method": "mining.subscribe", "params": ["lolMiner/1.88", "EthereumStratum/1.0.0"]}))
    c.msg(False, J({"id": 1, "result": [["mining.notify", "9c4e77a1d0", "EthereumStratum/1.0.0"], "b7e2"],
                    "error": None}))
    c.msg(True, J({"id": 2, "method": "mining.authorize", "params": [W, "x"]}))
    c.msg(False, J({"id": 2, "result": True, "error": None}))
    c.msg(True, J({"id": 3, "method": "mining.extranonce.subscribe", "params": []}))
    c.msg(False, J({"id": None, "method": "mining.set_difficulty", "params": [2.0]}))
    seed = phex("es1/seed", 32)

    def notify(k):
        return J({"id": None, "method": "mining.notify", "params": [
            "a%03x" % k, seed, phex("es1/header%d" % k, 32), True]})
    c.msg(False, notify(0), gap=100)
    T = c.t
    events = [(T + k * 150 * SEC + 77 * MS, "job", k) for k in range(1, 6)]
    events += [(T + (900 * SEC * k) // 45 - c.rtt, "submit", k) for k in range(1, 46)]
    events.sort(key=lambda e: e[0])
    job, rid = 0, 7
    for t, kind, k in events:
        if kind == "job":
            job = k
            c.msg(False, notify(k), at=t)
        else:
            c.msg(True, J({"id": rid, "method": "mining.submit", "params": [
                W, "a%03x" % job, phex("es1/nonce%d" % k, 6)]}), at=t)
            c.msg(False, J({"id": rid, "result": True, "error": None}), at=t + c.rtt)
            rid += 1
    assert c.t == T + 900 * SEC
    c.close(gap=SEC)
    return one_conv_capture(c.finish(), EthLink())


@scenario("stratum-es2.pcap")
def sc_es2():
    """EthereumStratum/2.0.0 draft (section 5.2): hex-string numbers, no
    jsonrpc key, mining.hello / mining.set / "success has no result"."""
    c = TcpConv(("10.244.2.13", 43213), (POOL_ETH, 3932), 0x41223344, 0x85667788)
    W = ETH_ADDR + ".rig1"
    c.handshake()
    c.msg(True, J({"id": 0, "method": "mining.hello", "params": {
        "agent": "ethminer-0.19", "host": "etc.pool.example", "port": "f5c",
        "proto": "EthereumStratum/2.0.0"}}))
    c.msg(False, J({"id": 0, "result": {"proto": "EthereumStratum/2.0.0", "encoding": "plain",
                                        "resume": "1", "timeout": "b4", "maxerrors": "5",
                                        "node": "core-geth/v1.12"}}))
    c.msg(True, J({"id": 1, "method": "mining.subscribe"}))
    c.msg(False, J({"id": 1, "result": "s-4f1a"}))
    c.msg(True, J({"id": 2, "method": "mining.authorize", "params": [W, "x"]}))
    c.msg(False, J({"id": 2, "result": "w-7"}))
    c.msg(False, J({"method": "mining.set", "params": {
        "epoch": "1f4", "target": "112e0be826d694b2e62d01511f12a6061fbaec8bc02357593e70e52ba",
        "algo": "ethash", "extranonce": "b7e2"}}), gap=200)
    rid = 3
    for k in range(4):
        c.msg(False, J({"method": "mining.notify", "params": [
            "a%03x" % (0x20 + k), "%x" % (0x12c4d9f + k), phex("es2/hdr%d" % k, 32), "1" if k == 0 else "0"]}),
            gap=(200 if k == 0 else 13 * SEC))
        c.msg(True, J({"id": rid, "method": "mining.submit", "params": [
            "a%03x" % (0x20 + k), phex("es2/nonce%d" % k, 6), "w-7"]}), gap=6 * SEC)
        if k == 2:
            c.msg(False, J({"id": rid, "error": {"code": 406, "message": "Bad nonce"}}))
        else:
            c.msg(False, J({"id": rid}))
        rid += 1
    c.msg(True, J({"id": rid, "method": "mining.hashrate", "params": ["500000", "w-7"]}), gap=SEC)
    c.msg(False, J({"id": rid}))
    c.msg(True, J({"method": "mining.noop"}), gap=30 * SEC)
    c.msg(False, J({"method": "mining.bye"}), gap=5 * SEC)
    c.close(by_cli=False, gap=100 * MS)
    return one_conv_capture(c.finish(), EthLink())


ETH_BOUNDARY = "0x0000000112e0be826d694b2e62d01511f12a6061fbaec8bc02357593e70e52ba"


@scenario("stratum-ethproxy.pcap")
def sc_ethproxy():
    """eth-proxy (section 5.3): eth_submitLogin with a top-level worker key,
    eth_getWork, id-0 work pushes, eth_submitWork, eth_submitHashrate (no
    reply). Boundary = difficulty 4e9; 30 accepted shares, last acceptance
    600 s after the first work (section 7.5 example 4: 200 MH/s)."""
    c = TcpConv(("10.244.2.14", 43214), (POOL_ETH, 8008), 0x51223344, 0x95667788)
    seed = "0x" + phex("ethp/seed", 32)
    c.handshake()
    c.msg(True, J({"id": 1, "jsonrpc": "2.0", "method": "eth_submitLogin", "worker": "rig1",
                   "params": [ETH_ADDR, "x"]}))
    c.msg(False, J({"id": 1, "jsonrpc": "2.0", "result": True}))
    c.msg(True, J({"id": 2, "jsonrpc": "2.0", "method": "eth_getWork", "params": []}), gap=300)

    def work(k, rid):
        return J({"id": rid, "jsonrpc": "2.0", "result": [
            "0x" + phex("ethp/hdr%d" % k, 32), seed, ETH_BOUNDARY, "0x%x" % (0xfa3b21 + k)]})
    c.msg(False, work(0, 2))
    T = c.t
    events = [(T + k * 40 * SEC + 311 * MS, "job", k) for k in range(1, 15)]
    events += [(T + (600 * SEC * k) // 30 - c.rtt, "submit", k) for k in range(1, 31)]
    events += [(T + k * 60 * SEC + 500 * MS, "hashrate", k) for k in range(1, 10)]
    events.sort(key=lambda e: e[0])
    job, rid = 0, 3
    for t, kind, k in events:
        if kind == "job":
            job = k
            c.msg(False, work(k, 0), at=t)
        elif kind == "submit":
            c.msg(True, J({"id": rid, "jsonrpc": "2.0", "method": "eth_submitWork", "worker": "rig1",
                           "params": ["0x" + phex("ethp/n%d" % k, 8), "0x" + phex("ethp/hdr%d" % job, 32),
                                      "0x" + phex("ethp/mix%d" % k, 32)]}), at=t)
            c.msg(False, J({"id": rid, "jsonrpc": "2.0", "result": True}), at=t + c.rtt)
            rid += 1
        else:
            c.msg(True, J({"id": rid, "jsonrpc": "2.0", "method": "eth_submitHashrate", "worker": "rig1",
                           "params": ["0x%064x" % (200000000 + 1000 * k), "0x" + phex("ethp/cid", 32)]}), at=t)
            rid += 1
    assert c.t == T + 600 * SEC
    c.close(gap=SEC)
    return one_conv_capture(c.finish(), EthLink())


@scenario("stratum-kawpow.pcap")
def sc_kawpow():
    """KawPow / Ravencoin flavour (section 5.4): GMiner subscribe
    [agent, null, host, port] leaking the pool host; 7-item notify."""
    c = TcpConv(("10.244.2.15", 43215), (POOL_RVN, 3333), 0x61223344, 0xa5667788)
    W = RVN_ADDR + ".rig1"
    c.handshake()
    c.msg(True, J({"id": 1, "jsonrpc": "2.0", "method": "mining.subscribe",
                   "params": ["GMiner/3.44", None, "rvn.2miners.com", "6060"]}))
    c.msg(True, J({"id": 2, "jsonrpc": "2.0", "method": "mining.authorize", "params": [W, "x"]}),
          gap=150)
    c.msg(False, J({"id": 1, "result": [None, "64290b"], "error": None}))
    c.msg(False, J({"id": 2, "result": True, "error": None}), gap=100)
    c.msg(False, J({"id": None, "method": "mining.set_target",
                    "params": ["00000000ff" + "f" * 54]}), gap=100)
    seed = phex("rvn/seed", 32)
    target = "00000001a5c" + "0" * 53
    rid = 3
    for k in range(4):
        c.msg(False, J({"id": None, "method": "mining.notify", "params": [
            "%x" % (0x6a1 + k), phex("rvn/hdr%d" % k, 32), seed, target, k == 0, 3215001 + k,
            "1b01e4b5"]}), gap=(100 if k == 0 else 40 * SEC))
        c.msg(True, J({"id": rid, "jsonrpc": "2.0", "method": "mining.submit", "params": [
            W, "%x" % (0x6a1 + k), "0x64290b" + phex("rvn/n%d" % k, 5),
            "0x" + phex("rvn/hdr%d" % k, 32), "0x" + phex("rvn/mix%d" % k, 32)]}), gap=20 * SEC)
        c.msg(False, J({"id": rid, "result": True, "error": None}))
        rid += 1
    c.close(gap=SEC)
    return one_conv_capture(c.finish(), EthLink())


@scenario("stratum-zcash.pcap")
def sc_zcash():
    """Zcash / Equihash V1 variant (mining.set_target, 8-item notify), shaped
    like flow C of mining.pcapng: EWBF agent, pool host in subscribe,
    ~2.8 kB submits spanning two segments, one "Stale job!" error."""
    c = TcpConv(("10.244.2.16", 43216), (POOL_ZEC, 3333), 0x71223344, 0xb5667788)
    W = ZEC_ADDR + ".rig4"
    c.handshake()
    c.msg(True, J({"id": 1, "method": "mining.subscribe",
                   "params": ["EWBF 0.3.4b", None, "eu1-zcash.flypool.org", "3333"]}))
    c.msg(False, b'{"id":1,"result":["04d567b212", "04d567b212"], "error": null}\n')
    c.msg(True, J({"id": 2, "method": "mining.authorize", "params": [W, "x"]}))
    c.msg(False, b'{"id":2,"result":true, "error": null}\n')
    c.msg(False, J({"id": None, "method": "mining.set_target", "params": [
        "0004189374bc6a7ef9db22d0e5604189374bc6a7ef9db22d0e5604189374bc6a"]}), gap=100)
    c.msg(True, J({"id": 3, "method": "mining.extranonce.subscribe", "params": []}))

    def notify(k):
        return J({"id": None, "method": "mining.notify", "params": [
            phex("zec/job%d" % k, 10), "04000000", phex("zec/prev%d" % (k // 2), 32),
            phex("zec/mroot%d" % k, 32), "0" * 64, "%08x" % (0x5a40cca9 + k), "09d8151c", k == 0]})
    c.msg(False, notify(0))
    rid = 100
    for k in range(5):
        if k in (2, 4):
            c.msg(False, notify(k // 2), gap=30 * SEC)
        c.msg(True, J({"id": rid, "method": "mining.submit", "params": [
            W, phex("zec/job%d" % (k // 2), 10), "%08x" % (0x5a40cca9 + k // 2),
            phex("zec/en2/%d" % k, 27), "fd4005" + phex("zec/sol%d" % k, 1344)]}), gap=11 * SEC)
        if k == 3:
            c.msg(False, J({"id": rid, "result": None, "error": [21, "Stale job!", None]}))
        else:
            c.msg(False, J({"id": rid, "result": True}))
        rid += 1
    c.close(gap=SEC)
    return one_conv_capture(c.finish(), EthLink())


@scenario("stratum-nicehash-xmr.pcap")
def sc_nicehash_xmr():
    """CryptoNote with a NiceHash agent (section 3.2/3.7): the pool announces
    the nicehash extension and fixes blob byte 42 (0x7f); submitted nonces
    keep that byte."""
    c = TcpConv(("10.244.2.17", 43217), (POOL_NH, 3333), 0x81223344, 0xc5667788)
    sess = xmr_session_id("nh/sess")
    c.handshake()
    c.msg(True, xmr_login(XMR_INT, agent="NiceHash/1.0.0", pass_="x", algo=["rx/0"]))
    job = xmr_job("nh/job0", "711b0d00", 3210987, sess, nicehash_byte=0x7F)
    c.msg(False, xmr_login_reply(sess, job, exts=("algo", "nicehash", "keepalive")))
    t64 = (2 ** 64 - 1) // 5000
    for k in range(4):
        if k == 2:
            job = xmr_job("nh/job1", "711b0d00", 3210988, sess, nicehash_byte=0x7F)
            c.msg(False, xmr_job_push(job), gap=40 * SEC)
        c.msg(True, xmr_submit(2 + k, sess, job, "nh/sub%d" % k, t64=t64,
                               nonce=phex("nh/nonce%d" % k, 3) + "7f"), gap=7 * SEC)
        c.msg(False, xmr_ok(2 + k))
    c.close(gap=SEC)
    return one_conv_capture(c.finish(), EthLink())


@scenario("stratum-v2.pcap")
def sc_sv2():
    """Stratum V2 with Noise NX (section 6.2) on port 34254: a 64-byte
    ElligatorSwift key from the client, the 234-byte server reply, then
    encrypted frames of 22 + (plaintext + 16) bytes."""
    c = TcpConv(("10.244.2.18", 43218), (POOL_SV2, 34254), 0x91223344, 0xd5667788)
    c.handshake()
    c.msg(True, prand("sv2/e", 64))
    c.msg(False, prand("sv2/e-s-cert", 234))

    def rec(label, plain_len):
        return prand(label, 22 + plain_len + 16)
    # (sender is client?, plaintext length, gap): SetupConnection, .Success,
    # OpenStandardMiningChannel, .Success, NewMiningJob, SetNewPrevHash,
    # then share submissions and their successes, SetTarget, another job.
    c.msg(True, rec("sv2/setup", 75), gap=300)
    c.msg(False, rec("sv2/setup-ok", 6))
    c.msg(True, rec("sv2/open", 38))
    c.msg(False, rec("sv2/open-ok", 49) + rec("sv2/newjob", 49) + rec("sv2/prevhash", 48))
    for k in range(5):
        if k == 3:
            c.msg(False, rec("sv2/newjob%d" % k, 49) + rec("sv2/prevhash%d" % k, 48), gap=25 * SEC)
        c.msg(True, rec("sv2/submit%d" % k, 24), gap=9 * SEC)
        c.msg(False, rec("sv2/submit-ok%d" % k, 20))
    c.msg(False, rec("sv2/settarget", 40), gap=5 * SEC)
    c.close(gap=SEC)
    return one_conv_capture(c.finish(), EthLink())


def http_req(method, path, host, body, extra=()):
    h = ["%s %s HTTP/1.1" % (method, path), "Host: %s" % host]
    h += list(extra)
    if body is not None:
        h += ["Content-Type: application/json", "Content-Length: %d" % len(body)]
    return ("\r\n".join(h) + "\r\n\r\n").encode() + (body or b"")


def http_resp(body, status="200 OK", extra=(), ctype="application/json"):
    h = ["HTTP/1.1 " + status, "Content-Type: " + ctype, "Content-Length: %d" % len(body)]
    h += list(extra)
    return ("\r\n".join(h) + "\r\n\r\n").encode() + body


@scenario("getwork-http.pcap")
def sc_getwork():
    """Legacy getwork and getblocktemplate over HTTP JSON-RPC with Basic auth
    (a pool's or bitcoind's RPC port 8332), on one keep-alive connection."""
    c = TcpConv(("10.244.2.19", 43219), ("203.0.113.70", 8332), 0xa1223344, 0xe5667788)
    auth = "Authorization: Basic " + base64.b64encode(b"acme.worker1:x").decode()
    ua = "User-Agent: cgminer 4.12.0"
    ext = "X-Mining-Extensions: longpoll midstate rollntime submitold"
    host = "203.0.113.70:8332"
    c.handshake()
    body = b'{"method": "getwork", "params": [], "id":0}\n'
    c.msg(True, http_req("POST", "/", host, body, [ua, auth, ext, "Accept: */*"]))
    data = "00000002" + phex("gw/prev", 32) + phex("gw/mroot", 32) + "65920080" + "17034219" + \
        "00000000" + "000000800000000000000000000000000000000000000000000000000000000000000000000000000000000080020000"
    res = J({"result": {"midstate": phex("gw/mid", 32), "data": data,
                        "hash1": "00000000000000000000000000000000000000000000000000000000000000000000008000000000000000000000000000000000000000000000000000010000",
                        "target": "0000000000000000000000000000000000000000000000000000ffff00000000"},
             "error": None, "id": 0})
    c.msg(False, http_resp(res, extra=["X-Long-Polling: /LP", "X-Roll-NTime: Y",
                                       "Server: stratum-proxy"]))
    submit = data[:152] + phex("gw/nonce", 4) + data[160:]
    body = J({"method": "getwork", "params": [submit], "id": 1})
    c.msg(True, http_req("POST", "/", host, body, [ua, auth, ext]), gap=12 * SEC)
    c.msg(False, http_resp(J({"result": True, "error": None, "id": 1})))
    body = J({"id": 2, "method": "getblocktemplate", "params": [
        {"capabilities": ["coinbasetxn", "workid", "coinbase/append"], "rules": ["segwit"]}]})
    c.msg(True, http_req("POST", "/", host, body, [ua, auth]), gap=5 * SEC)
    txs = [{"data": phex("gbt/tx%d" % i, 120), "txid": phex("gbt/txid%d" % i, 32),
            "hash": phex("gbt/txh%d" % i, 32), "depends": [], "fee": 1200 + i, "sigops": 4,
            "weight": 560} for i in range(3)]
    res = J({"result": {"capabilities": ["proposal"], "version": 536870912, "rules": ["csv", "!segwit", "taproot"],
                        "vbavailable": {}, "vbrequired": 0,
                        "previousblockhash": phex("gw/prev", 32), "transactions": txs,
                        "coinbaseaux": {}, "coinbasevalue": 625004000, "longpollid": phex("gw/lp", 32) + "1",
                        "target": "0000000000000000000342190000000000000000000000000000000000000000",
                        "mintime": 1704066000, "mutable": ["time", "transactions", "prevblock"],
                        "noncerange": "00000000ffffffff", "sigoplimit": 80000, "sizelimit": 4000000,
                        "weightlimit": 4000000, "curtime": 1704067225, "bits": "17034219",
                        "height": 823786, "default_witness_commitment": "6a24aa21a9ed" + phex("gbt/wc", 32)},
             "error": None, "id": 2})
    c.msg(False, http_resp(res))
    c.close(gap=2 * SEC)
    return one_conv_capture(c.finish(), EthLink())


@scenario("stratum-crlf-mixed.pcap")
def sc_crlf_mixed():
    """CryptoNote with CRLF line ends, blank lines, several messages in one
    segment, keys in odd order with spaces and tabs (section 2)."""
    c = TcpConv(("10.244.2.20", 43220), (POOL_XMR, 7777), 0xb1223344, 0xf5667788)
    sess = xmr_session_id("crlf/sess")
    job = xmr_job("crlf/job0", "711b0d00", 3210987, sess)
    c.handshake()
    login = ('\r\n{ "params" : {\t"agent" : "%s" , "pass":"x",\t"login" : "%s",'
             ' "algo":[ "rx/0" ,"cn/r" ] } ,\t"method" :"login" , "jsonrpc" : "2.0", "id" : 1 }\r\n'
             % (XMRIG_AGENT, XMR_STD + ".crlf"))
    c.msg(True, login.encode())
    reply = xmr_login_reply(sess, job).rstrip(b"\n") + b"\r\n"
    job1 = xmr_job("crlf/job1", "711b0d00", 3210988, sess)
    push = b'{"params":' + J(job1).rstrip(b"\n") + b' , "method" : "job","jsonrpc":"2.0"}\r\n'
    c.msg(False, reply + b"\r\n" + push)          # reply + blank line + job in one segment
    t64 = (2 ** 64 - 1) // 5000
    s1 = xmr_submit(2, sess, job1, "crlf/s1", t64=t64).rstrip(b"\n") + b"\r\n"
    s2 = ('{"method":"submit" ,  "params":{"result":"%s","nonce":"%s","job_id":"%s","id":"%s"},'
          '"id":3,"jsonrpc":"2.0"}\r\n\r\n' % (xmr_result("crlf/s2", t64), phex("crlf/n2", 4),
                                               job1["job_id"], sess)).encode()
    c.msg(True, s1 + s2, gap=6 * SEC)              # two submits in one segment
    c.msg(False, xmr_ok(2).rstrip(b"\n") + b"\r\n" + xmr_ok(3).rstrip(b"\n") + b"\r\n")
    ka = ('{ "id" : 4 ,"method":"keepalived","params":{ "id":"%s"} }\r\n' % sess).encode()
    s5 = xmr_submit(5, sess, job1, "crlf/s5", t64=t64).rstrip(b"\n") + b"\r\n"
    both = ka + s5
    c.msg(True, both, gap=30 * SEC, segs=[len(ka) + 37, len(both) - len(ka) - 37])
    c.msg(False, b'{"id":4,"jsonrpc":"2.0","error":null,"result":{"status":"KEEPALIVED"}}\r\n'
          + xmr_ok(5).rstrip(b"\n") + b"\r\n\r\n")
    c.close(gap=SEC)
    return one_conv_capture(c.finish(), EthLink())

# -- hostile ------------------------------------------------------------------


@scenario("hostile-overlong-line.pcap")
def sc_overlong():
    """200 KB without a newline to :3333 (connection reset by the pool), then
    a valid login on a NEW connection."""
    cap = Capture(1)
    link = EthLink()
    c1 = TcpConv(("10.244.3.10", 44001), (POOL_XMR, 3333), 0xc1000001, 0x1c000001)
    c1.handshake()
    head = b'{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"'
    body = head + b"A" * (200 * 1024 - len(head))
    c1.msg(True, body)
    c1.close(by_cli=False, gap=30 * MS, rst=True)
    c1.finish().render(link, cap)
    c2 = TcpConv(("10.244.3.10", 44002), (POOL_XMR, 3333), 0xc2000002, 0x2c000002,
                 t0=c1.t + 2 * SEC)
    xmr_basic_session(c2, XMR_STD, "overlong", nsubmits=2)
    c2.render(link, cap)
    return cap, "pcap"


@scenario("hostile-deep-nesting.pcap")
def sc_deep_nesting():
    """After a valid login, a submit whose params nest 10000 arrays deep,
    then a valid submit."""
    c = TcpConv(("10.244.3.11", 44003), (POOL_XMR, 3333), 0xc3000003, 0x3c000003)
    sess = xmr_session_id("deep/sess")
    c.handshake()
    c.msg(True, xmr_login(XMR_STD))
    job = xmr_job("deep/job0", "b88d0600", 3210987, sess)
    c.msg(False, xmr_login_reply(sess, job))
    deep = b'{"id":2,"jsonrpc":"2.0","method":"submit","params":' + b"[" * 10000 + \
        b"]" * 10000 + b"}\n"
    c.msg(True, deep, gap=2 * SEC)
    c.msg(False, J({"id": 2, "jsonrpc": "2.0", "error": {"code": -1, "message": "Invalid params"}}))
    c.msg(True, xmr_submit(3, sess, job, "deep/sub3"), gap=3 * SEC)
    c.msg(False, xmr_ok(3))
    c.close(gap=SEC)
    return one_conv_capture(c.finish(), EthLink())


@scenario("hostile-invalid-utf8.pcap")
def sc_invalid_utf8():
    """Login whose agent and login strings hold invalid UTF-8 (bare 0xff,
    overlong 0xc0 0xaf, lone continuation 0x80, CESU surrogate 0xed 0xa0 0x80,
    truncated 0xe2 0x82) and a \\ud800 lone-surrogate escape."""
    c = TcpConv(("10.244.3.12", 44004), (POOL_XMR, 3333), 0xc4000004, 0x4c000004)
    sess = xmr_session_id("utf8/sess")
    c.handshake()
    login = (b'{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"' + XMR_STD.encode()
             + b'.w\xff\xc0\xaf","pass":"x\\ud800","agent":"XMRig/6.21.0 \x80\xed\xa0\x80 (Linux x86_64)'
             b' \xe2\x82","algo":["rx/0"]}}\n')
    c.msg(True, login)
    job = xmr_job("utf8/job0", "b88d0600", 3210987, sess)
    c.msg(False, xmr_login_reply(sess, job))
    c.msg(True, xmr_submit(2, sess, job, "utf8/sub0"), gap=4 * SEC)
    c.msg(False, xmr_ok(2))
    c.close(gap=SEC)
    return one_conv_capture(c.finish(), EthLink())


@scenario("hostile-numbers.pcap")
def sc_numbers():
    """Numbers at the edges: ids and difficulties 1e999, -0, 2^64,
    -1, 1e-320, huge and zero hex targets (V1 session and CryptoNote session)."""
    cap = Capture(1)
    link = EthLink()
    c = TcpConv(("10.244.3.13", 44005), (POOL_BTC, 3333), 0xc5000005, 0x5c000005)
    c.handshake()
    c.msg(True, b'{"id":18446744073709551616,"method":"mining.subscribe","params":["cgminer/4.12.0"]}\n')
    c.msg(False, b'{"id":18446744073709551616,"result":[[["mining.notify","ae6812eb4cd7735a302a8a9dd95cf71f"]],'
          b'"08000002",4],"error":null}\n')
    c.msg(True, b'{"id":-0,"method":"mining.authorize","params":["acme.numbers","x"]}\n')
    c.msg(False, b'{"id":-0,"result":true,"error":null}\n')
    for d in (b"1e999", b"-0", b"18446744073709551616", b"-1", b"1e-320", b"0.0000000000000000000001",
              b"340282366920938463463374607431768211456", b"65536"):
        c.msg(False, b'{"id":null,"method":"mining.set_difficulty","params":[' + d + b"]}\n", gap=SEC)
    c.msg(False, J({"id": None, "method": "mining.notify", "params": [
        "1f4e", phex("num/prev", 32), "01000000", "ffffffff", [], "20000000", "17034219",
        "65920080", True]}), gap=100)
    for rid in (b"1e999", b"1.5", b"99999999999999999999999999999999", b"3"):
        c.msg(True, b'{"id":' + rid + b',"method":"mining.submit","params":["acme.numbers","1f4e",'
              b'"0000000000000001","65920080","00000001"]}\n', gap=3 * SEC)
        c.msg(False, b'{"id":' + rid + b',"result":true,"error":null}\n')
    c.close(gap=SEC)
    c.finish().render(link, cap)

    x = TcpConv(("10.244.3.13", 44006), (POOL_XMR, 3333), 0xc6000006, 0x6c000006, t0=c.t + SEC)
    sess = xmr_session_id("num/sess")
    x.handshake()
    x.msg(True, xmr_login(XMR_STD))
    targets = ["ff" * 32, "00000000", "0000000000000000", "ffffffffffffffff" + "0" * 200,
               "f" * 1000, "0x10", "-1", "b88d06"]
    job = xmr_job("num/job0", targets[0], 18446744073709551616, sess)
    x.msg(False, xmr_login_reply(sess, job))
    for k, t in enumerate(targets[1:]):
        job = xmr_job("num/job%d" % (k + 1), t, 1e308 if k % 2 else -1, sess)
        x.msg(False, xmr_job_push(job), gap=2 * SEC)
    x.msg(True, xmr_submit(2, sess, job, "num/sub0"), gap=SEC)
    x.msg(False, xmr_ok(2))
    x.close(gap=SEC)
    x.finish().render(link, cap)
    return cap, "pcap"


@scenario("hostile-many-tiny.pcap")
def sc_many_tiny():
    """A login, then 100000 "{}\\n" messages packed into full 1448-byte
    segments, then a valid submit."""
    c = TcpConv(("10.244.3.14", 44007), (POOL_XMR, 3333), 0xc7000007, 0x7c000007)
    sess = xmr_session_id("tiny/sess")
    c.handshake()
    c.msg(True, xmr_login(XMR_STD))
    job = xmr_job("tiny/job0", "b88d0600", 3210987, sess)
    c.msg(False, xmr_login_reply(sess, job))
    c.msg(True, b"{}\n" * 100000, gap=SEC, step=5)
    c.msg(True, xmr_submit(2, sess, job, "tiny/sub0"), gap=SEC)
    c.msg(False, xmr_ok(2))
    c.close(gap=SEC)
    return one_conv_capture(c.finish(), EthLink())


@scenario("hostile-garbage-after-login.pcap")
def sc_garbage():
    """A valid session (login, job, two accepted submits), then 6 KB of
    binary garbage from the client (with NULs and stray LFs) and 1 KB back."""
    c = TcpConv(("10.244.3.15", 44008), (POOL_XMR, 3333), 0xc8000008, 0x8c000008)
    sess = xmr_session_id("garb/sess")
    c.handshake()
    c.msg(True, xmr_login(XMR_STD, rigid="garbage"))
    job = xmr_job("garb/job0", "b88d0600", 3210987, sess)
    c.msg(False, xmr_login_reply(sess, job))
    for k in range(2):
        c.msg(True, xmr_submit(2 + k, sess, job, "garb/sub%d" % k), gap=5 * SEC)
        c.msg(False, xmr_ok(2 + k))
    g = bytearray(prand("garb/c2s", 6144))
    for i in range(0, len(g), 97):
        g[i] = 0
    for i in range(50, len(g), 701):
        g[i] = 10
    c.msg(True, bytes(g), gap=5 * SEC)
    c.msg(False, prand("garb/s2c", 1024))
    c.close(gap=SEC)
    return one_conv_capture(c.finish(), EthLink())

# -- negatives (must not be reported as Stratum) ------------------------------


@scenario("jsonrpc-eth-node.pcap")
def sc_eth_node():
    """A dApp backend polling an Ethereum node's JSON-RPC over HTTP on 8545."""
    c = TcpConv(("10.244.4.10", 45001), ("10.244.9.5", 8545), 0xd1000001, 0x1d000001, rtt=400)
    host = "geth.chain.svc:8545"
    c.handshake()
    rid = 1
    for k in range(3):
        body = J({"jsonrpc": "2.0", "method": "eth_blockNumber", "params": [], "id": rid})
        c.msg(True, http_req("POST", "/", host, body, ["User-Agent: Go-http-client/1.1",
                                                       "Accept-Encoding: gzip"]), gap=(200 if k == 0 else 12 * SEC))
        c.msg(False, http_resp(J({"jsonrpc": "2.0", "id": rid, "result": "0x%x" % (19000000 + k)}),
                               extra=["Vary: Origin", "Date: Mon, 01 Jan 2024 00:00:%02d GMT" % (12 * k)]))
        rid += 1
        body = J({"jsonrpc": "2.0", "method": "eth_getBalance", "params": [ETH_ADDR, "latest"], "id": rid})
        c.msg(True, http_req("POST", "/", host, body, ["User-Agent: Go-http-client/1.1",
                                                       "Accept-Encoding: gzip"]))
        c.msg(False, http_resp(J({"jsonrpc": "2.0", "id": rid, "result": "0x1bc16d674ec80000"}),
                               extra=["Vary: Origin"]))
        rid += 1
    c.close(gap=SEC)
    return one_conv_capture(c.finish(), EthLink())


def lsp(obj):
    body = json.dumps(obj, separators=(",", ":")).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


@scenario("lsp.pcap")
def sc_lsp():
    """Language Server Protocol over TCP (Content-Length framed JSON-RPC)."""
    c = TcpConv(("10.244.4.11", 45002), ("10.244.4.12", 2087), 0xd2000002, 0x2d000002, rtt=300)
    c.handshake()
    c.msg(True, lsp({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": 4242, "clientInfo": {"name": "Visual Studio Code", "version": "1.85.1"},
        "rootUri": "file:///workspace/app", "capabilities": {"textDocument": {"hover": {
            "contentFormat": ["markdown", "plaintext"]}}}, "trace": "off"}}))
    c.msg(False, lsp({"jsonrpc": "2.0", "id": 1, "result": {"capabilities": {
        "textDocumentSync": 2, "hoverProvider": True, "completionProvider": {"triggerCharacters": ["."]}},
        "serverInfo": {"name": "pylsp", "version": "1.9.0"}}}))
    c.msg(True, lsp({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    c.msg(True, lsp({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": "file:///workspace/app/main.py", "languageId": "python", "version": 1,
        "text": "import os\n\ndef main():\n    print(os.getcwd())\n"}}}), gap=2 * SEC)
    c.msg(False, lsp({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": {
        "uri": "file:///workspace/app/main.py", "diagnostics": []}}))
    c.msg(True, lsp({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": "file:///workspace/app/main.py"}, "position": {"line": 3, "character": 12}}}),
        gap=3 * SEC)
    c.msg(False, lsp({"jsonrpc": "2.0", "id": 2, "result": {"contents": {
        "kind": "markdown", "value": "getcwd() -> str\n\nReturn a unicode string representing the current working directory."}}}))
    c.msg(True, lsp({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}), gap=10 * SEC)
    c.msg(False, lsp({"jsonrpc": "2.0", "id": 3, "result": None}))
    c.msg(True, lsp({"jsonrpc": "2.0", "method": "exit"}))
    c.close(gap=100 * MS)
    return one_conv_capture(c.finish(), EthLink())


@scenario("chat-login.pcap")
def sc_chat():
    """A chat app: newline-delimited JSON on 5222 with a "login" method, but
    no agent/algo/job/wallet shape."""
    c = TcpConv(("10.244.4.13", 45003), ("203.0.113.80", 5222), 0xd3000003, 0x3d000003)
    c.handshake()
    c.msg(True, J({"id": 1, "method": "login", "params": {"user": "alice", "password": "correct horse battery"}}))
    c.msg(False, J({"id": 1, "result": {"session": phex("chat/sess", 16), "status": "OK",
                                        "motd": "Welcome to #general"}, "error": None}))
    c.msg(True, J({"id": 2, "method": "join", "params": {"room": "general"}}))
    c.msg(False, J({"id": 2, "result": {"members": ["alice", "bob", "carol"]}, "error": None}))
    c.msg(False, J({"method": "message", "params": {"from": "bob", "room": "general", "text": "hi alice"}}),
          gap=4 * SEC)
    c.msg(True, J({"id": 3, "method": "message", "params": {"room": "general", "text": "hello bob!"}}),
          gap=3 * SEC)
    c.msg(False, J({"id": 3, "result": {"status": "OK"}, "error": None}))
    c.msg(True, J({"id": 4, "method": "ping", "params": {}}), gap=30 * SEC)
    c.msg(False, J({"id": 4, "result": "pong", "error": None}))
    c.msg(True, J({"id": 5, "method": "logout", "params": {}}), gap=5 * SEC)
    c.msg(False, J({"id": 5, "result": {"status": "OK"}, "error": None}))
    c.close(gap=100 * MS)
    return one_conv_capture(c.finish(), EthLink())


@scenario("elasticsearch-json.pcap")
def sc_elastic():
    """A log shipper indexing documents and a search against :9200."""
    c = TcpConv(("10.244.4.14", 45004), ("10.244.9.20", 9200), 0xd4000004, 0x4d000004, rtt=500)
    host = "elasticsearch.logging.svc:9200"
    c.handshake()
    doc = J({"@timestamp": "2024-01-01T00:00:00.000Z", "level": "info", "message": "job finished",
             "kubernetes": {"namespace": "batch", "pod": "report-28399"}, "status": "OK"})
    c.msg(True, http_req("PUT", "/logs-2024.01.01/_doc/1", host, doc, ["User-Agent: fluent-bit/2.2"]))
    c.msg(False, http_resp(J({"_index": "logs-2024.01.01", "_id": "1", "_version": 1, "result": "created",
                              "_shards": {"total": 2, "successful": 1, "failed": 0}, "_seq_no": 0,
                              "_primary_term": 1}), status="201 Created"))
    bulk = b"".join(J({"index": {"_index": "logs-2024.01.01"}}) + J({
        "@timestamp": "2024-01-01T00:00:%02d.000Z" % i, "level": "warn", "message": "retrying job %d" % i})
        for i in range(5))
    c.msg(True, http_req("POST", "/_bulk", host, bulk, ["User-Agent: fluent-bit/2.2"]).replace(
        b"application/json", b"application/x-ndjson"), gap=2 * SEC)
    c.msg(False, http_resp(J({"took": 7, "errors": False, "items": [
        {"index": {"_id": phex("es/id%d" % i, 10), "result": "created", "status": 201}} for i in range(5)]})))
    q = J({"query": {"bool": {"must": [{"match": {"message": "job"}}],
                              "filter": [{"range": {"@timestamp": {"gte": "now-1h"}}}]}}, "size": 2})
    c.msg(True, http_req("POST", "/logs-*/_search", host, q, ["User-Agent: curl/8.5.0"]), gap=3 * SEC)
    c.msg(False, http_resp(J({"took": 3, "timed_out": False, "hits": {"total": {"value": 6, "relation": "eq"},
                                                                      "hits": [{"_id": "1", "_score": 1.0}]}})))
    c.close(gap=SEC)
    return one_conv_capture(c.finish(), EthLink())

# ---------------------------------------------------------------------------
# Area "net" (issue 5): tunnels. Pod traffic between Kubernetes nodes as the
# CNIs carry it: VXLAN (flannel on 8472, the IANA port 4789), Geneve with
# option TLVs (OVN, Antrea), IPv4-in-IPv4 (Calico IPIP), IPv6-in-IPv6,
# IPv4 pods over an IPv6 underlay, GRE transparent Ethernet bridging. The
# capture point is the underlay (the node's uplink). Nodes are
# 192.168.56.0/24 and fd00:56::/64 (private); pods 10.244.0.0/16.

NODE_A, NODE_B = "192.168.56.11", "192.168.56.12"
NODE6_A, NODE6_B = "fd00:56::11", "fd00:56::12"
NODE_A_MAC, NODE_B_MAC = mac("52:54:00:38:00:11"), mac("52:54:00:38:00:12")
POD_MAC, CNI_MAC = mac("0a:58:0a:f4:01:0a"), mac("0a:58:0a:f4:01:01")
ET_TEB = 0x6558


class TunnelLink:
    """Ethernet underlay between two nodes; each inner IP packet is wrapped
    by encap(inner_ip, from_client) -> (outer IP protocol, outer payload).
    The client's node is node A."""
    linktype = 1

    def __init__(self, encap, a=NODE_A, b=NODE_B, ipid=0x3a00):
        self.encap, self.a, self.b, self.ipid = encap, a, b, ipid

    def frame(self, from_client, ip_pkt):
        src, dst = (self.a, self.b) if from_client else (self.b, self.a)
        proto, payload = self.encap(ip_pkt, from_client, src, dst)
        self.ipid = (self.ipid + 1) & 0xFFFF
        outer = ip_build(src, dst, proto, payload, self.ipid)
        smac, dmac = (NODE_A_MAC, NODE_B_MAC) if from_client else (NODE_B_MAC, NODE_A_MAC)
        return dmac + smac + struct.pack("!H", ethertype_of(outer)) + outer


def inner_ether(ip_pkt, from_client):
    """The pod's frame as it leaves the CNI bridge (an overlay MAC pair)."""
    smac, dmac = (POD_MAC, CNI_MAC) if from_client else (CNI_MAC, POD_MAC)
    return dmac + smac + struct.pack("!H", ethertype_of(ip_pkt)) + ip_pkt


def vxlan_encap(vni, port, sport):
    """RFC 7348: flags 0x08 (VNI valid), VNI; UDP source port from the inner
    flow's hash as Linux does (fixed per session here)."""
    def encap(ip_pkt, from_client, src, dst):
        hdr = struct.pack("!B3xI", 0x08, vni << 8)
        return IPPROTO_UDP, udp_build(src, dst, sport, port, hdr + inner_ether(ip_pkt, from_client))
    return encap


def geneve_encap(vni, options, payload_ether=True, sport=51515):
    """RFC 8926: options is a list of (class, type, data), data a multiple of
    4 bytes; the payload is an Ethernet frame (0x6558) or the IP packet."""
    opts = b"".join(struct.pack("!HBB", c, t, len(d) // 4) + d for c, t, d in options)
    assert len(opts) % 4 == 0 and len(opts) <= 252

    def encap(ip_pkt, from_client, src, dst):
        body = inner_ether(ip_pkt, from_client) if payload_ether else ip_pkt
        ptype = ET_TEB if payload_ether else ethertype_of(ip_pkt)
        hdr = struct.pack("!BBHI", len(opts) // 4, 0, ptype, vni << 8) + opts
        return IPPROTO_UDP, udp_build(src, dst, sport, 6081, hdr + body)
    return encap


def ipip_encap(ip_pkt, from_client, src, dst):
    """IPv4/IPv6 directly in the outer IP (protocol 4 or 41)."""
    return (4 if ip_pkt[0] >> 4 == 4 else 41), ip_pkt


def gretap_encap(key):
    """GRE with a key carrying an Ethernet frame (Linux gretap)."""
    def encap(ip_pkt, from_client, src, dst):
        return 47, struct.pack("!HHI", 0x2000, ET_TEB, key) + inner_ether(ip_pkt, from_client)
    return encap


@scenario("vxlan-stratum.pcap")
def sc_vxlan():
    """Two XMRig-style sessions from pods on node A across the overlay: one in
    VXLAN on 4789 (VNI 42), one on flannel's 8472 (VNI 1). Expected: two
    stratum sessions with the inner addresses and a tunnel object each."""
    cap = Capture(1)
    c1 = TcpConv(("10.244.1.30", 41030), (POOL_XMR, 3333), 0x5e000a30, 0x5f000b30)
    xmr_basic_session(c1, XMR_STD, "vxlan4789", rigid="vxlan-4789")
    c1.render(TunnelLink(vxlan_encap(42, 4789, 49731)), cap)
    c2 = TcpConv(("10.244.1.31", 41031), (POOL_XMR, 5555), 0x5e000a31, 0x5f000b31,
                 t0=300 * MS)
    xmr_basic_session(c2, XMR_STD, "vxlan8472", rigid="flannel-8472")
    c2.render(TunnelLink(vxlan_encap(1, 8472, 38112), ipid=0x3b00), cap)
    return cap, "pcap"


@scenario("vxlan-broken.pcap")
def sc_vxlan_broken():
    """UDP to port 4789 that must stay plain UDP: a header without the I flag,
    a header cut to 5 bytes, VXLAN carrying ARP (valid, but not IP), and a
    VXLAN frame whose inner Ethernet type says IPv4 over an IPv6 header.
    Expected: UDP flows with the outer addresses, no tunnel object,
    decoder.vxlan_passthrough 4, no anomaly."""
    cap = Capture(1)
    link = EthLink(cmac=NODE_A_MAC, smac=NODE_B_MAC)
    arp = (b"\xff" * 6 + CNI_MAC + b"\x08\x06" +
           struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + CNI_MAC + ip_bytes("10.244.1.1") +
           b"\0" * 6 + ip_bytes("10.244.2.1"))
    inner = ipv6_build("2001:db8:244::1", "2001:db8:100::10", 59, b"")
    bad_ether = CNI_MAC + POD_MAC + b"\x08\x00" + inner
    payloads = [
        struct.pack("!B3xI", 0x00, 42 << 8) + inner_ether(inner, True),   # no I flag
        b"\x08\x00\x00\x00\x00",                                           # cut
        struct.pack("!B3xI", 0x08, 42 << 8) + arp,                         # ARP
        struct.pack("!B3xI", 0x08, 42 << 8) + bad_ether,                   # type/version
    ]
    for i, pl in enumerate(payloads):
        sport = 40000 + i
        cap.add(i * 10 * MS, link.frame(True, ip_build(
            NODE_A, NODE_B, IPPROTO_UDP, udp_build(NODE_A, NODE_B, sport, 4789, pl), 0x4100 + i)))
    return cap, "pcap"


@scenario("geneve-stratum.pcap")
def sc_geneve():
    """Geneve (UDP 6081) with two option TLVs (an OVN-style metadata option
    of 4 bytes and an 8-byte one): one session carried as Ethernet (0x6558),
    one as bare IPv4 (0x0800). Expected: both sessions, tunnel type geneve,
    VNI 7 and 8."""
    cap = Capture(1)
    opts = [(0x0102, 0x80, b"\x00\x01\x00\x02"), (0x0104, 0x01, b"\x11\x22\x33\x44\x55\x66\x77\x88")]
    c1 = TcpConv(("10.244.1.32", 41032), (POOL_XMR, 3333), 0x5e000a32, 0x5f000b32)
    xmr_basic_session(c1, XMR_STD, "geneve-eth", rigid="geneve-eth")
    c1.render(TunnelLink(geneve_encap(7, opts)), cap)
    c2 = TcpConv(("10.244.1.33", 41033), (POOL_XMR, 3333), 0x5e000a33, 0x5f000b33,
                 t0=300 * MS)
    xmr_basic_session(c2, XMR_STD, "geneve-ip", rigid="geneve-ip")
    c2.render(TunnelLink(geneve_encap(8, opts[:1], payload_ether=False, sport=51516),
                         ipid=0x3b00), cap)
    return cap, "pcap"


@scenario("ipip-stratum.pcap")
def sc_ipip():
    """Calico's IPIP mode: the pod's IPv4 packet inside IPv4 between nodes;
    and a Linux gretap (GRE key 77, transparent Ethernet bridging)."""
    cap = Capture(1)
    c1 = TcpConv(("10.244.1.34", 41034), (POOL_XMR, 3333), 0x5e000a34, 0x5f000b34)
    xmr_basic_session(c1, XMR_STD, "ipip", rigid="calico-ipip")
    c1.render(TunnelLink(ipip_encap), cap)
    c2 = TcpConv(("10.244.1.35", 41035), (POOL_XMR, 3333), 0x5e000a35, 0x5f000b35,
                 t0=300 * MS)
    xmr_basic_session(c2, XMR_STD, "gretap", rigid="gretap")
    c2.render(TunnelLink(gretap_encap(77), ipid=0x3b00), cap)
    return cap, "pcap"


@scenario("tunnel-v6-underlay.pcap")
def sc_v6_underlay():
    """IPv6 underlay: an IPv6 pod session in IPv6-in-IPv6, an IPv4 pod session
    in IPv4-in-IPv6 (ip6tnl mode ipip6), and an IPv4 pod session in VXLAN
    over IPv6 (Cilium/flannel on an IPv6-only node network)."""
    cap = Capture(1)
    c1 = TcpConv(("fd00:10:244:1::36", 41036), ("2001:db8:100::10", 3333),
                 0x5e000a36, 0x5f000b36)
    xmr_basic_session(c1, XMR_STD, "ip6ip6", rigid="ip6ip6")
    c1.render(TunnelLink(ipip_encap, NODE6_A, NODE6_B), cap)
    c2 = TcpConv(("10.244.1.37", 41037), (POOL_XMR, 3333), 0x5e000a37, 0x5f000b37,
                 t0=300 * MS)
    xmr_basic_session(c2, XMR_STD, "ipip6", rigid="ipip6")
    c2.render(TunnelLink(ipip_encap, NODE6_A, NODE6_B, ipid=0x3b00), cap)
    c3 = TcpConv(("10.244.1.38", 41038), (POOL_XMR, 3333), 0x5e000a38, 0x5f000b38,
                 t0=600 * MS)
    xmr_basic_session(c3, XMR_STD, "vxlan6", rigid="vxlan-v6")
    c3.render(TunnelLink(vxlan_encap(42, 4789, 50123), NODE6_A, NODE6_B, ipid=0x3c00), cap)
    return cap, "pcap"

SLL2_VETH, SLL2_CNI0, SLL2_ETH0 = 7, 3, 2   # ifindex of the pod's veth, the bridge, the uplink


def sll2(ifindex, pkttype, addr, ip_pkt):
    return struct.pack("!HHIHBB8s", ethertype_of(ip_pkt), 0, ifindex, 1, pkttype, 6,
                       addr) + ip_pkt


def render_any_nat(conv, cap, node_ip, nat_port):
    """-i any on a node: each packet of conv (pod = client) is captured on the
    pod's veth, on cni0 and, masqueraded to node_ip:nat_port, on the uplink
    (eth0), in path order a few microseconds apart; routing decrements the
    TTL. Replies go the other way and are de-NATed before cni0."""
    (pip, pport), (sip, sport) = conv.cli, conv.srv
    for p in conv.pkts:
        win = conv.synwin[p.cli] if p.flags & TCP_SYN else conv.win[p.cli]

        def seg(src, sp, dst, dp):
            return tcp_build(src, dst, sp, dp, p.seq, p.ack, p.flags, p.data, win, p.opts)
        if p.cli:
            pre = seg(pip, pport, sip, sport)
            post = seg(node_ip, nat_port, sip, sport)
            cap.add(p.t, sll2(SLL2_VETH, 0, POD_MAC, ipv4_build(pip, sip, IPPROTO_TCP, pre, p.ipid, 64)))
            cap.add(p.t + 3, sll2(SLL2_CNI0, 0, POD_MAC, ipv4_build(pip, sip, IPPROTO_TCP, pre, p.ipid, 64)))
            cap.add(p.t + 8, sll2(SLL2_ETH0, 4, NODE_A_MAC,
                                  ipv4_build(node_ip, sip, IPPROTO_TCP, post, p.ipid, 63)))
        else:
            post = seg(sip, sport, node_ip, nat_port)
            pre = seg(sip, sport, pip, pport)
            cap.add(p.t, sll2(SLL2_ETH0, 0, GW_MAC, ipv4_build(sip, node_ip, IPPROTO_TCP, post, p.ipid, 52)))
            cap.add(p.t + 4, sll2(SLL2_CNI0, 4, CNI_MAC, ipv4_build(sip, pip, IPPROTO_TCP, pre, p.ipid, 51)))
            cap.add(p.t + 7, sll2(SLL2_VETH, 4, CNI_MAC, ipv4_build(sip, pip, IPPROTO_TCP, pre, p.ipid, 51)))


@scenario("sll2-any-nat.pcap")
def sc_sll2_any_nat():
    """`tcpdump -i any -y LINUX_SLL2` on a node: pod 10.244.1.40 mines to
    198.51.100.10:3333; every packet appears on the pod's veth (ifindex 7),
    on cni0 (3) and on the uplink eth0 (2), there masqueraded to the node
    address 192.168.56.11 and port 61040 (a CNI that randomizes ports).
    Expected: ONE stratum session from 10.244.1.40, flow counts of one copy,
    decoder counts of all three; with --pods, attribution nat-twin and
    src_xlated 192.168.56.11."""
    cap = Capture(276)
    c = TcpConv(("10.244.1.40", 41040), (POOL_XMR, 3333), 0x5e000a40, 0x5f000b40)
    xmr_basic_session(c, XMR_STD, "any-nat", rigid="any-nat")
    render_any_nat(c, cap, NODE_A, 61040)
    return cap, "pcap"

# -- k8s attribution (pod) ----------------------------------------------------
# The mini Kubeflow replay and its variants. Pod metadata and conntrack dumps
# for these captures are in tests/data/k8s/ (kubeflow-pods.json,
# kubeflow-conntrack*.txt); their lifetimes are written around BASE_US
# (2024-01-01T00:00:00Z).

KF_POD_IP, KF_POD_IP6 = "10.244.3.17", "fd00:10:244:3::17"
KF_NODE_IP = "192.168.1.10"      # gpu-node-1, the masquerade address
KF_DNS = ("10.96.0.10", 53)      # kube-dns service


def kf_session(conv, label):
    """DNS is separate; this is the XMRig-style login, 2 jobs, 3 submits."""
    return xmr_basic_session(conv, XMR_STD, label, agent=XMRIG_AGENT, njobs=2, nsubmits=3,
                             rigid="ddsfdfsaadfs")


@scenario("k8s-kubeflow.pcap")
def sc_k8s_kubeflow():
    """The Kubeflow campaign on the pod's node: pod anonymous/ddsfdfsaadfs-...
    (10.244.3.17) asks kube-dns for pool.supportxmr.com, then runs an XMRig
    session to the answer, 198.51.100.10:3333."""
    cap = Capture(1)
    link = EthLink()
    udp_exchange(cap, link, (KF_POD_IP, 52017), KF_DNS, 0,
                 dns_query(0x6b01, "pool.supportxmr.com", 1),
                 dns_answer(0x6b01, "pool.supportxmr.com", 1, [POOL_XMR]))
    c = TcpConv((KF_POD_IP, 43017), (POOL_XMR, 3333), 0x6b000a17, 0x6c000b17, t0=10 * MS)
    kf_session(c, "kubeflow")
    c.render(link, cap)
    return cap, "pcap"


@scenario("k8s-snat-uplink.pcap")
def sc_k8s_snat_uplink():
    """The same session captured on gpu-node-1's uplink after MASQUERADE: the
    source is the node, 192.168.1.10:61017 (conntrack maps it back to
    10.244.3.17:43017)."""
    c = TcpConv((KF_NODE_IP, 61017), (POOL_XMR, 3333), 0x6b000a17, 0x6c000b17, t0=10 * MS)
    kf_session(c, "kubeflow")
    return one_conv_capture(c, EthLink())


@scenario("k8s-ip-reuse.pcap")
def sc_k8s_ip_reuse():
    """10.244.2.5 held by two pods in turn: the CronJob pod
    batch/backup-28401120-7xq2p (ended 00:01:00) mines at 00:00:00, and the
    StatefulSet pod shop/web-0 (from 00:01:30) mines at 00:02:00."""
    cap = Capture(1)
    link = EthLink()
    c1 = TcpConv(("10.244.2.5", 40105), (POOL_XMR, 3333), 0x6b000a05, 0x6c000b05)
    kf_session(c1, "reuse-job")
    c1.render(link, cap)
    c2 = TcpConv(("10.244.2.5", 40205), (POOL_XMR, 3333), 0x6b000a06, 0x6c000b06,
                 t0=120 * SEC)
    kf_session(c2, "reuse-web")
    c2.render(link, cap)
    return cap, "pcap"


@scenario("k8s-hostnet.pcap")
def sc_k8s_hostnet():
    """A session from 192.168.1.20, the address of cpu-node-2 shared by two
    hostNetwork pods (kube-proxy and a node exporter)."""
    c = TcpConv(("192.168.1.20", 45020), (POOL_XMR, 3333), 0x6b000a20, 0x6c000b20)
    kf_session(c, "hostnet")
    return one_conv_capture(c, EthLink())


@scenario("k8s-ingress.pcap")
def sc_k8s_ingress():
    """Ingress: an outside miner 203.0.113.77 connects to a pool proxy that a
    pod serves, mining/xmrig-proxy-... at 10.244.1.50:3333 (the capture is
    after DNAT). The pod is the responder."""
    c = TcpConv(("203.0.113.77", 50077), ("10.244.1.50", 3333), 0x6b000a50, 0x6c000b50)
    kf_session(c, "ingress")
    return one_conv_capture(c, EthLink())


@scenario("k8s-ipv6.pcap")
def sc_k8s_ipv6():
    """The dual-stack Kubeflow pod mining over IPv6 from fd00:10:244:3::17."""
    c = TcpConv((KF_POD_IP6, 43117), ("2001:db8:100::10", 3333), 0x6b000a18, 0x6c000b18)
    kf_session(c, "kubeflow6")
    return one_conv_capture(c, EthLink())

# -- flow export (issue 7) ---------------------------------------------------


@scenario("export-syslog-escapes.pcap")
def sc_export_syslog_escapes():
    """A CryptoNote session whose worker and agent carry the characters RFC
    5424 structured data must escape ('"', '\\' and ']'): the syslog test
    checks they arrive intact."""
    c = TcpConv(("10.244.7.21", 47021), (POOL_XMR, 3333), 0x7e000a21, 0x7f000b21)
    xmr_basic_session(c, XMR_STD + '.rig"7]\\x', "sdesc",
                      agent='XMRig/6.21.0 [export] "quoted" back\\slash', nsubmits=2)
    return one_conv_capture(c, EthLink())

def udp_any_nat(cap, t, pod, srv, node_ip, nat_port, req, resp, rtt=3 * MS, ipid=0x2a00):
    """One UDP request/answer of a pod through MASQUERADE, as -i any sees it
    (veth, cni0, uplink; the reverse for the answer, de-NATed)."""
    (pip, pport), (sip, sport) = pod, srv

    def dgram(src, sp, dst, dp, data, ident, ttl):
        return ipv4_build(src, dst, IPPROTO_UDP, udp_build(src, dst, sp, dp, data), ident, ttl)
    cap.add(t, sll2(SLL2_VETH, 0, POD_MAC, dgram(pip, pport, sip, sport, req, ipid, 64)))
    cap.add(t + 3, sll2(SLL2_CNI0, 0, POD_MAC, dgram(pip, pport, sip, sport, req, ipid, 64)))
    cap.add(t + 8, sll2(SLL2_ETH0, 4, NODE_A_MAC, dgram(node_ip, nat_port, sip, sport, req, ipid, 63)))
    t += rtt
    cap.add(t, sll2(SLL2_ETH0, 0, GW_MAC, dgram(sip, sport, node_ip, nat_port, resp, 0x7b00, 58)))
    cap.add(t + 4, sll2(SLL2_CNI0, 4, CNI_MAC, dgram(sip, sport, pip, pport, resp, 0x7b00, 57)))
    cap.add(t + 7, sll2(SLL2_VETH, 4, CNI_MAC, dgram(sip, sport, pip, pport, resp, 0x7b00, 57)))


@scenario("sll2-any-nat-dns.pcap")
def sc_sll2_any_nat_dns():
    """-i any on a node, UDP through MASQUERADE: pod 10.244.1.42 resolves
    pool.supportxmr.com at 192.0.2.53:53 (the query leaves as
    192.168.56.11:61053), then mines to the answer, 198.51.100.10:3333
    (leaving as :61042). Expected: one DNS flow and one session, both from
    the pod; the uplink copies are nat-twins (nat_twins 2)."""
    cap = Capture(276)
    pod = ("10.244.1.42", 53042)
    udp_any_nat(cap, 0, pod, ("192.0.2.53", 53), NODE_A, 61053,
                dns_query(0x4242, "pool.supportxmr.com", 1),
                dns_answer(0x4242, "pool.supportxmr.com", 1, [POOL_XMR]))
    c = TcpConv(("10.244.1.42", 41042), (POOL_XMR, 3333), 0x5e000a42, 0x5f000b42, t0=10 * MS)
    xmr_basic_session(c, XMR_STD, "any-nat-dns", rigid="any-nat-dns")
    render_any_nat(c, cap, NODE_A, 61042)
    return cap, "pcap"

@scenario("regress-dnat-dns-alerted-twice.pcap")
def sc_sll2_any_dnat_dns():
    """Regression (2026-11-23): the DNAT copy was a second DNS flow, so one
    lookup raised its alert twice. -i any on a node, UDP through a
    Service's DNAT: pod 10.244.1.43 asks
    kube-dns (Service 10.96.0.10:53) for pool.supportxmr.com; kube-proxy's
    DNAT sends the query to the CoreDNS pod 10.244.1.5 on the same node.
    The query is seen on the pod's veth and cni0 as sent (TTL 64), then,
    translated and routed (TTL 63), on cni0 and CoreDNS's veth (ifindex 9);
    the answer the other way, translated back to the Service address before
    it reaches the pod. Expected: one DNS flow from the pod to the Service,
    its alert once; the CoreDNS copy is a nat-twin."""
    cap = Capture(276)
    pod, svc, coredns = ("10.244.1.43", 53043), ("10.96.0.10", 53), ("10.244.1.5", 53)
    veth_dns = 9
    req = dns_query(0x4343, "pool.supportxmr.com", 1)
    resp = dns_answer(0x4343, "pool.supportxmr.com", 1, [POOL_XMR])

    def dgram(src, dst, data, ident, ttl):
        return ipv4_build(src[0], dst[0], IPPROTO_UDP, udp_build(src[0], dst[0], src[1], dst[1], data), ident, ttl)
    cap.add(0, sll2(SLL2_VETH, 0, POD_MAC, dgram(pod, svc, req, 0x2b00, 64)))
    cap.add(3, sll2(SLL2_CNI0, 0, POD_MAC, dgram(pod, svc, req, 0x2b00, 64)))
    cap.add(9, sll2(SLL2_CNI0, 4, CNI_MAC, dgram(pod, coredns, req, 0x2b00, 63)))
    cap.add(12, sll2(veth_dns, 4, CNI_MAC, dgram(pod, coredns, req, 0x2b00, 63)))
    cap.add(2 * MS, sll2(veth_dns, 0, CNI_MAC, dgram(coredns, pod, resp, 0x5c00, 64)))
    cap.add(2 * MS + 3, sll2(SLL2_CNI0, 0, CNI_MAC, dgram(coredns, pod, resp, 0x5c00, 64)))
    cap.add(2 * MS + 9, sll2(SLL2_CNI0, 4, CNI_MAC, dgram(svc, pod, resp, 0x5c00, 63)))
    cap.add(2 * MS + 12, sll2(SLL2_VETH, 4, CNI_MAC, dgram(svc, pod, resp, 0x5c00, 63)))
    return cap, "pcap"

# ---- end of scenarios ----

# ---------------------------------------------------------------------------
# Driver


def build(name, fn):
    cap, fmt = fn()
    if fmt == "pcap":
        return pcap_bytes(cap)
    return pcapng_bytes(cap, fmt)


def write_all(outdir):
    os.makedirs(outdir, exist_ok=True)
    names = []
    for name, fn in SCENARIOS:
        data = build(name, fn)
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
        names.append(name)
    return names


def check(outdir):
    tmp = tempfile.mkdtemp(prefix="gen-pcaps-")
    try:
        names = write_all(tmp)
        bad = 0
        for n in names:
            p = os.path.join(outdir, n)
            if not os.path.exists(p):
                print("missing: %s" % p)
                bad += 1
            elif not filecmp.cmp(p, os.path.join(tmp, n), shallow=False):
                print("differs: %s" % p)
                bad += 1
        extra = sorted(set(f for f in os.listdir(outdir)
                           if f.endswith((".pcap", ".pcapng"))) - set(names)) if os.path.isdir(outdir) else []
        for n in extra:
            print("not generated by this script: %s" % os.path.join(outdir, n))
            bad += 1
        print("%d captures checked, %d problem(s)" % (len(names), bad))
        return 1 if bad else 0
    finally:
        shutil.rmtree(tmp)


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        for name, _ in SCENARIOS:
            print(name)
        return 0
    if len(argv) == 3 and argv[1] == "--check":
        return check(argv[2])
    if len(argv) == 2 and not argv[1].startswith("-"):
        names = write_all(argv[1])
        print("wrote %d captures to %s" % (len(names), argv[1]))
        return 0
    sys.stderr.write("usage: %s OUTDIR | --check OUTDIR | --list\n" % argv[0])
    return 2



# ---------------------------------------------------------------------------
# Pool intelligence: DNS CNAME chains, TLS ClientHello with and without SNI,
# look-alike names (issue 4). TLS payloads after the hello are opaque
# application-data records: the analyser must not need them.


def dns_answer_chain(txid, qname, chain, addrs, ttl=300):
    """Answer for qname through CNAMEs chain[0] -> chain[1] -> ... -> A addrs."""
    q = dns_name(qname) + struct.pack("!HH", 1, 1)
    rrs = []
    owner = qname
    for target in chain:
        rd = dns_name(target)
        rrs.append(dns_name(owner) + struct.pack("!HHIH", 5, 1, ttl, len(rd)) + rd)
        owner = target
    for a in addrs:
        rrs.append(dns_name(owner) + struct.pack("!HHIH", 1, 1, ttl, 4) + ip_bytes(a))
    return struct.pack("!HHHHHH", txid, 0x8180, 1, len(rrs), 0, 0) + q + b"".join(rrs)


def tls_client_hello(label, sni=None, alpn=None):
    """A TLS 1.3-style ClientHello (one record). No SNI unless given, like
    XMRig's default (reference/stratum.md section 9)."""
    exts = b""
    if sni is not None:
        host = sni.encode()
        body = struct.pack("!HBH", len(host) + 3, 0, len(host)) + host
        exts += struct.pack("!HH", 0, len(body)) + body
    exts += struct.pack("!HHH", 0x000a, 6, 4) + struct.pack("!HH", 0x001d, 0x0017)   # groups
    exts += struct.pack("!HHB", 0x000b, 2, 1) + b"\x00"                              # point formats
    exts += struct.pack("!HHH", 0x000d, 8, 6) + struct.pack("!HHH", 0x0403, 0x0804, 0x0401)
    if alpn is not None:
        names = b"".join(bytes([len(a)]) + a.encode() for a in alpn)
        exts += struct.pack("!HHH", 0x0010, len(names) + 2, len(names)) + names
    exts += struct.pack("!HHB", 0x002b, 3, 2) + struct.pack("!H", 0x0304)            # versions
    ciphers = struct.pack("!HHHH", 0x1301, 0x1302, 0x1303, 0xc02f)
    body = (struct.pack("!H", 0x0303) + prand(label + "/random", 32) + b"\x00"
            + struct.pack("!H", len(ciphers)) + ciphers + b"\x01\x00"
            + struct.pack("!H", len(exts)) + exts)
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


def tls_opaque(label, n):
    """Encrypted application-data records: opaque bytes."""
    return b"\x17\x03\x03" + struct.pack("!H", n) + prand(label, n)


@scenario("pool-dns-cname-tls-nosni.pcap")
def sc_pool_dns_cname():
    """A pod resolves an innocuous-looking name that CNAMEs (twice) to a pool,
    then opens TLS without SNI to the address (XMRig --tls default)."""
    cap = Capture(1)
    link = EthLink()
    cli = "10.244.5.21"
    pool = "203.0.113.77"
    udp_exchange(cap, link, (cli, 53101), ("10.96.0.10", 53), 0,
                 dns_query(0x4d01, "cdn-assets.example.net", 1),
                 dns_answer_chain(0x4d01, "cdn-assets.example.net",
                                  ["edge.example.org", "gulf.moneroocean.stream"], [pool], ttl=30))
    c = TcpConv((cli, 44100), (pool, 443), 0x21000001, 0x91000001, t0=20 * MS)
    c.handshake()
    c.msg(True, tls_client_hello("cname/ch"))
    c.msg(False, tls_opaque("cname/sh", 900))
    c.msg(True, tls_opaque("cname/app1", 300), gap=2 * SEC)
    c.msg(False, tls_opaque("cname/app2", 600))
    c.close(gap=SEC)
    c.render(link, cap)
    return cap, "pcap"


@scenario("pool-tls-sni.pcap")
def sc_pool_tls_sni():
    """TLS to a pool named in SNI (XMRig with "sni": true), no DNS seen."""
    c = TcpConv(("10.244.5.22", 44101), ("198.51.100.88", 9000), 0x21000002, 0x91000002)
    c.handshake()
    c.msg(True, tls_client_hello("sni/ch", sni="pool.supportxmr.com"))
    c.msg(False, tls_opaque("sni/sh", 900))
    c.close(gap=SEC)
    return one_conv_capture(c.finish(), EthLink())


@scenario("pool-lookalikes.pcap")
def sc_pool_lookalikes():
    """Look-alike names must not match the pool list: DNS answers for
    notmoneroocean.stream, supportxmr.com.evil.example and
    nanopool.org.example.com, TLS with such an SNI, and connections to the
    answered addresses. No alert may fire."""
    cap = Capture(1)
    link = EthLink()
    cli = "10.244.5.23"
    names = ["notmoneroocean.stream", "supportxmr.com.evil.example", "nanopool.org.example.com"]
    t = 0
    for k, n in enumerate(names):
        addr = "192.0.2.%d" % (10 + k)
        udp_exchange(cap, link, (cli, 53200 + k), ("10.96.0.10", 53), t,
                     dns_query(0x5e00 + k, n, 1), dns_answer(0x5e00 + k, n, 1, [addr]))
        c = TcpConv((cli, 44200 + k), (addr, 443), 0x22000000 + k, 0x92000000 + k, t0=t + 10 * MS)
        c.handshake()
        c.msg(True, tls_client_hello("look/%d" % k, sni=n))
        c.msg(False, tls_opaque("look/sh%d" % k, 700))
        c.close(gap=SEC)
        c.render(link, cap)
        t += 5 * SEC
    return cap, "pcap"



@scenario("pool-socks5-stratum.pcap")
def sc_pool_socks5():
    """XMRig's socks5 option: SOCKS5 greeting, CONNECT by domain name to a
    pool (the name travels in cleartext, the proxy resolves it), then a
    cleartext CryptoNote session inside the tunnel."""
    c = TcpConv(("10.244.5.24", 44300), ("10.96.12.7", 1080), 0x23000001, 0x93000001)
    c.handshake()
    c.msg(True, b"\x05\x01\x00")
    c.msg(False, b"\x05\x00")
    host = b"pool.supportxmr.com"
    c.msg(True, b"\x05\x01\x00\x03" + bytes([len(host)]) + host + struct.pack("!H", 3333))
    c.msg(False, b"\x05\x00\x00\x01" + ip_bytes("10.96.12.7") + struct.pack("!H", 40123))
    xmr_basic_session(c, XMR_DOC + ".socks", "socks5", rigid="tunnel", handshake=False)
    return one_conv_capture(c.finish(), EthLink())


@scenario("pool-http-connect-stratum.pcap")
def sc_pool_http_connect():
    """HTTP CONNECT through a forward proxy to a pool, 200 reply, then the
    Stratum session in the tunnel."""
    c = TcpConv(("10.244.5.25", 44301), ("10.96.12.8", 3128), 0x23000002, 0x93000002)
    c.handshake()
    c.msg(True, b"CONNECT xmr-eu1.nanopool.org:14433 HTTP/1.1\r\nHost: xmr-eu1.nanopool.org:14433\r\n"
                b"User-Agent: curl/7.88.1\r\n\r\n")
    c.msg(False, b"HTTP/1.1 200 Connection established\r\n\r\n")
    xmr_basic_session(c, XMR_DOC + ".connect", "connect", rigid="tunnel2", handshake=False)
    return one_conv_capture(c.finish(), EthLink())



@scenario("regress-icmp-community-id.pcap")
def sc_icmp_community_id():
    """Regression (2026-11-23): every ICMP flow's Community ID was hashed
    without type and code, so it matched no Suricata, Zeek or tshark record.
    ICMP and ICMPv6 flows whose Community ID takes the type and code as
    ports (spec, "ICMP"): echo request and reply pairs started from the lower
    and from the higher address, a neighbour solicitation and advertisement,
    one-way messages (destination unreachable, time exceeded) sent from the
    higher address, which the spec hashes unordered, and an ICMP header cut to
    one byte. tests/tshark-per-flow.sh checks every ID against tshark."""
    cap, link = Capture(1), EthLink()
    t = [0]

    def icmp(src, dst, typ, code, body, to_srv=True, cut=None):
        v6 = ip_version(src) == 6
        hdr = struct.pack("!BBH", typ, code, 0) + body
        if v6:
            c = inet_csum(pseudo_header(src, dst, 58, len(hdr)) + hdr)
        else:
            c = inet_csum(hdr)
        l4 = hdr[:2] + struct.pack("!H", c) + hdr[4:]
        if cut is not None:
            l4 = l4[:cut]
        pkt = ipv6_build(src, dst, 58, l4) if v6 else ipv4_build(src, dst, 1, l4, 0x4100 + t[0] // MS)
        cap.add(t[0], link.frame(to_srv, pkt))
        t[0] += 10 * MS

    echo = struct.pack("!HH", 0x1c2d, 1) + b"stratumwatch"
    icmp("10.244.1.40", "198.51.100.7", 8, 0, echo)
    icmp("198.51.100.7", "10.244.1.40", 0, 0, echo, to_srv=False)
    icmp("198.51.100.9", "10.244.1.41", 8, 0, echo, to_srv=False)
    icmp("10.244.1.41", "198.51.100.9", 0, 0, echo)
    # the original datagram inside an error: IPv4 header + 8 bytes
    orig = ipv4_build("10.244.1.42", "203.0.113.5", 17, udp_build("10.244.1.42", "203.0.113.5", 40000, 3333, b"")[:8], 7)
    icmp("203.0.113.1", "10.244.1.42", 3, 3, b"\0" * 4 + orig, to_srv=False)
    icmp("203.0.113.2", "10.244.1.42", 11, 0, b"\0" * 4 + orig, to_srv=False)
    icmp("fd00:10:244::43", "2001:db8::7", 128, 0, echo)
    icmp("2001:db8::7", "fd00:10:244::43", 129, 0, echo, to_srv=False)
    icmp("fe80::43", "fe80::1", 135, 0, b"\0" * 4 + ip_bytes("fe80::1"))
    icmp("fe80::1", "fe80::43", 136, 0, struct.pack("!I", 0x60000000) + ip_bytes("fe80::1"), to_srv=False)
    orig6 = ipv6_build("fd00:10:244::44", "2001:db8::9", 17, udp_build("fd00:10:244::44", "2001:db8::9", 40001, 3333, b"")[:8])
    icmp("2001:db8::1", "fd00:10:244::44", 1, 4, b"\0" * 4 + orig6, to_srv=False)
    icmp("10.244.1.45", "198.51.100.11", 8, 0, echo, cut=1)
    return cap, "pcap"


@scenario("regress-stratum-padded-number.pcap")
def sc_regress_padded_number():
    """Regression (review, 2026-11-23): every message of an XMRig session
    carries a 1,100-digit number ("pad"). JSON allows any length (cJSON and
    JSON.parse read it); our parser refused numbers over 1,024 bytes, so each
    line was a JSON error and the flow was given up as not Stratum: a miner
    could hide by padding. Expected: the session and its alert."""
    pad = int("7" * 1100)
    c = TcpConv(("10.244.5.28", 44303), ("203.0.113.99", 3333), 0x23000004, 0x93000004)
    c.handshake()
    sess = xmr_session_id("padded/sess")
    c.msg(True, J({"id": 1, "jsonrpc": "2.0", "method": "login", "params": {
        "login": XMR_DOC, "pass": "x", "agent": XMRIG_AGENT, "algo": XMRIG_ALGOS, "pad": pad}}))
    job = xmr_job("padded/job0", "b88d0600", 3210987, sess)
    c.msg(False, xmr_login_reply(sess, job))
    for k in range(3):
        c.msg(True, J({"id": 2 + k, "jsonrpc": "2.0", "method": "submit", "pad": pad, "params": {
            "id": sess, "job_id": job["job_id"], "nonce": phex("padded/nonce%d" % k, 4),
            "result": xmr_result("padded/sub%d" % k, 1844674407370955), "algo": "rx/0"}}),
            gap=5 * SEC)
        c.msg(False, xmr_ok(2 + k))
    c.close(by_cli=True, gap=2 * SEC)
    return one_conv_capture(c.finish(), EthLink())


@scenario("regress-stratum-duplicate-method.pcap")
def sc_regress_duplicate_method():
    """Review finding (2026-11-23): an XMRig login that names "method" twice,
    a decoy "keepalived" first and "login" last. A pool on JSON.parse reads
    the last; we read the first (as cJSON and rapidjson). Expected: the
    stratum.duplicate_member anomaly; the jobs and submits that follow."""
    c = TcpConv(("10.244.5.29", 44304), ("203.0.113.98", 3333), 0x23000005, 0x93000005)
    c.handshake()
    sess = xmr_session_id("dup/sess")
    login = J({"id": 1, "jsonrpc": "2.0", "method": "login", "params": {
        "login": XMR_DOC, "pass": "x", "agent": XMRIG_AGENT, "algo": XMRIG_ALGOS}})
    dup = login.replace(b'"method":"login"', b'"method":"keepalived","method":"login"')
    assert dup != login
    c.msg(True, dup)
    job = xmr_job("dup/job0", "b88d0600", 3210987, sess)
    c.msg(False, xmr_login_reply(sess, job))
    for k in range(2):
        c.msg(True, xmr_submit(2 + k, sess, job, "dup/sub%d" % k), gap=5 * SEC)
        c.msg(False, xmr_ok(2 + k))
    c.close(by_cli=True, gap=2 * SEC)
    return one_conv_capture(c.finish(), EthLink())


def ws_frame(payload, mask_label=None, opcode=1, fin=True, split=None):
    """One WebSocket frame (RFC 6455); client frames are masked."""
    b0 = (0x80 if fin else 0) | opcode
    n = len(payload)
    mbit = 0x80 if mask_label else 0
    if n < 126:
        hdr = bytes([b0, mbit | n])
    elif n < 65536:
        hdr = bytes([b0, mbit | 126]) + struct.pack("!H", n)
    else:
        hdr = bytes([b0, mbit | 127]) + struct.pack("!Q", n)
    if mask_label:
        key = prand(mask_label, 4)
        payload = bytes(c ^ key[i & 3] for i, c in enumerate(payload))
        hdr += key
    return hdr + payload


@scenario("pool-websocket-stratum.pcap")
def sc_pool_websocket():
    """A browser-miner style WebSocket proxy: HTTP Upgrade, then CryptoNote
    messages as masked client text frames (the login split into two
    fragments) and unmasked server frames; a ping in between."""
    c = TcpConv(("10.244.5.26", 44400), ("198.51.100.91", 8080), 0x24000001, 0x94000001)
    sess = xmr_session_id("ws/sess")
    c.handshake()
    c.msg(True, b"GET /proxy HTTP/1.1\r\nHost: ws.example.net:8080\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                b"Sec-WebSocket-Version: 13\r\n\r\n")
    c.msg(False, b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
    login = xmr_login(XMR_DOC, agent="Mozilla/5.0 webminer/1.0", rigid="browser").rstrip(b"\n")
    half = len(login) // 2
    c.msg(True, ws_frame(login[:half], "ws/m1", opcode=1, fin=False)
          + ws_frame(login[half:], "ws/m2", opcode=0, fin=True))
    job = xmr_job("ws/job0", "b88d0600", 3210987, sess)
    c.msg(False, ws_frame(xmr_login_reply(sess, job).rstrip(b"\n")))
    c.msg(False, ws_frame(b"", None, opcode=9), gap=2 * SEC)
    for k in range(3):
        c.msg(True, ws_frame(xmr_submit(2 + k, sess, job, "ws/sub%d" % k).rstrip(b"\n"), "ws/s%d" % k),
              gap=4 * SEC)
        c.msg(False, ws_frame(xmr_ok(2 + k).rstrip(b"\n")))
    c.close(gap=SEC)
    return one_conv_capture(c.finish(), EthLink())



@scenario("pool-http-host.pcap")
def sc_pool_http_host():
    """A plain HTTP request whose Host is a pool (a pool's web API, or
    getwork the Stratum dissector would not claim), and one to a look-alike
    host that must not match."""
    cap = Capture(1)
    link = EthLink()
    for k, host in enumerate(["api.moneroocean.stream", "moneroocean.stream.example.com"]):
        c = TcpConv(("10.244.5.27", 44500 + k), ("198.51.100.%d" % (95 + k), 80),
                    0x25000001 + k, 0x95000001 + k, t0=k * 2 * SEC)
        c.handshake()
        c.msg(True, b"GET /miner/stats HTTP/1.1\r\nHost: " + host.encode()
              + b"\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n")
        c.msg(False, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
        c.close(gap=SEC)
        c.render(link, cap)
    return cap, "pcap"


if __name__ == "__main__":
    sys.exit(main(sys.argv))
