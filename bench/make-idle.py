#!/usr/bin/env python3
"""make-idle.py: captures of N flows that stay open, for the memory figures
(bytes per idle flow, bytes per Stratum session): the analyser's peak RSS on
N flows minus its peak on a small N, divided by the difference.

  syn N       N TCP flows that sent one SYN each (a port scan's shape)
  stratum N   N CryptoNote sessions (handshake, XMRig login with a wallet,
              the pool's reply with a job, one submit) left open

Every flow has its own client address in 10.0.0.0/8, and the whole capture
spans under 10 seconds, so nothing times out (flow_timeout_new is 30 s):
at the end all N flows are held at once. Packets are built with
tools/gen-pcaps.py's builders (imported).

usage: make-idle.py syn|stratum N OUT.pcap
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "..", "tools", "gen-pcaps.py")


def load_gen():
    spec = importlib.util.spec_from_file_location("gen_pcaps", GEN)
    g = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(g)
    return g


def client(i):
    v = i + 1
    return "10.%d.%d.%d" % ((v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff)


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("syn", "stratum"):
        sys.exit(__doc__)
    kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if n < 1 or n >= 1 << 24:
        sys.exit("make-idle: N must be 1 .. 16777215")
    g = load_gen()
    cap = g.Capture(1)
    link = g.EthLink()
    step = max(1, 8 * g.SEC // n)       # all within 8 seconds
    sess = g.xmr_session_id("idle/sess")
    job = g.xmr_job("idle/job0", "b88d0600", 3210987, sess)
    login = g.xmr_login(g.XMR_STD, rigid="idle")
    reply = g.xmr_login_reply(sess, job)
    submit = g.xmr_submit(2, sess, job, "idle/sub0")
    for i in range(n):
        t = i * step
        if kind == "syn":
            seg = g.tcp_build(client(i), g.POOL_XMR, 40000 + i % 20000, 443,
                              0x10000000 + i, 0, g.TCP_SYN, b"", 64240)
            cap.add(t, link.frame(True, g.ip_build(client(i), g.POOL_XMR, g.IPPROTO_TCP, seg, i & 0xffff)))
            continue
        c = g.TcpConv((client(i), 40000 + i % 20000), (g.POOL_XMR, 3333),
                      0x10000000 + i, 0x90000000 + i, t0=t, rtt=2 * g.MS)
        c.handshake()
        c.msg(True, login, gap=100)
        c.msg(False, reply)
        c.msg(True, submit, gap=50 * g.MS)
        c.finish().render(link, cap)
    data = g.pcap_bytes(cap)
    with open(out, "wb") as f:
        f.write(data)
    print("%s: %d %s flows, %d packets" % (out, n, kind, len(cap.items)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
