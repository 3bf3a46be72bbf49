#!/bin/sh
# record-cpuminer.sh: record real cpuminer <-> pool Stratum V1 traffic
# against tools/fake-pool.py --dialect v1, inside a network namespace that
# has only `lo`, so the miner cannot reach any pool or other address.
#
#   sudo sh tools/record-cpuminer.sh MINERD_BINARY OUT.pcap [SECONDS]
#
# It made pcaps/real/cpuminer-2.5.1-fakepool.pcap. That binary is
# pooler/cpuminer 2.5.1 (commit 5f02105940edb61144c09a7eb960bba04a10d5b7)
# built from source on Debian bookworm (libcurl4-openssl-dev,
# libjansson-dev; ./autogen.sh && ./configure CFLAGS=-O2 && make). This
# script downloads and builds nothing, and nothing of cpuminer is in this
# repository.
#
# cpuminer has no donation and dials only the -o URL. It mines SHA-256d on
# one thread at the pool's difficulty (0.01: 43 million hashes a share, a
# few seconds on one core), as nobody (uid 65534) under timeout(1) for
# SECONDS (default 30, 10..120). All processes started here are stopped by
# pid, and the namespace is deleted on exit.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/record-lib.sh"
rec_args MINERD_BINARY 30 "$@"
ns=swrec
port=3333
# the Bitcoin wiki's example P2PKH address, and a worker name
user=1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2.rig1

work=$(mktemp -d /tmp/record-cpuminer.XXXXXX)
rec_namespace
chmod 755 "$work"

rec_pool --dialect v1 --difficulty 0.01 --job-interval 8 --max-seconds $((secs + 20))
rec_tcpdump
# -P: cpuminer prints every JSON line it sends and receives (miner.out);
# -R 2 -r 2: a refused connection is retried twice, 2 s apart, then it stops
rec_run_miner "$secs" "$bin" -a sha256d -o "stratum+tcp://127.0.0.1:$port" \
	-u "$user" -p x -t 1 -R 2 -r 2 -P
rec_finish "$out"
