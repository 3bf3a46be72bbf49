#!/bin/sh
# export-nfdump.sh: IPFIX and NetFlow v9 export read back by nfdump.
# nfcapd (nfdump's collector) listens on a loopback port, stratumwatch -r
# exports a set of captures to it, and the flows nfdump reads from the
# written file must equal the run's own flow events: the same 5-tuples,
# and per direction the same packet and byte counts (records are deltas:
# an active-timeout export and the final one add up to the flow event).
# An ICMP flow's records carry each direction's first type and code, which
# nfdump shows as the destination port ("8.0"): they must be the flow
# event's icmp_type/icmp_code and response_icmp_type/_code.
# The same for a live sensor on lo, whose active timeout runs on wall time.
# Every process started here is killed on exit.
CAPS="gen/stratum-xmrig.pcap gen/ipv6-stratum.pcap gen/vlan-stratum.pcap gen/pool-tls-sni.pcap
gen/k8s-ipv6.pcap gen/tcp-midstream.pcap gen/stratum-v1-btc.pcap gen/pool-dns-cname-tls-nosni.pcap
ndpi-mining/monero.pcap ndpi-mining/ethereum.pcap ndpi-mining/synscan.pcap real/xmrig-6.16.0-fakepool.pcap
gen/regress-icmp-community-id.pcap"
SW=${STRATUMWATCH:-./stratumwatch}
PY=${PYTHON3:-python3}
if ! command -v nfcapd >/dev/null 2>&1 || ! command -v nfdump >/dev/null 2>&1; then
	echo "1..3"
	for n in 1 2 3; do
		echo "ok $n - export to nfcapd # SKIP nfdump not installed (Debian package nfdump)"
	done
	exit 0
fi
tmp=$(mktemp -d)
pid=""
srv="" swp=""
cleanup() {
	[ -n "$swp" ] && kill "$swp" 2>/dev/null
	[ -n "$srv" ] && kill "$srv" 2>/dev/null
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

cat >"$tmp/compare.py" <<'PYEOF'
import ipaddress, json, sys
from collections import defaultdict

def key(proto, sa, sp, da, dp):
    """dp: a port, or for ICMP "type.code" ("0.0" when none is known)"""
    proto = proto.strip().upper()
    if proto in ("ICMP", "ICMP6", "IPV6-ICMP"):
        proto = "ICMP6" if proto != "ICMP" else proto
        sp, dp = 0, str(dp).strip()
    elif proto not in ("TCP", "UDP", "SCTP"):
        sp = dp = 0
    else:
        sp, dp = int(sp), int(str(dp).split(".")[0])
    return (proto, str(ipaddress.ip_address(sa.strip())), sp,
            str(ipaddress.ip_address(da.strip())), dp)

def icmp(ev, prefix):
    t, c = ev.get(prefix + "icmp_type"), ev.get(prefix + "icmp_code")
    return "0.0" if t is None else "%d.%d" % (t, c)

want = defaultdict(lambda: [0, 0])
for path in sys.argv[2:]:
    for line in open(path):
        ev = json.loads(line)
        if ev["event_type"] == "stats":
            ex = ev["stats"]["export"]
            if ex["send_errors"] or ex["records_lost"]:
                print("send errors in", path, ex)
                sys.exit(1)
        if ev["event_type"] != "flow":
            continue
        fl = ev["flow"]
        sp, dp = ev.get("src_port", 0), ev.get("dest_port", 0)
        dp_ts, dp_tc = dp, sp
        if ev["proto"] in ("ICMP", "IPv6-ICMP"):
            dp_ts, dp_tc = icmp(ev, ""), icmp(ev, "response_")
        for k, p, b in ((key(ev["proto"], ev["src_ip"], sp, ev["dest_ip"], dp_ts),
                         fl["pkts_toserver"], fl["bytes_toserver"]),
                        (key(ev["proto"], ev["dest_ip"], dp, ev["src_ip"], dp_tc),
                         fl["pkts_toclient"], fl["bytes_toclient"])):
            if p:
                want[k][0] += p
                want[k][1] += b
got = defaultdict(lambda: [0, 0])
nrec = defaultdict(int)
recs = 0
for line in open(sys.argv[1]):
    f = line.split("|")
    if len(f) < 7:
        continue
    pr = {"6": "TCP", "17": "UDP", "1": "ICMP", "58": "ICMP6"}.get(f[0].strip(), f[0])
    k = key(pr, f[1], f[2].split(".")[0], f[3], f[4])
    got[k][0] += int(f[5])
    got[k][1] += int(f[6])
    nrec[k] += 1
    recs += 1
bad = 0
for k in sorted(set(want) | set(got)):
    if want.get(k) != got.get(k):
        bad += 1
        if bad <= 10:
            print("flow %s: flow events %s, nfdump %s" % (k, want.get(k), got.get(k)))
split = max(nrec.values()) if nrec else 0
print("%d directions, %d nfdump records (at most %d for one direction), %d differ" %
      (len(want), recs, split, bad))
sys.exit(1 if bad or not want or split < int(__import__("os").environ.get("MIN_SPLIT", "1")) else 0)
PYEOF

free_port() {
	"$PY" -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait (bounded) for process $1 to exit
wait_gone() {
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	! kill -0 "$1" 2>/dev/null
}

start_nfcapd() { # dir: sets pid, port
	mkdir -p "$1/nf" "$1/eve"
	port=$(free_port)
	nfcapd -b 127.0.0.1 -p "$port" -w "$1/nf" -t 3600 -B 8000000 >"$1/nfcapd.log" 2>&1 &
	pid=$!
	# nfcapd binds at once; wait until its port is taken (bounded)
	i=0
	while [ $i -lt 50 ] && ! ss -Hlun "sport = :$port" 2>/dev/null | grep -q .; do
		sleep 0.1
		i=$((i + 1))
	done
}

# stop nfcapd (it writes its file on SIGTERM), read the file back and
# compare with the flow events
report() { # n name dir
	kill -TERM "$pid"
	if ! wait_gone "$pid"; then
		kill -KILL "$pid" 2>/dev/null
		echo "# nfcapd did not stop"
		ok=0
	fi
	pid=""
	nfdump -6 -q -R "$3/nf" -o 'fmt:%pr|%sa|%sp|%da|%dp|%pkt|%byt' >"$3/nfdump.txt" 2>"$3/nfdump.err" || ok=0
	if [ $ok = 1 ] && out=$("$PY" "$tmp/compare.py" "$3/nfdump.txt" "$3"/eve/*.json); then
		echo "ok $1 - $2 to nfcapd: $(echo "$out" | tail -1)"
	else
		echo "not ok $1 - $2 to nfcapd"
		echo "$out" | sed 's/^/# /'
		sed 's/^/# nfdump: /' "$3/nfdump.err" | head -5
	fi
}

offline() { # n name option
	dir=$tmp/$2
	ok=1
	start_nfcapd "$dir"
	for c in $CAPS; do
		base=$(echo "$c" | tr / _)
		if ! "$SW" -r "$srcdir/pcaps/$c" --no-summary --eve "$dir/eve/$base.json" \
		    --eve-types flow,stats "$3" "127.0.0.1:$port" 2>"$dir/sw.err"; then
			echo "# stratumwatch failed on $c: $(cat "$dir/sw.err")"
			ok=0
		fi
		# the collector reads at its own pace: a pause between captures
		sleep 0.2
	done
	report "$1" "$2" "$dir"
}

# Live on lo, wall-clock timeouts: a TCP server on a loopback port, short
# connections and one that lasts 3.5 s with a 1 s active timeout, so that
# its records are split by the live timer; the sensor is stopped with
# SIGTERM (its open flows end as "forced end").
live() { # n
	dir=$tmp/live
	ok=1
	if [ "$(id -u)" != 0 ]; then
		echo "ok $1 - live IPFIX to nfcapd # SKIP capturing on lo needs root"
		return
	fi
	start_nfcapd "$dir"
	tport=$(free_port)
	"$PY" -c '
import socket, sys, threading
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
s.settimeout(30)
def serve(c):
    c.settimeout(10)
    try:
        while True:
            d = c.recv(4096)
            if not d:
                break
            c.sendall(d.upper())
    except OSError:
        pass
    c.close()
try:
    while True:
        threading.Thread(target=serve, args=(s.accept()[0],), daemon=True).start()
except socket.timeout:
    pass' "$tport" &
	srv=$!
	"$SW" -i lo --ipfix "127.0.0.1:$port" --export-active-timeout 1 --stats-interval 0 \
	    --eve "$dir/eve/live.json" --eve-types flow,stats "tcp port $tport" 2>"$dir/sw.err" &
	swp=$!
	sleep 2 # the capture opens (no readiness signal to wait for)
	if ! kill -0 "$swp" 2>/dev/null; then
		kill "$srv" 2>/dev/null
		kill "$pid" 2>/dev/null
		pid="" swp="" srv=""
		if grep -q "not built\|not supported" "$dir/sw.err"; then
			echo "ok $1 - live IPFIX to nfcapd # SKIP $(head -1 "$dir/sw.err")"
		else
			echo "not ok $1 - live IPFIX to nfcapd: $(head -1 "$dir/sw.err")"
		fi
		return
	fi
	"$PY" -c '
import socket, sys, time
port = int(sys.argv[1])
for i in range(3):
    c = socket.create_connection(("127.0.0.1", port), timeout=5)
    c.sendall(b"short %d" % i)
    c.recv(100)
    c.close()
c = socket.create_connection(("127.0.0.1", port), timeout=5)
for i in range(35):
    c.sendall(b"x")
    c.recv(10)
    time.sleep(0.1)
c.close()' "$tport" || ok=0
	sleep 1.5
	kill -TERM "$swp"
	wait_gone "$swp" || { kill -KILL "$swp"; ok=0; echo "# stratumwatch did not stop"; }
	kill "$srv" 2>/dev/null
	swp="" srv=""
	MIN_SPLIT=3 report "$1" "live IPFIX (active timeout 1 s, wall time)" "$dir"
}

echo "1..3"
offline 1 IPFIX --ipfix
offline 2 "NetFlow-v9" --netflow9
live 3
