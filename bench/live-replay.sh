#!/bin/sh
# bench/live-replay.sh: the highest replay rate the live sensor takes with
# zero kernel drops on this machine.
#
# tcpreplay sends a large capture (bench/make-mixed.py) onto one end of a
# veth pair at a fixed rate; stratumwatch -i captures on the other end (both
# in a network namespace this script creates, so nothing reaches the host's
# interfaces). After each rate the sensor gets SIGTERM and its final stats
# event gives packets captured and kernel drops (pcap_stats ps_drop +
# ps_ifdrop). Rates rise until drops appear or tcpreplay cannot reach the
# rate; the last rate without drops is reported in packets/s and Gbit/s
# (from the capture's mean frame size), with tcpreplay's achieved rate.
# Not part of the test suite: a timing measurement on a shared machine;
# repeat it for a stable figure.
#
# usage: bench/live-replay.sh [BUILD_DIR] [COPIES] [RATES]
#   BUILD_DIR  where ./stratumwatch was built (default: build-test)
#   COPIES     copies of the benign corpus in the capture (default 20,
#              about 230k frames, 110 MB: several times the ring, so a
#              sensor that falls behind does drop)
#   RATES      packets/s to try, ascending; "max" = tcpreplay --topspeed
#              (default "20000 50000 100000 150000 200000 max")
#   environment: SW_ARGS extra stratumwatch options (default: -B 8192,
#   an 8 MiB ring), BENCH_DIR where the capture goes
#   (/tmp/stratumwatch-bench)
# Needs root, ip (iproute2), tcpreplay, python3.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build-test}
copies=${2:-20}
rates=${3:-"20000 50000 100000 150000 200000 max"}
sw_args=${SW_ARGS:--B 8192}
work=${BENCH_DIR:-/tmp/stratumwatch-bench}
sw=$build/stratumwatch
[ -x "$sw" ] || { echo "live-replay: build stratumwatch first ($sw)"; exit 2; }
[ "$(id -u)" = 0 ] || { echo "live-replay: needs root (ip netns, capture)"; exit 2; }
for t in ip tcpreplay python3; do
	command -v $t >/dev/null 2>&1 || { echo "live-replay: $t not installed"; exit 2; }
done
mkdir -p "$work"
cap=$work/mixed-$copies.pcap
[ -f "$cap" ] || python3 "$top/bench/make-mixed.py" "$cap" "$copies" || exit 1
ns=swbench-$$
tmp=$(mktemp -d)
swpid=""
cleanup() {
	[ -n "$swpid" ] && kill "$swpid" 2>/dev/null && wait "$swpid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
ip netns add "$ns" || exit 1
ip -n "$ns" link set lo up
ip -n "$ns" link add r0 type veth peer name s0
# the capture holds frames of up to 64 KiB (captured with segmentation
# offload): the largest MTU a veth takes
ip -n "$ns" link set r0 mtu 65535
ip -n "$ns" link set s0 mtu 65535
ip -n "$ns" link set r0 up
ip -n "$ns" link set s0 up

# frames and mean frame size of the capture
set -- $(python3 - "$cap" <<'PYEOF'
import struct, sys
f = open(sys.argv[1], "rb"); f.read(24)
n = b = 0
while True:
    h = f.read(16)
    if len(h) < 16:
        break
    incl, orig = struct.unpack("<II", h[8:16])
    f.seek(incl, 1)
    n += 1; b += orig
print(n, b)
PYEOF
)
frames=$1
bytes=$2
echo "capture: $cap, $frames frames, $bytes bytes, mean $((bytes / frames)) bytes/frame"
echo "stratumwatch options: -i s0 $sw_args"
printf '%10s %12s %12s %10s %10s %s\n' "pps asked" "pps sent" "Mbit/s sent" captured drops verdict
best=""
for rate in $rates; do
	ip netns exec "$ns" "$sw" -i s0 $sw_args --eve "$tmp/eve.json" --eve-types stats \
	    --stats-interval 0 --metrics 127.0.0.1:9499 2>"$tmp/sw.err" &
	swpid=$!
	k=0
	until ip netns exec "$ns" python3 -c 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:9499/healthz", timeout=1)' 2>/dev/null; do
		k=$((k + 1))
		[ $k -gt 50 ] && { echo "live-replay: the sensor did not start: $(cat "$tmp/sw.err")"; exit 1; }
		sleep 0.2
	done
	if [ "$rate" = max ]; then
		speed=--topspeed
	else
		speed=--pps=$rate
	fi
	ip netns exec "$ns" tcpreplay -i r0 $speed "$cap" >"$tmp/tr.out" 2>&1
	sent_pps=$(sed -n 's/.*Rated: .* Bps, \([0-9.]*\) Mbps, \([0-9.]*\) pps.*/\2/p' "$tmp/tr.out" | head -1)
	sent_mbps=$(sed -n 's/.*Rated: .* Bps, \([0-9.]*\) Mbps, \([0-9.]*\) pps.*/\1/p' "$tmp/tr.out" | head -1)
	failed=$(sed -n 's/.*Failed packets: *\([0-9]*\).*/\1/p' "$tmp/tr.out" | head -1)
	sleep 1 # the last ring block is handed over after the 100 ms read timeout
	kill -TERM "$swpid"
	wait "$swpid"
	swpid=""
	set -- $(python3 -c '
import json, sys
s = [json.loads(l) for l in open(sys.argv[1])][-1]["stats"]["capture"]
print(s["pkts"], s["kernel_drops"])' "$tmp/eve.json")
	got=$1
	drops=$2
	rm -f "$tmp/eve.json"
	verdict=ok
	[ "$drops" != 0 ] && verdict="kernel drops"
	[ "$got" -lt "$frames" ] && [ "$drops" = 0 ] && verdict="short by $((frames - got)) (not counted as kernel drops)"
	[ "${failed:-0}" != 0 ] && verdict="$verdict; tcpreplay failed $failed"
	printf '%10s %12s %12s %10s %10s %s\n' "$rate" "$sent_pps" "$sent_mbps" "$got" "$drops" "$verdict"
	if [ "$verdict" != ok ]; then
		limited=sensor
		break
	fi
	if [ -z "$best" ] || python3 -c "import sys; sys.exit(not $sent_pps > $(echo "$best" | cut -d' ' -f2))"; then
		best="$rate $sent_pps $sent_mbps"
	fi
done
if [ -n "$best" ]; then
	set -- $best
	gbps=$(python3 -c "print('%.3f' % ($2 * $bytes / $frames * 8 / 1e9))")
	echo "highest rate with zero kernel drops: $2 pps sent ($1 asked), $gbps Gbit/s of frames (tcpreplay: $3 Mbit/s)"
	[ "${limited:-}" = sensor ] ||
	    echo "every rate tried was taken without drops: the figure is what tcpreplay could send here, a lower bound of the sensor's limit"
else
	echo "no rate without kernel drops"
fi
