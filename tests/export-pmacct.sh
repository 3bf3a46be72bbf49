#!/bin/sh
# export-pmacct.sh: the IPFIX enterprise elements read by pmacct's
# nfacctd. An aggregate_primitives file declares the variable-length
# string elements (README "Flow export" shows the same file); the print
# plugin writes JSON; for every Stratum session of the runs, the record of
# its miner-to-pool direction must carry the wallet, worker, pool domain,
# dialect, pod and node names the run's own stratum events show (a node
# alone for a masqueraded flow with --node-name). Every process started
# here is killed on exit.
SW=${STRATUMWATCH:-./stratumwatch}
PY=${PYTHON3:-python3}
echo "1..1"
if ! command -v nfacctd >/dev/null 2>&1; then
	echo "ok 1 - nfacctd reads the enterprise elements # SKIP pmacct not installed (Debian package pmacct)"
	exit 0
fi
tmp=$(mktemp -d)
pid=""
# nfacctd exits on SIGINT (it ignores SIGTERM while its plugins run);
# bounded wait, then SIGKILL
stop_nfacctd() {
	kill -INT "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$pid" 2>/dev/null
	pid=""
}
cleanup() {
	[ -n "$pid" ] && stop_nfacctd
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
port=$("$PY" -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$tmp/primitives.lst" <<'PEOF'
name=pool	field_type=32473:100	len=vlen	semantics=str
name=wallet	field_type=32473:101	len=vlen	semantics=str
name=worker	field_type=32473:102	len=vlen	semantics=str
name=dialect	field_type=32473:105	len=vlen	semantics=str
name=pod_name	field_type=32473:111	len=vlen	semantics=str
name=pod_namespace	field_type=32473:112	len=vlen	semantics=str
name=node_name	field_type=32473:113	len=vlen	semantics=str
PEOF
cat >"$tmp/nfacctd.conf" <<CEOF
daemonize: false
nfacctd_ip: 127.0.0.1
nfacctd_port: $port
aggregate_primitives: $tmp/primitives.lst
plugins: print[p]
aggregate[p]: src_host, dst_host, src_port, dst_port, proto, pool, wallet, worker, dialect, pod_name, pod_namespace, node_name
print_output[p]: json
print_output_file[p]: $tmp/out.json
print_output_file_append[p]: true
print_refresh_time[p]: 1
CEOF
nfacctd -f "$tmp/nfacctd.conf" >"$tmp/nfacctd.log" 2>&1 &
pid=$!
i=0
while [ $i -lt 100 ] && ! ss -Hlun "sport = :$port" 2>/dev/null | grep -q .; do
	sleep 0.1
	i=$((i + 1))
done
ok=1
run() { # name capture options...
	name=$1 c=$2
	shift 2
	(cd "$srcdir" && "$SW" -r "pcaps/$c" --no-summary --eve "$tmp/$name.json" \
	    --eve-types stratum,stats --ipfix "127.0.0.1:$port" "$@") || ok=0
}
run xmrig gen/stratum-xmrig.pcap
run btc gen/stratum-v1-btc.pcap
run kubeflow gen/k8s-kubeflow.pcap --pods tests/data/k8s/kubeflow-pods.json \
    --pod-cidr 10.244.0.0/16 --cluster-cidr 10.96.0.0/12
run snat gen/k8s-snat-uplink.pcap --pods tests/data/k8s/kubeflow-pods.json --node-name gpu-node-1
# the print plugin writes every print_refresh_time; wait (bounded) for
# the last session to show up, then stop the collector
out=""
i=0
while [ $i -lt 100 ]; do
	if out=$("$PY" - "$tmp/out.json" "$tmp"/xmrig.json "$tmp"/btc.json "$tmp"/kubeflow.json "$tmp"/snat.json <<'PYEOF'
import json, sys
got = []
try:
    for line in open(sys.argv[1]):
        line = line.strip()
        if line.startswith("{"):
            got.append(json.loads(line))
except FileNotFoundError:
    pass
sessions = missing = pods = 0
for path in sys.argv[2:]:
    for line in open(path):
        ev = json.loads(line)
        if ev["event_type"] != "stratum":
            continue
        st = ev["stratum"]
        want = {"wallet": st.get("wallet", ""), "worker": st.get("worker", ""),
                "pool": st.get("pool", {}).get("domain", ""), "dialect": st["dialect"],
                "pod_name": ev.get("k8s", {}).get("pod_name", ""),
                "pod_namespace": ev.get("k8s", {}).get("namespace", ""),
                "node_name": ev.get("k8s", {}).get("node_name", "")}
        sessions += 1
        pods += want["pod_name"] != ""
        match = [g for g in got if g["ip_src"] == ev["src_ip"] and g["port_src"] == ev["src_port"]
                 and g["ip_dst"] == ev["dest_ip"] and g["port_dst"] == ev["dest_port"]]
        if not match or any(all(m.get(k) == v for k, v in want.items()) for m in match) is False:
            missing += 1
            print("session %s:%s: want %s, nfacctd %s" % (ev["src_ip"], ev["src_port"], want, match[:2]))
print("%d sessions (%d with a pod), %d records, %d not matched" % (sessions, pods, len(got), missing))
sys.exit(0 if sessions and pods and not missing else 1)
PYEOF
	); then
		break
	fi
	sleep 0.2
	i=$((i + 1))
done
stop_nfacctd
if [ $ok = 1 ] && [ $i -lt 100 ]; then
	echo "ok 1 - nfacctd reads the enterprise elements: $(echo "$out" | tail -1)"
else
	echo "not ok 1 - nfacctd reads the enterprise elements"
	echo "$out" | sed 's/^/# /' | tail -20
fi
