#!/bin/sh
# hostile.sh: floods with fixed caps. Each capture ends with a real Stratum
# session; the analyser must still report it, count the cap hits, and (in a
# build without sanitizers) keep its peak RSS under the stated bound:
# caps plus a constant for nDPI's tables and the program (64 MiB).
: "${PYTHON3:=python3}"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
echo "1..7"
n=0
run() { # kind, bound_mib, counter-that-must-be-nonzero, options...
	kind=$1
	bound=$2
	counter=$3
	shift 3
	n=$((n + 1))
	"$PYTHON3" "$srcdir/tests/hostile-flood.py" "$tmp/$kind.pcap" "$kind" || {
		echo "not ok $n - $kind: generator failed"; return; }
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o "$tmp/rss" "$STRATUMWATCH" -r "$tmp/$kind.pcap" --eve - "$@" >"$tmp/out" 2>"$tmp/err"
	else
		"$STRATUMWATCH" -r "$tmp/$kind.pcap" --eve - "$@" >"$tmp/out" 2>"$tmp/err"
		echo 0 >"$tmp/rss"
	fi
	rc=$?
	kb=$(tail -n1 "$tmp/rss")
	why=""
	[ $rc = 0 ] || why="exit $rc: $(head -c 300 "$tmp/err")"
	grep -q '"signature_id":9870002' "$tmp/out" || why="$why; the Stratum session after the flood was not reported"
	grep -q "\"$counter\":[1-9]" "$tmp/out" || why="$why; counter $counter is 0"
	if [ -z "${SW_SANITIZED:-}" ] && [ "$kb" -gt $((bound * 1024)) ]; then
		why="$why; peak RSS ${kb} KiB over ${bound} MiB"
	fi
	if [ -z "$why" ]; then
		echo "ok $n - $kind: session reported, $counter counted, peak RSS ${kb} KiB (bound ${bound} MiB)"
	else
		echo "not ok $n - $kind:$why"
	fi
}
# 100k flows x ~0.4 KB + buckets + 64 MiB
run synflood 110 memcap_evicted --set flow_max=100000
# 1,000,000 segments in one flow, 64 x 8 bytes buffered at most; a full
# buffer gives up its oldest hole (a gap)
run ooo 80 gaps --set reasm_max_segments=64
# the line cap (64 KiB) and the unparsed cap
run noline 80 line_too_long
# 1000 datagrams x ~3 KB under reassembly at most
run fragments 80 frag_memcap --set frag_max_datagrams=1000
# 100,000 DNS responses with looping names (60,000 loops), 64 flows of at
# most 16 logged messages (32 KiB) each + 64 MiB
run dnsloop 80 dns_compression_loops
# 1,000 flows x 60 KB of unfinished line (60 MB held without a cap):
# app_memcap 8 MB + 64 MiB
run partial 72 memcap --set app_memcap=8000000
# nDPI's budget on a flow it cannot name: 400 datagrams of random bytes on
# one UDP flow, with a limit above what the flow's 8-bit count holds. nDPI
# must stop at 255 packets (the count once wrapped and nDPI never stopped).
n=$((n + 1))
"$PYTHON3" - "$tmp/ndpi.pcap" <<'PYEOF' || exit 99
import random, struct, sys
random.seed(7)
out = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
for i in range(400):
    pay = bytes(random.getrandbits(8) for _ in range(64))
    udp = struct.pack("!HHHH", 40000, 47808, 8 + len(pay), 0) + pay
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                     bytes([10, 244, 1, 9]), bytes([198, 51, 100, 9])) + udp
    fr = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip
    out.append(struct.pack("<IIII", 1700000000, i * 1000, len(fr), len(fr)) + fr)
open(sys.argv[1], "wb").write(b"".join(out))
PYEOF
"$STRATUMWATCH" -r "$tmp/ndpi.pcap" --eve - --eve-types stats --set ndpi_max_packets=100000 \
    >"$tmp/out" 2>"$tmp/err"
if grep -q '"ndpi_pkts":255,' "$tmp/out"; then
	echo "ok $n - ndpi budget: 255 packets of 400 at most, with ndpi_max_packets=100000"
else
	echo "not ok $n - ndpi budget: $(grep -o '"ndpi_pkts":[0-9]*' "$tmp/out") $(head -c 200 "$tmp/err")"
fi
