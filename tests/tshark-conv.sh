#!/bin/sh
# tshark-conv.sh: compare stratumwatch's flow count with tshark's conversation
# count, per capture (INTERFACE.md "flow" events; tshark -z conv,tcp/udp).
#
#   STRATUMWATCH=./stratumwatch tests/tshark-conv.sh pcaps/gen/*.pcap*
#
# For every FILE it runs
#     tshark -n -q -r FILE -z conv,tcp -z conv,udp
#     $STRATUMWATCH -r FILE --eve - --eve-types flow $SW_CONV_EXTRA_ARGS
# and prints one row:  file tshark_tcp sw_tcp tshark_udp sw_udp OK|DIFF.
#
# Exit status: 0 when every file agrees; 1 when one differs (unless
# SW_CONV_ALLOW_DIFF=1: then report only, exit 0); 2 on a usage error or
# when tshark cannot read a file; 77 (automake "skipped") when STRATUMWATCH
# is unset or not executable (the tshark columns are still printed).
#
# Files whose name starts with "bad-" (pcaps/gen/bad-mixed-linktypes.pcapng)
# must be REFUSED by stratumwatch: exit status 2 with a message on stderr.
# That row reads "OK (refused)"; accepting such a file is a DIFF.
#
# Environment: STRATUMWATCH (binary), TSHARK (default tshark), PYTHON3
# (default /usr/bin/python3), SW_CONV_ALLOW_DIFF=1, SW_CONV_EXTRA_ARGS (extra
# stratumwatch words, e.g. "--set flow_timeout_udp=86400" to stop idle
# timeouts from splitting long UDP conversations, see below).
#
# Where a difference is LEGITIMATE (tshark and a flow table count different
# things). The row then says "DIFF (known)" and still counts as a DIFF.
#  * Idle timeouts: tshark has none; one 5-tuple is one conversation for the
#    whole file. stratumwatch ends a flow after flow_timeout_udp (60 s) idle
#    for UDP, flow_timeout_dns (10 s) for UDP DNS with every query answered,
#    flow_timeout_new (30 s) for TCP that never completed a handshake,
#    flow_timeout_est (600 s) for established TCP, flow_timeout_closed (10 s)
#    after FIN/RST, and a later packet opens a new flow, so stratumwatch can
#    count MORE. Files with such gaps (largest
#    inter-packet gap of one 5-tuple, measured with tshark): ndpi-benign/
#    1kxun.pcap (UDP 30 s gaps, a SYN-less TCP flow idle 45 s), android.pcap
#    (UDP 30 s), dns.pcap (one DNS 5-tuple idle 41 s), syslog.pcap (UDP 48 s
#    and 149 s), tor.pcap (UDP 361 s), tplink_shp.pcap (8 UDP flows polled
#    every 60-63 s), wireguard.pcap (UDP 128 s), 4in4tunnel.pcap (its one
#    inner UDP 5-tuple recurs 55308 s later), KakaoTalk_chat.pcap and
#    websocket.pcap (SYN-less TCP idle 41 s / 62 s), elasticsearch.pcap
#    (established TCP idle 725 s > 600 s), ndpi-mining/bitcoin.pcap (SYN-less
#    TCP idle 66-91 s). Whether a 30-60 s gap splits depends on which
#    timeout applies; the direction of the difference is always sw >= tshark.
#  * UDP tunnels: tshark lists the outer UDP conversation AND the inner
#    ones; stratumwatch analyses only the inner flow (the outer layer is its
#    `tunnel` object), so tshark is HIGHER by the outer conversations:
#    ndpi-benign/vxlan.pcap (VXLAN 4789: tshark tcp 2 udp 11, sw tcp 2
#    udp 2; the inner 2 TCP + 2 UDP agree, the 9 others are outer 4789
#    conversations). GTP-U (UDP 2152) is not opened by stratumwatch:
#    ipv6_in_gtp.pcap and reasm_segv_anon.pcapng (tshark also counts the
#    inner flows). IP-in-IP and GRE carry no outer conversation and agree
#    (4in4tunnel, 6in4tunnel, 6in6tunnel, gre.pcapng).
#  * Broken IP fragments and cut headers, where tshark is HIGHER because it
#    lists a conversation from the ports of anything it can partly dissect:
#    ndpi-benign/badpackets.pcap (tshark 93 UDP: every frame is a first
#    fragment, MF set, of a DNS answer whose other fragments are absent;
#    stratumwatch holds them (SW_DECODE_HELD) and drops them at the fragment
#    timeout: 0 flows), ip_fragmented_garbage.pcap (tshark 2 TCP from 42-byte
#    frames holding only 8 bytes of TCP header; stratumwatch needs the full
#    20-byte header: anomaly, no flow).
#  * fuzz-2021-10-13.pcap is cut short inside its only record: tshark says so
#    and counts 0/0; libpcap reports the same error to stratumwatch, which
#    then exits non-zero (a DIFF row naming its message).
#  * ICMP errors quote the TCP/UDP header of the packet that caused them;
#    tshark's conversation tap can count that quoted header as a
#    conversation of its own, stratumwatch does not.
# The generated captures in pcaps/gen/ have none of these (no idle gap past a
# timeout, no tunnel, only valid fragments) and must all agree; measured
# tshark counts for every capture in pcaps/ are listed in pcaps/README.md.
set -u
LC_ALL=C
export LC_ALL
: "${TSHARK:=tshark}"
: "${PYTHON3:=/usr/bin/python3}"
: "${SW_CONV_ALLOW_DIFF:=0}"
: "${SW_CONV_EXTRA_ARGS:=}"
sw="${STRATUMWATCH:-}"

if [ $# -eq 0 ]; then
	echo "usage: STRATUMWATCH=path $0 FILE.pcap..." >&2
	exit 2
fi
have_sw=1
if [ -z "$sw" ] || [ ! -x "$sw" ]; then
	echo "# STRATUMWATCH is unset or not executable ('$sw'): tshark columns only" >&2
	have_sw=0
fi

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# Files with a legitimate difference explained above (basename match).
known_diff() {
	case "$(basename "$1")" in
	1kxun.pcap | android.pcap | dns.pcap | syslog.pcap | tor.pcap | \
	tplink_shp.pcap | wireguard.pcap | 4in4tunnel.pcap | KakaoTalk_chat.pcap | \
	websocket.pcap | elasticsearch.pcap | bitcoin.pcap | gre.pcapng | \
	vxlan.pcap | ipv6_in_gtp.pcap | reasm_segv_anon.pcapng | badpackets.pcap | \
	ip_fragmented_garbage.pcap | fuzz-2021-10-13.pcap)
		return 0 ;;
	esac
	return 1
}

# tshark prints one "A <-> B" row per conversation, under a "TCP
# Conversations" or "UDP Conversations" heading (in either order).
tshark_counts() {
	# A file cut short makes tshark exit non-zero after printing the tables
	# for the packets before the cut: keep those counts (the row says so).
	"$TSHARK" -n -q -r "$1" -z conv,tcp -z conv,udp >"$tmp/ts.out" 2>"$tmp/ts.err" ||
		grep -q '^TCP Conversations' "$tmp/ts.out" || return 1
	awk '
		/^TCP Conversations/ { s = "tcp"; next }
		/^UDP Conversations/ { s = "udp"; next }
		/<->/ { if (s == "tcp") t++; else if (s == "udp") u++ }
		END { printf "%d %d\n", t, u }
	' "$tmp/ts.out"
}

# Count EVE flow events by proto; prints "tcp udp bad_lines".
sw_counts() {
	"$PYTHON3" -c '
import json, sys
t = u = bad = 0
for line in open(sys.argv[1], "rb"):
    line = line.strip()
    if not line:
        continue
    try:
        ev = json.loads(line)
    except ValueError:
        bad += 1
        continue
    if not isinstance(ev, dict) or ev.get("event_type") != "flow":
        continue
    if ev.get("proto") == "TCP":
        t += 1
    elif ev.get("proto") == "UDP":
        u += 1
print(t, u, bad)
' "$1"
}

printf '%-44s %10s %6s %10s %6s  %s\n' file tshark_tcp sw_tcp tshark_udp sw_udp result
fails=0
terr=0
for f in "$@"; do
	name=$(basename "$f")
	if ! counts=$(tshark_counts "$f"); then
		printf '%-44s %10s %6s %10s %6s  %s\n' "$name" - - - - "ERROR (tshark: $(grep -v 'Running as user' "$tmp/ts.err" | head -n 1 | cut -c1-80))"
		terr=$((terr + 1))
		continue
	fi
	tt=${counts% *}
	tu=${counts#* }
	tnote=$(grep -v 'Running as user' "$tmp/ts.err" | head -n 1 | cut -c1-70)
	[ -n "$tnote" ] && tnote=" [tshark: $tnote]"
	if [ $have_sw = 0 ]; then
		printf '%-44s %10s %6s %10s %6s  %s\n' "$name" "$tt" - "$tu" - "SKIP$tnote"
		continue
	fi
	# shellcheck disable=SC2086 # extra args are words by design
	"$sw" -r "$f" --eve - --eve-types flow $SW_CONV_EXTRA_ARGS >"$tmp/sw.out" 2>"$tmp/sw.err"
	rc=$?
	case "$name" in
	bad-*)
		if [ $rc -eq 2 ] && [ -s "$tmp/sw.err" ]; then
			res="OK (refused: $(head -n 1 "$tmp/sw.err" | cut -c1-60))"
		else
			res="DIFF (expected exit 2 and a message, got exit $rc)"
			fails=$((fails + 1))
		fi
		printf '%-44s %10s %6s %10s %6s  %s\n' "$name" "$tt" - "$tu" - "$res"
		continue
		;;
	esac
	if [ $rc -ne 0 ]; then
		printf '%-44s %10s %6s %10s %6s  %s\n' "$name" "$tt" - "$tu" - \
		    "DIFF (stratumwatch exit $rc: $(head -n 1 "$tmp/sw.err" | cut -c1-60))"
		fails=$((fails + 1))
		continue
	fi
	swc=$(sw_counts "$tmp/sw.out")
	st=$(echo "$swc" | cut -d' ' -f1)
	su=$(echo "$swc" | cut -d' ' -f2)
	bad=$(echo "$swc" | cut -d' ' -f3)
	if [ "$tt" = "$st" ] && [ "$tu" = "$su" ] && [ "$bad" = 0 ]; then
		res=OK
	else
		res=DIFF
		[ "$bad" != 0 ] && res="DIFF ($bad EVE lines are not JSON)"
		known_diff "$f" && res="$res (known)"
		fails=$((fails + 1))
	fi
	printf '%-44s %10s %6s %10s %6s  %s\n' "$name" "$tt" "$st" "$tu" "$su" "$res$tnote"
done

[ $terr -ne 0 ] && exit 2
[ $have_sw = 0 ] && exit 77
if [ $fails -ne 0 ]; then
	echo "# $fails file(s) differ" >&2
	[ "$SW_CONV_ALLOW_DIFF" = 1 ] && exit 0
	exit 1
fi
exit 0
