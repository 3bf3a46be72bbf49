#!/bin/sh
# quickstart.sh: README's first command. On a fresh Debian bookworm machine:
# install what is missing, build, and analyse the bundled mining capture.
set -eu
cd "$(dirname "$0")/.."
sh tools/deps.sh
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure --quiet
make -j"$(nproc)" --quiet
echo
./stratumwatch -r "${1:-pcaps/ndpi-mining/mining.pcapng}"
