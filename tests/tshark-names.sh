#!/bin/sh
# tshark-names.sh: the names stratumwatch extracts (DNS questions and A/AAAA
# answers, TLS SNI, ALPN, JA3, JA3S) compared with tshark's dissection of the
# same captures. One TAP line per capture and field family.
#
#   tshark -Y 'dns.flags.response==0'  -e dns.qry.name
#   tshark -Y 'dns.flags.response==1'  -e dns.qry.name -e dns.a -e dns.aaaa
#   tshark -Y 'tls.handshake.type==1'  -e tls.handshake.extensions_server_name
#                                      -e tls.handshake.ja3 -e ...alpn_str
#   tshark -Y 'tls.handshake.type==2'  -e tls.handshake.ja3s
#
# compared with stratumwatch's `dns` and `tls` events (--eve-types dns,tls).
# The comparison is of sets of distinct values per capture (one DNS event per
# message, one TLS event per flow; tshark prints one row per frame, so a
# retransmitted query appears twice there and once here).
#
# DNS is compared on the ports stratumwatch dissects as DNS: 53, mDNS 5353
# and LLMNR 5355 (tshark also decodes NBNS and others with dns.* fields).
# Answers are compared record by record (owner, type, TTL, data) for A, AAAA
# and CNAME, from tshark's JSON (its dns.a field mixes in glue records).
# tshark runs with out-of-order reassembly on (stratumwatch always does it)
# and TLS decoding on port 80 (stratumwatch finds TLS by content).
#
# Environment: STRATUMWATCH, srcdir, TSHARK (default tshark), PYTHON3.
set -u
: "${srcdir:=.}"
TSHARK=${TSHARK:-tshark}
PYTHON3=${PYTHON3:-python3}

DNS_FILES="dns.pcap android.pcap 1kxun.pcap netflix.pcap teams.pcap dns_fragmented.pcap KakaoTalk_chat.pcap dns_long_domainname.pcap"
TLS_FILES="chrome.pcap firefox.pcap tls_2_reasms.pcapng netflix.pcap teams.pcap tls_port_80.pcapng"

ndns=0; for f in $DNS_FILES; do ndns=$((ndns + 2)); done
ntls=0; for f in $TLS_FILES; do ntls=$((ntls + 2)); done
echo "1..$((ndns + ntls))"

if [ -z "${STRATUMWATCH:-}" ] || ! command -v "$TSHARK" >/dev/null 2>&1 || ! command -v "$PYTHON3" >/dev/null 2>&1; then
	i=1
	while [ $i -le $((ndns + ntls)) ]; do
		echo "ok $i # SKIP needs STRATUMWATCH, $TSHARK and $PYTHON3"
		i=$((i + 1))
	done
	exit 0
fi

DNS_PORTS="(udp.port==53 || udp.port==5353 || udp.port==5355)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

# compare KIND FILE TSHARK_OUT EVE_OUT: prints "ok"/"not ok" with a diff
compare() {
	"$PYTHON3" - "$1" "$3" "$4" <<'EOF'
import json, sys
kind, tsv, eve = sys.argv[1], sys.argv[2], sys.argv[3]
ts, sw = set(), set()
for line in open(tsv, encoding="utf-8", errors="replace"):
    cols = line.rstrip("\n").split("\t")
    if kind == "dns-query":
        if cols[0]:
            ts.add(cols[0].lower())
    elif kind == "dns-answer":
        break  # JSON, read below
    elif kind == "tls-client":
        sni, ja3, alpn = (cols + ["", "", ""])[:3]
        ts.add(("sni", sni.lower()) if sni else ("nosni", ""))
        ts.add(("ja3", ja3))
        if alpn:
            ts.add(("alpn", alpn))
    elif kind == "tls-server":
        if cols[0]:
            ts.add(("ja3s", cols[0]))
RRTYPES = {"1": "A", "28": "AAAA", "5": "CNAME"}
if kind == "dns-answer":
    # the answer section only (tshark's dns.a also lists glue records of
    # the additional section, which stratumwatch does not report as answers)
    for pkt in json.load(open(tsv, encoding="utf-8", errors="replace")):
        for rr in pkt["_source"]["layers"].get("dns", {}).get("Answers", {}).values():
            t = RRTYPES.get(rr.get("dns.resp.type"))
            if t is not None:
                rdata = rr.get("dns.a") or rr.get("dns.aaaa") or rr.get("dns.cname")
                ts.add((rr["dns.resp.name"].lower(), t, int(rr["dns.resp.ttl"]), rdata.lower()))

def unescape(name):
    # stratumwatch writes bytes outside printable ASCII as \DDD (RFC 1035
    # master-file form); tshark shows them decoded as UTF-8
    out, i = bytearray(), 0
    while i < len(name):
        if name[i] == "\\" and name[i + 1:i + 4].isdigit():
            out.append(int(name[i + 1:i + 4]))
            i += 4
        else:
            out += name[i].encode()
            i += 1
    return out.decode("utf-8", "replace").lower()

for line in open(eve, encoding="utf-8"):
    ev = json.loads(line)
    if kind.startswith("dns") and ev.get("event_type") == "dns":
        d = ev["dns"]
        if kind == "dns-query" and d.get("type") == "query":
            sw.add(unescape(d["rrname"]))
        if kind == "dns-answer" and d.get("type") == "answer":
            for a in d.get("answers", []):
                if a.get("rrtype") in ("A", "AAAA", "CNAME"):
                    sw.add((unescape(a["rrname"]), a["rrtype"], a["ttl"], unescape(a["rdata"])))
    if kind.startswith("tls") and ev.get("event_type") == "tls":
        t = ev["tls"]
        if kind == "tls-client" and "ja3" in t:
            sw.add(("sni", t["sni"].lower()) if t.get("sni") else ("nosni", ""))
            sw.add(("ja3", t["ja3"]["hash"]))
            if t.get("alpn"):
                sw.add(("alpn", ",".join(t["alpn"])))
        if kind == "tls-server" and "ja3s" in t:
            sw.add(("ja3s", t["ja3s"]["hash"]))
if ts == sw:
    print("%d values agree" % len(ts) if ts else "none on either side")
    sys.exit(0)
for v in sorted(map(str, ts - sw))[:10]:
    print("only tshark: %s" % v)
for v in sorted(map(str, sw - ts))[:10]:
    print("only stratumwatch: %s" % v)
sys.exit(1)
EOF
}

check() { # kind file filter fields...
	kind=$1; f=$2; filter=$3; shift 3
	path="$srcdir/pcaps/ndpi-benign/$f"
	n=$((n + 1))
	if ! "$TSHARK" -n -r "$path" -o tcp.reassemble_out_of_order:TRUE -d tcp.port==80,tls \
	    -Y "$filter" "$@" >"$tmp/ts" 2>"$tmp/ts.err"; then
		echo "not ok $n - $kind $f: tshark failed: $(head -1 "$tmp/ts.err")"
		return
	fi
	if out=$(compare "$kind" "$f" "$tmp/ts" "$tmp/eve-$f" 2>&1); then
		echo "ok $n - $kind $f: $out"
	else
		echo "not ok $n - $kind $f"
		echo "$out" | sed 's/^/# /'
	fi
}

for f in $DNS_FILES $TLS_FILES; do
	[ -e "$tmp/eve-$f" ] && continue
	"$STRATUMWATCH" -r "$srcdir/pcaps/ndpi-benign/$f" --eve "$tmp/eve-$f" --eve-types dns,tls --no-summary 2>/dev/null
done
for f in $DNS_FILES; do
	check dns-query "$f" "dns.flags.response==0 && $DNS_PORTS" -T fields -e dns.qry.name
	check dns-answer "$f" "dns.flags.response==1 && $DNS_PORTS" -T json -J dns
done
for f in $TLS_FILES; do
	check tls-client "$f" "tls.handshake.type==1" -T fields -E separator=/t \
	    -e tls.handshake.extensions_server_name -e tls.handshake.ja3 -e tls.handshake.extensions_alpn_str
	check tls-server "$f" "tls.handshake.type==2" -T fields -e tls.handshake.ja3s
done
