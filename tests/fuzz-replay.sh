#!/bin/sh
# fuzz-replay.sh: every fuzz corpus file (tests/fuzz/corpus/*/) and every
# regression capture (pcaps/regress/) through every fuzz target's replay
# driver (tests/fuzz/replay_*, built without libFuzzer by make check; under
# --enable-sanitizers this is the ASan+UBSan run). An input a fuzzer once
# crashed on is added to its target's corpus and stays a test here. Each
# driver gets every input, not only its own corpus: inputs are small, and a
# pcap fed to the DNS dissector is hostile input too.
: "${SW_BUILDDIR:=.}"
drivers=$(ls "$SW_BUILDDIR"/tests/fuzz/replay_* 2>/dev/null | grep -v '\.o$')
[ -n "$drivers" ] || { echo "1..0 # SKIP no replay drivers built (make check builds them)"; exit 0; }
dirs=""
for d in "$srcdir"/tests/fuzz/corpus/* "$srcdir/pcaps/regress"; do
	[ -d "$d" ] && dirs="$dirs $d"
done
set -- $drivers
echo "1..$#"
n=0
tmp=$(mktemp) || exit 99
trap 'rm -f "$tmp"' EXIT
for drv in $drivers; do
	n=$((n + 1))
	name=${drv##*/replay_}
	# shellcheck disable=SC2086
	if "$drv" $dirs >"$tmp" 2>&1; then
		echo "ok $n - $name: $(tail -n1 "$tmp")"
	else
		echo "not ok $n - $name: exit $?"
		grep -E 'ERROR|SUMMARY|runtime error|^onefile' "$tmp" | head -10 | sed 's/^/# /'
	fi
done
