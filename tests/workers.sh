#!/bin/sh
# workers.sh: --workers N (src/shard.c) gives the events, the summary, the
# messages and the exit status of one process, byte for byte, but for the
# stats event's peaks (flow.active_max, reasm.mem_peak, app_layer.mem_peak),
# which become the sum of the workers' own:
#   - every golden case of tests/TESTLIST, with 2 and with 3 workers;
#   - every bundled capture, every event type, 2 workers against 1;
#   - the same output run after run, on a capture large enough for the
#     workers to race (beats, pipes that fill);
#   - the summary table;
#   - what it refuses (standard input, a named pipe, exporters, the read
#     thread, bad counts), and the cooked capture it analyses in one process, saying so;
#   - a worker killed mid-run; a file still being written.
: "${srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${STRATUMWATCH:=./stratumwatch}"
case $STRATUMWATCH in /*) ;; *) STRATUMWATCH=$(pwd)/$STRATUMWATCH ;; esac
TZ=GMT0
LC_ALL=C
export TZ LC_ALL
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0

# the peaks, which differ by design, as "P"
peaks() {
	sed -E 's/"(active_max|mem_peak)":[0-9]+/"\1":P/g' "$@"
}
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
fail() {
	n=$((n + 1))
	fails=$((fails + 1))
	echo "not ok $n - $1"
}
# run OUT ARGS...: events, messages, then the exit status, in OUT (but
# the note that a cooked capture is analysed in one process: section 6)
run() {
	out=$1
	shift
	(cd "$srcdir" && timeout 300 ${SW_WRAP:-} "$STRATUMWATCH" "$@") >"$out" 2>"$out.err" </dev/null
	echo "exit $?" >>"$out"
	grep -v '^stratumwatch: --workers: .*; analysing in one process$' "$out.err" >>"$out"
}

ncases=$(grep -cv '^[[:space:]]*\(#\|$\)' "$srcdir/tests/TESTLIST")
ncaps=$(cd "$srcdir" && find pcaps -name '*.pcap' -o -name '*.pcapng' | wc -l)
echo "1..$((ncases + ncaps + 12))"

# 1. the golden cases (loops read files, not pipes: n counts on)
grep -v '^[[:space:]]*\(#\|$\)' "$srcdir/tests/TESTLIST" >"$tmp/cases"
(cd "$srcdir" && find pcaps -name '*.pcap' -o -name '*.pcapng' | sort) >"$tmp/caps"
while read -r name pcap opts; do
	case $name in
	memcap-one-flow)
		# flow_max is split between the workers and never below one flow
		# each: with flow_max=1 the run may hold one flow a worker
		n=$((n + 1))
		echo "ok $n - golden $name # SKIP flow_max=1 is each worker's one flow"
		continue ;;
	esac
	good=1
	peaks "$srcdir/tests/golden/$name.out" >"$tmp/want"
	for w in 2 3; do
		# shellcheck disable=SC2086 # opts are words by design
		(cd "$srcdir" && timeout 300 ${SW_WRAP:-} "$STRATUMWATCH" -r "$pcap" --eve - $opts \
		    --workers $w) >"$tmp/got" 2>"$tmp/err" </dev/null
		echo "exit $?" >>"$tmp/got"
		if ! peaks "$tmp/got" | cmp -s - "$tmp/want"; then
			good=0
			peaks "$tmp/got" | diff "$tmp/want" - | head -6 | sed "s/^/# $w workers: /"
			sed 's/^/# stderr: /' "$tmp/err" | head -3
		fi
	done
	if [ $good = 1 ]; then ok "golden $name: the same with 2 and 3 workers"; else fail "golden $name"; fi
done <"$tmp/cases"

# 2. every bundled capture, every event type
while read -r cap; do
	run "$tmp/one" -r "$cap" --eve - --eve-types all --no-summary
	run "$tmp/two" -r "$cap" --eve - --eve-types all --no-summary --workers 2
	peaks "$tmp/one" >"$tmp/one.p"
	if peaks "$tmp/two" | cmp -s - "$tmp/one.p"; then
		ok "$cap: 2 workers, the same $(grep -c '^{' "$tmp/one") events"
	else
		fail "$cap: 2 workers change the output"
		peaks "$tmp/two" | diff "$tmp/one.p" - | head -6 | sed 's/^/# /'
	fi
done <"$tmp/caps"


# 3. run after run: 840 Stratum sessions and their DNS (60 copies of every
# dialect, bench/make-stratum-heavy.py), 62,000 packets
big=$tmp/big.pcap
if "${PYTHON3:-python3}" "$srcdir/bench/make-stratum-heavy.py" "$big" 60 >/dev/null 2>&1 &&
    [ -s "$big" ]; then
	run "$tmp/a" -r "$big" --eve - --eve-types all --no-summary --workers 3
	run "$tmp/b" -r "$big" --eve - --eve-types all --no-summary --workers 3
	run "$tmp/c" -r "$big" --eve - --eve-types all --no-summary
	if cmp -s "$tmp/a" "$tmp/b" && peaks "$tmp/a" >"$tmp/a.p" && peaks "$tmp/c" | cmp -s - "$tmp/a.p" &&
	    [ "$(grep -c '^{' "$tmp/a")" -gt 1000 ]; then
		ok "a generated capture ($(grep -c '^{' "$tmp/a") events): the same bytes twice with 3 workers, and as one process"
	else
		fail "a generated capture: 3 workers are not deterministic or differ from one"
		diff "$tmp/a" "$tmp/b" | head -4 | sed 's/^/# a-b /'
		peaks "$tmp/c" | diff "$tmp/a.p" - | head -4 | sed 's/^/# a-c /'
	fi
else
	fail "could not generate the capture with bench/make-stratum-heavy.py"
fi

# 4. the summary table (stdout) and its line
cap=pcaps/ndpi-mining/mining.pcapng
run "$tmp/s1" -r "$cap" --summary
run "$tmp/s2" -r "$cap" --summary --workers 2
if cmp -s "$tmp/s1" "$tmp/s2" && grep -q 'mining session' "$tmp/s1"; then
	ok "the summary table is the same with 2 workers"
else
	fail "the summary table differs with 2 workers"
	diff "$tmp/s1" "$tmp/s2" | head -6 | sed 's/^/# /'
fi

# 5. refused, with a message and exit 2
refused() { # what, expected message part, args...
	what=$1
	msg=$2
	shift 2
	(cd "$srcdir" && "$STRATUMWATCH" "$@") >"$tmp/r.out" 2>"$tmp/r.err" </dev/null
	rc=$?
	if [ $rc = 2 ] && grep -q -- "$msg" "$tmp/r.err" && [ ! -s "$tmp/r.out" ]; then
		ok "$what: exit 2, \"$(head -1 "$tmp/r.err")\""
	else
		fail "$what: exit $rc, $(head -1 "$tmp/r.err")"
	fi
}
refused "standard input" "is for -r FILE" -r - --workers 2
refused "live capture" "is for -r FILE" -i lo --workers 2
mkfifo "$tmp/fifo"
refused "a named pipe (read once)" "is not a regular file" -r "$tmp/fifo" --workers 2
refused "an exporter" "take one process" -r "$cap" --workers 2 --ipfix 127.0.0.1:4739
refused "the read thread" "goes with one" -r "$cap" --workers 2 --read-thread on
refused "0 workers" "expected a number from 1 to 16" -r "$cap" --workers 0
refused "17 workers" "expected a number from 1 to 16" -r "$cap" --workers 17

# 6. a Linux cooked capture: one process, said on stderr
cooked=$(awk '$1 == "any-nat-twin" {print $2}' "$srcdir/tests/TESTLIST")
run "$tmp/k1" -r "$cooked" --eve - --no-summary
run "$tmp/k2" -r "$cooked" --eve - --no-summary --workers 2
if grep -q "Linux cooked capture.*analysing in one process" "$tmp/k2.err" &&
    cmp -s "$tmp/k2" "$tmp/k1"; then
	ok "a cooked capture ($cooked): analysed in one process, and said"
else
	fail "a cooked capture: $(head -1 "$tmp/k2.err")"
fi

# 7. a worker that dies is reported, not taken for the end of its flows
# (and no stats event of counters that are not whole is written):
# the collector's output is left unread so that everything blocks, one
# worker is killed, then the output is drained
if [ -s "$big" ]; then
	"${PYTHON3:-python3}" - "$STRATUMWATCH" "$big" >"$tmp/kill" 2>&1 <<'PYEOF'
import os, signal, subprocess, sys, time
p = subprocess.Popen([sys.argv[1], "-r", sys.argv[2], "--eve", "-", "--eve-types", "all",
                      "--no-summary", "--workers", "2"], stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE)
kids = []
for _ in range(500):
    try:
        kids = open("/proc/%d/task/%d/children" % (p.pid, p.pid)).read().split()
    except OSError:
        break
    if len(kids) == 2:
        break
    time.sleep(0.01)
time.sleep(0.5)
if len(kids) == 2:
    os.kill(int(kids[1]), signal.SIGKILL)
out, err = p.communicate(timeout=120)
stats = out.count(b'"event_type":"stats"')
print("kids %d exit %d stats %d" % (len(kids), p.returncode, stats))
print(err.decode(errors="replace").strip())
PYEOF
	if grep -q "^kids 2 exit 1 stats 0" "$tmp/kill" && grep -q "worker 1 stopped before it had finished" "$tmp/kill"; then
		ok "a worker killed mid-run: exit 1, \"$(sed -n 2p "$tmp/kill")\""
	else
		fail "a worker killed mid-run: $(tr '\n' ' ' <"$tmp/kill")"
	fi
else
	fail "a worker killed mid-run: no generated capture"
fi
# 8. a file still being written (tcpdump -w): the workers read it as it was
# when the run began (capture_pin), so the output is one process's over
# that many packets. Records are appended, a few at a time, all the while
# the run goes on; then the first N packets of the grown file, N the
# stats event's capture.pkts, are analysed in one process. (The size seen
# at the start may cut a record being appended: then every worker reports
# the same truncation, and its capture.read_error anomaly is set aside.)
if [ -s "$big" ]; then
	cp "$big" "$tmp/grow.pcap"
	"${PYTHON3:-python3}" - "$STRATUMWATCH" "$big" "$tmp/grow.pcap" "$tmp/grow.out" \
	    "$tmp/grow.ref.pcap" >"$tmp/grow" 2>&1 <<'PYEOF'
import json, os, struct, subprocess, sys, time
sw, src, grow, out, ref = sys.argv[1:6]
data = open(src, "rb").read()
recs, off = [], 24
while off + 16 <= len(data):
    caplen = struct.unpack_from("<I", data, off + 8)[0]
    recs.append(data[off:off + 16 + caplen])
    off += 16 + caplen
fd = os.open(grow, os.O_WRONLY | os.O_APPEND)
with open(out, "wb") as o:
    p = subprocess.Popen([sw, "-r", grow, "--eve", "-", "--eve-types", "all",
                          "--no-summary", "--workers", "2"], stdout=o,
                         stderr=subprocess.PIPE)
    # a few records a millisecond, as a capture being written grows,
    # so that the readers catch up with its end (bounded: 20 s)
    appended = 0
    while p.poll() is None and appended < 160000:
        os.write(fd, b"".join(recs[appended % len(recs):appended % len(recs) + 8]))
        appended += 8
        time.sleep(0.001)
    err = p.communicate(timeout=120)[1].decode(errors="replace").strip()
os.close(fd)
lines = open(out, "rb").read().splitlines()
stats = [json.loads(l) for l in lines if b'"event_type":"stats"' in l]
n = stats[0]["stats"]["capture"]["pkts"] if len(stats) == 1 else -1
# the first n packets of the grown file, for one process
g = open(grow, "rb").read()
with open(ref, "wb") as r:
    r.write(g[:24])
    off = 24
    for _ in range(max(n, 0)):
        caplen = struct.unpack_from("<I", g, off + 8)[0]
        r.write(g[off:off + 16 + caplen])
        off += 16 + caplen
print("exit %d pkts %d from %d grown %d" % (p.returncode, n, len(recs), appended))
print(err)
PYEOF
	run "$tmp/grow.one" -r "$tmp/grow.ref.pcap" --eve - --eve-types all --no-summary
	# (cut short: the truncation's anomaly, and the stats event that
	# counts it, are the workers' alone)
	drop='^$'
	grep -q '^exit 1' "$tmp/grow" && drop='"capture.read_error"|"event_type":"stats"'
	grep '^{' "$tmp/grow.out" | grep -Ev "$drop" | peaks >"$tmp/grow.w"
	grep '^{' "$tmp/grow.one" | grep -Ev "$drop" | peaks >"$tmp/grow.1"
	read -r _ grow_rc _ grow_n _ grow_from _ grow_added <"$tmp/grow"
	if grep -Eq '^exit (0|1) pkts [0-9]+ from [0-9]+ grown [1-9]' "$tmp/grow" &&
	    { [ "$grow_rc" = 0 ] || grep -q 'truncated dump file' "$tmp/grow"; } &&
	    [ "$grow_n" -ge "$grow_from" ] &&
	    cmp -s "$tmp/grow.w" "$tmp/grow.1" && [ -s "$tmp/grow.1" ]; then
		ok "a file appended to while 2 workers read it: one process's events over its first $grow_n packets ($grow_added records appended during the run)"
	else
		fail "a file appended to while 2 workers read it: $(tr '\n' ' ' <"$tmp/grow")"
		diff "$tmp/grow.w" "$tmp/grow.1" | head -4 | sed 's/^/# /'
	fi
else
	fail "a file appended to while read: no generated capture"
fi
exit 0
