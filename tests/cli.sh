#!/bin/sh
# cli.sh: bad flags, files and list lines get exit status 2 and a message
# that names the problem (INTERFACE.md, "Exit status").
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
cap="$srcdir/pcaps/gen/stratum-xmrig.pcap"
: >"$tmp/empty.pcap"
n=0
check() { # want_rc, want_text, args...
	want_rc=$1
	want=$2
	shift 2
	n=$((n + 1))
	# bounded: a case that starts a capture instead of failing must not hang
	timeout 120 ${SW_WRAP:-} "$STRATUMWATCH" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	if [ "$rc" = "$want_rc" ] && grep -qF -- "$want" "$tmp/err"; then
		echo "ok $n - $* -> $rc"
	else
		echo "not ok $n - $*: exit $rc (want $want_rc), stderr: $(head -c 300 "$tmp/err")"
	fi
}
# Bad files, made from a good capture: truncated inside a record's data
# and inside a record header, wrong magic, a file header cut short, absurd
# snaplen (0 and 4 GB: libpcap accepts both and reads the records), caplen
# above the snaplen and caplen 4 GB in a record header, caplen > len, and
# a pcapng file with blocks of an unknown type.
: "${PYTHON3:=python3}"
"$PYTHON3" - "$cap" "$tmp" <<'PYEOF' || exit 99
import struct, sys
src = open(sys.argv[1], 'rb').read()
d = sys.argv[2]
rec, off = [], 24
while off + 16 <= len(src):
    incl = struct.unpack('<I', src[off + 8:off + 12])[0]
    rec.append(off)
    off += 16 + incl
def w(name, b):
    open(d + '/' + name, 'wb').write(b)
w('trunc-data.pcap', src[:rec[3] + 16 + 5])
w('trunc-hdr.pcap', src[:rec[3] + 7])
w('bad-magic.pcap', b'\xde\xad\xbe\xef' + src[4:])
w('short-hdr.pcap', src[:10])
for name, v in (('snaplen-0.pcap', 0), ('snaplen-4g.pcap', 0xffffffff)):
    w(name, src[:16] + struct.pack('<I', v) + src[20:])
for name, field, v in (('caplen-over-snaplen.pcap', 8, 300000), ('caplen-4g.pcap', 8, 0xffffffff),
                       ('caplen-over-len.pcap', 12, 10)):
    b = bytearray(src)
    b[rec[2] + field:rec[2] + field + 4] = struct.pack('<I', v)
    w(name, bytes(b))
# pcapng: section header, interface, an unknown block, the packets as
# enhanced packet blocks with another unknown block among them
def blk(t, body):
    body += b'\0' * (-len(body) % 4)
    return struct.pack('<II', t, 12 + len(body)) + body + struct.pack('<I', 12 + len(body))
ng = blk(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1))
ng += blk(1, struct.pack('<HHI', struct.unpack('<I', src[20:24])[0] & 0xffff, 0, 65535))
ng += blk(0x0BADB10C, b'an unknown block type')
for i, o in enumerate(rec):
    sec, usec, incl, orig = struct.unpack('<IIII', src[o:o + 16])
    t = sec * 1000000 + usec
    ng += blk(6, struct.pack('<IIIII', 0, t >> 32, t & 0xffffffff, incl, orig) + src[o + 16:o + 16 + incl])
    if i == 5:
        ng += blk(0x0000B10C, b'another one')
w('unknown-blocks.pcapng', ng)
PYEOF
check 2 "unrecognized option" --bogus
check 2 "no input" --eve -
check 2 "No such file" -r "$tmp/missing.pcap"
check 2 "is a directory" -r "$srcdir/pcaps"
check 2 "$tmp/empty.pcap" -r "$tmp/empty.pcap"
check 2 "invalid filter" -r "$cap" "tcp port"
check 2 "unknown limit" -r "$cap" --set nope=1
check 2 "not a non-negative integer" -r "$cap" --set flow_max=-5
check 2 "unknown event type" -r "$cap" --eve-types alert,bogus
check 2 "bad-pools.txt:2" -r "$cap" --pool-list "$srcdir/tests/data/bad-pools.txt"
check 2 "10.0.0.0/33" -r "$cap" --pod-cidr 10.0.0.0/33
check 2 "not-an-ip" -r "$cap" --cluster-cidr not-an-ip
check 2 "nosuch-if0" -i nosuch-if0
check 2 "not both" -r "$cap" -i lo
check 2 "refusing to serve metrics on a non-loopback" -i lo --metrics 0.0.0.0:9477
check 2 "expected ADDR:PORT" -i lo --metrics 127.0.0.1
check 2 "needs -i" -r "$cap" --metrics 127.0.0.1:9477
check 2 "expected a number" -i lo -s 0
check 2 "expected a number" -i lo --stats-interval x
check 2 "mixed" -r "$srcdir/pcaps/gen/bad-mixed-linktypes.pcapng"
# the same refusal with flow export on: the open flows' export state is
# freed with the engine (valgrind.sh and the ASan build run this file)
check 2 "mixed" -r "$srcdir/pcaps/gen/bad-mixed-linktypes.pcapng" --ipfix 127.0.0.1:4739
check 2 "not auto, on or off" -r "$cap" --read-thread sometimes
check 2 "--read-thread is for -r" -i lo --read-thread on
# truncated: what is there is processed (its events written), then exit 1
# naming the record where reading stopped
check 1 "reading stopped after record 3: truncated dump file" -r "$tmp/trunc-data.pcap" --eve "$tmp/t1.json"
check 1 "reading stopped after record 3: truncated dump file; tried to read 16 header bytes" -r "$tmp/trunc-hdr.pcap" --eve "$tmp/t2.json"
n=$((n + 1))
if grep -q '"event":"capture.read_error"' "$tmp/t1.json" && grep -q '"event_type":"stats"' "$tmp/t1.json"; then
	echo "ok $n - truncated capture: records before the cut processed, anomaly and stats written"
else
	echo "not ok $n - truncated capture: no anomaly/stats event in the output"
fi
check 2 "unknown file format" -r "$tmp/bad-magic.pcap"
check 2 "tried to read 24 file header bytes, only got 6" -r "$tmp/short-hdr.pcap"
check 2 "empty file" -r "$tmp/empty.pcap"
check 1 "invalid packet capture length 300000, bigger than snaplen" -r "$tmp/caplen-over-snaplen.pcap" --eve /dev/null
check 1 "invalid packet capture length 4294967295" -r "$tmp/caplen-4g.pcap" --eve /dev/null
# libpcap takes any snaplen in the file header and a caplen above the
# frame's length: both read normally
for f in snaplen-0 snaplen-4g caplen-over-len; do
	n=$((n + 1))
	${SW_WRAP:-} "$STRATUMWATCH" -r "$tmp/$f.pcap" --eve - >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc = 0 ] && grep -q '"signature_id":9870002' "$tmp/out"; then
		echo "ok $n - $f: read, session reported"
	else
		echo "not ok $n - $f: exit $rc, $(head -c 200 "$tmp/err")"
	fi
done
n=$((n + 1))
${SW_WRAP:-} "$STRATUMWATCH" -r "$tmp/unknown-blocks.pcapng" --eve - >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc = 0 ] && grep -q '"signature_id":9870002' "$tmp/out" &&
    grep -q '"detail":"2 pcapng block(s) of unknown type skipped (the first: type 0x0badb10c' "$tmp/out"; then
	echo "ok $n - pcapng with unknown blocks: skipped, counted in an anomaly, session reported"
else
	echo "not ok $n - pcapng with unknown blocks: exit $rc, $(head -c 200 "$tmp/err")"
fi
# unreadable: root reads a mode-000 file, so drop to nobody for it
cp "$cap" "$tmp/unreadable.pcap"
chmod 000 "$tmp/unreadable.pcap"
n=$((n + 1))
if [ "$(id -u)" != 0 ]; then
	n=$((n - 1))
	check 2 "Permission denied" -r "$tmp/unreadable.pcap"
elif command -v setpriv >/dev/null 2>&1; then
	chmod 755 "$tmp"
	setpriv --reuid=65534 --regid=65534 --clear-groups ${SW_WRAP:-} "$STRATUMWATCH" -r "$tmp/unreadable.pcap" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc = 2 ] && grep -qF "unreadable.pcap: Permission denied" "$tmp/err"; then
		echo "ok $n - unreadable file (as nobody) -> 2"
	else
		echo "not ok $n - unreadable file (as nobody): exit $rc, $(head -c 200 "$tmp/err")"
	fi
else
	echo "ok $n - # SKIP unreadable file: running as root without setpriv (util-linux) to drop to nobody"
fi
check 2 "error reading dump file" -r /proc/self/mem
check 2 "invalid filter 'not a valid ( filter'" -r "$cap" "not a valid ( filter"
check 2 "invalid filter" -r "$cap" "tcp port 99999"
# list files and CIDRs
printf '10.0.0.0/8 fine\n10.0.0.300 bad\n' >"$tmp/ips.txt"
check 2 "ips.txt:2: invalid IPv4 address: '10.0.0.300'" -r "$cap" --pool-ip-list "$tmp/ips.txt"
check 2 "No such file" -r "$cap" --pool-list "$tmp/missing.txt"
check 2 "read error: Is a directory" -r "$cap" --pool-list "$tmp"
check 2 "invalid prefix length: '10.0.0.0/-1'" -r "$cap" --pod-cidr 10.0.0.0/-1
check 2 "prefix length over 128: '::/129'" -r "$cap" --pod-cidr ::/129
check 2 "invalid IPv4 address: '1.2.3'" -r "$cap" --cluster-cidr 1.2.3
# --set: names, values, overflow
check 2 "unknown limit 'nope'" -r "$cap" --set nope=abc
check 2 "--set takes NAME=VALUE, got 'flow_max'" -r "$cap" --set flow_max
check 2 "--set takes NAME=VALUE, got '=5'" -r "$cap" --set =5
check 2 "'' is not a non-negative integer" -r "$cap" --set flow_max=
check 2 "'12abc' is not a non-negative integer" -r "$cap" --set flow_max=12abc
check 2 "' 5' is not a non-negative integer" -r "$cap" --set "flow_max= 5"
check 2 "'+5' is not a non-negative integer" -r "$cap" --set flow_max=+5
check 2 "99999999999999999999999 is too large" -r "$cap" --set flow_max=99999999999999999999999
check 2 "4294967296 is too large (at most 4294967295)" -r "$cap" --set flow_timeout_new=4294967296
# tunnel ports
check 2 "--vxlan-port 70000: expected a port number from 0 to 65535" -r "$cap" --vxlan-port 70000
check 2 "--geneve-port x: expected a port number from 0 to 65535" -r "$cap" --geneve-port x
check 2 "--vxlan-port -1: expected a port number from 0 to 65535" -r "$cap" --vxlan-port -1
check 2 "--geneve-port: at most 8 ports" -r "$cap" --geneve-port 1 --geneve-port 2 --geneve-port 3 \
	--geneve-port 4 --geneve-port 5 --geneve-port 6 --geneve-port 7 --geneve-port 8 --geneve-port 9
echo "1..$n"
