#!/bin/sh
# run-golden.sh: golden pcap tests. Each line of tests/TESTLIST is
#     NAME  PCAP  [stratumwatch options...]
# The test runs `stratumwatch -r $srcdir/PCAP --eve - OPTIONS` and compares
# the EVE output with tests/golden/NAME.out. Output is TAP (one result per
# line of TESTLIST) for automake's tap-driver.
#
#   tests/run-golden.sh                 run all
#   tests/run-golden.sh --update [NAME...]   rewrite goldens, then review
#                                            them with `git diff tests/golden/`
# Environment: STRATUMWATCH (the binary), srcdir (default: the script's ..),
# SW_WRAP (a command prefix, e.g. valgrind: tests/valgrind.sh).
set -u
: "${srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${STRATUMWATCH:=./stratumwatch}"
case $STRATUMWATCH in /*) ;; *) STRATUMWATCH=$(pwd)/$STRATUMWATCH ;; esac
TZ=GMT0
LC_ALL=C
export TZ LC_ALL

update=0
if [ "${1:-}" = "--update" ]; then
	update=1
	shift
fi
only="$*"
list="$srcdir/tests/TESTLIST"
golden="$srcdir/tests/golden"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

total=$(grep -cv '^[[:space:]]*\(#\|$\)' "$list")
if [ -n "$only" ]; then
	total=$(echo $only | wc -w)
fi
echo "1..$total"
n=0
fails=0
grep -v '^[[:space:]]*\(#\|$\)' "$list" | while read -r name pcap opts; do
	if [ -n "$only" ]; then
		case " $only " in *" $name "*) ;; *) continue ;; esac
	fi
	n=$((n + 1))
	out="$tmp/$name.out"
	# paths in TESTLIST (pcaps, list files) are relative to the source tree
	# shellcheck disable=SC2086 # opts are words by design
	# SW_WRAP: a command to run it under (tests/valgrind.sh)
	(cd "$srcdir" && ${SW_WRAP:-} "$STRATUMWATCH" -r "$pcap" --eve - $opts) >"$out" 2>"$tmp/$name.err"
	rc=$?
	echo "exit $rc" >>"$out"
	if [ $update = 1 ]; then
		cp "$out" "$golden/$name.out"
		echo "ok $n - $name # updated"
	elif [ ! -f "$golden/$name.out" ]; then
		echo "not ok $n - $name # no golden file tests/golden/$name.out (run with --update)"
	elif diff -u "$golden/$name.out" "$out" >"$tmp/$name.diff"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		sed 's/^/# /' "$tmp/$name.diff" | head -40
		sed 's/^/# stderr: /' "$tmp/$name.err" | head -5
	fi
done
