#!/bin/sh
# bench/callgrind.sh: instructions per packet under valgrind's callgrind
# (deterministic, so usable on a noisy shared machine) for stratumwatch,
# the bare pcap_next_ex loop and ndpiReader, on the first N packets of each
# capture given, with start-up subtracted: each tool also runs on the
# capture's first packet alone and that count is taken off.
#
#   (Ir(first N packets) - Ir(first packet)) / (N - 1)
#
# usage: bench/callgrind.sh BUILD_DIR CAPTURE...
#   environment: N packets (default 100000; N=all: the whole capture);
#   SW_ARGS stratumwatch options (unset: --eve-types all, the full
#   analysis and every event written; SW_ARGS= : the default event types);
#   TOOLS the tools to run (default "bare stratumwatch sw-analysis
#   ndpiReader"). sw-analysis is stratumwatch with the same analysis but
#   only the final stats event written (--eve-types stats): the difference
#   from the stratumwatch row is what writing the events costs.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: bench/callgrind.sh BUILD_DIR CAPTURE...}
shift
n=${N:-100000}
sw_args=${SW_ARGS---eve-types all}
work=${BENCH_DIR:-/tmp/stratumwatch-bench}/callgrind
mkdir -p "$work"
sw=$build/stratumwatch
[ -x "$sw" ] || { echo "callgrind: build stratumwatch first ($sw)" >&2; exit 2; }
command -v valgrind >/dev/null 2>&1 || { echo "callgrind: valgrind not installed" >&2; exit 2; }
cc -O2 -o "$work/bare-loop" "$top/bench/bare-loop.c" -lpcap
have_ndpi=0
command -v ndpiReader >/dev/null 2>&1 && have_ndpi=1

ir() { # out-file command...: total instructions of one run
	o=$1
	shift
	valgrind --tool=callgrind --callgrind-out-file="$o" "$@" >/dev/null 2>&1 || true
	awk '/^(summary|totals):/ {print $2; exit}' "$o"
}
run() { # tool pcap tag
	# shellcheck disable=SC2086 # sw_args are words by design
	case $1 in
	stratumwatch) set -- "$2" "$3" "$sw" -r "$2" --eve /dev/null --no-summary $sw_args ;;
	sw-analysis) set -- "$2" "$3" "$sw" -r "$2" --eve /dev/null --no-summary $sw_args \
	    --eve-types stats ;;
	bare) set -- "$2" "$3" "$work/bare-loop" "$2" ;;
	ndpiReader) set -- "$2" "$3" ndpiReader -q -i "$2" ;;
	esac
	tag=$2
	shift 2
	ir "$work/cg.$tag.out" "$@"
}
for cap in "$@"; do
	[ -r "$cap" ] || { echo "callgrind: cannot read $cap" >&2; exit 2; }
	base=$(basename "$cap" .pcap)
	head=$work/$base.first$n.pcap
	one=$work/$base.first1.pcap
	if [ "$n" = all ]; then
		cp "$cap" "$head"
	else
		tcpdump -r "$cap" -c "$n" -w "$head" 2>/dev/null
	fi
	tcpdump -r "$cap" -c 1 -w "$one" 2>/dev/null
	pk=$("$work/bare-loop" "$head" | awk '{print $1}')
	echo "capture: $cap, first $pk packets, $(date -u +%Y-%m-%d)"
	printf "  %-14s %14s %14s %12s\n" tool Ir_total Ir_startup instr/packet
	for t in ${TOOLS:-bare stratumwatch sw-analysis ndpiReader}; do
		[ "$t" = ndpiReader ] && [ $have_ndpi = 0 ] && continue
		tot=$(run "$t" "$head" "$t.$base.n")
		st=$(run "$t" "$one" "$t.$base.1")
		printf "  %-14s %14s %14s %12.0f\n" "$t" "$tot" "$st" \
		    "$(echo "($tot - $st) / ($pk - 1)" | bc -l)"
	done
done
echo "(callgrind files: $work; callgrind_annotate --inclusive=yes FILE)"
