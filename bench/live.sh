#!/bin/sh
# bench/live.sh: the highest packet rate `stratumwatch -i` takes with no
# kernel drops. A capture is replayed with tcpreplay onto one end of a veth
# pair whose other end sits in a network namespace this script creates;
# stratumwatch captures there (every event type written to /dev/null), and
# its final stats event says how many packets it got and how many the
# kernel dropped. Rates go up until drops appear; the last clean rate is
# printed in packets/s and Gbit/s. Needs root, ip(8) and tcpreplay; the
# namespace, the veth pair and every process started are removed on exit.
#
# usage: bench/live.sh BUILD_DIR [CAPTURE] [RATES]
#   CAPTURE  default /tmp/stratumwatch-bench/mixed-20.pcap (bench/run.sh makes it)
#   RATES    packets/s to try, in order (default "25000 50000 100000 200000
#            400000 topspeed")
set -eu
build=${1:?usage: bench/live.sh BUILD_DIR [CAPTURE] [RATES]}
cap=${2:-/tmp/stratumwatch-bench/mixed-20.pcap}
rates=${3:-25000 50000 100000 200000 400000 topspeed}
sw=$build/stratumwatch
[ -x "$sw" ] || { echo "live: build stratumwatch first ($sw)"; exit 2; }
[ -f "$cap" ] || { echo "live: no capture $cap (run bench/run.sh first)"; exit 2; }
[ "$(id -u)" = 0 ] || { echo "live: needs root (network namespace)"; exit 2; }
command -v tcpreplay >/dev/null 2>&1 || { echo "live: tcpreplay not installed"; exit 2; }
ns=swbench$$
out=$(mktemp -d)
swpid=
cleanup() {
	[ -n "$swpid" ] && kill "$swpid" 2>/dev/null && wait "$swpid" 2>/dev/null
	ip link del swb0-$$ 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$out"
}
trap cleanup EXIT INT TERM
ip netns add "$ns"
ip link add swb0-$$ type veth peer name swb1-$$
ip link set swb1-$$ netns "$ns"
ip link set swb0-$$ up
ip netns exec "$ns" ip link set swb1-$$ up
# captures hold offloaded frames of up to 64 KiB
ip link set swb0-$$ mtu 65535
ip netns exec "$ns" ip link set swb1-$$ mtu 65535
pkts=$(tcpdump -r "$cap" -qn 2>/dev/null | wc -l)
echo "capture: $cap ($pkts packets), $(date -u +%Y-%m-%d), load $(cut -d' ' -f1 /proc/loadavg)"
printf "%-10s %12s %12s %12s %10s\n" rate sent_pps received kernel_drops Gbit/s
best=
for r in $rates; do
	ip netns exec "$ns" "$sw" -i swb1-$$ --eve "$out/eve.json" --eve-types all \
	    --stats-interval 0 --no-summary 2>"$out/err" &
	swpid=$!
	sleep 1
	case $r in
	topspeed) opt=--topspeed ;;
	*) opt=--pps=$r ;;
	esac
	tcpreplay -q -i swb0-$$ $opt "$cap" >"$out/replay" 2>&1 || true
	sleep 2
	kill -TERM "$swpid" 2>/dev/null || true
	wait "$swpid" 2>/dev/null || true
	swpid=
	# the actual rate and time tcpreplay reports: "Actual: N packets (B bytes) sent in S seconds"
	secs=$(sed -n 's/.*sent in \([0-9.]*\) seconds.*/\1/p' "$out/replay" | head -1)
	sent=$(sed -n 's/.*Actual: \([0-9]*\) packets.*/\1/p' "$out/replay" | head -1)
	sbytes=$(sed -n 's/.*Actual: [0-9]* packets (\([0-9]*\) bytes).*/\1/p' "$out/replay" | head -1)
	[ -n "$secs" ] || secs=0
	[ -n "$sent" ] || sent=0
	got=$(grep '"event_type":"stats"' "$out/eve.json" | tail -1 |
	    python3 -c 'import json,sys; s=json.load(sys.stdin)["stats"]["capture"]; print(s["pkts"], s["kernel_drops"])' 2>/dev/null || echo "0 -1")
	set -- $got
	pps=$(echo "$secs > 0" | bc -l)
	if [ "$pps" = 1 ]; then
		pps=$(echo "$sent / $secs" | bc -l | awk '{printf "%.0f", $1}')
		gbit=$(echo "${sbytes:-0} * 8 / $secs / 1000000000" | bc -l | awk '{printf "%.2f", $1}')
	else
		pps=- gbit=-
	fi
	printf "%-10s %12s %12s %12s %10s\n" "$r" "$pps" "$1" "$2" "$gbit"
	# clean: every packet tcpreplay sent was received, none dropped
	if [ "$2" = 0 ] && [ "$sent" -gt 0 ] && [ "$1" -ge "$sent" ]; then
		best="$pps packets/s, $gbit Gbit/s ($r)"
	else
		break
	fi
	rm -f "$out/eve.json"
done
echo "highest rate with no kernel drop: ${best:-none of the rates tried}"
