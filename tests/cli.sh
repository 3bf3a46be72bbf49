#!/bin/sh
# cli.sh: bad flags, files and list lines get exit status 2 and a message
# that names the problem (INTERFACE.md, "Exit status").
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
cap="$srcdir/pcaps/gen/stratum-xmrig.pcap"
: >"$tmp/empty.pcap"
n=0
check() { # want_rc, want_text, args...
	want_rc=$1
	want=$2
	shift 2
	n=$((n + 1))
	${SW_WRAP:-} "$STRATUMWATCH" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = "$want_rc" ] && grep -qF -- "$want" "$tmp/err"; then
		echo "ok $n - $* -> $rc"
	else
		echo "not ok $n - $*: exit $rc (want $want_rc), stderr: $(head -c 300 "$tmp/err")"
	fi
}
echo "1..20"
check 2 "unrecognized option" --bogus
check 2 "no input" --eve -
check 2 "No such file" -r "$tmp/missing.pcap"
check 2 "is a directory" -r "$srcdir/pcaps"
check 2 "$tmp/empty.pcap" -r "$tmp/empty.pcap"
check 2 "invalid filter" -r "$cap" "tcp port"
check 2 "unknown limit" -r "$cap" --set nope=1
check 2 "not a non-negative integer" -r "$cap" --set flow_max=-5
check 2 "unknown event type" -r "$cap" --eve-types alert,bogus
check 2 "bad-pools.txt:2" -r "$cap" --pool-list "$srcdir/tests/data/bad-pools.txt"
check 2 "10.0.0.0/33" -r "$cap" --pod-cidr 10.0.0.0/33
check 2 "not-an-ip" -r "$cap" --cluster-cidr not-an-ip
check 2 "nosuch-if0" -i nosuch-if0
check 2 "not both" -r "$cap" -i lo
check 2 "refusing to serve metrics on a non-loopback" -i lo --metrics 0.0.0.0:9477
check 2 "expected ADDR:PORT" -i lo --metrics 127.0.0.1
check 2 "needs -i" -r "$cap" --metrics 127.0.0.1:9477
check 2 "expected a number" -i lo -s 0
check 2 "expected a number" -i lo --stats-interval x
check 2 "mixed" -r "$srcdir/pcaps/gen/bad-mixed-linktypes.pcapng"
