#!/bin/sh
# fuzz-long.sh: the long fuzz runs behind README's "Fuzzing" figures: every
# target until 10 million executions or 30 minutes, whichever comes first,
# two at a time at the lowest CPU priority, each with libFuzzer's
# -rss_limit_mb=2048 -timeout=10. One line per target at the end of
# $FUZZ_BUILD/long-*.out (executions, coverage, features, crashes 0) or a
# FAIL line with the reproducer in tests/fuzz/artifacts/.
#   tools/fuzz-long.sh [SECONDS [RUNS]]   (defaults 1800, 10000000)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-1800}
runs=${2:-10000000}
build=${FUZZ_BUILD:-$top/build-fuzz}
export FUZZ_BUILD=$build
# build once (the two halves share the build)
sh "$top/tests/fuzz/run-fuzz.sh" 1 fuzz_frame >/dev/null || { echo "fuzz-long: build failed"; exit 1; }
all=$(cd "$top/tests/fuzz" && ls fuzz_*.c | sed 's/\.c$//')
# slow targets (the whole pipeline, Stratum) first, one in each half
a="fuzz_pcap" b="fuzz_stratum" i=0
for t in $all; do
	case $t in fuzz_pcap|fuzz_stratum) continue ;; esac
	if [ $((i % 2)) = 0 ]; then a="$a $t"; else b="$b $t"; fi
	i=$((i + 1))
done
FUZZ_NOBUILD=1 FUZZ_FLAGS="-runs=$runs" nice -n 19 sh "$top/tests/fuzz/run-fuzz.sh" "$secs" $a >"$build/long-a.out" 2>&1 &
pa=$!
FUZZ_NOBUILD=1 FUZZ_FLAGS="-runs=$runs" nice -n 19 sh "$top/tests/fuzz/run-fuzz.sh" "$secs" $b >"$build/long-b.out" 2>&1
wait $pa
cat "$build/long-a.out" "$build/long-b.out"
