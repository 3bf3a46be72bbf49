#!/bin/sh
# bench/profile.sh: where stratumwatch's time goes natively, by sampling.
# callgrind (bench/callgrind.sh) counts instructions, and counts a load
# that waits on memory as one: on the Stratum-heavy capture, with tens of
# thousands of sessions open, much of the time is such waiting, and only a
# sampling profile shows where. This machine (a KVM guest) has no hardware
# counters, but perf's software clock (cpu-clock) samples the same way.
#
# usage: bench/profile.sh BUILD_DIR CAPTURE [RUNS]
#   runs stratumwatch RUNS times (default 5) on CAPTURE with the default
#   event types under `perf record -e cpu-clock -F 20000` and prints the
#   functions over 0.5% of the samples. Build with --disable-lto for
#   names that match the source (LTO folds the hot path into
#   engine_packet); annotate one with
#   perf annotate -i $BENCH_DIR/profile/perf.data --stdio -s FUNCTION.
#   A sample lands on the instruction after a stall, so a load that
#   misses is charged to the instruction that uses its value.
set -eu
build=${1:?usage: bench/profile.sh BUILD_DIR CAPTURE [RUNS]}
cap=${2:?usage: bench/profile.sh BUILD_DIR CAPTURE [RUNS]}
runs=${3:-5}
sw=$build/stratumwatch
work=${BENCH_DIR:-/tmp/stratumwatch-bench}/profile
[ -x "$sw" ] || { echo "profile: build stratumwatch first ($sw)" >&2; exit 2; }
[ -r "$cap" ] || { echo "profile: cannot read $cap" >&2; exit 2; }
command -v perf >/dev/null 2>&1 || { echo "profile: perf not installed (linux-perf)" >&2; exit 2; }
case $runs in ''|*[!0-9]*|0) echo "profile: RUNS must be a positive number" >&2; exit 2 ;; esac
mkdir -p "$work"
data=$work/perf.data
# (the loop's script is quoted whole: its arguments come as $1..$3)
# shellcheck disable=SC2016
perf record -q -e cpu-clock -F 20000 -o "$data" -- sh -c '
	i=0
	while [ $i -lt "$1" ]; do
		"$2" -r "$3" --eve /dev/null --no-summary --read-thread off || exit 1
		i=$((i + 1))
	done' sh "$runs" "$sw" "$cap" >/dev/null
echo "capture: $cap, $runs runs, $(date -u +%Y-%m-%d), cpu-clock samples at 20 kHz"
perf report -i "$data" --stdio --comm "$(basename "$sw" | cut -c1-15)" --sort dso,sym 2>/dev/null |
    awk '/^#/ || NF == 0 {next} {p = $1; sub(/%/, "", p); if (p + 0 >= 0.5) print}'
