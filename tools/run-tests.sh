#!/bin/sh
# run-tests.sh: README's second command: the whole test suite.
#  1. `make check` in build-test/ (unit, golden, corpus and tool cross-checks;
#     tests/valgrind.sh reruns the unit, golden and cli tests under valgrind
#     --leak-check=full here; tests/fuzz-replay.sh replays every fuzz corpus)
#  2. the same suite again in build-asan/, built with ASan+UBSan (the
#     valgrind pass skips itself there; the corpus replay runs sanitized)
#  3. a short libFuzzer run of each target (tests/fuzz/run-fuzz.sh, clang,
#     FUZZ_SECONDS each, default 20)
#  4. `make distcheck`
# Ends with one line "N passed, N failed" counting every test of every run.
set -u
cd "$(dirname "$0")/.." || exit 99
top=$(pwd)
sh tools/deps.sh test || { echo "run-tests: installing dependencies failed"; echo "0 passed, 1 failed"; exit 1; }
[ -x configure ] || autoreconf -fi || exit 99
jobs=$(nproc)
status=0
build_failed=0
run() { # dir, configure flags...
	d=$1
	shift
	mkdir -p "$d"
	# A build that fails leaves no test results behind: counted here, or
	# the last line would read "0 failed" under a failed build.
	if ! ( cd "$d" && "$top/configure" --quiet "$@" && make -j"$jobs" --quiet ); then
		echo "FAIL: configure and build in $d ($*)"
		build_failed=$((build_failed + 1))
		status=1
		return
	fi
	( cd "$d" && make -j"$jobs" check ) || status=1
}
run build-test --enable-werror
run build-asan --enable-sanitizers
# a short libFuzzer run of every target (clang), counted as one test each
fuzz_out=$(sh tests/fuzz/run-fuzz.sh "${FUZZ_SECONDS:-20}" 2>&1)
echo "$fuzz_out"
fuzz_pass=$(echo "$fuzz_out" | grep -c '^PASS: ')
fuzz_fail=$(echo "$fuzz_out" | grep -c '^FAIL: ')
[ "$fuzz_pass" -gt 0 ] || fuzz_fail=$((fuzz_fail + 1))
distcheck=0
# (the valgrind pass already ran in build-test: not again inside distcheck)
( cd build-test && make -j"$jobs" distcheck SW_NO_VALGRIND=1 >distcheck.log 2>&1 ) || distcheck=1
passed=$(cat build-test/tests/unit/*.trs build-test/tests/*.trs build-asan/tests/unit/*.trs build-asan/tests/*.trs 2>/dev/null |
	grep -c '^:test-result: \(PASS\|XFAIL\)')
failed=$(cat build-test/tests/unit/*.trs build-test/tests/*.trs build-asan/tests/unit/*.trs build-asan/tests/*.trs 2>/dev/null |
	grep -c '^:test-result: \(FAIL\|XPASS\|ERROR\)')
skipped=$(cat build-test/tests/unit/*.trs build-test/tests/*.trs build-asan/tests/unit/*.trs build-asan/tests/*.trs 2>/dev/null |
	grep -c '^:test-result: SKIP')
passed=$((passed + fuzz_pass))
failed=$((failed + fuzz_fail + build_failed))
if [ $distcheck = 0 ]; then
	passed=$((passed + 1))
	echo "PASS: make distcheck"
else
	failed=$((failed + 1))
	echo "FAIL: make distcheck (see build-test/distcheck.log)"
	tail -30 build-test/distcheck.log
fi
[ "$failed" -gt 0 ] && status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
