#!/bin/sh
# kube-api.sh: --kube-api against tests/kube-fixture.py, a local HTTPS
# server (127.0.0.1 only) playing the Kubernetes API with a certificate
# this test makes with the openssl CLI.
#
# 1. kubectl (when installed) lists and watches the fixture's pods, so the
#    fixture speaks the real protocol.
# 2. stratumwatch -r with --kube-api attributes the Kubeflow capture's
#    alert to the pod only the API names, exactly as --pods FILE does.
# 3. A wrong CA, a certificate for another host and a refused token fail
#    with exit 1 and say why; a down server is logged once, not per retry.
# 4. The watcher (tests/unit/kubeapi_driver) through the fixture's chaos
#    script: continue page, field selector, ADDED/MODIFIED/DELETED/BOOKMARK,
#    a stream cut mid-event, HTTP 410, a watch ERROR 410, a token rotation
#    answered with 401.
#    And a watch event over the line cap (kube_max_line): dropped, counted,
#    and the pods listed again, so the index still has that pod. Watches
#    that end at once without an event are retried with backoff.
# 5. The same script against a live sensor (-i lo, root): the watcher runs
#    on the sensor's libevent loop and its counters reach the stats event.
# 6. The binary does not link OpenSSL (src/kube-tls.c loads it for
#    --kube-api): every test above that passes loaded it on demand, and a
#    stand-in libssl without its functions fails with exit 2, named.
tmp=$(mktemp -d) || exit 99
pids=""
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
PYTHON3=${PYTHON3:-python3}
driver=${SW_BUILDDIR:-.}/tests/unit/kubeapi_driver
cap="$srcdir/pcaps/gen/k8s-kubeflow.pcap"
pods="$srcdir/tests/data/k8s/kubeflow-pods.json"
miner=ddsfdfsaadfs-7d9c5b8f6d-x2x7q
echo "1..20"
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip_rest() {
	while [ "$n" -lt 20 ]; do
		n=$((n + 1))
		echo "ok $n # SKIP $1"
	done
	exit 0
}
needed=$(${OBJDUMP:-objdump} -p "$STRATUMWATCH" 2>/dev/null | sed -n 's/^ *NEEDED *//p')
if [ -z "$needed" ]; then
	notok "objdump -p lists no NEEDED libraries of $STRATUMWATCH"
elif echo "$needed" | grep -q -e '^libssl' -e '^libcrypto' -e '^libevent_openssl'; then
	notok "stratumwatch links OpenSSL: $(echo $needed)"
else
	ok "stratumwatch does not link OpenSSL or libevent_openssl (loaded for --kube-api only)"
fi
command -v openssl >/dev/null 2>&1 || skip_rest "no openssl CLI (apt-get install openssl)"
command -v "$PYTHON3" >/dev/null 2>&1 || skip_rest "no python3"
[ -x "$driver" ] || skip_rest "no $driver (make tests/unit/kubeapi_driver)"

# certificates: a CA, the server's (127.0.0.1 and localhost), one for
# another name only, and an unrelated CA
mkcert() { # name, SAN, CA
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$1" \
	    -keyout "$tmp/$1.key" -out "$tmp/$1.csr" 2>/dev/null &&
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$2" \
	    >"$tmp/$1.ext" &&
	openssl x509 -req -in "$tmp/$1.csr" -CA "$tmp/$3.pem" -CAkey "$tmp/$3.key" \
	    -CAcreateserial -days 2 -extfile "$tmp/$1.ext" -out "$tmp/$1.pem" 2>/dev/null
}
mkca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	    -subj "/CN=$1" -keyout "$tmp/$1.key" -out "$tmp/$1.pem" 2>/dev/null
}
mkca ca && mkca otherca && mkcert srv "IP:127.0.0.1,DNS:localhost" ca &&
    mkcert elsewhere "DNS:kube.invalid" ca || skip_rest "openssl could not make certificates"

# fixture NAME CERT SCENARIO [args]: start it, wait for its port (5 s at most)
fixture() {
	name=$1 cert=$2
	shift 2
	printf 'token-%s-0123456789\n' "$name" >"$tmp/$name.token"
	"$PYTHON3" "$srcdir/tests/kube-fixture.py" --cert "$tmp/$cert.pem" --key "$tmp/$cert.key" \
	    --token-file "$tmp/$name.token" --port-file "$tmp/$name.port" --log "$tmp/$name.log" \
	    --lifetime 60 "$@" 2>"$tmp/$name.stderr" &
	pids="$pids $!"
	i=0
	while [ ! -s "$tmp/$name.port" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$tmp/$name.port" ] || { echo "# fixture $name did not start: $(cat "$tmp/$name.stderr")"; return 1; }
	eval "${name}_url=https://127.0.0.1:$(cat "$tmp/$name.port")"
}
fixture simple srv --scenario simple --pods "$pods" || skip_rest "the fixture did not start"

# 1. kubectl
if command -v kubectl >/dev/null 2>&1; then
	kc="kubectl --server=$simple_url --certificate-authority=$tmp/ca.pem --token=$(cat "$tmp/simple.token") --cache-dir=$tmp/kcache"
	HOME=$tmp timeout 30 $kc get pods -A -o json >"$tmp/kubectl.json" 2>"$tmp/kubectl.err"
	if [ $? = 0 ] && "$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if len(d["items"]) == 8 and d["items"][0]["metadata"]["name"] == sys.argv[2] else 1)' "$tmp/kubectl.json" "$miner"; then
		ok "kubectl get pods -A -o json lists the fixture's 8 pods (over continue pages)"
	else
		notok "kubectl get pods: $(head -c 300 "$tmp/kubectl.err" | tr '\n' ' ')"
	fi
	HOME=$tmp timeout 30 $kc get pods -A --watch -o json >"$tmp/kubectl-w.json" 2>"$tmp/kubectl-w.err"
	if grep -q '"watched": "yes"' "$tmp/kubectl-w.json" && grep -q '"resourceVersion": "1004"' "$tmp/kubectl-w.json"; then
		ok "kubectl get pods -A --watch -o json shows the watch stream's MODIFIED and DELETED pods"
	else
		notok "kubectl --watch: $(head -c 300 "$tmp/kubectl-w.err" | tr '\n' ' ')"
	fi
else
	n=$((n + 2))
	echo "ok $((n - 1)) # SKIP no kubectl (apt-get install kubernetes-client)"
	echo "ok $n # SKIP no kubectl (apt-get install kubernetes-client)"
fi

# 2. offline attribution from one list
sw() { timeout 60 ${SW_WRAP:-} "$STRATUMWATCH" "$@"; }
sw -r "$cap" --eve - --eve-types alert,stats --no-summary --kube-api "$simple_url" \
    --kube-token "$tmp/simple.token" --kube-ca "$tmp/ca.pem" >"$tmp/api.eve" 2>"$tmp/api.err"
rc=$?
if [ $rc = 0 ] && grep -q "\"namespace\":\"anonymous\",\"pod_name\":\"$miner\"" "$tmp/api.eve"; then
	ok "-r with --kube-api: the alert names the pod anonymous/$miner"
else
	notok "-r with --kube-api: exit $rc, $(head -c 300 "$tmp/api.err" | tr '\n' ' ')"
fi
sw -r "$cap" --eve - --eve-types alert --no-summary --pods "$pods" >"$tmp/file.eve" 2>/dev/null
sw -r "$cap" --eve - --eve-types alert --no-summary >"$tmp/none.eve" 2>/dev/null
grep '"event_type":"alert"' "$tmp/api.eve" >"$tmp/api.alerts"
if [ -s "$tmp/api.alerts" ] && cmp -s "$tmp/api.alerts" "$tmp/file.eve" && ! grep -q "$miner" "$tmp/none.eve"; then
	ok "the alerts equal those with --pods FILE; without pod metadata the pod is not named"
else
	notok "alerts with --kube-api differ from --pods FILE (or name the pod without metadata)"
fi
if grep -q '"kube_api":{"lists":1,"list_pages":4,' "$tmp/api.eve" &&
    grep -q '"query": {"continue": "page-6-rv100", "limit": "500"}' "$tmp/simple.log"; then
	ok "the stats event counts one list of 4 pages (limit/continue)"
else
	notok "kube_api stats: $(grep -o '"kube_api":{[^}]*}' "$tmp/api.eve")"
fi

# 3. failures say why, exit 1
sw -r "$cap" --no-summary --kube-api "$simple_url" --kube-token "$tmp/simple.token" \
    --kube-ca "$tmp/otherca.pem" >/dev/null 2>"$tmp/badca.err"
rc=$?
if [ $rc = 1 ] && grep -q "server certificate not accepted" "$tmp/badca.err"; then
	ok "a server certificate from another CA is refused (exit 1)"
else
	notok "wrong CA: exit $rc, $(head -c 300 "$tmp/badca.err" | tr '\n' ' ')"
fi
# a libssl that loads but lacks what the watcher calls: exit 2 like the
# other set-up failures (token, CA file), the library named
soname=$(sed -n 's/^#define SW_SSL_SONAME "\(.*\)"$/\1/p' "${SW_BUILDDIR:-.}/config.h" 2>/dev/null)
mkdir -p "$tmp/fakessl"
if [ -n "$soname" ] && ${CC:-cc} -shared -o "$tmp/fakessl/$soname" -x c /dev/null 2>/dev/null; then
	LD_LIBRARY_PATH="$tmp/fakessl" sw -r "$cap" --no-summary --kube-api "$simple_url" \
	    --kube-token "$tmp/simple.token" --kube-ca "$tmp/ca.pem" >/dev/null 2>"$tmp/nossl.err"
	rc=$?
	if [ $rc = 2 ] && grep -q "TLS: .*libevent_openssl.*: undefined symbol" "$tmp/nossl.err"; then
		ok "a stand-in $soname without OpenSSL's functions: exit 2, the library and symbol named"
	else
		notok "broken libssl: exit $rc, $(head -c 300 "$tmp/nossl.err" | tr '\n' ' ')"
	fi
else
	n=$((n + 1))
	echo "ok $n # SKIP no C compiler or config.h to make a stand-in libssl"
fi
fixture elsewhere elsewhere --scenario simple --pods "$pods"
sw -r "$cap" --no-summary --kube-api "$elsewhere_url" --kube-token "$tmp/elsewhere.token" \
    --kube-ca "$tmp/ca.pem" >/dev/null 2>"$tmp/badhost.err"
rc=$?
if [ $rc = 1 ] && grep -q "server certificate not accepted" "$tmp/badhost.err"; then
	ok "a certificate for another host name is refused (exit 1)"
else
	notok "host mismatch: exit $rc, $(head -c 300 "$tmp/badhost.err" | tr '\n' ' ')"
fi
echo wrong-token >"$tmp/wrong.token"
sw -r "$cap" --no-summary --kube-api "$simple_url" --kube-token "$tmp/wrong.token" \
    --kube-ca "$tmp/ca.pem" >/dev/null 2>"$tmp/401.err"
rc=$?
if [ $rc = 1 ] && grep -q "HTTP 401 from the API server: Unauthorized" "$tmp/401.err"; then
	ok "a refused token: exit 1, HTTP 401 named"
else
	notok "401: exit $rc, $(head -c 300 "$tmp/401.err" | tr '\n' ' ')"
fi
sw -r "$cap" --kube-api http://127.0.0.1:1 --kube-token "$tmp/wrong.token" >/dev/null 2>"$tmp/http.err"
rc=$?
if [ $rc = 2 ] && grep -q "an https:// URL is needed" "$tmp/http.err"; then
	ok "a plain http:// URL is a usage error (exit 2)"
else
	notok "http URL: exit $rc, $(head -c 300 "$tmp/http.err" | tr '\n' ' ')"
fi
sw -r "$cap" --kube-ca "$tmp/ca.pem" >/dev/null 2>"$tmp/alone.err"
rc=$?
if [ $rc = 2 ] && grep -q "go with --kube-api" "$tmp/alone.err"; then
	ok "--kube-ca without --kube-api is a usage error (exit 2)"
else
	notok "--kube-ca alone: exit $rc, $(head -c 300 "$tmp/alone.err" | tr '\n' ' ')"
fi
# a server that is down: retried with backoff, logged once
timeout 20 "$driver" https://127.0.0.1:1 "$tmp/simple.token" "$tmp/ca.pem" - 3 1 \
    >"$tmp/down.out" 2>"$tmp/down.err"
rec=$(sed -n 's/^counter reconnects //p' "$tmp/down.out")
if [ "$(grep -c 'kube-api:' "$tmp/down.err")" = 1 ] && [ "${rec:-0}" -ge 3 ] &&
    grep -q "127.0.0.1:1: Connection refused" "$tmp/down.err"; then
	ok "a refused connection is retried ($rec reconnects in 3 s) and logged once, as 'Connection refused'"
else
	notok "down server: reconnects ${rec:-?}, log: $(head -c 300 "$tmp/down.err" | tr '\n' ' ')"
fi

# 4. the watch through the chaos script
fixture chaos srv --scenario chaos || skip_rest "the chaos fixture did not start"
timeout 30 "$driver" "$chaos_url" "$tmp/chaos.token" "$tmp/ca.pem" node-1 15 4 \
    10.244.1.10 10.244.1.11 10.244.1.12 10.244.1.13 10.244.1.14 10.244.2.10 \
    >"$tmp/chaos.out" 2>"$tmp/chaos.err"
rc=$?
sed 's/^/# /' "$tmp/chaos.out" "$tmp/chaos.err"
want() { grep -qx "$1" "$tmp/chaos.out"; }
atleast() { v=$(sed -n "s/^counter $1 //p" "$tmp/chaos.out"); [ "${v:-0}" -ge "$2" ]; }
if [ $rc = 0 ] && want "pod 10.244.1.10 open default/pod-a app=a,version=2" &&
    want "pod 10.244.1.13 open default/pod-d app=d" &&
    want "pod 10.244.1.11 ended default/pod-b app=b" && want "counter events 4" &&
    atleast bookmarks 1; then
	ok "watch: ADDED and MODIFIED applied (labels changed), DELETED closes the pod's lifetime"
else
	notok "watch events not applied as expected"
fi
if atleast reconnects 1 && atleast partial_lines_dropped 1 &&
    grep -q '"resourceVersion": "103", "timeoutSeconds": "300", "watch": "1"}, "step": 0, "watch": 2}' "$tmp/chaos.log"; then
	ok "a stream cut mid-event: the partial line dropped, the watch resumed from the bookmark's resourceVersion 103"
else
	notok "cut stream: no reconnect from resourceVersion 103"
fi
if atleast gone 2 && atleast relists 2 && want "pod 10.244.1.12 ended default/pod-c app=c" &&
    want "pod 10.244.2.10 none" && grep -q '"fieldSelector": "spec.nodeName=node-1"' "$tmp/chaos.log"; then
	ok "410 Gone (HTTP status and watch ERROR) relists; a pod gone meanwhile is ended; only node-1's pods"
else
	notok "410 / relist / field selector"
fi
if atleast unauthorized 1 && atleast token_reloads 1 &&
    want "pod 10.244.1.14 open default/pod-e app=e" &&
    [ "$(grep -c '"auth_ok": false' "$tmp/chaos.log")" = 1 ]; then
	ok "after the token rotated, a 401 re-read the token file and the next request used the new one"
else
	notok "token rotation / 401"
fi

fixture big srv --scenario bigline || skip_rest "the bigline fixture did not start"
KUBEAPI_MAX_LINE=16384 timeout 30 "$driver" "$big_url" "$tmp/big.token" "$tmp/ca.pem" node-1 15 1 \
    10.244.1.20 10.244.1.21 >"$tmp/big.out" 2>"$tmp/big.err"
if grep -qx "counter lines_capped 1" "$tmp/big.out" && grep -qx "counter relists 1" "$tmp/big.out" &&
    grep -qx "pod 10.244.1.20 open default/pod-big app=big" "$tmp/big.out" &&
    grep -qx "pod 10.244.1.21 open default/pod-f app=f" "$tmp/big.out" &&
    grep -q '"continue": "page-2-rv150"' "$tmp/big.log"; then
	ok "a watch event over kube_max_line is dropped and counted; the relist brings its pod (chunked list pages)"
else
	notok "line cap: $(grep -v '^counter [a-z_]* 0$' "$tmp/big.out" | tr '\n' ' ')"
fi

fixture empty srv --scenario empty || skip_rest "the empty fixture did not start"
timeout 30 "$driver" "$empty_url" "$tmp/empty.token" "$tmp/ca.pem" - 3 1 >"$tmp/empty.out" 2>"$tmp/empty.err"
w=$(sed -n 's/^counter watches //p' "$tmp/empty.out")
if [ "${w:-0}" -ge 2 ] && [ "${w:-0}" -le 12 ] && [ "$(grep -c 'kube-api:' "$tmp/empty.err")" = 1 ]; then
	ok "watches that end at once without events are retried with backoff ($w in 3 s), logged once"
else
	notok "empty watches: ${w:-?} watches, log: $(head -c 300 "$tmp/empty.err" | tr '\n' ' ')"
fi

# 5. live: the watcher on the sensor's loop
if [ "$(id -u)" != 0 ]; then
	n=$((n + 1))
	echo "ok $n # SKIP live capture on lo needs root"
	exit 0
fi
if ! "$STRATUMWATCH" --help | grep -q -- "--stats-interval"; then
	n=$((n + 1))
	echo "ok $n # SKIP this build has no live capture"
	exit 0
fi
fixture live srv --scenario chaos || { notok "the live fixture did not start"; exit 0; }
timeout -s TERM 6 ${SW_WRAP:-} "$STRATUMWATCH" -i lo --kube-api "$live_url" \
    --kube-token "$tmp/live.token" --kube-ca "$tmp/ca.pem" --node-name node-1 \
    --eve - --eve-types stats --stats-interval 1 tcp port 9 >"$tmp/live.out" 2>"$tmp/live.err"
if tail -n 1 "$tmp/live.out" | grep -q '"kube_api":{"lists":4,"list_pages":5,"relists":2,"watches":3,"events":4,' &&
    [ "$(grep -c 'kube-api:' "$tmp/live.err")" = 2 ]; then
	ok "live (-i lo): the watch runs on the sensor's loop; stats.kube_api counts its 4 events, 2 relists"
else
	notok "live: $(tail -n 1 "$tmp/live.out" | grep -o '"kube_api":{[^}]*}') $(head -c 300 "$tmp/live.err" | tr '\n' ' ')"
fi
