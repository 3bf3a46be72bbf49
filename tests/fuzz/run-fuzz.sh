#!/bin/sh
# run-fuzz.sh [SECONDS] [TARGET...]: build the libFuzzer targets with clang
# (ASan+UBSan) from the sources and run each for SECONDS (default 20) on
# its seed corpus (tests/fuzz/corpus/<target>), printing executions and
# coverage per target. A crash, leak or timeout fails the run and leaves
# the reproducer in tests/fuzz/artifacts/ (replay it with the onefile
# build: $BUILD/<target>-replay FILE).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-20}
[ $# -gt 0 ] && shift
targets=${*:-"fuzz_pcap fuzz_stratum fuzz_poollist"}
build=${FUZZ_BUILD:-/tmp/stratumwatch-fuzz}
mkdir -p "$build" "$top/tests/fuzz/artifacts"
sh "$top/tools/embed.sh" "$top/data/pool-domains.txt" "$build/default-pools.c" sw_default_pools
srcs=$(ls "$top"/src/*.c "$top"/dissectors/*.c | grep -v '/src/main.c$')
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all -std=gnu11 -I$top/include -I$top/src -I$top/dissectors $(pkg-config --cflags libpcap libndpi libcjson)"
libs="$(pkg-config --libs libpcap libndpi libcjson) -lm"
# the library part once, then one link per target
objs=""
for s in $srcs "$build/default-pools.c"; do
	o="$build/$(basename "$s" .c).o"
	clang $flags -fsanitize=fuzzer-no-link -c "$s" -o "$o"
	objs="$objs $o"
done
status=0
for t in $targets; do
	clang $flags -fsanitize=fuzzer "$top/tests/fuzz/$t.c" $objs $libs -o "$build/$t"
	clang $flags "$top/tests/fuzz/$t.c" "$top/tests/fuzz/onefile.c" $objs $libs -o "$build/$t-replay"
	corpus="$build/corpus-$t"
	mkdir -p "$corpus"
	seeds="$top/tests/fuzz/corpus/${t#fuzz_}"
	case $t in fuzz_pcap) maxlen=65536 ;; *) maxlen=16384 ;; esac
	if "$build/$t" -max_total_time="$secs" -print_final_stats=1 -max_len=$maxlen -timeout=10 \
	    -rss_limit_mb=2048 -artifact_prefix="$top/tests/fuzz/artifacts/$t-" "$corpus" "$seeds" \
	    >"$build/$t.log" 2>&1; then
		execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$build/$t.log" | awk '{print $2}')
		cov=$(grep -o 'cov: [0-9]*' "$build/$t.log" | tail -1 | awk '{print $2}')
		ft=$(grep -o 'ft: [0-9]*' "$build/$t.log" | tail -1 | awk '{print $2}')
		echo "PASS: $t: $execs execs in ${secs}s, cov $cov, ft $ft, crashes 0"
	else
		echo "FAIL: $t (see $build/$t.log and tests/fuzz/artifacts/)"
		grep -E "ERROR|SUMMARY|==[0-9]+==" "$build/$t.log" | head -20
		status=1
	fi
done
exit $status
