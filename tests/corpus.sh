#!/bin/sh
# corpus.sh: every capture in pcaps/ (real and generated) is read without a
# crash (a sanitizer build aborts on any report), every output line is
# valid JSON with Suricata's envelope, the same input gives the same bytes,
# and no benign or crypto-P2P capture yields a Stratum event or an alert.
: "${PYTHON3:=python3}"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
files=$(ls "$srcdir"/pcaps/ndpi-benign/* "$srcdir"/pcaps/ndpi-mining/* "$srcdir"/pcaps/gen/*)
n=$(echo "$files" | wc -l)
echo "1..$((n + 1))"
i=0
for f in $files; do
	i=$((i + 1))
	b=$(basename "$f")
	"$STRATUMWATCH" -r "$f" --eve - --eve-types all >"$tmp/out" 2>"$tmp/err"
	rc=$?
	why=""
	case $rc in
	0) ;;
	1) grep -q "reading stopped" "$tmp/err" || why="exit 1: $(head -c 200 "$tmp/err")" ;;
	2) case $b in bad-*) ;; *) why="exit 2: $(head -c 200 "$tmp/err")" ;; esac ;;
	*) why="exit $rc (crash or sanitizer report): $(tail -c 400 "$tmp/err")" ;;
	esac
	if [ -z "$why" ]; then
		why=$("$PYTHON3" -c '
import json, sys
bad = []
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    try:
        e = json.loads(line)
    except ValueError as x:
        print("line %d is not JSON: %s" % (n, x)); break
    for k in ("timestamp", "event_type"):
        if k not in e:
            print("line %d has no %s" % (n, k)); break
    if sys.argv[2] == "negative" and e["event_type"] in ("alert", "stratum"):
        print("line %d: %s event in a capture without mining" % (n, e["event_type"])); break
' "$tmp/out" "$(case "$f" in */ndpi-benign/*|*/ndpi-mining/monero.pcap|*/ndpi-mining/bitcoin.pcap|*/ndpi-mining/ethereum.pcap|*/ndpi-mining/synscan.pcap|*/gen/jsonrpc-eth-node.pcap|*/gen/lsp.pcap|*/gen/chat-login.pcap|*/gen/elasticsearch-json.pcap) echo negative;; *) echo any;; esac)")
	fi
	if [ -z "$why" ]; then
		echo "ok $i - $b"
	else
		echo "not ok $i - $b: $why"
	fi
done
# determinism: the same input twice gives the same bytes
i=$((i + 1))
f="$srcdir/pcaps/ndpi-benign/1kxun.pcap"
"$STRATUMWATCH" -r "$f" --eve - --eve-types all >"$tmp/a" 2>/dev/null
"$STRATUMWATCH" -r "$f" --eve - --eve-types all >"$tmp/b" 2>/dev/null
if cmp -s "$tmp/a" "$tmp/b" && [ -s "$tmp/a" ]; then
	echo "ok $i - deterministic output (1kxun.pcap twice)"
else
	echo "not ok $i - output differs between two runs of 1kxun.pcap"
fi
