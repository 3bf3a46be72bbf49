#!/bin/sh
# bench/run.sh: speed of `stratumwatch -r` against a bare libpcap read loop
# and against ndpiReader (nDPI 4.2) on the same large capture, run in
# alternation in one session (the machine is shared and noisy, so only
# ratios within one run mean anything). Prints medians, min-max and ratios.
#
# usage: bench/run.sh [BUILD_DIR] [COPIES] [ROUNDS]
#   BUILD_DIR  where ./stratumwatch was built (default: build-test)
#   COPIES     copies of the benign corpus in the mixed capture (default 20)
#   ROUNDS     runs of each tool (default 5)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build-test}
copies=${2:-20}
rounds=${3:-5}
work=${BENCH_DIR:-/tmp/stratumwatch-bench}
mkdir -p "$work"
sw=$build/stratumwatch
[ -x "$sw" ] || { echo "bench: build stratumwatch first ($sw)"; exit 2; }
cc -O2 -o "$work/bare-loop" "$top/bench/bare-loop.c" -lpcap
cap=$work/mixed-$copies.pcap
[ -f "$cap" ] || python3 "$top/bench/make-mixed.py" "$cap" "$copies"
pkts=$("$work/bare-loop" "$cap" | awk '{print $1}')
bytes=$(stat -c %s "$cap")
have_ndpi=0
command -v ndpiReader >/dev/null 2>&1 && have_ndpi=1

now() { date +%s.%N; }
timeit() { # name, command...: append the wall time to $work/NAME.times
	n=$1
	shift
	t0=$(now)
	"$@" >/dev/null 2>&1
	t1=$(now)
	echo "$t1 - $t0" | bc -l >>"$work/$n.times"
}
rm -f "$work"/*.times
i=0
while [ $i -lt "$rounds" ]; do
	timeit bare "$work/bare-loop" "$cap"
	timeit stratumwatch "$sw" -r "$cap" --eve /dev/null --eve-types all --no-summary
	[ $have_ndpi = 1 ] && timeit ndpiReader ndpiReader -q -i "$cap"
	i=$((i + 1))
done
summarize() { # median min max of a file of numbers
	sort -n "$1" | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f %.3f %.3f", m, a[1], a[NR]}'
}
echo "capture: $cap ($pkts packets, $bytes bytes), $rounds rounds, $(date -u +%Y-%m-%d)"
printf "%-14s %10s %10s %10s %14s %12s\n" tool median_s min_s max_s packets/s MB/s
for t in bare stratumwatch ndpiReader; do
	[ -f "$work/$t.times" ] || continue
	set -- $(summarize "$work/$t.times")
	printf "%-14s %10s %10s %10s %14.0f %12.1f\n" "$t" "$1" "$2" "$3" \
	    "$(echo "$pkts / $1" | bc -l)" "$(echo "$bytes / $1 / 1000000" | bc -l)"
	eval "med_$t=$1"
done
echo "stratumwatch / bare loop:   $(echo "$med_stratumwatch / $med_bare" | bc -l | cut -c1-5)x the time"
[ $have_ndpi = 1 ] && echo "ndpiReader / stratumwatch:  $(echo "$med_ndpiReader / $med_stratumwatch" | bc -l | cut -c1-5)x (stratumwatch is that many times faster)"
# pool-domain lookups: hashed suffixes against a linear scan of the same
# list, in the same run (bench/lookup.c)
cc -O2 -I"$top/include" -o "$work/lookup" "$top/bench/lookup.c" \
	"$build/libswengine.a" "$build/libswutil.a" &&
	"$work/lookup" "$top/data/pool-domains.txt"
# peak memory, one run each
if [ -x /usr/bin/time ]; then
	for t in stratumwatch ndpiReader; do
		case $t in
		stratumwatch) set -- "$sw" -r "$cap" --eve /dev/null --no-summary ;;
		ndpiReader) [ $have_ndpi = 1 ] || continue; set -- ndpiReader -q -i "$cap" ;;
		esac
		kb=$(/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1)
		echo "peak RSS $t: $kb KiB"
	done
fi
