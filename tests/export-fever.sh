#!/bin/sh
# export-fever.sh: EVE through FEVER (Debian's fever, DCSO's Suricata EVE
# processor), as a SIEM pipeline would take it. fever listens on a unix
# socket as it does for Suricata; stratumwatch writes --eve unix:SOCKET;
# fever's multi-forwarder (configured for alert and stratum events, no
# AMQP: --dummy) writes to a unix socket this test reads. fever parses
# every line it forwards (a line that is not JSON is dropped with a
# warning), so the forwarded lines must be exactly the run's alert and
# stratum events, each with Suricata's envelope and flow_id an integer,
# never in exponent form. Every process started here is killed on exit.
SW=${STRATUMWATCH:-./stratumwatch}
PY=${PYTHON3:-python3}
echo "1..1"
if ! command -v fever >/dev/null 2>&1; then
	echo "ok 1 - EVE through fever # SKIP fever not installed (Debian package fever)"
	exit 0
fi
tmp=$(mktemp -d)
fv="" rd=""
cleanup() {
	[ -n "$fv" ] && kill "$fv" 2>/dev/null
	[ -n "$rd" ] && kill "$rd" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
# the forwarding target: accept fever's connection(s), append what comes
"$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(4)
s.settimeout(120)
out = open(sys.argv[2], "ab", buffering=0)
try:
    while True:
        c, _ = s.accept()
        c.settimeout(120)
        while True:
            d = c.recv(65536)
            if not d:
                break
            out.write(d)
except socket.timeout:
    pass' "$tmp/out.sock" "$tmp/forwarded.json" &
rd=$!
cat >"$tmp/fever.yaml" <<YEOF
multi-forward:
  stratumwatch:
    socket: $tmp/out.sock
    all: false
    buffer-length: 100000
    types:
      - alert
      - stratum
YEOF
i=0
while [ $i -lt 100 ] && [ ! -S "$tmp/out.sock" ]; do
	sleep 0.1
	i=$((i + 1))
done
fever run --config "$tmp/fever.yaml" --dummy -i "$tmp/in.sock" \
    --mgmt-socket "$tmp/mgmt.sock" --logfile "$tmp/fever.log" >"$tmp/fever.out" 2>&1 &
fv=$!
i=0
while [ $i -lt 100 ] && [ ! -S "$tmp/in.sock" ]; do
	sleep 0.1
	i=$((i + 1))
done
ok=1
run() { # capture options...
	c=$1
	shift
	(cd "$srcdir" && "$SW" -r "pcaps/$c" --no-summary --eve "unix:$tmp/in.sock" \
	    --eve-types alert,stratum,flow,stats "$@" &&
	"$SW" -r "pcaps/$c" --no-summary --eve - --eve-types alert,stratum "$@" >>"$tmp/want.json") || ok=0
}
run gen/stratum-xmrig.pcap
run real/xmrig-6.16.0-fakepool.pcap
run ndpi-mining/monero.pcap
run gen/pool-tls-sni.pcap
run gen/k8s-kubeflow.pcap --pods tests/data/k8s/kubeflow-pods.json --pod-cidr 10.244.0.0/16
want=$(grep -c . "$tmp/want.json")
i=0
while [ $i -lt 100 ] && [ "$(grep -c . "$tmp/forwarded.json" 2>/dev/null)" != "$want" ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ $ok = 1 ] && out=$("$PY" - "$tmp/want.json" "$tmp/forwarded.json" <<'PYEOF'
import json, re, sys
want = open(sys.argv[1]).read().splitlines()
got = open(sys.argv[2]).read().splitlines()
bad = []
for line in got:
    ev = json.loads(line)
    for k in ("timestamp", "flow_id", "event_type", "src_ip", "src_port", "dest_ip",
              "dest_port", "proto", "community_id"):
        if k not in ev:
            bad.append("no %s: %s" % (k, line[:120]))
    if ev["event_type"] not in ("alert", "stratum"):
        bad.append("forwarded type %s" % ev["event_type"])
    if not re.search(r'"flow_id":[0-9]+[,}]', line) or not isinstance(ev["flow_id"], int):
        bad.append("flow_id not an integer: %s" % line[:120])
    # exponent form only for the two fields that are floating point
    for m in re.finditer(r'"([a-z_]+)":(-?[0-9.]+[eE][-+]?[0-9]+)', line):
        if m.group(1) not in ("difficulty", "hashrate_hs"):
            bad.append("%s in exponent form: %s" % m.groups())
if sorted(got) != sorted(want):
    bad.append("forwarded %d lines, the runs wrote %d alert/stratum events" % (len(got), len(want)))
for b in bad[:10]:
    print(b)
types = sorted(set(json.loads(l)["event_type"] for l in got))
print("%d events forwarded (%s), %d problems" % (len(got), ",".join(types), len(bad)))
sys.exit(1 if bad or len(types) < 2 else 0)
PYEOF
); then
	echo "ok 1 - EVE through fever: $(echo "$out" | tail -1)"
else
	echo "not ok 1 - EVE through fever"
	echo "$out" | sed 's/^/# /'
	tail -5 "$tmp/fever.log" | sed 's/^/# fever: /'
fi
