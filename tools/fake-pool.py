#!/usr/bin/python3
"""fake-pool.py: a minimal Stratum pool for recording real miners.

Two dialects. cryptonote (the default) implements the pool side of
reference/stratum.md section 3 (login, job push, submit, keepalived) well
enough for a real XMRig to mine against it (tools/record-xmrig.sh). v1 is
Bitcoin's Stratum V1 (section 4: mining.subscribe, mining.authorize,
mining.set_difficulty, mining.notify, mining.submit) for cpuminer and the
like (tools/record-cpuminer.sh). It is NOT a pool: it never checks a
share's hash (every submit is accepted) and its jobs are made-up work that
belongs to no chain.

    fake-pool.py [--host 127.0.0.1] [--port 3333] [--dialect cryptonote|v1]
                 [--algo rx/0] [--target 14ae4701] [--difficulty 0.01]
                 [--tls-cert FILE --tls-key FILE]
                 [--job-interval 5] [--max-seconds 120]

With --tls-cert and --tls-key it speaks Stratum inside TLS, as pools do on
their TLS ports (tools/record-xmrig-tls.sh).

Every message it receives or sends is logged on stderr. The server stops by
itself after --max-seconds (so a forgotten process cannot run forever) and
each connection is served for at most that long too. Standard library only.
"""

import argparse
import hashlib
import json
import signal
import socket
import socketserver
import ssl
import sys
import threading
import time

# section 3.4: a Monero hashing blob is major(1) minor(1) timestamp(varint,
# 5 bytes for today's clock) prev_id(32) nonce(4, at offset 39)
# tree_root(32) tx_count(varint, 1 byte here) = 76 bytes.
BLOB_MAJOR = 16
BLOB_MINOR = 16
NONCE_OFFSET = 39
BLOB_LEN = 76
BASE_HEIGHT = 3210987
LINE_CAP = 65536  # same framing cap as the analyzer (reference 11.1)


def varint(n):
    """Monero/protobuf unsigned LEB128 varint."""
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def make_blob(seq, now):
    """76-byte hashing blob for job number seq; nonce bytes left at zero."""
    prev = hashlib.sha256(b"fake-pool prev %d" % (seq // 4)).digest()
    root = hashlib.sha256(b"fake-pool root %d" % seq).digest()
    blob = (bytes([BLOB_MAJOR, BLOB_MINOR]) + varint(int(now)) + prev +
            b"\0\0\0\0" + root + varint(1 + seq % 100))
    if len(blob) != BLOB_LEN or blob[NONCE_OFFSET:NONCE_OFFSET + 4] != b"\0" * 4:
        raise ValueError("blob layout: timestamp varint is not 5 bytes")
    return blob.hex()


class Pool:
    """State shared by all connections: job counter and the options."""

    def __init__(self, opts):
        self.opts = opts
        self.lock = threading.Lock()
        self.seq = 0
        self.seed_hash = hashlib.sha256(b"fake-pool seed").hexdigest()
        self.submits = 0

    def new_v1_job(self):
        """mining.notify params: job id, previous hash, coinbase halves
        (extranonce1 and extranonce2 go between), Merkle branch, version,
        nbits, ntime, clean jobs."""
        with self.lock:
            self.seq += 1
            seq = self.seq
        h = lambda tag: hashlib.sha256(("%s %d" % (tag, seq)).encode()).hexdigest()
        return [
            "%x" % seq, h("prev"),
            "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff20" + "%08x" % seq,
            "ffffffff0100f2052a010000001976a914" + h("payout")[:40] + "88ac00000000",
            [h("branch a"), h("branch b")],
            "20000000", "1d00ffff", "%08x" % int(time.time()), True,
        ]

    def new_job(self, session_id):
        with self.lock:
            self.seq += 1
            seq = self.seq
        return {
            "blob": make_blob(seq, time.time()),
            "job_id": "fj%06d" % seq,
            "target": self.opts.target,
            "algo": self.opts.algo,
            "height": BASE_HEIGHT + seq // 4,
            "seed_hash": self.seed_hash,
            "id": session_id,
        }


def log(fmt, *args):
    sys.stderr.write(time.strftime("%H:%M:%S ") + (fmt % args) + "\n")
    sys.stderr.flush()


class Handler(socketserver.BaseRequestHandler):
    """One miner connection: read LF-framed JSON, reply, push jobs."""

    def setup(self):
        self.pool = self.server.pool
        self.wlock = threading.Lock()
        self.session_id = None
        self.alive = True
        self.peer = "%s:%d" % self.client_address[:2]

    def send(self, obj):
        line = json.dumps(obj, separators=(",", ":")) + "\n"
        with self.wlock:
            self.request.sendall(line.encode())
        log("%s <- %s", self.peer, line.rstrip())

    def push_job(self):
        if self.pool.opts.dialect == "v1":
            self.send({"id": None, "method": "mining.notify", "params": self.pool.new_v1_job()})
        else:
            self.send({"jsonrpc": "2.0", "method": "job",
                       "params": self.pool.new_job(self.session_id)})

    def pusher(self):
        """Send a fresh job every --job-interval seconds after login."""
        while self.alive and not self.server.stopping.is_set():
            if self.server.stopping.wait(self.pool.opts.job_interval):
                break
            if not self.alive:
                break
            try:
                self.push_job()
            except OSError:
                break

    def reply(self, req_id, result=None, error=None):
        self.send({"id": req_id, "jsonrpc": "2.0", "error": error,
                   "result": result})

    def count_submit(self):
        with self.pool.lock:
            self.pool.submits += 1
            return self.pool.submits

    def dispatch_v1(self, msg):
        method = msg.get("method")
        req_id = msg.get("id")
        params = msg.get("params") if isinstance(msg.get("params"), list) else []
        if method == "mining.subscribe":
            self.session_id = hashlib.sha256(
                ("fake-pool session %s %f" % (self.peer, time.time())).encode()
            ).hexdigest()[:8]
            log("%s subscribe agent=%r", self.peer, params[0] if params else None)
            self.send({"id": req_id, "result": [
                [["mining.set_difficulty", self.session_id], ["mining.notify", self.session_id]],
                self.session_id, 4], "error": None})
        elif method == "mining.authorize":
            log("%s authorize user=%r pass=%r", self.peer,
                params[0] if params else None, params[1] if len(params) > 1 else None)
            self.send({"id": req_id, "result": True, "error": None})
            self.send({"id": None, "method": "mining.set_difficulty",
                       "params": [self.pool.opts.difficulty]})
            self.push_job()
            threading.Thread(target=self.pusher, daemon=True).start()
        elif method == "mining.submit":
            n = self.count_submit()
            log("%s submit #%d job_id=%r nonce=%r", self.peer, n,
                params[1] if len(params) > 1 else None, params[4] if len(params) > 4 else None)
            self.send({"id": req_id, "result": True, "error": None})
        else:
            self.send({"id": req_id, "result": None,
                       "error": [20, "Unknown method", None]})

    def dispatch(self, msg):
        if self.pool.opts.dialect == "v1":
            self.dispatch_v1(msg)
            return
        method = msg.get("method")
        req_id = msg.get("id")
        params = msg.get("params") if isinstance(msg.get("params"), dict) else {}
        if method == "login":
            self.session_id = hashlib.sha256(
                ("fake-pool session %s %f" % (self.peer, time.time())).encode()
            ).hexdigest()[:32]
            log("%s login=%r pass=%r agent=%r algo=%r", self.peer,
                params.get("login"), params.get("pass"), params.get("agent"),
                params.get("algo"))
            self.reply(req_id, {
                "id": self.session_id,
                "job": self.pool.new_job(self.session_id),
                "extensions": ["algo", "keepalive"],
                "status": "OK",
            })
            threading.Thread(target=self.pusher, daemon=True).start()
        elif method == "submit":
            n = self.count_submit()
            log("%s submit #%d job_id=%r nonce=%r", self.peer, n,
                params.get("job_id"), params.get("nonce"))
            self.reply(req_id, {"status": "OK"})
        elif method == "keepalived":
            self.reply(req_id, {"status": "KEEPALIVED"})
        elif method == "getjob":
            self.reply(req_id, self.pool.new_job(self.session_id))
        else:
            self.reply(req_id, None, {"code": -1, "message": "Unknown method"})

    def handle(self):
        log("%s connected", self.peer)
        self.request.settimeout(1.0)
        deadline = self.server.deadline
        buf = b""
        try:
            while time.time() < deadline and not self.server.stopping.is_set():
                try:
                    chunk = self.request.recv(4096)
                except socket.timeout:
                    continue
                if not chunk:
                    break
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    log("%s -> %s", self.peer, line.decode(errors="replace"))
                    if not line.strip():
                        continue
                    try:
                        msg = json.loads(line)
                    except ValueError:
                        log("%s bad JSON, closing", self.peer)
                        return
                    if isinstance(msg, dict):
                        self.dispatch(msg)
                if len(buf) > LINE_CAP:
                    log("%s line over %d bytes, closing", self.peer, LINE_CAP)
                    return
        except OSError as e:
            log("%s error %s", self.peer, e)
        finally:
            self.alive = False
            log("%s closed", self.peer)


def on_sigterm(_signum, _frame):
    raise KeyboardInterrupt


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    tls = None  # an ssl.SSLContext: every connection is wrapped in TLS

    def get_request(self):
        sock, addr = self.socket.accept()
        if self.tls is not None:
            sock.settimeout(10.0)  # a client that never finishes the handshake
            sock = self.tls.wrap_socket(sock, server_side=True)
        return sock, addr

    def handle_error(self, request, client_address):
        log("%s:%d connection error: %s", client_address[0], client_address[1],
            sys.exc_info()[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=3333)
    ap.add_argument("--dialect", choices=("cryptonote", "v1"), default="cryptonote")
    ap.add_argument("--algo", default="rx/0")
    ap.add_argument("--difficulty", type=float, default=0.01,
                    help="v1: mining.set_difficulty (1 = 2^32 hashes a share)")
    ap.add_argument("--target", default="14ae4701",
                    help="little-endian hex target; 14ae4701 = difficulty 200")
    ap.add_argument("--tls-cert", help="PEM certificate: serve Stratum inside TLS")
    ap.add_argument("--tls-key", help="PEM private key of --tls-cert")
    ap.add_argument("--job-interval", type=float, default=5.0)
    ap.add_argument("--max-seconds", type=float, default=120.0)
    opts = ap.parse_args()
    if opts.job_interval <= 0 or opts.max_seconds <= 0:
        ap.error("--job-interval and --max-seconds must be positive")
    bytes.fromhex(opts.target)  # refuse a non-hex target early

    if (opts.tls_cert is None) != (opts.tls_key is None):
        ap.error("--tls-cert and --tls-key go together")
    srv = Server((opts.host, opts.port), Handler)
    if opts.tls_cert is not None:
        srv.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        srv.tls.load_cert_chain(opts.tls_cert, opts.tls_key)
    srv.pool = Pool(opts)
    srv.stopping = threading.Event()
    srv.deadline = time.time() + opts.max_seconds
    log("listening on %s:%d dialect %s algo %s target %s difficulty %g, stop after %.0f s",
        opts.host, opts.port, opts.dialect, opts.algo, opts.target, opts.difficulty,
        opts.max_seconds)
    # SIGTERM (timeout(1), kill) ends the server like Ctrl-C, so the final
    # summary line is still written.
    signal.signal(signal.SIGTERM, on_sigterm)
    timer = threading.Timer(opts.max_seconds, srv.shutdown)
    timer.daemon = True
    timer.start()
    try:
        srv.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        srv.stopping.set()
        srv.server_close()
        log("stopped; %d submits accepted", srv.pool.submits)


if __name__ == "__main__":
    main()
