#!/bin/sh
# vxlan-netns.sh: a Stratum session across the Linux kernel's VXLAN device,
# captured on the underlay, is reported as the inner session with its
# tunnel and attributed `tunnel` to the pod the pods file names.
#
# tools/record-vxlan.sh builds the topology (two node namespaces, a veth
# underlay, `vxlan` id 42 dstport 4789, fake pool and fake miner in the
# overlay) and records it; this script checks stratumwatch's view of it.
# Skips (TAP SKIP with the reason) when not root, without ip/tcpdump, or
# when the kernel has no vxlan device; CI runs as root with them.
#
# Environment: STRATUMWATCH (binary), srcdir (source tree), PYTHON3.
set -u
: "${srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${STRATUMWATCH:=./stratumwatch}"
: "${PYTHON3:=/usr/bin/python3}"
export PYTHON3
case $STRATUMWATCH in /*) ;; *) STRATUMWATCH=$(pwd)/$STRATUMWATCH ;; esac
NTESTS=3

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
for t in ip tcpdump timeout ss "$PYTHON3"; do
	command -v "$t" >/dev/null 2>&1 || skip "$t not installed"
done
[ -x "$STRATUMWATCH" ] || skip "no stratumwatch binary at $STRATUMWATCH"
work=$(mktemp -d /tmp/vxlan-netns.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP

timeout 90 sh "$srcdir/tools/record-vxlan.sh" "$work/under.pcap" 2>"$work/record.log"
rc=$?
[ $rc = 3 ] && skip "the kernel has no vxlan device"
[ $rc = 2 ] && skip "$(tail -1 "$work/record.log")"
echo "1..$NTESTS"
if [ $rc -ne 0 ]; then
	echo "not ok 1 - Stratum session across the kernel VXLAN device recorded (exit $rc)"
	sed 's/^/# /' "$work/record.log"
	echo "not ok 2 - # no capture"
	echo "not ok 3 - # no capture"
	exit 0
fi
echo "ok 1 - Stratum session across the kernel VXLAN device recorded"
"$STRATUMWATCH" -r "$work/under.pcap" --eve "$work/eve.json" --eve-types all \
	--pods "$srcdir/tests/data/pods-netns.json" 2>"$work/sw.err"
n=2
for expr in \
	"len(ses) == 1 and ses[0]['src_ip'] == '10.244.1.10' and ses[0]['dest_ip'] == '10.244.2.20' and ses[0]['dest_port'] == 3333 and ses[0]['stratum']['shares']['submitted'] == 3 and t.get('type') == 'vxlan' and t.get('vni') == 42 and t.get('src_ip') == '192.168.57.11' and t.get('dest_ip') == '192.168.57.12' and t.get('dest_port') == 4789" \
	"k.get('attribution') == 'tunnel' and k.get('pod_ip') == '10.244.1.10' and k.get('pod_name') == 'miner-7d9f8c6b5-x2x9z' and len(alerts) > 0 and all(a.get('k8s', {}).get('attribution') == 'tunnel' for a in alerts)"
do
	if "$PYTHON3" - "$work/eve.json" "$expr" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
ses = [e for e in ev if e["event_type"] == "stratum"]
alerts = [e for e in ev if e["event_type"] == "alert" and "stratum" in e]
t = ses[0].get("tunnel", {}) if len(ses) == 1 else {}
k = ses[0].get("k8s", {}) if len(ses) == 1 else {}
ok = eval(sys.argv[2])
if not ok:
    print("# sessions: %s" % [(s["src_ip"], s.get("tunnel"), s.get("k8s")) for s in ses])
sys.exit(0 if ok else 1)
PY
	then
		[ $n = 2 ] && echo "ok 2 - the inner session is reported with its VXLAN tunnel (VNI 42, underlay endpoints)"
		[ $n = 3 ] && echo "ok 3 - attributed to the pod by tunnel, alert included"
	else
		echo "not ok $n - check failed: $expr"
		sed 's/^/# stratumwatch: /' "$work/sw.err"
	fi
	n=$((n + 1))
done
exit 0
