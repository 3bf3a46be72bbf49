#!/bin/sh
# export-tshark.sh: IPFIX and NetFlow v9 messages as tshark's CFLOW
# dissector sees them. The export of four runs (IPv4 and IPv6, both
# protocols, a small MTU so that records split across messages, a template
# refresh every 3 messages) is captured on lo while a UDP sink receives it;
# `tshark -d udp.port==N,cflow -z expert` must report no warning or error
# (sequence numbers, data before its template, malformed sets), and every
# data record the runs counted must decode. Every process started here is
# killed on exit. Last, two runs of one capture must send the same bytes.
SW=${STRATUMWATCH:-./stratumwatch}
PY=${PYTHON3:-python3}
TS=${TSHARK:-tshark}
echo "1..3"
skip() {
	echo "ok 1 - tshark expert info on the export # SKIP $1"
	echo "ok 2 - every data record decodes # SKIP $1"
	echo "ok 3 - the same capture exports the same bytes # SKIP $1"
	exit 0
}
command -v "$TS" >/dev/null 2>&1 || skip "tshark not installed"
command -v tcpdump >/dev/null 2>&1 || skip "tcpdump not installed"
[ "$(id -u)" = 0 ] || skip "capturing on lo needs root"
tmp=$(mktemp -d)
sink="" td="" rec=""
cleanup() {
	[ -n "$rec" ] && kill "$rec" 2>/dev/null
	[ -n "$td" ] && kill "$td" 2>/dev/null
	[ -n "$sink" ] && kill "$sink" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
port=$("$PY" -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# a sink, so that no datagram meets a closed port (ICMP errors would make
# the next send fail and leave a gap in the sequence)
"$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(60)
try:
    while True:
        s.recv(65536)
except socket.timeout:
    pass' "$port" &
sink=$!
i=0
while [ $i -lt 100 ] && ! ss -Hlun "sport = :$port" 2>/dev/null | grep -q .; do
	sleep 0.1
	i=$((i + 1))
done
: >"$tmp/tcpdump.log"
tcpdump -i lo -U --immediate-mode -w "$tmp/export.pcap" "udp port $port" >"$tmp/tcpdump.log" 2>&1 &
td=$!
i=0
while [ $i -lt 100 ] && ! grep -q "listening on" "$tmp/tcpdump.log"; do
	sleep 0.1
	i=$((i + 1))
done
n=0
run() { # capture options...
	c=$1
	shift
	n=$((n + 1))
	"$SW" -r "$srcdir/pcaps/$c" --no-summary --eve "$tmp/stats$n.json" --eve-types stats \
	    "$@" "127.0.0.1:$port" || echo "# stratumwatch failed on $c"
}
# distinct observation domains: each run is a new exporter whose
# sequence starts at 0
run gen/stratum-xmrig.pcap --export-domain 11 --export-mtu 600 --export-template-messages 3 --ipfix
run gen/ipv6-stratum.pcap --export-domain 12 --ipfix
run ndpi-mining/monero.pcap --export-domain 13 --export-mtu 600 --netflow9
run gen/k8s-ipv6.pcap --export-domain 14 --export-template-messages 2 --netflow9
sleep 1
kill "$td"
i=0
while kill -0 "$td" 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
td=""
expert=$("$TS" -r "$tmp/export.pcap" -d "udp.port==$port,cflow" -q -z expert 2>/dev/null)
msgs=$("$TS" -r "$tmp/export.pcap" -d "udp.port==$port,cflow" -Y cflow 2>/dev/null | grep -c .)
if [ "$msgs" -gt 10 ] && ! echo "$expert" | grep -Eq 'Warns|Errors'; then
	echo "ok 1 - tshark expert info on the export: $msgs messages, no warning or error"
else
	echo "not ok 1 - tshark expert info on the export ($msgs messages)"
	echo "$expert" | sed 's/^/# /'
fi
decoded=$("$TS" -r "$tmp/export.pcap" -d "udp.port==$port,cflow" -T fields -e cflow.packets 2>/dev/null |
	tr ',' '\n' | grep -c .)
sent=$(cat "$tmp"/stats*.json | "$PY" -c '
import json, sys
ex = [json.loads(l)["stats"]["export"] for l in sys.stdin]
print(-1 if any(e["send_errors"] for e in ex) else sum(e["records"] for e in ex))')
if [ "$decoded" = "$sent" ] && [ "$sent" -gt 0 ]; then
	echo "ok 2 - every data record decodes: $decoded records"
else
	echo "not ok 2 - every data record decodes: tshark $decoded, sent $sent"
fi

# Offline runs are deterministic: export times are packet times, so two
# runs of one capture send the same datagrams, byte for byte.
same=1
for r in 1 2; do
	p2=$("$PY" -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	"$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(2)
out = open(sys.argv[2], "w")
try:
    while True:
        out.write(s.recv(65536).hex() + "\n")
except socket.timeout:
    pass' "$p2" "$tmp/run$r.hex" &
	rec=$!
	i=0
	while [ $i -lt 100 ] && ! ss -Hlun "sport = :$p2" 2>/dev/null | grep -q .; do
		sleep 0.1
		i=$((i + 1))
	done
	"$SW" -r "$srcdir/pcaps/gen/k8s-kubeflow.pcap" --no-summary --pods "$srcdir/tests/data/k8s/kubeflow-pods.json" \
	    --pod-cidr 10.244.0.0/16 --ipfix "127.0.0.1:$p2" --netflow9 "127.0.0.1:$p2" || same=0
	wait "$rec"
	rec=""
done
if [ $same = 1 ] && [ -s "$tmp/run1.hex" ] && cmp -s "$tmp/run1.hex" "$tmp/run2.hex"; then
	echo "ok 3 - the same capture exports the same bytes: $(grep -c . "$tmp/run1.hex") datagrams"
else
	echo "not ok 3 - the same capture exports the same bytes"
fi
