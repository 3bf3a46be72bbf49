#!/bin/sh
# export-syslog.sh: alerts as RFC 5424 syslog, parsed by rsyslog. A private
# rsyslogd (its own configuration and work directory; imudp on a loopback
# port and imuxsock on a socket in the temp directory, standing in for
# /dev/log) runs mmpstrucdata on each message and writes the parsed
# structured data as JSON. Every alert of the runs must arrive once over
# each transport, with its fields (sid, signature, severity, addresses,
# ports, pool, wallet, worker, agent, pod, node) equal to the alert event's,
# including values that needed escaping ('"', '\\', ']'). Every process
# started here is killed on exit.
SW=${STRATUMWATCH:-./stratumwatch}
PY=${PYTHON3:-python3}
echo "1..2"
if ! command -v rsyslogd >/dev/null 2>&1; then
	echo "ok 1 - alerts over UDP parsed by rsyslog # SKIP rsyslog not installed (Debian package rsyslog)"
	echo "ok 2 - alerts over a unix socket parsed by rsyslog # SKIP rsyslog not installed"
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
port=$("$PY" -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$tmp/rsyslog.conf" <<CEOF
global(workDirectory="$tmp")
module(load="imudp")
module(load="imuxsock" SysSock.Use="off")
module(load="mmpstrucdata")
template(name="sd" type="string" string="%msgid%|%app-name%|%syslogfacility%|%syslogseverity%|%\$!%\\n")
ruleset(name="udp") {
	action(type="mmpstrucdata")
	action(type="omfile" file="$tmp/udp.out" template="sd")
}
ruleset(name="unix") {
	action(type="mmpstrucdata")
	action(type="omfile" file="$tmp/unix.out" template="sd")
}
input(type="imudp" address="127.0.0.1" port="$port" ruleset="udp")
input(type="imuxsock" Socket="$tmp/log.sock" UseSpecialParser="off" ParseHostname="on" ruleset="unix")
CEOF
rsyslogd -n -f "$tmp/rsyslog.conf" -i "$tmp/rsyslogd.pid" >"$tmp/rsyslogd.log" 2>&1 &
pid=$!
i=0
while [ $i -lt 100 ] && { [ ! -S "$tmp/log.sock" ] || ! ss -Hlun "sport = :$port" 2>/dev/null | grep -q .; }; do
	sleep 0.1
	i=$((i + 1))
done
ok=1
run() { # capture options...
	c=$1
	shift
	(cd "$srcdir" && "$SW" -r "pcaps/$c" --no-summary --eve - --eve-types alert "$@" \
	    --syslog "127.0.0.1:$port" >>"$tmp/alerts.json" &&
	"$SW" -r "pcaps/$c" --no-summary --eve /dev/null "$@" --syslog "$tmp/log.sock") || ok=0
}
run gen/export-syslog-escapes.pcap
run gen/stratum-xmrig.pcap
run gen/ipv6-stratum.pcap
run gen/k8s-kubeflow.pcap --pods tests/data/k8s/kubeflow-pods.json --pod-cidr 10.244.0.0/16
# masqueraded, no conntrack: the node is this one (--node-name), no pod
run gen/k8s-snat-uplink.pcap --pods tests/data/k8s/kubeflow-pods.json --node-name gpu-node-1
want=$(grep -c . "$tmp/alerts.json")
check() { # n transport file
	n=$1 name=$2 f=$3
	i=0
	while [ $i -lt 100 ] && [ "$(grep -c . "$f" 2>/dev/null)" != "$want" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ $ok = 1 ] && out=$("$PY" - "$tmp/alerts.json" "$f" <<'PYEOF'
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1])]
got = {}
for line in open(sys.argv[2]):
    msgid, app, fac, sev, sd = line.rstrip("\n").split("|", 4)
    p = json.loads(sd)["rfc5424-sd"]["stratumwatch@32473"]
    if msgid != "alert" or app != "stratumwatch" or fac != "21":
        print("header: msgid %s app %s facility %s" % (msgid, app, fac))
        sys.exit(1)
    p["_sev"] = sev
    got.setdefault((p["sid"], p["flow_id"]), []).append(p)
bad = escapes = pods = nodes = 0
for a in alerts:
    al, st, k8s = a["alert"], a.get("stratum", {}), a.get("k8s", {})
    want = {"sid": str(al["signature_id"]), "signature": al["signature"],
            "severity": str(al["severity"]), "src_ip": a["src_ip"], "dest_ip": a["dest_ip"],
            "src_port": str(a["src_port"]), "dest_port": str(a["dest_port"]),
            "proto": a["proto"], "community_id": a["community_id"],
            "_sev": {1: "2", 2: "3", 3: "4"}.get(al["severity"], "5")}
    for k in ("wallet", "worker", "agent", "dialect", "coin"):
        if k in st:
            want[k] = st[k]
    if "pool" in a:
        want["pool"] = a["pool"]["domain"]
    for k in ("pod_name", "namespace", "pod_ip", "node_name"):
        if k in k8s:
            want[k] = k8s[k]
    pods += "pod_name" in want
    nodes += "node_name" in want and "pod_name" not in want
    escapes += any(c in v for v in want.values() for c in '"\\]')
    cand = got.get((want["sid"], str(a["flow_id"])), [])
    if not cand:
        bad += 1
        print("alert %s of flow %s did not arrive" % (want["sid"], a["flow_id"]))
        continue
    p = cand.pop(0)
    diff = {k: (v, p.get(k)) for k, v in want.items() if p.get(k) != v}
    if diff:
        bad += 1
        print("alert %s: %s" % (want["sid"], diff))
extra = sum(len(v) for v in got.values())
print("%d alerts (%d with escaped characters, %d with a pod, %d with only a node), %d wrong, %d extra" %
      (len(alerts), escapes, pods, nodes, bad, extra))
sys.exit(1 if bad or extra or not escapes or not pods or not nodes else 0)
PYEOF
	); then
		echo "ok $n - alerts over $name parsed by rsyslog: $(echo "$out" | tail -1)"
	else
		echo "not ok $n - alerts over $name parsed by rsyslog"
		echo "$out" | sed 's/^/# /' | tail -12
		sed 's/^/# rsyslogd: /' "$tmp/rsyslogd.log" | tail -5
	fi
}
check 1 UDP "$tmp/udp.out"
check 2 "a unix socket" "$tmp/unix.out"
