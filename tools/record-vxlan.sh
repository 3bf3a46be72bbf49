#!/bin/sh
# record-vxlan.sh: record a Stratum session carried by the Linux kernel's
# VXLAN device, as seen on the underlay between two "nodes".
#
#   sudo sh tools/record-vxlan.sh OUT.pcap
#
# Two network namespaces of its own, node A and node B, joined by a veth
# pair (the underlay, 192.168.57.11 <-> 192.168.57.12). Each has a `vxlan`
# device (VNI 42, UDP 4789, remote = the other node) carrying the overlay
# 10.244.0.0/16: node A's end is 10.244.1.10 (the "pod"), node B's is
# 10.244.2.20, where tools/fake-pool.py listens on 3333. tools/fake-miner.py
# runs in node A (login, 3 submits, close). tcpdump captures node A's
# underlay interface (`udp port 4789`), so the file holds VXLAN-encapsulated
# frames only, ARP in the overlay included.
#
# It made pcaps/real/vxlan-netns-fakeminer.pcap; tests/vxlan-netns.sh runs
# it each time and checks the result. Every address is private; nothing
# leaves the namespaces. Each wait is bounded, every process started here is
# stopped by pid and both namespaces are deleted on exit. Exit status: 0
# written, 1 failed, 2 usage/not root/missing tool, 3 no kernel vxlan.
set -u

[ $# -eq 1 ] || { echo "usage: $0 OUT.pcap" >&2; exit 2; }
out=$1
[ "$(id -u)" = 0 ] || { echo "needs root (ip netns)" >&2; exit 2; }
: "${PYTHON3:=/usr/bin/python3}"
for t in ip tcpdump timeout ss "$PYTHON3"; do
	command -v "$t" >/dev/null 2>&1 || { echo "missing $t" >&2; exit 2; }
done
here=$(cd "$(dirname "$0")" && pwd)
NS_A=swvx-a-$$
NS_B=swvx-b-$$
work=$(mktemp -d /tmp/record-vxlan.XXXXXX)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	if [ "${KEEP_WORK:-0}" = 1 ]; then
		echo "record-vxlan: logs kept in $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

wait_for() { # seconds, command...: poll every 0.1 s
	n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

ip netns add "$NS_A" || exit 2
ip netns add "$NS_B" || exit 2
set -e
ip -n "$NS_A" link set lo up
ip -n "$NS_B" link set lo up
ip link add swvx-ua$$ type veth peer name swvx-ub$$
ip link set swvx-ua$$ netns "$NS_A"
ip link set swvx-ub$$ netns "$NS_B"
ip -n "$NS_A" link set swvx-ua$$ name eth0
ip -n "$NS_B" link set swvx-ub$$ name eth0
ip -n "$NS_A" addr add 192.168.57.11/24 dev eth0
ip -n "$NS_B" addr add 192.168.57.12/24 dev eth0
ip -n "$NS_A" link set eth0 up
ip -n "$NS_B" link set eth0 up
if ! ip -n "$NS_A" link add vxlan42 type vxlan id 42 dstport 4789 local 192.168.57.11 \
	remote 192.168.57.12 dev eth0; then
	echo "record-vxlan: the kernel has no vxlan device" >&2
	exit 3
fi
ip -n "$NS_B" link add vxlan42 type vxlan id 42 dstport 4789 local 192.168.57.12 \
	remote 192.168.57.11 dev eth0
ip -n "$NS_A" addr add 10.244.1.10/16 dev vxlan42
ip -n "$NS_B" addr add 10.244.2.20/16 dev vxlan42
ip -n "$NS_A" link set vxlan42 up
ip -n "$NS_B" link set vxlan42 up
set +e

ip netns exec "$NS_B" timeout 40 "$PYTHON3" "$here/fake-pool.py" --host 10.244.2.20 \
	--port 3333 --job-interval 1 --max-seconds 30 2>"$work/pool.log" &
pids="$pids $!"
# small snaplen: in immediate mode the ring holds buffer/snaplen frames
ip netns exec "$NS_A" timeout 40 tcpdump -n -U --immediate-mode -s 2048 -B 4096 \
	-i eth0 -w "$work/under.pcap" udp port 4789 2>"$work/tcpdump.log" &
dump=$!
pids="$pids $dump"
wait_for 10 grep -q "listening on eth0" "$work/tcpdump.log" &&
	wait_for 10 sh -c "ip netns exec $NS_B ss -Hltn 'sport = :3333' | grep -q 3333"
if [ $? -ne 0 ]; then
	echo "record-vxlan: capture or pool did not start" >&2
	cat "$work/tcpdump.log" "$work/pool.log" >&2
	exit 1
fi
ip netns exec "$NS_A" timeout 30 "$PYTHON3" "$here/fake-miner.py" --host 10.244.2.20 \
	--port 3333 --submits 3 --interval 0.3 --max-seconds 20 --rig-id vxlan-pod \
	2>"$work/miner.log"
miner_rc=$?
sleep 1
kill -INT "$dump" 2>/dev/null
wait "$dump" 2>/dev/null
if [ $miner_rc -ne 0 ] || [ ! -s "$work/under.pcap" ]; then
	echo "record-vxlan: the session failed (miner exit $miner_rc)" >&2
	cat "$work/miner.log" "$work/pool.log" >&2
	exit 1
fi
cp "$work/under.pcap" "$out" || exit 1
echo "record-vxlan: wrote $out" >&2
exit 0
