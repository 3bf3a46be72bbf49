#!/usr/bin/python3
"""fake-miner.py: a bounded XMRig-style CryptoNote Stratum client for tests.

Speaks the miner side of the XMRig dialect (shared reference stratum.md
section 3): one `login` with XMRig's agent string and algo list, then a few
`submit`s of made-up nonces/results for the current job, each waiting for
the pool's reply, then closes. It mines nothing. It is the client of the
network-namespace tests (tests/k8s-netns.sh, tests/vxlan-netns.sh), run
against tools/fake-pool.py.

    fake-miner.py --host ADDR [--port 3333] [--submits 3] [--interval 0.3]
                  [--wallet W] [--rig-id ID] [--max-seconds 20]

Bounded: at most --submits submits, every socket operation times out, and
the whole run stops after --max-seconds. Exit 0 when the login and every
submit were answered, 1 otherwise. Standard library only.
"""

import argparse
import hashlib
import json
import socket
import sys
import time

AGENT = "XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0"
ALGOS = ["rx/0", "cn/r", "rx/wow", "argon2/chukwav2"]
# the Monero address from XMRig's documentation (reference stratum.md 8.1)
WALLET = ("48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJ"
          "Mk1j8nLwEVsaSWJ4fhdUyZijBGUicoD")
LINE_CAP = 65536


class Conn:
    def __init__(self, sock, deadline):
        self.sock, self.deadline, self.buf = sock, deadline, b""

    def send(self, obj):
        self.sock.sendall((json.dumps(obj, separators=(",", ":")) + "\n").encode())

    def recv_reply(self, req_id):
        """Read lines until the reply to req_id; job pushes are skipped."""
        while time.time() < self.deadline:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                if not line.strip():
                    continue
                msg = json.loads(line)
                if isinstance(msg, dict) and msg.get("id") == req_id:
                    return msg
            if len(self.buf) > LINE_CAP:
                raise ValueError("line over %d bytes" % LINE_CAP)
            self.sock.settimeout(max(0.1, min(2.0, self.deadline - time.time())))
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("pool closed the connection")
            self.buf += chunk
        raise TimeoutError("no reply to request %d" % req_id)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, default=3333)
    ap.add_argument("--submits", type=int, default=3)
    ap.add_argument("--interval", type=float, default=0.3)
    ap.add_argument("--wallet", default=WALLET)
    ap.add_argument("--rig-id", default="netns-test")
    ap.add_argument("--hold", type=float, default=0.0,
                    help="seconds to keep the connection open before closing")
    ap.add_argument("--max-seconds", type=float, default=20.0)
    o = ap.parse_args()
    if not 0 <= o.submits <= 100 or not 0 < o.max_seconds <= 120 or o.interval < 0:
        ap.error("--submits 0..100, --max-seconds 0..120, --interval >= 0")
    deadline = time.time() + o.max_seconds
    family = socket.AF_INET6 if ":" in o.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(5.0)
        s.connect((o.host, o.port))
        c = Conn(s, deadline)
        c.send({"id": 1, "jsonrpc": "2.0", "method": "login",
                "params": {"login": o.wallet, "pass": "x", "agent": AGENT,
                           "rigid": o.rig_id, "algo": ALGOS}})
        r = c.recv_reply(1)
        res = r.get("result") or {}
        session, job = res.get("id"), res.get("job") or {}
        if not session or not job.get("job_id"):
            print("fake-miner: login refused: %r" % r, file=sys.stderr)
            return 1
        for k in range(o.submits):
            time.sleep(o.interval)
            rid = 2 + k
            seed = hashlib.sha256(b"fake-miner %d %s" % (k, job["job_id"].encode())).hexdigest()
            c.send({"id": rid, "jsonrpc": "2.0", "method": "submit",
                    "params": {"id": session, "job_id": job["job_id"],
                               "nonce": seed[:8], "result": seed,
                               "algo": job.get("algo", "rx/0")}})
            r = c.recv_reply(rid)
            if (r.get("result") or {}).get("status") != "OK":
                print("fake-miner: submit %d not accepted: %r" % (rid, r), file=sys.stderr)
                return 1
        if o.hold > 0:
            time.sleep(min(o.hold, max(0.0, deadline - time.time())))
    print("fake-miner: login and %d submits accepted" % o.submits, file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError) as e:
        print("fake-miner: %s" % e, file=sys.stderr)
        sys.exit(1)
