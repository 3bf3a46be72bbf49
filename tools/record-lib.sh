# record-lib.sh: what tools/record-xmrig.sh and tools/record-cpuminer.sh
# share (sourced, not run): a network namespace with only loopback, a
# fake pool and tcpdump inside it, and their teardown.
#
# The caller calls rec_args, sets ns, port and work (a directory of its
# own), calls rec_namespace, rec_pool ARGS..., rec_tcpdump, runs its miner with
# rec_run_miner SECONDS COMMAND..., then rec_finish OUT.pcap. rec_cleanup is
# installed as the EXIT trap: every process started here is stopped by pid
# and the namespace deleted, whatever happened.

rec_pool_pid=
rec_dump_pid=
rec_dns_pid=

# rec_args BINARY_NAME DEFAULT_SECONDS "$@": the scripts' arguments,
# MINER_BINARY OUT.pcap [SECONDS], into bin, out and secs (10..120); and
# root and the tools needed, or exit 2 saying what is missing.
rec_args() {
	name=$1
	secs=$2
	shift 2
	[ $# -ge 2 ] || { echo "usage: $0 $name OUT.pcap [SECONDS]" >&2; exit 2; }
	bin=$1
	out=$2
	secs=${3:-$secs}
	case $secs in
	'' | *[!0-9]*) echo "SECONDS must be a number" >&2; exit 2 ;;
	esac
	if [ "$secs" -lt 10 ] || [ "$secs" -gt 120 ]; then
		echo "SECONDS must be 10..120" >&2
		exit 2
	fi
	[ -x "$bin" ] || { echo "$bin: not an executable" >&2; exit 2; }
	[ "$(id -u)" = 0 ] || { echo "needs root (ip netns)" >&2; exit 2; }
	for t in ip tcpdump setpriv timeout /usr/bin/python3; do
		command -v "$t" >/dev/null || { echo "missing $t" >&2; exit 2; }
	done
}

rec_cleanup() {
	[ -n "$rec_dump_pid" ] && kill -INT "$rec_dump_pid" 2>/dev/null && sleep 1
	[ -n "$rec_pool_pid" ] && kill "$rec_pool_pid" 2>/dev/null
	[ -n "$rec_dns_pid" ] && kill "$rec_dns_pid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "/etc/netns/$ns"
	echo "logs kept in $work" >&2
}

# A namespace with loopback only; refuse to go on if anything else is in it
# or a route leads out, so the miner cannot reach any other address.
rec_namespace() {
	if ip netns list | grep -qw "$ns"; then
		echo "namespace $ns already exists; delete it first (ip netns del $ns)" >&2
		exit 2
	fi
	trap rec_cleanup EXIT INT TERM
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	links=$(ip -n "$ns" -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')
	[ "$links" = "lo " ] || { echo "namespace has interfaces: $links" >&2; exit 1; }
	if ip -n "$ns" route show default | grep -q .; then
		echo "namespace has a default route" >&2
		exit 1
	fi
}

# tools/fake-pool.py in the namespace on $port, stopping by itself after
# --max-seconds (the caller passes it); its log is $work/pool.log.
rec_pool() {
	ip netns exec "$ns" /usr/bin/python3 "$here/fake-pool.py" --port "$port" "$@" \
		2>"$work/pool.log" &
	rec_pool_pid=$!
}

# A resolver for the namespace: tools/fake-dns.py on 127.0.0.1:53 answers
# every A question with 127.0.0.1, and `ip netns exec` mounts
# /etc/netns/$ns/resolv.conf over /etc/resolv.conf (and an /etc/hosts that
# does not know NAME), so the miner's lookup of NAME is a real DNS query.
rec_resolver() {
	mkdir -p "/etc/netns/$ns"
	echo "nameserver 127.0.0.1" >"/etc/netns/$ns/resolv.conf"
	printf '127.0.0.1\tlocalhost\n' >"/etc/netns/$ns/hosts"
	ip netns exec "$ns" /usr/bin/python3 "$here/fake-dns.py" 127.0.0.1 \
		--max-seconds $((secs + 20)) 2>"$work/dns.log" &
	rec_dns_pid=$!
}

# tcpdump on the namespace's lo: FILTER (default: port $port only). It drops to its own user
# before it opens the file: hand it an existing file it may write. ip netns
# exec execs tcpdump, so $! is tcpdump's own pid.
rec_tcpdump() {
	: >"$work/capture.pcap"
	chmod 666 "$work/capture.pcap"
	ip netns exec "$ns" tcpdump -i lo -s 0 -U -w "$work/capture.pcap" "${1:-tcp port $port}" \
		2>"$work/tcpdump.log" &
	rec_dump_pid=$!
	i=0
	while ! grep -q 'listening on lo' "$work/tcpdump.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 50 ] || { echo "tcpdump did not start" >&2; exit 1; }
		sleep 0.1
	done
	sleep 1
}

# The miner as nobody (uid 65534, no capabilities) in the namespace, under
# timeout(1): SIGINT after SECONDS so it logs out, SIGKILL 5 s later if it
# hangs. Its output goes to $work/miner.out.
rec_run_miner() {
	secs=$1
	shift
	rc=0
	ip netns exec "$ns" timeout -s INT -k 5 "$secs" \
		setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$@" >"$work/miner.out" 2>&1 || rc=$?
	echo "miner exited with $rc (124 = stopped by timeout, expected)" >&2
}

# Stop tcpdump and the pool, copy the capture to OUT and say what the pool
# saw.
rec_finish() {
	sleep 2
	kill -INT "$rec_dump_pid" 2>/dev/null || true
	wait "$rec_dump_pid" 2>/dev/null || true
	rec_dump_pid=
	kill "$rec_pool_pid" 2>/dev/null || true
	wait "$rec_pool_pid" 2>/dev/null || true
	rec_pool_pid=
	if [ -n "$rec_dns_pid" ]; then
		kill "$rec_dns_pid" 2>/dev/null || true
		wait "$rec_dns_pid" 2>/dev/null || true
		rec_dns_pid=
	fi
	cp "$work/capture.pcap" "$1"
	tail -n 3 "$work/tcpdump.log" >&2
	grep -c ' submit #' "$work/pool.log" | sed 's/^/fake pool saw submits: /' >&2
	ls -l "$1" >&2
}
