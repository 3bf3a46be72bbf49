#!/usr/bin/env python3
"""mkseeds.py: seed inputs for the fuzz targets, cut from captures.

    python3 tests/fuzz/mkseeds.py OUTDIR PCAP...

writes OUTDIR/<target>/<capture>-<n> for the targets whose input is not a
whole capture (fuzz_pcap takes pcaps as they are):
  pcap     the capture itself, if at most 6 KiB
  pcapfile a classic capture's first 4 KiB in both byte orders, with
           microsecond and nanosecond magic; a pcapng capture's first 4 KiB
  decode   the first frames of each capture in fuzz_decode's format
  reasm    each TCP flow's segments as fuzz_reasm records
  frame    each TCP flow's client and server bytes (a line cap byte first)
  dns, dns_tcp, tls, proxy, websocket, stratum
           the flows whose first bytes look like that protocol, in
           fuzz_app.h's record format (direction + length, bytes)
Each seed is cut at 8 KiB. The result is large; tests/fuzz/run-fuzz.sh minimises it into the corpus
directories with libFuzzer's -merge=1 (see README, Fuzzing). Stdlib only;
classic pcap and pcapng; Ethernet (VLAN), Linux SLL/SLL2, raw IP, BSD
loopback, PPP. Deterministic."""
import os
import struct
import sys

LINKTYPES = [0, 1, 9, 12, 14, 50, 101, 104, 108, 113, 228, 229, 276]  # fuzz_decode.c


def read_capture(path):
    """Yield (linktype, frame bytes)."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1', b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        e = '<' if magic[0] in (0xd4, 0x4d) else '>'
        lt = struct.unpack(e + 'I', data[20:24])[0] & 0xffff
        off = 24
        while off + 16 <= len(data):
            incl = struct.unpack(e + 'I', data[off + 8:off + 12])[0]
            off += 16
            if incl > len(data) - off:
                return
            yield lt, data[off:off + incl]
            off += incl
    elif magic == b'\x0a\x0d\x0d\x0a':
        off = 0
        e = '<'
        ifaces = []
        while off + 12 <= len(data):
            if data[off:off + 4] == b'\x0a\x0d\x0d\x0a':
                e = '<' if data[off + 8:off + 12] == b'\x4d\x3c\x2b\x1a' else '>'
                ifaces = []
            btype, blen = struct.unpack(e + 'II', data[off:off + 8])
            if blen < 12 or off + blen > len(data):
                return
            body = data[off + 8:off + blen - 4]
            if btype == 1:
                ifaces.append(struct.unpack(e + 'H', body[:2])[0])
            elif btype == 6 and len(body) >= 20:
                ifid, _, _, cap, _ = struct.unpack(e + 'IIIII', body[:20])
                if ifid < len(ifaces):
                    yield ifaces[ifid], body[20:20 + cap]
            elif btype == 3 and ifaces:
                yield ifaces[0], body[4:]
            off += blen


def ip_of(lt, fr):
    """The IP packet inside a frame, or None."""
    if lt == 1:
        if len(fr) < 14:
            return None
        et, off = struct.unpack('>H', fr[12:14])[0], 14
        while et in (0x8100, 0x88a8) and len(fr) >= off + 4:
            et, off = struct.unpack('>H', fr[off + 2:off + 4])[0], off + 4
        return fr[off:] if et in (0x0800, 0x86dd) else None
    if lt == 113:
        return fr[16:] if len(fr) > 16 and fr[14:16] in (b'\x08\x00', b'\x86\xdd') else None
    if lt == 276:
        return fr[20:] if len(fr) > 20 and fr[0:2] in (b'\x08\x00', b'\x86\xdd') else None
    if lt in (12, 14, 101, 228, 229):
        return fr
    if lt in (0, 108):
        return fr[4:]
    if lt in (9, 50):
        return fr[4:] if fr[2:4] in (b'\x00\x21', b'\x00\x57') else None
    return None


def l4_of(ip):
    """(proto, src, sport, dst, dport, seq, flags, payload) or None."""
    if len(ip) < 20:
        return None
    v = ip[0] >> 4
    if v == 4:
        hl = (ip[0] & 15) * 4
        tot = struct.unpack('>H', ip[2:4])[0]
        if struct.unpack('>H', ip[6:8])[0] & 0x3fff:
            return None  # fragment
        proto, src, dst, l4 = ip[9], ip[12:16], ip[16:20], ip[hl:tot]
    elif v == 6 and len(ip) >= 40:
        proto, src, dst, l4 = ip[6], ip[8:24], ip[24:40], ip[40:40 + struct.unpack('>H', ip[4:6])[0]]
    else:
        return None
    if proto == 6 and len(l4) >= 20:
        sp, dp, seq = struct.unpack('>HHI', l4[:8])
        doff = (l4[12] >> 4) * 4
        return 6, src, sp, dst, dp, seq, l4[13], l4[doff:]
    if proto == 17 and len(l4) >= 8:
        sp, dp = struct.unpack('>HH', l4[:4])
        return 17, src, sp, dst, dp, 0, 0, l4[8:]
    return None


def records(pieces):
    """fuzz_app.h records from [(dir, bytes)]."""
    out = bytearray()
    for d, b in pieces:
        while b:
            chunk, b = b[:0x7fff], b[0x7fff:]
            out += struct.pack('>H', (d << 15) | len(chunk)) + chunk
    return bytes(out)


def kind_of(proto, sport, dport, first):
    if proto == 17:
        return 'dns' if 53 in (sport, dport) else None
    if 53 in (sport, dport):
        return 'dns_tcp'
    if first[:1] == b'\x16':
        return 'tls'
    if first[:8] == b'CONNECT ' or first[:1] in (b'\x04', b'\x05'):
        return 'proxy'
    if first[:4] == b'GET ':
        return 'websocket' if b'pgrade: websocket' in first or b'pgrade: WebSocket' in first else 'proxy'
    if first[:1] == b'{' or first[:5] == b'POST ':
        return 'stratum'
    return None


def classic_variants(data):
    """fuzz_pcapfile: a classic pcap's first records in both byte orders,
    with microsecond and nanosecond magic (the last record may be cut); a
    pcapng file's first 4 KiB as it is."""
    if data[:4] == b'\x0a\x0d\x0d\x0a':
        return [data]
    if len(data) < 24 or data[:4] != b'\xd4\xc3\xb2\xa1':
        return []
    out = []
    for order in '<>':
        for magic in (0xa1b2c3d4, 0xa1b23c4d):
            hdr = struct.unpack('<HHiIII', data[4:24])
            blob = bytearray(struct.pack(order + 'I', magic) + struct.pack(order + 'HHiIII', *hdr))
            off = 24
            while off + 16 <= len(data):
                rec = struct.unpack('<IIII', data[off:off + 16])
                blob += struct.pack(order + 'IIII', *rec) + data[off + 16:off + 16 + rec[2]]
                off += 16 + rec[2]
            out.append(bytes(blob))
    return out


def main():
    outdir, pcaps = sys.argv[1], sys.argv[2:]
    n = 0
    for path in pcaps:
        base = os.path.basename(path).rsplit('.', 1)[0]
        frames = list(read_capture(path))
        if not frames:
            continue
        seeds = {}

        def put(target, blob):
            seeds.setdefault(target, []).append(blob)

        if os.path.getsize(path) <= 6144:
            with open(path, 'rb') as f:
                put('pcap', f.read())
        with open(path, 'rb') as f:
            head = f.read(4096)
        for v in classic_variants(head):
            put('pcapfile', v)
        lt = frames[0][0]
        if lt in LINKTYPES:
            dec = bytearray([LINKTYPES.index(lt)])
            for l, fr in frames[:32]:
                if l == lt:
                    dec += struct.pack('>H', len(fr[:65535])) + fr[:65535]
            put('decode', bytes(dec))
        flows = {}
        order = []
        for l, fr in frames:
            ip = ip_of(l, fr)
            t = l4_of(ip) if ip else None
            if t is None:
                continue
            proto, src, sp, dst, dp = t[:5]
            k = (proto, src, sp, dst, dp)
            rk = (proto, dst, dp, src, sp)
            if rk in flows:
                k, d = rk, 1
            else:
                d = 0
                if k not in flows:
                    flows[k] = []
                    order.append(k)
            flows[k].append((d, t[5], t[6], t[7]))
        for i, k in enumerate(order[:64]):
            segs = flows[k]
            proto = k[0]
            pieces = []
            seen = set()
            for d, seq, fl, pl in segs:
                if pl and (d, seq, len(pl)) not in seen:
                    seen.add((d, seq, len(pl)))
                    pieces.append((d, pl))
            if proto == 6 and segs:
                isn = [None, None]
                for d, seq, fl, pl in segs:
                    if isn[d] is None:
                        isn[d] = seq
                # config 0x3c: no depth, 16 segments, the larger caps
                rs = bytearray(struct.pack('>I', isn[0]) + b'\x3c')
                for d, seq, fl, pl in segs[:200]:
                    delta = (seq - isn[d] + 0x8000) & 0xffffffff
                    if delta > 0xffff:
                        continue
                    delta -= 0x8000
                    for j in range(0, max(len(pl), 1), 255):
                        part = pl[j:j + 255]
                        ctl = d | (2 if fl & 2 else 0) | (4 if fl & 1 else 0)
                        rs += bytes([ctl]) + struct.pack('>hB', max(-32768, min(32767, delta + j)), len(part)) + b'\x00'
                if len(rs) > 5:
                    put('reasm', bytes(rs))
            if not pieces:
                continue
            first = next((b for d, b in pieces if d == 0), pieces[0][1])
            kind = kind_of(proto, k[2], k[4], first)
            if kind:
                put(kind, bytes([i & 0xff, 0]) + records(pieces))
            if proto == 6 and kind in ('stratum', None) and b'\n' in first:
                put('frame', bytes([i & 0xff, 200]) + b''.join(b for d, b in pieces if d == 0))
        for target, blobs in seeds.items():
            os.makedirs(os.path.join(outdir, target), exist_ok=True)
            for j, blob in enumerate(blobs[:16]):
                with open(os.path.join(outdir, target, '%s-%d' % (base, j)), 'wb') as f:
                    f.write(blob[:8192])
                n += 1
    print('mkseeds: %d seeds in %s' % (n, outdir))


if __name__ == '__main__':
    main()
