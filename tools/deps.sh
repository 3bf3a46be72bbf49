#!/bin/sh
# deps.sh: install the Debian bookworm packages stratumwatch needs that are
# missing. `tools/deps.sh` = build dependencies; `tools/deps.sh test` adds
# what the test suite uses (tshark for cross-checks, clang for fuzzing,
# valgrind for the leak check, iptables/conntrack/tcpdump for the
# network-namespace tests, openssl/kubernetes-client for the --kube-api
# fixture). Uses sudo when not root.
set -eu
build="build-essential autoconf automake pkg-config libpcap-dev libndpi-dev libcjson-dev libevent-dev libssl-dev libnetfilter-conntrack-dev"
test="tshark tcpdump python3 bc time clang libclang-rt-14-dev valgrind iproute2 iptables conntrack libndpi-bin nfdump pmacct fever rsyslog openssl python3-yaml tcpreplay"
want=$build
[ "${1:-}" = test ] && want="$build $test"
# kubectl checks the --kube-api fixture. Debian's kubernetes-client installs
# /usr/bin/kubectl, which an installed kubectl package (Google's) also owns:
# installing it there would fail the whole apt-get, so only when no kubectl
# is on the machine.
[ "${1:-}" = test ] && ! command -v kubectl >/dev/null 2>&1 && want="$want kubernetes-client"
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "deps.sh: installing:$missing" >&2
$SUDO apt-get update -qq
# tshark asks whether non-root users may capture; answer no, non-interactively
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
