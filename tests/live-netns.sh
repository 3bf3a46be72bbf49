#!/bin/sh
# live-netns.sh: the live sensor (-i) end to end, in network namespaces of
# its own (nothing in the host's):
#
#   client ns  c0 192.0.2.1/24 --veth-- p0 192.0.2.2/24  pool ns
#   stratumwatch -i c0                   fake-pool.py :3333, a DNS
#   fake-miner.py, DNS lookups,          responder :53 (every name ->
#   an HTTP GET                          192.0.2.2), http.server :8080
#
# Checks: the sensor starts (healthz); a Stratum session to a pool found by
# a DNS lookup of a listed name is reported (stratum event, alerts, in_iface)
# while the sensor runs, ended by the wall-clock timer; a lookup of a name
# not yet listed raises nothing; after the list file is changed and SIGHUP,
# the same name is flagged; /metrics passes a strict exposition-format
# check and counts what happened; SIGTERM ends with exit 0, every line valid
# JSON, and the final stats event last. Then --metrics on a non-loopback
# address: refused (exit 2) without --metrics-allow-remote, served with it.
# And --eve unix:SOCKET: events reach a reader; while none listens they are
# counted as dropped.
# Addresses are TEST-NET-1. Every wait is bounded; a trap stops every
# process this script started and deletes the namespaces.
#
# Needs root, ip (iproute2), timeout, python3; skips (TAP SKIP with the
# reason) without them. CI runs as root with them.
#
# Environment: STRATUMWATCH (binary), srcdir (source tree), PYTHON3.
set -u
: "${srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${STRATUMWATCH:=./stratumwatch}"
: "${PYTHON3:=/usr/bin/python3}"
case $STRATUMWATCH in /*) ;; *) STRATUMWATCH=$(pwd)/$STRATUMWATCH ;; esac
NTESTS=22

skip() {
	echo "1..$NTESTS"
	i=1
	while [ $i -le $NTESTS ]; do
		echo "ok $i # SKIP $1"
		i=$((i + 1))
	done
	exit 0
}

[ "$(id -u)" = 0 ] || skip "needs root for ip netns"
for t in ip timeout "$PYTHON3"; do
	command -v "$t" >/dev/null 2>&1 || skip "$t not installed"
done
[ -x "$STRATUMWATCH" ] || skip "no stratumwatch binary at $STRATUMWATCH"

sfx=$$
NS_C=swlive-c-$sfx
NS_P=swlive-p-$sfx
work=$(mktemp -d /tmp/live-netns.XXXXXX)
pids=""

cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done 2>/dev/null
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	ip netns del "$NS_C" 2>/dev/null
	ip netns del "$NS_P" 2>/dev/null
	if [ "${KEEP_WORK:-0}" = 1 ]; then
		echo "# files kept in $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

if ! ip netns add "$NS_C" 2>"$work/netns.err"; then
	skip "ip netns add is not permitted here: $(head -1 "$work/netns.err")"
fi
ip netns add "$NS_P" || exit 1
inc() { ip netns exec "$NS_C" "$@"; }
inp() { ip netns exec "$NS_P" "$@"; }

set -e
ip -n "$NS_C" link set lo up
ip -n "$NS_P" link set lo up
ip link add swlc$sfx type veth peer name swlp$sfx
ip link set swlc$sfx netns "$NS_C"
ip link set swlp$sfx netns "$NS_P"
ip -n "$NS_C" link set swlc$sfx name c0
ip -n "$NS_P" link set swlp$sfx name p0
ip -n "$NS_C" addr add 192.0.2.1/24 dev c0
ip -n "$NS_P" addr add 192.0.2.2/24 dev p0
ip -n "$NS_C" link set c0 up
ip -n "$NS_P" link set p0 up
set +e

# ---- the pool side: fake pool, DNS responder, web server ----
cat >"$work/lookup.py" <<'PYEOF'
# Resolve NAME (A) at SERVER over UDP; print the address. 3 s at most.
import socket, struct, sys
name, server = sys.argv[1], sys.argv[2]
q = struct.pack(">HHHHHH", 0x5157, 0x0100, 1, 0, 0, 0)
q += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
q += struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(q, (server, 53))
r = s.recv(512)
print(socket.inet_ntoa(r[-4:]))
PYEOF
inp "$PYTHON3" "$srcdir/tools/fake-pool.py" --host 192.0.2.2 --port 3333 \
    --job-interval 1 --max-seconds 90 2>"$work/pool.log" &
pids="$pids $!"
inp "$PYTHON3" "$srcdir/tools/fake-dns.py" 192.0.2.2 --max-seconds 90 2>"$work/dns.log" &
pids="$pids $!"
mkdir "$work/www" && echo "hello" >"$work/www/index.html"
(cd "$work/www" && exec ip netns exec "$NS_P" timeout 90 "$PYTHON3" -m http.server \
    --bind 192.0.2.2 8080 >/dev/null 2>&1) &
pids="$pids $!"

# ---- the sensor ----
printf 'oldpool.test  # coin=xmr\n' >"$work/pools.txt"
# $! must be the sensor itself (ip netns exec execs it), not a subshell,
# and not timeout(1), which would take the SIGHUP for itself; the trap
# stops it whatever happens
ip netns exec "$NS_C" "$STRATUMWATCH" -i c0 --no-default-pools \
    --pool-list "$work/pools.txt" --eve "$work/eve.json" --eve-types all \
    --stats-interval 1 --set flow_timeout_closed=1 --set flow_timeout_udp=2 \
    --metrics 127.0.0.1:9477 2>"$work/sw.err" &
swpid=$!
pids="$pids $swpid"

# bounded wait: a condition checked every 0.2 s, at most $1 seconds
wait_for() {
	limit=$(($1 * 5))
	shift
	k=0
	while [ $k -lt $limit ]; do
		"$@" && return 0
		sleep 0.2
		k=$((k + 1))
	done
	return 1
}
healthy() {
	inc "$PYTHON3" -c 'import urllib.request,sys; sys.exit(urllib.request.urlopen("http://127.0.0.1:9477/healthz", timeout=2).read() != b"ok\n")' 2>/dev/null
}
listening() { inp "$PYTHON3" -c 'import socket; socket.create_connection(("192.0.2.2", 8080), 1).close()' 2>/dev/null; }
n=0
result() { # ok?, description
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
count() { # python expression over the events list `ev`, printed
	"$PYTHON3" - "$work" "$1" <<'PYEOF'
import json, os, sys
ev = []
# eve.1.json: the file as it was when SIGHUP rotated it
paths = [os.path.join(sys.argv[1], f) for f in ("eve.1.json", "eve.json")]
for line in (l for p in paths if os.path.exists(p) for l in open(p)):
    try:
        ev.append(json.loads(line))
    except ValueError:
        ev.append({"event_type": "INVALID"})
print(eval(sys.argv[2]))
PYEOF
}
alerts_for() { # sid, name in dns.rrname or stratum pool
	count "sum(1 for e in ev if e['event_type']=='alert' and e['alert']['signature_id']==$1 and '$2' in json.dumps(e))"
}

echo "1..$NTESTS"
wait_for 15 healthy
result $? "the sensor is up: /healthz answers ok on 127.0.0.1 in its namespace"
wait_for 15 listening || echo "# the web server did not start" >&2

# session 1: a listed name is looked up, then mined at
inc "$PYTHON3" "$work/lookup.py" oldpool.test 192.0.2.2 >"$work/l1" 2>&1
inc timeout 30 "$PYTHON3" "$srcdir/tools/fake-miner.py" --host "$(cat "$work/l1")" \
    --port 3333 --submits 2 --interval 0.2 --max-seconds 20 >"$work/m1.log" 2>&1
[ $? = 0 ] || echo "# fake-miner 1 failed: $(tail -2 "$work/m1.log")" >&2
# benign traffic: a lookup of a name not (yet) listed and a web request
inc "$PYTHON3" "$work/lookup.py" newpool.test 192.0.2.2 >/dev/null 2>&1
inc "$PYTHON3" -c 'import urllib.request; urllib.request.urlopen("http://192.0.2.2:8080/", timeout=5).read()' \
    2>"$work/http.err" || echo "# http request failed: $(tail -1 "$work/http.err")" >&2

stratum1() { [ "$(count "sum(1 for e in ev if e['event_type']=='stratum')")" -ge 1 ]; }
wait_for 15 stratum1
result $? "session 1: the stratum event is written while live (closed-flow timeout on wall time)"
[ "$(count "[e.get('in_iface') for e in ev if e['event_type']=='stratum']")" = "['c0']" ]
result $? "session 1: in_iface is c0"
[ "$(alerts_for 9870003 oldpool.test)" -ge 1 ] && [ "$(alerts_for 9870005 oldpool.test)" -ge 1 ] &&
    [ "$(count "sum(1 for e in ev if e['event_type']=='alert' and e['alert']['signature_id']==9870002)")" -ge 1 ]
result $? "session 1: alerts for the pool lookup (9870003), the connection (9870005) and Monero Stratum (9870002)"
[ "$(alerts_for 9870003 newpool.test)" = 0 ]
result $? "a lookup of a name not on the list raises no alert"
[ "$(count "sum(1 for e in ev if e['event_type']=='alert' and e.get('dest_port')==8080)")" = 0 ]
result $? "the benign web request raises no alert"

# reload: the list gains newpool.test
printf 'oldpool.test  # coin=xmr\nnewpool.test  # coin=xmr\n' >"$work/pools.txt"
mv "$work/eve.json" "$work/eve.1.json" # log rotation
kill -HUP $swpid
reloaded() { grep -q "pool lists reloaded" "$work/sw.err"; }
wait_for 10 reloaded
result $? "SIGHUP: the pool lists are reloaded"
inc "$PYTHON3" "$work/lookup.py" newpool.test 192.0.2.2 >"$work/l2" 2>&1
inc timeout 30 "$PYTHON3" "$srcdir/tools/fake-miner.py" --host "$(cat "$work/l2")" \
    --port 3333 --submits 2 --interval 0.2 --max-seconds 20 >"$work/m2.log" 2>&1
[ $? = 0 ] || echo "# fake-miner 2 failed: $(tail -2 "$work/m2.log")" >&2
stratum2() { [ "$(count "sum(1 for e in ev if e['event_type']=='stratum')")" -ge 2 ]; }
wait_for 15 stratum2
result $? "session 2: its stratum event is written"
[ "$(alerts_for 9870003 newpool.test)" -ge 1 ] && [ "$(alerts_for 9870005 newpool.test)" -ge 1 ]
result $? "session 2: the name only in the reloaded list is flagged (9870003, 9870005)"
# (the benign lookup of newpool.test may be in either file: its dns event
# is written whenever its UDP flow times out; session 2's alerts only after)
grep -q '"event_type":"stratum"' "$work/eve.1.json" &&
    ! grep '"event_type":"alert"' "$work/eve.1.json" | grep -q 'newpool.test' &&
    grep '"event_type":"alert"' "$work/eve.json" | grep -q 'newpool.test'
result $? "SIGHUP reopened the EVE file: session 1 in the rotated file, session 2 in the new one"

# metrics, scraped in the sensor's namespace, checked strictly
inc "$PYTHON3" -c 'import urllib.request,sys; sys.stdout.write(urllib.request.urlopen("http://127.0.0.1:9477/metrics", timeout=5).read().decode())' \
    >"$work/metrics.txt" 2>"$work/metrics.err"
"$PYTHON3" "$srcdir/tests/prom-check.py" "$work/metrics.txt" \
    --require stratumwatch_packets_total --require stratumwatch_alerts_total \
    --require stratumwatch_stratum_sessions_total --require stratumwatch_flows_active \
    --require stratumwatch_kernel_drops_total --require stratumwatch_memcap_hits_total \
    --require stratumwatch_alloc_failures_total >"$work/prom.err" 2>&1
result $? "/metrics passes the exposition-format check$(head -3 "$work/prom.err" | tr '\n' ' ')"
grep -q '^stratumwatch_stratum_sessions_total{dialect="cryptonote"} 2$' "$work/metrics.txt" &&
    grep -q '^stratumwatch_alerts_total{signature_id="9870003",signature=".*"} 2$' "$work/metrics.txt"
result $? "/metrics counts 2 cryptonote sessions and 2 pool-lookup alerts"
code=$(inc "$PYTHON3" -c '
import urllib.request, urllib.error
try:
    urllib.request.urlopen("http://127.0.0.1:9477/nope", timeout=3)
    print(200)
except urllib.error.HTTPError as e:
    print(e.code)' 2>/dev/null)
[ "$code" = 404 ]
result $? "/metrics server: an unknown path is 404 (got $code)"

# shutdown
kill -TERM $swpid
wait $swpid
rc=$?
[ $rc = 0 ]
result $? "SIGTERM: exit 0 (got $rc)"
[ "$(count "sum(1 for e in ev if e['event_type']=='INVALID')")" = 0 ] &&
    [ "$(count "ev[-1]['event_type']")" = stats ] &&
    [ "$(count "sum(1 for e in ev if e['event_type']=='stats')")" -ge 3 ]
result $? "every line is valid JSON, periodic stats were written and the final stats event is last"

# -Z: the captures are opened as root, then the sensor runs as nobody
ip netns exec "$NS_C" "$STRATUMWATCH" -i c0 -Z nobody --eve "$work/z.json" --eve-types all \
    --metrics 127.0.0.1:9480 2>"$work/z.err" &
zpid=$!
pids="$pids $zpid"
z_healthy() {
	inc "$PYTHON3" -c 'import urllib.request,sys; sys.exit(urllib.request.urlopen("http://127.0.0.1:9480/healthz", timeout=2).read() != b"ok\n")' 2>/dev/null
}
wait_for 15 z_healthy
uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$zpid/status" 2>/dev/null)
nobody=$(id -u nobody 2>/dev/null)
[ -n "$nobody" ] && [ "$uids" = "$nobody $nobody $nobody $nobody" ]
result $? "-Z nobody: every uid of the running sensor is nobody's ($uids)"
inc "$PYTHON3" "$work/lookup.py" oldpool.test 192.0.2.2 >/dev/null 2>&1
kill -TERM $zpid
wait $zpid
rc=$?
[ $rc = 0 ] && grep -q '"rrname":"oldpool.test"' "$work/z.json"
result $? "-Z nobody: still captures after the drop (the lookup is reported), exit $rc"
ip netns exec "$NS_C" "$STRATUMWATCH" -i c0 -Z no-such-user-sw >/dev/null 2>"$work/z2.err"
rc=$?
[ $rc = 1 ] && grep -q "no-such-user-sw" "$work/z2.err"
result $? "-Z with an unknown user: exit 1 naming it, before any packet (exit $rc)"

# --metrics on a non-loopback address
inc timeout 10 "$STRATUMWATCH" -i c0 --metrics 192.0.2.1:9478 >/dev/null 2>"$work/remote.err"
rc=$?
[ $rc = 2 ] && grep -q "non-loopback" "$work/remote.err"
result $? "--metrics 192.0.2.1:9478 is refused without --metrics-allow-remote (exit $rc)"
ip netns exec "$NS_C" "$STRATUMWATCH" -i c0 --metrics 192.0.2.1:9478 --metrics-allow-remote \
    >/dev/null 2>"$work/remote2.err" &
rpid=$!
pids="$pids $rpid"
remote_healthy() {
	inp "$PYTHON3" -c 'import urllib.request,sys; sys.exit(urllib.request.urlopen("http://192.0.2.1:9478/healthz", timeout=2).read() != b"ok\n")' 2>/dev/null
}
wait_for 15 remote_healthy
result $? "with --metrics-allow-remote it is served to the other namespace"
kill -TERM $rpid
wait $rpid

# --eve unix:SOCKET: nobody listens at first (drops counted), then a reader
cat >"$work/reader.py" <<'PYEOF'
# Accept one connection on a unix socket, copy it to OUT; 30 s at most.
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(1)
s.settimeout(30)
c, _ = s.accept()
c.settimeout(30)
with open(sys.argv[2], "wb") as out:
    while True:
        b = c.recv(65536)
        if not b:
            break
        out.write(b)
        out.flush()
PYEOF
ip netns exec "$NS_C" "$STRATUMWATCH" -i c0 --eve "unix:$work/eve.sock" --stats-interval 1 \
    --metrics 127.0.0.1:9479 2>"$work/unix.err" &
upid=$!
pids="$pids $upid"
dropped() {
	inc "$PYTHON3" -c '
import urllib.request, sys
m = urllib.request.urlopen("http://127.0.0.1:9479/metrics", timeout=2).read().decode()
sys.exit(0 if any(l.startswith("stratumwatch_eve_dropped_total ") and int(l.split()[1]) > 0 for l in m.splitlines()) else 1)' 2>/dev/null
}
wait_for 15 dropped
result $? "--eve unix: events written while no reader listens are counted as dropped"
"$PYTHON3" "$work/reader.py" "$work/eve.sock" "$work/unix.json" &
rdpid=$!
pids="$pids $rdpid"
got_stats() { grep -q '"event_type":"stats"' "$work/unix.json" 2>/dev/null; }
wait_for 15 got_stats
kill -TERM $upid
wait $upid
wait $rdpid
"$PYTHON3" -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
last = ev[-1]
sys.exit(0 if last["event_type"] == "stats" and last["stats"]["eve_socket"]["dropped"] > 0 else 1)' \
    "$work/unix.json" 2>"$work/unix-check.err"
result $? "--eve unix: the reader gets whole JSON lines after it appears, the final stats say how many were dropped"
