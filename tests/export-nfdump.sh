#!/bin/sh
# export-nfdump.sh: IPFIX and NetFlow v9 export read back by nfdump.
# nfcapd (nfdump's collector) listens on a loopback port, stratumwatch -r
# exports a set of captures to it, and the flows nfdump reads from the
# written file must equal the run's own flow events: the same 5-tuples,
# and per direction the same packet and byte counts (records are deltas:
# an active-timeout export and the final one add up to the flow event).
# Every process started here is killed on exit.
CAPS="gen/stratum-xmrig.pcap gen/ipv6-stratum.pcap gen/vlan-stratum.pcap gen/pool-tls-sni.pcap
gen/k8s-ipv6.pcap gen/tcp-midstream.pcap gen/stratum-v1-btc.pcap gen/pool-dns-cname-tls-nosni.pcap
ndpi-mining/monero.pcap ndpi-mining/ethereum.pcap ndpi-mining/synscan.pcap real/xmrig-6.16.0-fakepool.pcap"
SW=${STRATUMWATCH:-./stratumwatch}
PY=${PYTHON3:-python3}
echo "1..2"
if ! command -v nfcapd >/dev/null 2>&1 || ! command -v nfdump >/dev/null 2>&1; then
	echo "ok 1 - IPFIX to nfcapd # SKIP nfdump not installed (Debian package nfdump)"
	echo "ok 2 - NetFlow v9 to nfcapd # SKIP nfdump not installed (Debian package nfdump)"
	exit 0
fi
tmp=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

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

run() { # n name option
	n=$1 name=$2 opt=$3
	dir=$tmp/$name
	mkdir -p "$dir/nf" "$dir/eve"
	port=$(free_port)
	nfcapd -b 127.0.0.1 -p "$port" -w "$dir/nf" -t 3600 -B 8000000 >"$dir/nfcapd.log" 2>&1 &
	pid=$!
	# nfcapd binds at once; wait until its port is taken (bounded)
	i=0
	while [ $i -lt 50 ] && ! ss -Hlun "sport = :$port" 2>/dev/null | grep -q .; do
		sleep 0.1
		i=$((i + 1))
	done
	ok=1
	for c in $CAPS; do
		base=$(echo "$c" | tr / _)
		if ! "$SW" -r "$srcdir/pcaps/$c" --no-summary --eve "$dir/eve/$base.json" \
		    --eve-types flow,stats "$opt" "127.0.0.1:$port" 2>"$dir/sw.err"; then
			echo "# stratumwatch failed on $c: $(cat "$dir/sw.err")"
			ok=0
		fi
		# the collector reads at its own pace: a pause between captures
		sleep 0.2
	done
	kill -TERM "$pid"
	if ! wait_gone "$pid"; then
		kill -KILL "$pid" 2>/dev/null
		echo "# nfcapd did not stop"
		ok=0
	fi
	pid=""
	nfdump -6 -q -R "$dir/nf" -o 'fmt:%pr|%sa|%sp|%da|%dp|%pkt|%byt' >"$dir/nfdump.txt" 2>"$dir/nfdump.err" || ok=0
	if [ $ok = 1 ] && out=$("$PY" - "$dir/nfdump.txt" "$dir"/eve/*.json <<'PYEOF'
import ipaddress, json, sys
from collections import defaultdict

def key(proto, sa, sp, da, dp):
    proto = proto.strip().upper()
    if proto not in ("TCP", "UDP", "SCTP"):
        sp = dp = 0
    return (proto, str(ipaddress.ip_address(sa.strip())), int(sp),
            str(ipaddress.ip_address(da.strip())), int(dp))

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
        for k, p, b in ((key(ev["proto"], ev["src_ip"], sp, ev["dest_ip"], dp),
                         fl["pkts_toserver"], fl["bytes_toserver"]),
                        (key(ev["proto"], ev["dest_ip"], dp, ev["src_ip"], sp),
                         fl["pkts_toclient"], fl["bytes_toclient"])):
            if p:
                want[k][0] += p
                want[k][1] += b
got = defaultdict(lambda: [0, 0])
recs = 0
for line in open(sys.argv[1]):
    f = line.split("|")
    if len(f) < 7:
        continue
    pr = {"6": "TCP", "17": "UDP", "1": "ICMP", "58": "ICMP6"}.get(f[0].strip(), f[0])
    k = key(pr, f[1], f[2].split(".")[0], f[3], f[4].split(".")[0])
    got[k][0] += int(f[5])
    got[k][1] += int(f[6])
    recs += 1
bad = 0
for k in sorted(set(want) | set(got)):
    if want.get(k) != got.get(k):
        bad += 1
        if bad <= 10:
            print("flow %s: flow events %s, nfdump %s" % (k, want.get(k), got.get(k)))
print("%d directions, %d nfdump records, %d differ" % (len(want), recs, bad))
sys.exit(1 if bad or not want else 0)
PYEOF
	); then
		echo "ok $n - $name to nfcapd: $(echo "$out" | tail -1)"
	else
		echo "not ok $n - $name to nfcapd"
		echo "$out" | sed 's/^/# /'
		sed 's/^/# nfdump: /' "$dir/nfdump.err" | head -5
	fi
}

run 1 IPFIX --ipfix
run 2 "NetFlow-v9" --netflow9
