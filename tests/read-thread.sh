#!/bin/sh
# read-thread.sh: reading a file on a second thread (--read-thread on,
# src/capture-ring.c) gives byte for byte the events, the messages and the
# exit status of reading it on the analysis thread (--read-thread off):
# captures larger than the ring's chunks, pcapng, standard input, a BPF
# filter, a read error several chunks in, and records larger than a chunk.
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
: "${PYTHON3:=python3}"
n=0
# A big record (a 262,144-byte frame) between small ones, and 1kxun.pcap cut
# inside a record 1 MiB in (4 chunks of the ring).
"$PYTHON3" - "$srcdir/pcaps/ndpi-benign/1kxun.pcap" "$tmp" <<'PYEOF' || exit 99
import struct, sys
src = open(sys.argv[1], 'rb').read()
d = sys.argv[2]
hdr, off, recs = src[:24], 24, []
while off + 16 <= len(src):
    incl = struct.unpack('<I', src[off + 8:off + 12])[0]
    recs.append(src[off:off + 16 + incl])
    off += 16 + incl
cut, size = [], 24
for r in recs:
    if size > 1 << 20:
        cut.append(r[:16 + 3])  # the header says more than the file holds
        break
    cut.append(r)
    size += len(r)
open(d + '/cut.pcap', 'wb').write(hdr + b''.join(cut))
big = bytes(range(256)) * 1024
def rec(t, frame):
    return struct.pack('<IIII', t, 0, len(frame), len(frame)) + frame
snap = struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1)
open(d + '/big.pcap', 'wb').write(snap + b''.join(recs[:3]) + rec(5, big) + rec(6, big)
                                   + b''.join(recs[3:40]))
PYEOF
same() { # name, stdin file or "", args...
	name=$1
	in=$2
	shift 2
	n=$((n + 1))
	for t in on off; do
		timeout 300 ${SW_WRAP:-} "$STRATUMWATCH" --read-thread $t "$@" --eve - --eve-types all \
		    --no-summary >"$tmp/out.$t" 2>"$tmp/err.$t" <"${in:-/dev/null}"
		echo $? >"$tmp/rc.$t"
	done
	if cmp -s "$tmp/out.on" "$tmp/out.off" && cmp -s "$tmp/err.on" "$tmp/err.off" &&
	    cmp -s "$tmp/rc.on" "$tmp/rc.off" && { [ -s "$tmp/out.on" ] || [ -s "$tmp/err.on" ]; }; then
		echo "ok $n - $name: same events, messages and exit status ($(wc -l <"$tmp/out.on") events, exit $(cat "$tmp/rc.on"))"
	else
		echo "not ok $n - $name: the read thread changes the result (exit $(cat "$tmp/rc.on") vs $(cat "$tmp/rc.off"))"
		diff "$tmp/out.on" "$tmp/out.off" | head -5 | sed 's/^/# /'
		diff "$tmp/err.on" "$tmp/err.off" | head -5 | sed 's/^/# /'
	fi
}
echo "1..7"
same "1kxun.pcap (2.5 MB, 10 chunks)" "" -r "$srcdir/pcaps/ndpi-benign/1kxun.pcap"
same "mining.pcapng" "" -r "$srcdir/pcaps/ndpi-mining/mining.pcapng"
same "standard input" "$srcdir/pcaps/ndpi-benign/netflix.pcap" -r -
same "BPF filter" "" -r "$srcdir/pcaps/ndpi-benign/1kxun.pcap" udp port 53
same "read error 1 MiB in" "" -r "$tmp/cut.pcap"
same "records larger than a chunk" "" -r "$tmp/big.pcap"
same "pcapng with two link types" "" -r "$srcdir/pcaps/gen/bad-mixed-linktypes.pcapng"
