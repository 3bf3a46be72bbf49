#!/usr/bin/env python3
"""kube-fixture.py: a local HTTPS server that plays the Kubernetes API for
the --kube-api tests (tests/kube-api.sh). Loopback only; stdlib only.

It answers what kubectl and stratumwatch ask: discovery (/api, /apis,
/api/v1), LIST /api/v1/pods with limit/continue pages and a
spec.nodeName field selector, and WATCH /api/v1/pods as a chunked stream of
JSON lines (ADDED, MODIFIED, DELETED, BOOKMARK when allowWatchBookmarks,
ERROR). Requests need "Authorization: Bearer TOKEN", TOKEN being the
content of --token-file when the server started (or after it rotated it).

Scenarios:
  simple  serve --pods FILE (a PodList); a watch sends ADDED, MODIFIED,
          DELETED (and a BOOKMARK if asked), then ends normally.
  chaos   a scripted sequence for the watcher (see CHAOS below): a continue
          page, a watch cut mid-event, HTTP 410, a watch ERROR 410, and a
          token rotation answered with 401.
  bigline the first watch sends an event longer than the watcher's line
          cap (a pod with a 64 KiB annotation); the pod is in the lists
          that follow; the second watch sends pod-f, then idles.
  empty   every watch ends at once, without an event (a misbehaving
          proxy): the watcher must back off, not loop.

Continue pages are sent chunked (as the API server sends large lists),
first pages with Content-Length.

Every request is logged to --log as one JSON line (path, query, whether the
token was accepted, which step answered), for the test to check.
"""
import argparse
import copy
import json
import os
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = 2  # items per list page at most (--page), so a continue page always happens


def pod(name, ip, node, uid, labels, ns="default", start="2024-01-01T00:00:00Z"):
    return {
        "metadata": {"name": name, "namespace": ns, "uid": uid, "labels": labels,
                     "creationTimestamp": start, "resourceVersion": "1"},
        "spec": {"nodeName": node, "containers": [{"name": "main", "image": "busybox:1.36"}]},
        "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}],
                   "hostIP": "192.168.50.1", "startTime": start},
    }


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.args = args
        self.token_file = args.token_file
        with open(self.token_file) as f:
            self.token = f.read().strip()
        self.rv = 100
        self.step = 0           # chaos: how far the script went
        self.watches = 0
        self.stop = threading.Event()
        if args.scenario == "simple":
            with open(args.pods) as f:
                self.pods = [p for p in json.load(f)["items"]]
        else:
            self.pods = [
                pod("pod-a", "10.244.1.10", "node-1", "uid-a", {"app": "a", "version": "1"}),
                pod("pod-b", "10.244.1.11", "node-1", "uid-b", {"app": "b"}),
                pod("pod-c", "10.244.1.12", "node-1", "uid-c", {"app": "c"}),
                pod("pod-x", "10.244.2.10", "node-2", "uid-x", {"app": "x"}),
            ]

    def rotate_token(self):
        self.token = self.token + "-rotated"
        tmp = self.token_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(self.token + "\n")
        os.replace(tmp, self.token_file)


def log(state, **kw):
    with state.lock:
        with open(state.args.log, "a") as f:
            f.write(json.dumps(kw, sort_keys=True) + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kube-fixture/1"

    def log_message(self, fmt, *a):
        pass

    # -- helpers --
    def send_json(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def status(self, code, reason, message):
        self.send_json(code, {"kind": "Status", "apiVersion": "v1", "metadata": {},
                              "status": "Failure", "message": message, "reason": reason,
                              "code": code})

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def event(self, typ, obj):
        self.chunk(json.dumps({"type": typ, "object": obj}).encode() + b"\n")

    def begin_stream(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()

    def end_stream(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    # -- requests --
    def do_GET(self):
        st = self.server.state
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        auth = self.headers.get("Authorization", "")
        ok = auth == "Bearer " + st.token
        entry = {"path": u.path, "query": q, "auth_ok": ok, "step": st.step}
        if not ok:
            log(st, answer=401, **entry)
            self.status(401, "Unauthorized", "Unauthorized")
            return
        if u.path == "/version":
            log(st, answer=200, **entry)
            self.send_json(200, {"major": "1", "minor": "28", "gitVersion": "v1.28.0",
                                 "platform": "linux/amd64"})
        elif u.path == "/api":
            log(st, answer=200, **entry)
            host = "%s:%d" % self.server.server_address[:2]
            self.send_json(200, {"kind": "APIVersions", "versions": ["v1"],
                                 "serverAddressByClientCIDRs": [
                                     {"clientCIDR": "0.0.0.0/0", "serverAddress": host}]})
        elif u.path == "/apis":
            log(st, answer=200, **entry)
            self.send_json(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": []})
        elif u.path == "/api/v1":
            log(st, answer=200, **entry)
            self.send_json(200, {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
                {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod",
                 "verbs": ["get", "list", "watch"], "shortNames": ["po"],
                 "categories": ["all"]}]})
        elif u.path == "/api/v1/pods" and q.get("watch") in ("1", "true"):
            self.watch(st, q, entry)
        elif u.path == "/api/v1/pods":
            self.list(st, q, entry)
        else:
            log(st, answer=404, **entry)
            self.status(404, "NotFound", "the server could not find the requested resource")

    def selected(self, st, q):
        sel = q.get("fieldSelector", "")
        pods = st.pods
        if sel.startswith("spec.nodeName="):
            node = sel.split("=", 1)[1]
            pods = [p for p in pods if p["spec"].get("nodeName") == node]
        return pods

    def list(self, st, q, entry):
        with st.lock:
            pods = self.selected(st, q)
            rv = st.rv
        limit = int(q.get("limit", "0") or 0)
        page = min(limit, st.args.page) if limit > 0 else len(pods)
        start = 0
        if "continue" in q:
            try:
                start = int(q["continue"].split("-")[1])
            except (IndexError, ValueError):
                log(st, answer=400, **entry)
                self.status(400, "BadRequest", "bad continue token")
                return
        items = pods[start:start + page]
        md = {"resourceVersion": str(rv)}
        if start + page < len(pods):
            md["continue"] = "page-%d-rv%d" % (start + page, rv)
        log(st, answer=200, items=[p["metadata"]["name"] for p in items], rv=rv, **entry)
        doc = {"kind": "PodList", "apiVersion": "v1", "metadata": md, "items": items}
        if start == 0:
            self.send_json(200, doc)
            return
        body = json.dumps(doc).encode()
        self.begin_stream()
        half = len(body) // 2
        self.chunk(body[:half])
        self.chunk(body[half:])
        self.end_stream()

    def obj(self, p, rv):
        o = copy.deepcopy(p)
        o["kind"] = "Pod"
        o["apiVersion"] = "v1"
        o["metadata"]["resourceVersion"] = str(rv)
        return o

    def watch(self, st, q, entry):
        if self.server.state.args.scenario == "simple":
            self.watch_simple(st, q, entry)
        elif self.server.state.args.scenario == "empty":
            with st.lock:
                st.watches += 1
            log(st, answer="watch", **entry)
            self.begin_stream()
            self.end_stream()
        elif self.server.state.args.scenario == "bigline":
            self.watch_bigline(st, q, entry)
        else:
            self.watch_chaos(st, q, entry)

    def watch_bigline(self, st, q, entry):
        with st.lock:
            st.watches += 1
            n = st.watches
        log(st, answer="watch", watch=n, **entry)
        self.begin_stream()
        if n == 1:
            big = pod("pod-big", "10.244.1.20", "node-1", "uid-big", {"app": "big"})
            big["metadata"]["annotations"] = {"blob": "x" * 65536}
            with st.lock:
                st.pods.append(big)
                st.rv = 150
            self.event("ADDED", self.obj(big, 150))
            self.end_stream()
            return
        if n == 2:
            f = pod("pod-f", "10.244.1.21", "node-1", "uid-f", {"app": "f"})
            with st.lock:
                st.pods.append(f)
            self.event("ADDED", self.obj(f, 151))
        while not st.stop.wait(0.2):
            pass
        self.close_connection = True

    def watch_simple(self, st, q, entry):
        log(st, answer=200, **entry)
        p = st.pods[0]
        self.begin_stream()
        self.event("ADDED", self.obj(p, 1001))
        m = self.obj(p, 1002)
        m["metadata"].setdefault("labels", {})["watched"] = "yes"
        self.event("MODIFIED", m)
        if q.get("allowWatchBookmarks") == "true":
            self.event("BOOKMARK", {"kind": "Pod", "apiVersion": "v1",
                                    "metadata": {"resourceVersion": "1003"}})
        self.event("DELETED", self.obj(p, 1004))
        self.end_stream()

    # CHAOS: the watch requests in order (the lists in between follow st).
    #  watch 1 (from 100): ADDED pod-d, MODIFIED pod-a (version=2), BOOKMARK
    #          103, half of a MODIFIED pod-b line, then the connection closes
    #  watch 2 (must be from 103): HTTP 410; meanwhile pod-c was deleted
    #  watch 3 (from 200): DELETED pod-b, then ERROR 410; the token rotates,
    #          so the relist that follows gets 401 until the new token is sent
    #  watch 4 (from 300): ADDED pod-e, then idle until the server stops
    def watch_chaos(self, st, q, entry):
        with st.lock:
            st.watches += 1
            n = st.watches
        rv = q.get("resourceVersion", "")
        log(st, answer="watch", watch=n, **entry)
        if n == 1:
            self.begin_stream()
            d = pod("pod-d", "10.244.1.13", "node-1", "uid-d", {"app": "d"})
            with st.lock:
                st.pods.append(d)
                a = [p for p in st.pods if p["metadata"]["name"] == "pod-a"][0]
                a["metadata"]["labels"]["version"] = "2"
            self.event("ADDED", self.obj(d, 101))
            self.event("MODIFIED", self.obj(a, 102))
            if q.get("allowWatchBookmarks") == "true":
                self.event("BOOKMARK", {"kind": "Pod", "apiVersion": "v1",
                                        "metadata": {"resourceVersion": "103"}})
            b = [p for p in st.pods if p["metadata"]["name"] == "pod-b"][0]
            bm = self.obj(b, 104)
            bm["metadata"]["labels"]["cut"] = "yes"
            line = json.dumps({"type": "MODIFIED", "object": bm}).encode()
            self.chunk(line[:len(line) // 2])
            self.close_connection = True
            return
        if n == 2:
            with st.lock:
                st.pods = [p for p in st.pods if p["metadata"]["name"] != "pod-c"]
                st.rv = 200
            self.status(410, "Expired", "too old resource version: %s (200)" % rv)
            self.close_connection = True
            return
        if n == 3:
            self.begin_stream()
            with st.lock:
                b = [p for p in st.pods if p["metadata"]["name"] == "pod-b"][0]
                st.pods.remove(b)
                st.rv = 300
            self.event("DELETED", self.obj(b, 201))
            with st.lock:
                st.rotate_token()
            self.event("ERROR", {"kind": "Status", "apiVersion": "v1", "metadata": {},
                                 "status": "Failure", "message": "too old resource version",
                                 "reason": "Expired", "code": 410})
            self.end_stream()
            return
        self.begin_stream()
        if n == 4:
            e = pod("pod-e", "10.244.1.14", "node-1", "uid-e", {"app": "e"})
            with st.lock:
                st.pods.append(e)
            self.event("ADDED", self.obj(e, 301))
        while not st.stop.wait(0.2):
            pass
        self.close_connection = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--token-file", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--scenario", choices=["simple", "chaos", "bigline", "empty"], default="simple")
    ap.add_argument("--pods")
    ap.add_argument("--page", type=int, default=PAGE, help="items per list page at most")
    ap.add_argument("--lifetime", type=float, default=120.0,
                    help="exit after this many seconds whatever happens")
    args = ap.parse_args()
    if args.scenario == "simple" and not args.pods:
        ap.error("--scenario simple needs --pods")
    ThreadingHTTPServer.daemon_threads = True
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.state = State(args)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.replace(tmp, args.port_file)
    timer = threading.Timer(args.lifetime, srv.shutdown)
    timer.daemon = True
    timer.start()
    try:
        srv.serve_forever(poll_interval=0.2)
    finally:
        srv.state.stop.set()
    return 0


if __name__ == "__main__":
    sys.exit(main())
