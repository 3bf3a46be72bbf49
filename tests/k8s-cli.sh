#!/bin/sh
# k8s-cli.sh: --pods, --conntrack and the pod index cap from the command
# line: bad files get exit status 2 and "FILE: what" / "FILE:LINE: what";
# the caps are settable and counted; a mining alert is still raised when
# the pod cannot be known.
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
cap="$srcdir/pcaps/gen/k8s-kubeflow.pcap"
uplink="$srcdir/pcaps/gen/k8s-snat-uplink.pcap"
pods="$srcdir/tests/data/k8s/kubeflow-pods.json"
ct="$srcdir/tests/data/k8s/kubeflow-conntrack.txt"
n=0
check() { # want_rc, want_text, args...  (standard input: $stdin, default none)
	want_rc=$1
	want=$2
	shift 2
	n=$((n + 1))
	${SW_WRAP:-} "$STRATUMWATCH" "$@" <"${stdin:-/dev/null}" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = "$want_rc" ] && grep -qF -- "$want" "$tmp/err" "$tmp/out"; then
		echo "ok $n - $* -> $rc"
	else
		echo "not ok $n - $*: exit $rc (want $want_rc), stderr: $(head -c 300 "$tmp/err")"
	fi
}
printf 'this is not json\n' >"$tmp/notjson.json"
printf '{"kind":"ServiceList","items":[]}\n' >"$tmp/svc.json"
printf '{"kind":"PodList","items":[{"metadata":{"name":"p","namespace":"n"},"status":{"podIP":"10.0.0.999"}}]}\n' >"$tmp/badip.json"
printf '{"kind":"PodList","items":[{"metadata":{"name":"p"},"status":{"startTime":"soon"}}]}\n' >"$tmp/badtime.json"
head -c 5000 "$pods" >"$tmp/cut.json"
printf 'tcp 6 1 ESTABLISHED src=10.0.0.1 dst=1.1.1.1 sport=1 dport=2 src=1.1.1.1 dst=9.9.9.9 sport=2 dport=3\nnonsense here\n' >"$tmp/badct.txt"
printf 'tcp 6 1 src=10.0.0.1 dst=1.1.1.1 sport=1 dport=2 src=1.1.1.1 dst=9.9.9.9 sport=2 dport=99999\n' >"$tmp/badport.txt"
echo "1..20"
check 2 "$tmp/notjson.json: not JSON" -r "$cap" --pods "$tmp/notjson.json"
check 2 "$tmp/svc.json: not a PodList" -r "$cap" --pods "$tmp/svc.json"
check 2 "$tmp/badip.json: item 0: pod n/p: bad IP address '10.0.0.999' in status.podIP" -r "$cap" --pods "$tmp/badip.json"
check 2 "bad timestamp 'soon' in status.startTime" -r "$cap" --pods "$tmp/badtime.json"
check 2 "$tmp/cut.json: not JSON" -r "$cap" --pods "$tmp/cut.json"
check 2 "$tmp/missing.json: No such file" -r "$cap" --pods "$tmp/missing.json"
check 2 "$tmp: is a directory" -r "$cap" --pods "$tmp"
check 2 "$tmp: is a directory" -r "$cap" --conntrack="$tmp"
check 2 "$tmp/badct.txt:2: not a conntrack line" -r "$uplink" --conntrack "$tmp/badct.txt"
check 2 "$tmp/badport.txt:1: bad port '99999'" -r "$uplink" --conntrack="$tmp/badport.txt"
check 2 "$tmp/missing.txt: No such file" -r "$uplink" --conntrack="$tmp/missing.txt"
check 2 "needs -i" -r "$uplink" --conntrack
# the cap: 2 pods kept (the pods file has no ended pod at its end), the rest refused and counted
check 0 '"pod_index_full":6' -r "$cap" --eve - --eve-types stats --pods "$pods" --set pod_index_max=2
check 0 '"conntrack_evicted":2' -r "$uplink" --eve - --eve-types stats --conntrack "$ct" --set conntrack_max=2
# the pod is named in the alert; without conntrack the alert is still raised
check 0 '"namespace":"anonymous","pod_name":"ddsfdfsaadfs-7d9c5b8f6d-x2x7q"' -r "$cap" --eve - --eve-types alert --pods "$pods"
check 3 '"reason":"snat_without_conntrack"' -r "$uplink" --eve - --eve-types alert --pods "$pods" --fail-on-detect
# the summary names the pod
check 0 "pod      anonymous/ddsfdfsaadfs-7d9c5b8f6d-x2x7q (conntrack, Deployment ddsfdfsaadfs)" -r "$uplink" --summary --pods "$pods" --conntrack "$ct"
# standard input, as `kubectl get pods -A -o json | stratumwatch --pods - ...`
stdin=$pods check 0 '"pod_name":"ddsfdfsaadfs-7d9c5b8f6d-x2x7q"' -r "$cap" --eve - --eve-types alert --pods -
stdin=$ct check 0 '"attribution":"conntrack"' -r "$uplink" --eve - --eve-types alert --pods "$pods" --conntrack=-
stdin=$cap check 2 "standard input ('-') can feed only one of" -r - --pods -
