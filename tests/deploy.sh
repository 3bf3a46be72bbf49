#!/bin/sh
# deploy.sh: deploy/kubernetes/ is valid YAML with the properties the
# sensor's deployment promises (hostNetwork; capabilities: drop ALL, add
# only NET_RAW and NET_ADMIN; read-only root; no privilege escalation; the
# node name from the downward API passed as --node-name; metrics on
# loopback; RBAC read-only: pods get/list/watch, nodes get), and the
# DaemonSet's options are ones stratumwatch accepts. Then `make install
# DESTDIR=...` installs the binary, the default pool list and the man page.
#
# Needs python3 with the yaml module (Debian python3-yaml); skips without.
# Environment: STRATUMWATCH (binary), srcdir (source tree), PYTHON3.
set -u
: "${srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${STRATUMWATCH:=./stratumwatch}"
: "${PYTHON3:=python3}"
echo "1..2"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

if ! "$PYTHON3" -c 'import yaml' 2>/dev/null; then
	echo "ok 1 # SKIP python3 yaml module not installed (Debian python3-yaml)"
else
	"$PYTHON3" - "$srcdir/deploy/kubernetes" "$STRATUMWATCH" >"$tmp/y.out" 2>&1 <<'PYEOF'
import os, subprocess, sys, yaml
d, sw = sys.argv[1], sys.argv[2]
docs = []
for f in sorted(os.listdir(d)):
    if f.endswith(".yaml"):
        docs += [x for x in yaml.safe_load_all(open(os.path.join(d, f))) if x]
kinds = {x["kind"]: x for x in docs}
errs = []
def need(cond, what):
    if not cond:
        errs.append(what)
for k in ("DaemonSet", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "Kustomization"):
    need(k in kinds, "no " + k)
ds = kinds["DaemonSet"]
pod = ds["spec"]["template"]["spec"]
need(ds["spec"]["selector"]["matchLabels"].items() <= ds["spec"]["template"]["metadata"]["labels"].items(),
     "selector does not match the template labels")
need(pod.get("hostNetwork") is True, "hostNetwork is not true")
need(pod.get("serviceAccountName") == kinds["ServiceAccount"]["metadata"]["name"], "serviceAccountName")
c = pod["containers"][0]
sc = c["securityContext"]
need(sc["capabilities"]["drop"] == ["ALL"], "capabilities.drop is not [ALL]")
need(sorted(sc["capabilities"]["add"]) == ["NET_ADMIN", "NET_RAW"], "capabilities.add is not NET_RAW, NET_ADMIN")
need(sc.get("readOnlyRootFilesystem") is True, "readOnlyRootFilesystem")
need(sc.get("allowPrivilegeEscalation") is False, "allowPrivilegeEscalation")
need(sc.get("privileged") in (None, False), "privileged")
env = {e["name"]: e for e in c["env"]}
need(env.get("NODE_NAME", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "spec.nodeName",
     "NODE_NAME is not from spec.nodeName")
a = c["args"]
def after(opt):
    return a[a.index(opt) + 1] if opt in a else None
need(after("-i") == "any", "-i any")
need("--kube-api" in a, "--kube-api")
need(after("--node-name") == "$(NODE_NAME)", "--node-name $(NODE_NAME)")
need(after("--eve") == "/var/log/stratumwatch/eve.json", "--eve path")
need(after("--metrics") == "127.0.0.1:9477", "--metrics 127.0.0.1:9477")
need(c["livenessProbe"]["httpGet"]["host"] == "127.0.0.1", "liveness probe not on loopback")
mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
need("/var/log/stratumwatch" in mounts, "no writable mount for the EVE file")
cm = kinds["ConfigMap"]
for opt in ("--pool-list", "--pool-ip-list"):
    p = after(opt)
    need(p is not None and os.path.basename(p) in cm["data"], opt + " file not in the ConfigMap")
rules = kinds["ClusterRole"]["rules"]
got = {(r, v) for rule in rules for r in rule["resources"] for v in rule["verbs"]}
need(got == {("pods", "get"), ("pods", "list"), ("pods", "watch"), ("nodes", "get")},
     "ClusterRole grants %s" % sorted(got))
sub = kinds["ClusterRoleBinding"]["subjects"][0]
need(sub["name"] == kinds["ServiceAccount"]["metadata"]["name"] and
     sub["namespace"] == kinds["ServiceAccount"]["metadata"]["namespace"], "binding subject")
res = kinds["Kustomization"]["resources"]
need(sorted(res) == sorted(f for f in os.listdir(d) if f.endswith(".yaml") and f != "kustomization.yaml"),
     "kustomization does not list every manifest")
# every option the DaemonSet passes is known to this binary: --help lists it
helptext = subprocess.run([sw, "--help"], capture_output=True, text=True).stdout
for x in a:
    if x.startswith("-"):
        need(x in helptext, "option %s not in stratumwatch --help" % x)
for e in errs:
    print(e)
sys.exit(1 if errs else 0)
PYEOF
	if [ $? = 0 ]; then
		echo "ok 1 - deploy/kubernetes: valid YAML, capabilities, downward API, RBAC, options"
	else
		echo "not ok 1 - deploy/kubernetes: $(tr '\n' ';' <"$tmp/y.out")"
	fi
fi

if [ ! -f Makefile ] || ! grep -q '^install:' Makefile; then
	echo "ok 2 # SKIP not run from a configured build directory"
else
	${MAKE:-make} install DESTDIR="$tmp/root" >"$tmp/install.log" 2>&1
	rc=$?
	bin=$(find "$tmp/root" -type f -name stratumwatch -perm -u+x | head -1)
	list=$(find "$tmp/root" -type f -path '*/stratumwatch/pool-domains.txt' | head -1)
	man=$(find "$tmp/root" -type f -path '*/man8/stratumwatch.8' | head -1)
	if [ $rc = 0 ] && [ -n "$bin" ] && [ -n "$list" ] && [ -n "$man" ] &&
	    "$bin" --version >/dev/null 2>&1; then
		echo "ok 2 - make install DESTDIR: ${bin#$tmp/root}, ${list#$tmp/root}, ${man#$tmp/root}"
	else
		echo "not ok 2 - make install DESTDIR: rc $rc, bin '$bin', list '$list', man '$man': $(tail -3 "$tmp/install.log")"
	fi
fi
