#!/bin/sh
# run-fuzz.sh [SECONDS] [TARGET...]: build the libFuzzer targets
# (./configure --enable-fuzz CC=clang in $FUZZ_BUILD, default build-fuzz/
# in this checkout: ASan+UBSan, every library object instrumented)
# and run each for SECONDS (default 20) on its seed corpus
# (tests/fuzz/corpus/<name>), printing executions, coverage and features
# per target. A crash, leak or timeout fails the run and leaves the
# reproducer in tests/fuzz/artifacts/ (replay it with
# $FUZZ_BUILD/tests/fuzz/replay_<name> FILE, then add it to the corpus so
# that tests/fuzz-replay.sh keeps it as a regression test).
#
# run-fuzz.sh --merge SEEDDIR [TARGET...]: rebuild the corpora from
# tests/fuzz/mkseeds.py's output (SEEDDIR/<name>/) and the corpora
# themselves, keeping only inputs that add coverage (libFuzzer -merge=1).
#
# FUZZ_FLAGS adds libFuzzer options (e.g. -runs=10000000). The long runs of
# README's "Fuzzing" figures: tools/fuzz-long.sh.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
merge=""
if [ "${1:-}" = --merge ]; then
	merge=$2
	shift 2
	secs=0
else
	secs=${1:-20}
	[ $# -gt 0 ] && shift
fi
# default: every target (tests/fuzz/fuzz_*.c)
targets=${*:-$(cd "$top/tests/fuzz" && ls fuzz_*.c | sed 's/\.c$//')}
# (each checkout its own: a directory shared by checkouts, the default
# until 2026-11-24, was left configured and with dependency lists from
# another tree, and CI then built nothing)
build=${FUZZ_BUILD:-$top/build-fuzz}
mkdir -p "$build" "$top/tests/fuzz/artifacts"
[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi)
# A FUZZ_BUILD configured from another checkout would build that
# checkout's sources: configure it again for this one, after removing the
# other's objects and configuration and its dependency lists (.deps/),
# which name the other tree's files (`make clean` keeps those).
if [ -f "$build/Makefile" ] &&
    [ "$(sed -n 's/^abs_top_srcdir = //p' "$build/Makefile")" != "$top" ]; then
	echo "run-fuzz: $build was configured from another tree; configuring it for $top"
	(cd "$build" && make --quiet distclean >/dev/null 2>&1; rm -f Makefile config.status)
	find "$build" -type d -name .deps -prune -exec rm -rf {} +
fi
if [ ! -f "$build/Makefile" ]; then
	(cd "$build" && "$top/configure" --quiet --enable-fuzz CC=clang) ||
		{ echo "FAIL: configuring the fuzz build in $build (see $build/config.log)"; exit 1; }
fi
# FUZZ_NOBUILD=1: use the targets as built (parallel runs share a build)
[ -n "${FUZZ_NOBUILD:-}" ] ||
(cd "$build" && make -j"$(nproc)" --quiet fuzz >"$build/make.log" 2>&1) ||
	{ echo "FAIL: building the fuzz targets (see $build/make.log)"; tail -20 "$build/make.log"; exit 1; }
status=0
for t in $targets; do
	name=${t#fuzz_}
	bin="$build/tests/fuzz/fuzz_$name"
	seeds="$top/tests/fuzz/corpus/$name"
	mkdir -p "$seeds"
	case $name in pcap|pcapfile|decode|reasm) maxlen=65536 ;; *) maxlen=16384 ;; esac
	if [ -n "$merge" ]; then
		rm -rf "$build/merged-$name"
		mkdir -p "$build/merged-$name"
		"$bin" -merge=1 -max_len=$maxlen -timeout=10 -rss_limit_mb=2048 \
		    "$build/merged-$name" "$seeds" $(ls -d "$merge/$name" 2>/dev/null) >"$build/$name-merge.log" 2>&1 || {
			echo "FAIL: $t merge (see $build/$name-merge.log)"; status=1; continue; }
		rm -f "$seeds"/*
		cp "$build/merged-$name"/* "$seeds"/ 2>/dev/null || :
		echo "MERGED: $t: $(ls "$seeds" | wc -l) inputs, $(du -sk "$seeds" | cut -f1) KiB"
		continue
	fi
	corpus="$build/corpus-$name"
	mkdir -p "$corpus"
	# shellcheck disable=SC2086
	if "$bin" -max_total_time="$secs" -print_final_stats=1 -max_len=$maxlen -timeout=10 \
	    -rss_limit_mb=2048 ${FUZZ_FLAGS:-} -artifact_prefix="$top/tests/fuzz/artifacts/$t-" \
	    "$corpus" "$seeds" >"$build/$t.log" 2>&1; then
		execs=$(grep -ao 'stat::number_of_executed_units: [0-9]*' "$build/$t.log" | awk '{print $2}')
		cov=$(grep -ao 'cov: [0-9]*' "$build/$t.log" | tail -1 | awk '{print $2}')
		ft=$(grep -ao 'ft: [0-9]*' "$build/$t.log" | tail -1 | awk '{print $2}')
		echo "PASS: $t: $execs execs in ${secs}s, cov $cov, ft $ft, crashes 0"
	else
		echo "FAIL: $t (see $build/$t.log and tests/fuzz/artifacts/)"
		grep -aE "ERROR|SUMMARY|==[0-9]+==" "$build/$t.log" | head -20
		status=1
	fi
done
exit $status
