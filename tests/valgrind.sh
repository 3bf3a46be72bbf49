#!/bin/sh
# valgrind.sh: the leak check. Runs every unit test program, every golden
# test (tests/TESTLIST) and the bad-flags/files tests (tests/cli.sh) under
#     valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect
# and fails on any memory error or definite/indirect leak (valgrind exits
# 97 then; its report is printed as TAP comments). Still-reachable memory
# (nDPI's and libpcap's process-lifetime tables) is not an error.
#
# Not run under valgrind, on purpose: the hostile floods (tests/hostile.sh:
# millions of packets, minutes under valgrind; they run in the plain build
# with peak-RSS bounds and in the ASan+UBSan build) and the tshark
# cross-checks (they test output, not memory). Skipped in a sanitizer
# build: valgrind cannot run ASan binaries.
: "${SW_BUILDDIR:=.}"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
# tests/cli.sh runs one case as nobody: valgrind must be able to write its log
chmod 1777 "$tmp"
if [ -n "${SW_NO_VALGRIND:-}" ]; then
	echo "1..0 # SKIP SW_NO_VALGRIND set (tools/run-tests.sh's distcheck: the pass already ran in build-test)"
	exit 0
fi
if [ -n "${SW_SANITIZED:-}" ]; then
	echo "1..0 # SKIP sanitizer build: valgrind cannot run ASan binaries (the plain build runs this)"
	exit 0
fi
if ! command -v valgrind >/dev/null 2>&1; then
	echo "1..0 # SKIP valgrind not installed (apt-get install valgrind)"
	exit 0
fi
VG="timeout 600 valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=97 --log-file=$tmp/vg.%p"
units=""
for p in "$SW_BUILDDIR"/tests/unit/test_*; do
	case $p in *.o|*.log|*.trs|*.c) continue ;; esac
	[ -x "$p" ] && units="$units $p"
done
set -- $units
echo "1..$(($# + 4))"
n=0
report() { # print valgrind's reports as TAP comments and remove them
	for f in "$tmp"/vg.*; do
		[ -s "$f" ] && sed 's/^/# /' "$f" | head -40
		rm -f "$f"
	done
}
for p in $units; do
	n=$((n + 1))
	if $VG "$p" >"$tmp/out" 2>&1; then
		echo "ok $n - ${p##*/} under valgrind"
	else
		echo "not ok $n - ${p##*/} under valgrind: exit $?"
		grep -v '^ok' "$tmp/out" | head -10 | sed 's/^/# /'
	fi
	report
done
# The golden tests, in two halves in parallel (2 cores).
names=$(grep -v '^[[:space:]]*\(#\|$\)' "$srcdir/tests/TESTLIST" | awk '{print $1}')
half=$(( $(echo "$names" | wc -l) / 2 ))
a=$(echo "$names" | head -n "$half")
b=$(echo "$names" | tail -n +"$((half + 1))")
# shellcheck disable=SC2086
SW_WRAP=$VG sh "$srcdir/tests/run-golden.sh" $a >"$tmp/golden1" 2>&1 &
pid=$!
# shellcheck disable=SC2086
SW_WRAP=$VG sh "$srcdir/tests/run-golden.sh" $b >"$tmp/golden2" 2>&1
wait $pid
cat "$tmp/golden1" "$tmp/golden2" >"$tmp/golden"
total=$(grep -c '^\(not \)\?ok' "$tmp/golden")
bad=$(grep -c '^not ok' "$tmp/golden")
n=$((n + 1))
if [ "$bad" = 0 ] && [ "$total" -gt 0 ]; then
	echo "ok $n - $total golden tests under valgrind"
else
	echo "not ok $n - golden tests under valgrind: $bad of $total failed"
	grep -A12 '^not ok' "$tmp/golden" | head -60 | sed 's/^/# /'
fi
report
n=$((n + 1))
SW_WRAP=$VG sh "$srcdir/tests/cli.sh" >"$tmp/cli" 2>&1
total=$(grep -c '^\(not \)\?ok' "$tmp/cli")
bad=$(grep -c '^not ok' "$tmp/cli")
if [ "$bad" = 0 ] && [ "$total" -gt 0 ]; then
	echo "ok $n - $total cli tests under valgrind"
else
	echo "not ok $n - cli tests under valgrind: $bad of $total failed"
	grep '^not ok' "$tmp/cli" | head -20 | sed 's/^/# /'
fi
report
n=$((n + 1))
echo "ok $n - # SKIP hostile floods: minutes under valgrind; they run in the plain build (RSS bounds) and under ASan+UBSan"
n=$((n + 1))
echo "ok $n - # SKIP tshark cross-checks: they compare output, not memory"
