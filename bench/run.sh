#!/bin/sh
# bench/run.sh: speed and memory of `stratumwatch -r` against a bare libpcap
# read loop and against ndpiReader (nDPI 4.2) on the same captures, run in
# alternation in one session (the machine is shared and noisy, so only
# ratios within one run mean anything). Two captures:
#   mixed          the benign corpus replicated with distinct addresses
#                  (bench/make-mixed.py)
#   stratum-heavy  every Stratum dialect tools/gen-pcaps.py knows, with DNS
#                  and background traffic, thousands of sessions at once
#                  (bench/make-stratum-heavy.py)
# For each: medians, min-max and ratios of wall time, and peak RSS, with
# stratumwatch also run with the reader thread forced on (--read-thread
# on; the default reads classic pcap on one thread) and with glibc's malloc
# on transparent huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1, sw_thp:
# an operator's choice, not the default), and with --workers 2 (two
# processes, the flows split by hash: sw_workers2; its peak RSS is the sum
# of the processes' peaks, bench/tree-rss.py; then the peak summed PSS of
# one process, of --workers 2 and of ndpiReader, shared pages counted
# once, tree-rss.py --pss). Then the
# pool-list lookup speed (bench/lookup.c), and memory per flow: sizeof
# struct sw_flow and the peak-RSS growth per idle flow and per Stratum
# session (bench/make-idle.py), for stratumwatch and ndpiReader.
# Instructions per packet (deterministic) come from bench/callgrind.sh.
#
# usage: bench/run.sh [BUILD_DIR] [COPIES] [ROUNDS]
#   BUILD_DIR  where ./stratumwatch was built (default: build-test)
#   COPIES     copies of the benign corpus in the mixed capture (default 500:
#              348,000 flows, 4.8 M packets, 2.7 GB)
#   ROUNDS     runs of each tool on each capture (default 5)
#   environment: HEAVY_COPIES copies in the Stratum-heavy capture (default
#   1500, 14 sessions each); BENCH_DIR where captures go
#   (/tmp/stratumwatch-bench); SW_ARGS stratumwatch's options (unset:
#   --eve-types all, every event written; SW_ARGS= : the default types)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build-test}
copies=${2:-500}
rounds=${3:-5}
heavy=${HEAVY_COPIES:-1500}
sw_args=${SW_ARGS---eve-types all}
work=${BENCH_DIR:-/tmp/stratumwatch-bench}
mkdir -p "$work"
sw=$build/stratumwatch
[ -x "$sw" ] || { echo "bench: build stratumwatch first ($sw)"; exit 2; }
cc -O2 -o "$work/bare-loop" "$top/bench/bare-loop.c" -lpcap
mixed=$work/mixed-$copies.pcap
[ -f "$mixed" ] || python3 "$top/bench/make-mixed.py" "$mixed" "$copies"
stratum=$work/stratum-heavy-$heavy.pcap
[ -f "$stratum" ] || python3 "$top/bench/make-stratum-heavy.py" "$stratum" "$heavy"
have_ndpi=0
command -v ndpiReader >/dev/null 2>&1 && have_ndpi=1
have_time=0
[ -x /usr/bin/time ] && have_time=1
# the kernel's transparent-huge-page mode, for the sw_thp row (glibc's
# hugetlb=1 tunable madvises its heap: it takes "always" or "madvise")
thp=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
thp=${thp:-unknown}

now() { date +%s.%N; }
timeit() { # name, command...: append the wall time to $work/NAME.times
	n=$1
	shift
	t0=$(now)
	"$@" >/dev/null 2>&1
	t1=$(now)
	echo "$t1 - $t0" | bc -l >>"$work/$n.times"
}
summarize() { # median min max of a file of numbers
	sort -n "$1" | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f %.3f %.3f", m, a[1], a[NR]}'
}
peak_kib() { # command...: peak RSS in KiB
	/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1
}
ratio() { echo "$1 / $2" | bc -l | awk '{printf "%.2f", $1}'; }

# shellcheck disable=SC2154 # med_* and rss_* are set by the eval below
bench_capture() { # capture file
	cap=$1
	pkts=$("$work/bare-loop" "$cap" | awk '{print $1}')
	bytes=$(stat -c %s "$cap")
	rm -f "$work"/*.times
	i=0
	while [ $i -lt "$rounds" ]; do
		timeit bare "$work/bare-loop" "$cap"
		# shellcheck disable=SC2086 # options are words
		timeit stratumwatch "$sw" -r "$cap" --eve /dev/null --no-summary $sw_args
		# shellcheck disable=SC2086
		timeit sw_thread "$sw" -r "$cap" --eve /dev/null --no-summary --read-thread on $sw_args
		# shellcheck disable=SC2086
		timeit sw_thp env GLIBC_TUNABLES=glibc.malloc.hugetlb=1 "$sw" -r "$cap" --eve /dev/null \
		    --no-summary $sw_args
		# shellcheck disable=SC2086
		timeit sw_workers2 "$sw" -r "$cap" --eve /dev/null --no-summary --workers 2 $sw_args
		[ $have_ndpi = 1 ] && timeit ndpiReader ndpiReader -q -i "$cap"
		i=$((i + 1))
	done
	echo
	echo "capture: $cap ($pkts packets, $bytes bytes), $rounds rounds, $(date -u +%Y-%m-%d)"
	printf "%-14s %10s %10s %10s %14s %12s %12s\n" tool median_s min_s max_s packets/s MB/s peak_RSS_KiB
	for t in bare stratumwatch sw_thread sw_thp sw_workers2 ndpiReader; do
		[ -f "$work/$t.times" ] || continue
		# shellcheck disable=SC2046 # median, min and max: three words by design
		set -- $(summarize "$work/$t.times")
		rss=-
		if [ $have_time = 1 ]; then
			# shellcheck disable=SC2086 # sw_args are words by design
			case $t in
			bare) rss=$(peak_kib "$work/bare-loop" "$cap") ;;
			stratumwatch) rss=$(peak_kib "$sw" -r "$cap" --eve /dev/null --no-summary $sw_args) ;;
			sw_thread) rss=$(peak_kib "$sw" -r "$cap" --eve /dev/null --no-summary --read-thread on $sw_args) ;;
			sw_thp) rss=$(peak_kib env GLIBC_TUNABLES=glibc.malloc.hugetlb=1 "$sw" -r "$cap" \
			    --eve /dev/null --no-summary $sw_args) ;;
			sw_workers2) rss=$(python3 "$top/bench/tree-rss.py" "$sw" -r "$cap" --eve /dev/null \
			    --no-summary --workers 2 $sw_args) ;;
			ndpiReader) rss=$(peak_kib ndpiReader -q -i "$cap") ;;
			esac
		fi
		printf "%-14s %10s %10s %10s %14.0f %12.1f %12s\n" "$t" "$1" "$2" "$3" \
		    "$(echo "$pkts / $1" | bc -l)" "$(echo "$bytes / $1 / 1000000" | bc -l)" "$rss"
		eval "med_$t=$1 rss_$t=$rss"
	done
	echo "stratumwatch / bare loop:   $(ratio "$med_stratumwatch" "$med_bare")x the time (target <= 3)"
	echo "default / read thread on:   $(ratio "$med_stratumwatch" "$med_sw_thread")x (above 1: what a second reading thread would gain; --read-thread on against the default)"
	echo "default / THP malloc:       $(ratio "$med_stratumwatch" "$med_sw_thp")x (above 1: what glibc's transparent huge pages would gain; GLIBC_TUNABLES=glibc.malloc.hugetlb=1, THP $thp)"
	echo "default / --workers 2:      $(ratio "$med_stratumwatch" "$med_sw_workers2")x (above 1: what a second worker process gains)"
	echo "--workers 2 / bare loop:    $(ratio "$med_sw_workers2" "$med_bare")x the time (target <= 3)"
	if [ $have_ndpi = 1 ]; then
		echo "ndpiReader / stratumwatch:  $(ratio "$med_ndpiReader" "$med_stratumwatch")x (stratumwatch is that many times faster; target >= 5)"
		echo "ndpiReader / --workers 2:   $(ratio "$med_ndpiReader" "$med_sw_workers2")x"
		[ $have_time = 1 ] &&
			echo "peak RSS stratumwatch / ndpiReader: $(ratio "$rss_stratumwatch" "$rss_ndpiReader") (target <= 0.25); --workers 2 (sum of its processes): $(ratio "$rss_sw_workers2" "$rss_ndpiReader")"
		# the same by PSS (bench/tree-rss.py --pss): pages the processes
		# share counted once, sampled, so a lower bound where the RSS
		# sum is an upper one
		if [ -r /proc/self/smaps_rollup ]; then
			# shellcheck disable=SC2086 # sw_args are words by design
			pss_sw=$(python3 "$top/bench/tree-rss.py" --pss "$sw" -r "$cap" --eve /dev/null \
			    --no-summary $sw_args)
			# shellcheck disable=SC2086
			pss_w2=$(python3 "$top/bench/tree-rss.py" --pss "$sw" -r "$cap" --eve /dev/null \
			    --no-summary --workers 2 $sw_args)
			pss_nd=$(python3 "$top/bench/tree-rss.py" --pss ndpiReader -q -i "$cap")
			echo "peak PSS KiB (sampled every 2 ms): stratumwatch $pss_sw, --workers 2 $pss_w2, ndpiReader $pss_nd; against ndpiReader $(ratio "$pss_sw" "$pss_nd") and $(ratio "$pss_w2" "$pss_nd")"
		fi
	fi
	return 0
}

bench_capture "$mixed"
bench_capture "$stratum"

# pool-domain lookups: hashed suffixes against a linear scan of the same
# list, in the same run (bench/lookup.c)
echo
cc -O2 -I"$top/include" -o "$work/lookup" "$top/bench/lookup.c" \
	"$build/libswengine.a" "$build/libswutil.a" &&
	"$work/lookup" "$top/data/pool-domains.txt"

# memory per flow: peak RSS on many idle flows minus on few, per flow
echo
cat >"$work/flowsize.c" <<'EOF'
#include <stdio.h>
#include "flow.h"
int main(void) { printf("%zu\n", sizeof(struct sw_flow)); return 0; }
EOF
cc -I"$top/include" -I"$top/src" -I"$build" -o "$work/flowsize" "$work/flowsize.c" &&
	echo "sizeof(struct sw_flow): $("$work/flowsize") bytes"
[ $have_time = 1 ] || exit 0
per_flow() { # kind few many
	python3 "$top/bench/make-idle.py" "$1" "$2" "$work/idle-$1-$2.pcap" >/dev/null
	python3 "$top/bench/make-idle.py" "$1" "$3" "$work/idle-$1-$3.pcap" >/dev/null
	for t in stratumwatch ndpiReader; do
		case $t in
		stratumwatch)
			a=$(peak_kib "$sw" -r "$work/idle-$1-$2.pcap" --eve /dev/null --no-summary)
			b=$(peak_kib "$sw" -r "$work/idle-$1-$3.pcap" --eve /dev/null --no-summary) ;;
		ndpiReader)
			[ $have_ndpi = 1 ] || continue
			a=$(peak_kib ndpiReader -q -i "$work/idle-$1-$2.pcap")
			b=$(peak_kib ndpiReader -q -i "$work/idle-$1-$3.pcap") ;;
		esac
		printf "%-14s %-8s %6.0f bytes per flow (peak RSS %s KiB with %s flows, %s KiB with %s)\n" \
		    "$t" "$1" "$(echo "($b - $a) * 1024 / ($3 - $2)" | bc -l)" "$b" "$3" "$a" "$2"
	done
}
per_flow syn 1000 100000
per_flow stratum 100 10000
