/* decode.c: link layer -> IPv4/IPv6 -> TCP/UDP decoding of one frame
 * (sw_decode.h).
 *
 * References: libpcap's link-layer header types list
 * (https://www.tcpdump.org/linktypes.html) for the link headers, IEEE 802.1Q
 * (VLAN), RFC 3032 (MPLS), RFC 2516 (PPPoE), RFC 1661/1662 (PPP), RFC 791
 * (IPv4), RFC 8200 (IPv6), RFC 2473/4213 (IP-in-IP), RFC 2784/2890 and
 * RFC 2637 (GRE, PPTP's enhanced GRE), RFC 7348 (VXLAN), RFC 8926 (Geneve),
 * RFC 9293 (TCP), RFC 768 (UDP).
 * Anomaly names follow Suricata's decoder events (decode-events.c).
 *
 * Every read is preceded by a length comparison against the bytes that
 * remain (`len`, never a computed end pointer), so no field outside
 * [bytes, bytes + caplen) is ever touched. Two lengths travel together once
 * the IP header is read: `avail` (captured) and `wire` (what the IP header
 * says). A header cut by the capture is BAD; a payload cut is OK with
 * SW_PKT_TRUNCATED. The common Ethernet/IPv4/TCP path takes the first
 * branch at every step and does not allocate. */
#include <stdlib.h>
#include <string.h>

#include "frag.h"
#include "sw_decode.h"

/* Link types (DLT_ values as pcap_datalink() reports them on Linux, plus
 * the LINKTYPE_ numbers that differ, for callers that pass those). */
#define LT_NULL        0
#define LT_EN10MB      1
#define LT_PPP         9
#define LT_RAW_LINUX   12   /* DLT_RAW; DLT_LOOP on OpenBSD */
#define LT_RAW_OPENBSD 14   /* DLT_RAW on OpenBSD */
#define LT_PPP_SERIAL  50
#define LT_RAW         101  /* LINKTYPE_RAW */
#define LT_C_HDLC      104
#define LT_LOOP        108
#define LT_LINUX_SLL   113
#define LT_IPV4        228
#define LT_IPV6        229
#define LT_LINUX_SLL2  276

#define ET_IPV4    0x0800
#define ET_IPV6    0x86dd
#define ET_VLAN    0x8100
#define ET_QINQ    0x88a8
#define ET_QINQ9100 0x9100
#define ET_MPLS_UC 0x8847
#define ET_MPLS_MC 0x8848
#define ET_PPPOE_S 0x8864
#define ET_TEB     0x6558   /* transparent Ethernet bridging (GRE) */
#define ET_PPP     0x880b   /* PPP in GRE (PPTP) */

/* Bounds on what one frame may make us loop over. QinQ plus one more tag
 * is seen in provider networks; more is an evasion attempt. */
#define DECODE_MAX_VLAN_LAYERS 4
#define DECODE_MAX_MPLS_LABELS 8
#define DECODE_MAX_IPV6_EXTHDRS 8
#define DECODE_MAX_TUNNEL 3

#if defined(__GNUC__)
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#else
#define likely(x) (x)
#define unlikely(x) (x)
#endif

struct sw_decoder {
	const struct sw_limits *limits;
	struct sw_udp_tunnel_ports ports; /* UDP ports opened as VXLAN/Geneve */
	struct sw_counters_decode *c;
	const struct sw_anomaly_sink *as;
	struct sw_frag *frag;
	int frag_done;  /* a reassembled buffer is out: free it next call */
};

/* State of one decode_packet() call. */
struct dctx {
	struct sw_decoder *d;
	struct sw_pkt *pkt;
	uint8_t reasm_pass; /* the next IP header is a reassembled datagram */
};

/* Only called after the caller compared the length. */
static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static enum sw_decode_result decode_ethertype(struct dctx *x, uint16_t type,
    const uint8_t *p, uint32_t len);
static enum sw_decode_result decode_ether(struct dctx *x, const uint8_t *p, uint32_t len);
static enum sw_decode_result decode_ipv4(struct dctx *x, const uint8_t *p, uint32_t cap);
static enum sw_decode_result decode_ipv6(struct dctx *x, const uint8_t *p, uint32_t cap);

static enum sw_decode_result bad_trunc(struct dctx *x, const char *event)
{
	x->d->c->truncated++;
	sw_anomaly_report(x->d->as, SW_ANOMALY_DECODE, event, "header cut short", "dropped", NULL);
	return SW_DECODE_BAD;
}

static enum sw_decode_result bad_invalid(struct dctx *x, const char *event)
{
	x->d->c->invalid++;
	sw_anomaly_report(x->d->as, SW_ANOMALY_DECODE, event, NULL, "dropped", NULL);
	return SW_DECODE_BAD;
}

/* The headers are whole but the payload is not all there. A snaplen cut
 * (caplen < wirelen) is a capture setting, not malformed input: it is only
 * counted. A frame captured whole whose IP header claims more is reported. */
static void mark_trunc(struct dctx *x, const char *event)
{
	struct sw_pkt *pkt = x->pkt;

	if (pkt->flags & SW_PKT_TRUNCATED)
		return;
	pkt->flags |= SW_PKT_TRUNCATED;
	x->d->c->truncated++;
	if (pkt->caplen >= pkt->wirelen)
		sw_anomaly_report(x->d->as, SW_ANOMALY_DECODE, event,
		    "IP length exceeds the captured frame", "payload cut", NULL);
}

static enum sw_decode_result not_ip(struct dctx *x)
{
	x->d->c->not_ip++;
	return SW_DECODE_NOT_IP;
}

/* Enter one more tunnel layer, or refuse when already DECODE_MAX_TUNNEL
 * deep (BAD, counted in tunnel_too_deep). The outermost layer's endpoints
 * are what pkt holds now (the outer IP header and, for UDP encapsulations,
 * its ports): keep them, since the inner headers overwrite pkt. */
static int tunnel_enter(struct dctx *x, enum sw_tunnel_type type)
{
	struct sw_pkt *pkt = x->pkt;
	struct sw_tunnel *t = &pkt->tunnel;

	if (pkt->tunnel_depth >= DECODE_MAX_TUNNEL) {
		x->d->c->tunnel_too_deep++;
		bad_invalid(x, "decoder.tunnel.too_many_layers");
		return -1;
	}
	if (pkt->tunnel_depth == 0) {
		t->type = (uint8_t)type;
		t->ip_version = pkt->ip_version;
		t->sport = pkt->sport;
		t->dport = pkt->dport;
		t->vni = SW_TUNNEL_NO_VNI;
		memcpy(t->src, pkt->src, sizeof(t->src));
		memcpy(t->dst, pkt->dst, sizeof(t->dst));
	}
	pkt->tunnel_depth++;
	pkt->flags |= SW_PKT_TUNNELLED;
	x->d->c->tunnel++;
	return 0;
}

/* ------------------------------------------------------------------ L4 */

static inline enum sw_decode_result decode_tcp(struct dctx *x, const uint8_t *p,
    uint32_t avail, uint32_t wire)
{
	struct sw_pkt *pkt = x->pkt;
	uint32_t hlen;

	if (unlikely(wire < 20))
		return bad_invalid(x, "decoder.tcp.pkt_too_small");
	if (unlikely(avail < 20))
		return bad_trunc(x, "decoder.tcp.pkt_too_small");
	hlen = (uint32_t)(p[12] >> 4) * 4;
	if (unlikely(hlen < 20))
		return bad_invalid(x, "decoder.tcp.hlen_too_small");
	if (unlikely(hlen > wire))
		return bad_invalid(x, "decoder.tcp.invalid_optlen");
	if (unlikely(hlen > avail))
		return bad_trunc(x, "decoder.tcp.trunc_opt");
	pkt->sport = be16(p);
	pkt->dport = be16(p + 2);
	pkt->seq = be32(p + 4);
	pkt->ack = be32(p + 8);
	pkt->tcp_flags = p[13];
	pkt->win = be16(p + 14);
	pkt->payload = p + hlen;
	pkt->payload_len = avail - hlen;
	pkt->payload_wire_len = wire - hlen;
	x->d->c->tcp++;
	return SW_DECODE_OK;
}

/* ------------------------------------------------------- UDP tunnels
 *
 * VXLAN and Geneve are recognised by the destination port alone, as the
 * kernel does, so a port can also carry something else. A payload is
 * decapsulated only when its headers parse and the frame inside starts like
 * IP; anything else (a broken header, ARP inside the overlay, another
 * protocol on the port) stays the plain UDP packet it was, counted in
 * *_passthrough, so no traffic is lost to a wrong guess. */

static enum sw_tunnel_type udp_tunnel_port(const struct sw_decoder *d, uint16_t port)
{
	const struct sw_udp_tunnel_ports *tp = &d->ports;
	unsigned i;

	if (port == 0)
		return SW_TUNNEL_NONE;
	for (i = 0; i < tp->nvxlan; i++)
		if (tp->vxlan[i] == port)
			return SW_TUNNEL_VXLAN;
	for (i = 0; i < tp->ngeneve; i++)
		if (tp->geneve[i] == port)
			return SW_TUNNEL_GENEVE;
	return SW_TUNNEL_NONE;
}

/* Does the captured buffer start with an IP header of the version its
 * Ethernet type (or the tunnel's protocol field) announces? */
static int starts_like_ip(uint16_t type, const uint8_t *p, uint32_t len)
{
	if (len < 20)
		return 0;
	if (type == ET_IPV4)
		return (p[0] >> 4) == 4;
	if (type == ET_IPV6)
		return len >= 40 && (p[0] >> 4) == 6;
	return 0;
}

/* An Ethernet frame carrying IP, behind at most two VLAN tags. */
static int ether_carries_ip(const uint8_t *p, uint32_t len)
{
	uint16_t type;
	unsigned tags = 0;

	if (len < 14)
		return 0;
	type = be16(p + 12);
	p += 14;
	len -= 14;
	while ((type == ET_VLAN || type == ET_QINQ) && tags++ < 2) {
		if (len < 4)
			return 0;
		type = be16(p + 2);
		p += 4;
		len -= 4;
	}
	return starts_like_ip(type, p, len);
}

/* VXLAN (RFC 7348 section 5): flags with the I bit (0x08) that says the
 * VNI is valid, 24 reserved bits, the 24-bit VNI, 8 reserved bits, then an
 * Ethernet frame. Other flag and reserved bits are ignored on receipt, as
 * the RFC asks (the Group Policy extension uses some of them). */
static enum sw_decode_result decode_vxlan(struct dctx *x)
{
	struct sw_pkt *pkt = x->pkt;
	const uint8_t *p = pkt->payload;
	uint32_t len = pkt->payload_len;

	if (len < 8 || !(p[0] & 0x08) || !ether_carries_ip(p + 8, len - 8)) {
		x->d->c->vxlan_passthrough++;
		return SW_DECODE_OK;
	}
	x->d->c->vxlan++;
	if (tunnel_enter(x, SW_TUNNEL_VXLAN) != 0)
		return SW_DECODE_BAD;
	if (pkt->tunnel_depth == 1)
		pkt->tunnel.vni = be32(p + 4) >> 8;
	return decode_ether(x, p + 8, len - 8);
}

/* Geneve (RFC 8926 section 3.4): version (2 bits, 0) and option length in
 * 4-byte words, the O (control message) and C (critical options) bits, the
 * protocol type of the payload, the 24-bit VNI, then the options: TLVs of a
 * 4-byte header (class, type, length in words) and data, which must fill
 * the option length exactly. Control messages carry no tenant traffic and
 * stay UDP; so do payloads other than Ethernet (0x6558), IPv4 and IPv6. */
static enum sw_decode_result decode_geneve(struct dctx *x)
{
	struct sw_pkt *pkt = x->pkt;
	const uint8_t *p = pkt->payload;
	uint32_t len = pkt->payload_len, hlen, off;
	uint16_t proto;
	int ok;

	if (len < 8 || (p[0] >> 6) != 0 || (p[1] & 0x80))
		goto passthrough;
	hlen = 8 + (uint32_t)(p[0] & 0x3f) * 4;
	if (hlen > len)
		goto passthrough;
	/* at most 63 options of 4 bytes: bounded by hlen */
	for (off = 8; off < hlen; off += 4 + (uint32_t)(p[off + 3] & 0x1f) * 4)
		if (hlen - off < 4)
			goto passthrough;
	if (off != hlen)
		goto passthrough;
	proto = be16(p + 2);
	if (proto == ET_TEB)
		ok = ether_carries_ip(p + hlen, len - hlen);
	else
		ok = starts_like_ip(proto, p + hlen, len - hlen);
	if (!ok)
		goto passthrough;
	x->d->c->geneve++;
	if (tunnel_enter(x, SW_TUNNEL_GENEVE) != 0)
		return SW_DECODE_BAD;
	if (pkt->tunnel_depth == 1)
		pkt->tunnel.vni = be32(p + 4) >> 8;
	p += hlen;
	len -= hlen;
	if (proto == ET_TEB)
		return decode_ether(x, p, len);
	return proto == ET_IPV4 ? decode_ipv4(x, p, len) : decode_ipv6(x, p, len);
passthrough:
	x->d->c->geneve_passthrough++;
	return SW_DECODE_OK;
}

static enum sw_decode_result decode_udp(struct dctx *x, const uint8_t *p,
    uint32_t avail, uint32_t wire)
{
	struct sw_pkt *pkt = x->pkt;
	uint32_t ulen;

	if (unlikely(wire < 8))
		return bad_invalid(x, "decoder.udp.pkt_too_small");
	if (unlikely(avail < 8))
		return bad_trunc(x, "decoder.udp.pkt_too_small");
	ulen = be16(p + 4);
	/* Bytes after ulen inside the IP payload are trailer, not data. */
	if (unlikely(ulen < 8 || ulen > wire))
		return bad_invalid(x, "decoder.udp.hlen_invalid");
	pkt->sport = be16(p);
	pkt->dport = be16(p + 2);
	pkt->payload = p + 8;
	pkt->payload_len = (avail < ulen ? avail : ulen) - 8;
	pkt->payload_wire_len = ulen - 8;
	x->d->c->udp++;
	switch (udp_tunnel_port(x->d, pkt->dport)) {
	case SW_TUNNEL_VXLAN:
		return decode_vxlan(x);
	case SW_TUNNEL_GENEVE:
		return decode_geneve(x);
	default:
		return SW_DECODE_OK;
	}
}

static enum sw_decode_result other_l4(struct dctx *x, const uint8_t *p,
    uint32_t avail, uint32_t wire)
{
	struct sw_pkt *pkt = x->pkt;

	pkt->payload = p;
	pkt->payload_len = avail;
	pkt->payload_wire_len = wire;
	x->d->c->other_l4++;
	return SW_DECODE_OK;
}

/* PPP protocol field (RFC 1661 section 2: 1 byte when compressed, which an
 * odd first byte tells). p starts after any address/control bytes. */
static enum sw_decode_result decode_ppp_proto(struct dctx *x, const uint8_t *p, uint32_t len)
{
	uint16_t proto;

	if (len < 1)
		return bad_trunc(x, "decoder.ppp.pkt_too_small");
	if (p[0] & 1) {
		proto = p[0];
		p += 1;
		len -= 1;
	} else {
		if (len < 2)
			return bad_trunc(x, "decoder.ppp.pkt_too_small");
		proto = be16(p);
		p += 2;
		len -= 2;
	}
	if (proto == 0x0021)
		return decode_ipv4(x, p, len);
	if (proto == 0x0057)
		return decode_ipv6(x, p, len);
	return not_ip(x);
}

/* PPP with optional 0xff 0x03 address/control (RFC 1662; LCP may
 * negotiate them away). */
static enum sw_decode_result decode_ppp(struct dctx *x, const uint8_t *p, uint32_t len)
{
	/* 0xff is the all-stations address, never a protocol byte */
	if (len == 1 && p[0] == 0xff)
		return bad_trunc(x, "decoder.ppp.pkt_too_small");
	if (len >= 2 && p[0] == 0xff && p[1] == 0x03) {
		p += 2;
		len -= 2;
	}
	return decode_ppp_proto(x, p, len);
}

/* GRE (RFC 2784 with RFC 2890 key/sequence; version 1 is PPTP's enhanced
 * GRE, RFC 2637 section 4.1). Versions or flags we do not open leave the
 * packet as "other L4", protocol 47. */
static enum sw_decode_result decode_gre(struct dctx *x, const uint8_t *p,
    uint32_t avail, uint32_t wire)
{
	uint16_t flags, proto;
	uint32_t hlen;

	if (wire < 4)
		return bad_invalid(x, "decoder.gre.pkt_too_small");
	if (avail < 4)
		return bad_trunc(x, "decoder.gre.pkt_too_small");
	flags = be16(p);
	proto = be16(p + 2);
	switch (flags & 7) {
	case 0:
		if (flags & 0x4000) /* source routing (RFC 1701): obsolete */
			return other_l4(x, p, avail, wire);
		hlen = 4 + ((flags & 0x8000) ? 4 : 0) + ((flags & 0x2000) ? 4 : 0) +
		    ((flags & 0x1000) ? 4 : 0);
		break;
	case 1:
		if (!(flags & 0x2000) || proto != ET_PPP)
			return bad_invalid(x, "decoder.gre.version1_malformed");
		hlen = 8 + ((flags & 0x1000) ? 4 : 0) + ((flags & 0x0080) ? 4 : 0);
		break;
	default:
		return bad_invalid(x, "decoder.gre.wrong_version");
	}
	if (hlen > wire)
		return bad_invalid(x, "decoder.gre.pkt_too_small");
	if (hlen > avail)
		return bad_trunc(x, "decoder.gre.pkt_too_small");
	if (proto != ET_IPV4 && proto != ET_IPV6 && proto != ET_TEB && proto != ET_PPP)
		return other_l4(x, p, avail, wire);
	if (wire == hlen) /* PPTP acknowledgement without data */
		return other_l4(x, p, avail, wire);
	x->d->c->gre++;
	if (tunnel_enter(x, SW_TUNNEL_GRE) != 0)
		return SW_DECODE_BAD;
	p += hlen;
	avail -= hlen;
	switch (proto) {
	case ET_IPV4: return decode_ipv4(x, p, avail);
	case ET_IPV6: return decode_ipv6(x, p, avail);
	case ET_TEB: return decode_ether(x, p, avail);
	default: return decode_ppp(x, p, avail);
	}
}

/* decode_l4() past TCP and UDP: IP-in-IP, GRE and the rest. */
static __attribute__((noinline)) enum sw_decode_result decode_l4_other(struct dctx *x,
    uint8_t proto, const uint8_t *p, uint32_t avail, uint32_t wire)
{
	if (proto == 4 || proto == 41) {
		struct sw_counters_decode *c = x->d->c;
		enum sw_tunnel_type t;

		if (x->pkt->ip_version == 4 && proto == 4) {
			t = SW_TUNNEL_IPIP;
			c->ipip++;
		} else if (x->pkt->ip_version == 4) {
			t = SW_TUNNEL_SIT;
			c->sit++;
		} else if (proto == 4) {
			t = SW_TUNNEL_IPIP6;
			c->ipip6++;
		} else {
			t = SW_TUNNEL_IP6IP6;
			c->ip6ip6++;
		}
		if (tunnel_enter(x, t) != 0)
			return SW_DECODE_BAD;
		return proto == 4 ? decode_ipv4(x, p, avail) : decode_ipv6(x, p, avail);
	}
	if (proto == 47)
		return decode_gre(x, p, avail, wire);
	return other_l4(x, p, avail, wire);
}

/* Dispatch on the IP protocol; p is the IP payload, `avail` bytes of it
 * captured, `wire` bytes according to the IP header. Inlined into the IP
 * decoders, TCP with it: a call less for nearly every packet. */
static inline __attribute__((always_inline)) enum sw_decode_result decode_l4(struct dctx *x,
    uint8_t proto, const uint8_t *p, uint32_t avail, uint32_t wire)
{
	x->pkt->ipproto = proto;
	if (likely(proto == 6))
		return decode_tcp(x, p, avail, wire);
	if (proto == 17)
		return decode_udp(x, p, avail, wire);
	return decode_l4_other(x, proto, p, avail, wire);
}

/* ------------------------------------------------------------------ L3 */

static void set_addrs(struct sw_pkt *pkt, const uint8_t *s, const uint8_t *d, size_t n)
{
	memcpy(pkt->src, s, n);
	memcpy(pkt->dst, d, n);
	if (n == 4) {
		memset(pkt->src + 4, 0, 12);
		memset(pkt->dst + 4, 0, 12);
	}
}

/* A fragment to the reassembler: SW_DECODE_OK when it completes its
 * datagram (*out, *out_len: decode it again), else held or bad. */
static enum sw_decode_result frag_pass(struct dctx *x, const struct frag_in *in,
    const uint8_t **out, uint32_t *out_len)
{
	switch (frag_insert(x->d->frag, in, out, out_len)) {
	case FRAG_HELD:
		return SW_DECODE_HELD;
	case FRAG_BAD:
		return SW_DECODE_BAD;
	case FRAG_DONE:
		break;
	}
	x->d->frag_done = 1;
	x->pkt->flags |= SW_PKT_REASSEMBLED;
	x->reasm_pass = 1;
	return SW_DECODE_OK;
}

/* An IPv4 fragment (decode_ipv4): held, or the datagram it completes
 * decoded. Out of line: fragments are rare, and decode_ipv4's common path
 * saves the registers this needs. */
static __attribute__((noinline)) enum sw_decode_result decode_ipv4_frag(struct dctx *x,
    const uint8_t *p, uint32_t hlen, uint32_t tl, uint32_t avail, uint16_t fo)
{
	struct sw_pkt *pkt = x->pkt;
	struct frag_in in;
	const uint8_t *out;
	uint32_t out_len;
	enum sw_decode_result r;

	pkt->ipproto = p[9];
	if (avail < tl)
		return bad_trunc(x, "decoder.ipv4.frag_truncated");
	in.version = 4;
	in.proto = p[9];
	in.more = (fo & 0x2000) != 0;
	in.id = be16(p + 4);
	in.src = p + 12;
	in.dst = p + 16;
	in.hdr = p;
	in.hdr_len = hlen;
	in.nh_off = 9;
	in.offset = (uint32_t)(fo & 0x1fff) * 8;
	in.data = p + hlen;
	in.len = tl - hlen;
	in.ts_usec = pkt->ts_usec;
	r = frag_pass(x, &in, &out, &out_len);
	return r == SW_DECODE_OK ? decode_ipv4(x, out, out_len) : r;
}

/* decode_ipv4(), inlined where nearly every packet comes from (an
 * Ethernet frame): a call and a frame less each. */
static inline __attribute__((always_inline)) enum sw_decode_result decode_ipv4_body(struct dctx *x,
    const uint8_t *p, uint32_t cap)
{
	struct sw_pkt *pkt = x->pkt;
	struct sw_decoder *d = x->d;
	enum sw_decode_result r;
	uint32_t hlen, tl, avail;
	uint16_t fo;

	if (unlikely(cap < 20))
		return bad_trunc(x, "decoder.ipv4.pkt_too_small");
	if (unlikely((p[0] >> 4) != 4))
		return bad_invalid(x, "decoder.ipv4.wrong_ip_version");
	hlen = (uint32_t)(p[0] & 0x0f) * 4;
	if (unlikely(hlen < 20))
		return bad_invalid(x, "decoder.ipv4.hlen_too_small");
	tl = be16(p + 2);
	if (unlikely(tl < hlen))
		return bad_invalid(x, "decoder.ipv4.iplen_smaller_than_hlen");
	if (unlikely(cap < hlen))
		return bad_trunc(x, "decoder.ipv4.trunc_pkt");
	/* Ethernet pads short frames: bytes past the total length are not IP. */
	avail = cap < tl ? cap : tl;
	if (likely(!x->reasm_pass))
		d->c->ipv4++;
	x->reasm_pass = 0;
	pkt->ip_version = 4;
	pkt->ttl = p[8];
	set_addrs(pkt, p + 12, p + 16, 4);
	pkt->ip_len = tl;
	pkt->l3 = p;
	pkt->l3_len = avail;
	fo = be16(p + 6);
	if (unlikely(fo & 0x3fff))   /* MF or a non-zero offset */
		return decode_ipv4_frag(x, p, hlen, tl, avail, fo);
	r = decode_l4(x, p[9], p + hlen, avail - hlen, tl - hlen);
	/* After the inner layers, so a frame is counted truncated once and a
	 * header cut further in is reported as that instead. */
	if (unlikely(avail < tl) && r == SW_DECODE_OK)
		mark_trunc(x, "decoder.ipv4.trunc_pkt");
	return r;
}

static enum sw_decode_result decode_ipv4(struct dctx *x, const uint8_t *p, uint32_t cap)
{
	return decode_ipv4_body(x, p, cap);
}

/* IPv6 fragment header at p + off (8 bytes, present). nh_off names the
 * byte that announced it. */
static enum sw_decode_result decode_ipv6_frag(struct dctx *x, const uint8_t *p,
    uint32_t off, uint32_t nh_off, uint32_t avail, uint32_t tl)
{
	struct sw_pkt *pkt = x->pkt;
	struct frag_in in;
	const uint8_t *out;
	uint32_t out_len;
	uint16_t fo = be16(p + off + 2);
	enum sw_decode_result r;

	pkt->ipproto = p[off];
	if (avail < tl)
		return bad_trunc(x, "decoder.ipv6.frag_truncated");
	in.version = 6;
	in.proto = p[off];
	in.more = fo & 1;
	in.id = be32(p + off + 4);
	in.src = p + 8;
	in.dst = p + 24;
	in.hdr = p;
	in.hdr_len = off;
	in.nh_off = nh_off;
	in.offset = fo & 0xfff8;
	in.data = p + off + 8;
	in.len = tl - off - 8;
	in.ts_usec = pkt->ts_usec;
	r = frag_pass(x, &in, &out, &out_len);
	return r == SW_DECODE_OK ? decode_ipv6(x, out, out_len) : r;
}

static enum sw_decode_result decode_ipv6(struct dctx *x, const uint8_t *p, uint32_t cap)
{
	struct sw_pkt *pkt = x->pkt;
	enum sw_decode_result r;
	uint32_t tl, avail, off = 40, nh_off = 6, hl, n = 0;
	uint8_t nh;
	int seen_fh = x->reasm_pass; /* the fragment header was removed */

	if (unlikely(cap < 40))
		return bad_trunc(x, "decoder.ipv6.pkt_too_small");
	if (unlikely((p[0] >> 4) != 6))
		return bad_invalid(x, "decoder.ipv6.wrong_ip_version");
	tl = 40 + (uint32_t)be16(p + 4);
	avail = cap < tl ? cap : tl;
	if (likely(!x->reasm_pass))
		x->d->c->ipv6++;
	x->reasm_pass = 0;
	pkt->ip_version = 6;
	pkt->ttl = p[7];
	set_addrs(pkt, p + 8, p + 24, 16);
	pkt->ip_len = tl;
	pkt->l3 = p;
	pkt->l3_len = avail;
	nh = p[6];
	for (;;) {
		switch (nh) {
		case 0: case 43: case 60: case 51: case 44:
			if (++n > DECODE_MAX_IPV6_EXTHDRS)
				return bad_invalid(x, "decoder.ipv6.exthdr_too_many");
			if (tl - off < 8)
				return bad_invalid(x, "decoder.ipv6.exthdr_invalid_optlen");
			if (avail - off < 8)
				return bad_trunc(x, "decoder.ipv6.trunc_exthdr");
			if (nh == 44) {
				if (seen_fh)
					return bad_invalid(x, "decoder.ipv6.exthdr_dupl_fh");
				seen_fh = 1;
				/* offset 0 without M: an atomic fragment
				 * (RFC 6946), nothing to reassemble */
				if ((be16(p + off + 2) & 0xfff9) != 0)
					return decode_ipv6_frag(x, p, off, nh_off, avail, tl);
				hl = 8;
			} else if (nh == 51)
				hl = ((uint32_t)p[off + 1] + 2) * 4;
			else
				hl = ((uint32_t)p[off + 1] + 1) * 8;
			if (tl - off < hl)
				return bad_invalid(x, "decoder.ipv6.exthdr_invalid_optlen");
			if (avail - off < hl)
				return bad_trunc(x, "decoder.ipv6.trunc_exthdr");
			nh_off = off;
			nh = p[off];
			off += hl;
			continue;
		default:
			break;
		}
		break;
	}
	/* ESP (50), No Next Header (59) and everything else end the walk. */
	r = decode_l4(x, nh, p + off, avail - off, tl - off);
	if (unlikely(avail < tl) && r == SW_DECODE_OK)
		mark_trunc(x, "decoder.ipv6.trunc_pkt");
	return r;
}

/* ------------------------------------------------------------------ L2 */

/* MPLS label stack (RFC 3032), then the payload, which MPLS does not name:
 * guess from the first nibble, as every analyser does. 0 is the pseudowire
 * control word (RFC 4385) before an Ethernet frame (RFC 4448). */
static enum sw_decode_result decode_mpls(struct dctx *x, const uint8_t *p, uint32_t len)
{
	unsigned n = 0;
	int bottom;

	x->d->c->mpls++;
	do {
		if (len < 4)
			return bad_trunc(x, "decoder.mpls.pkt_too_small");
		if (++n > DECODE_MAX_MPLS_LABELS)
			return bad_invalid(x, "decoder.mpls.too_many_labels");
		bottom = p[2] & 1;
		p += 4;
		len -= 4;
	} while (!bottom);
	if (len < 1)
		return bad_trunc(x, "decoder.mpls.pkt_too_small");
	switch (p[0] >> 4) {
	case 4: return decode_ipv4(x, p, len);
	case 6: return decode_ipv6(x, p, len);
	case 0:
		if (len < 4)
			return bad_trunc(x, "decoder.mpls.pkt_too_small");
		if (tunnel_enter(x, SW_TUNNEL_MPLS) != 0)
			return SW_DECODE_BAD;
		return decode_ether(x, p + 4, len - 4);
	default:
		return not_ip(x);
	}
}

/* PPPoE session stage (RFC 2516 section 4): version/type 0x11, code 0,
 * session id, length, then PPP without address/control. */
static enum sw_decode_result decode_pppoe(struct dctx *x, const uint8_t *p, uint32_t len)
{
	uint32_t plen;

	x->d->c->pppoe++;
	if (len < 6)
		return bad_trunc(x, "decoder.pppoe.pkt_too_small");
	if (p[0] != 0x11)
		return bad_invalid(x, "decoder.pppoe.wrong_version");
	if (p[1] != 0)
		return bad_invalid(x, "decoder.pppoe.wrong_code");
	plen = be16(p + 4);
	p += 6;
	len -= 6;
	/* Drop Ethernet padding after the PPPoE payload. */
	if (plen < len)
		len = plen;
	return decode_ppp_proto(x, p, len);
}

static enum sw_decode_result decode_ethertype(struct dctx *x, uint16_t type,
    const uint8_t *p, uint32_t len)
{
	struct sw_pkt *pkt = x->pkt;
	unsigned tags = 0;

	for (;;) {
		if (likely(type == ET_IPV4))
			return decode_ipv4(x, p, len);
		if (type == ET_IPV6)
			return decode_ipv6(x, p, len);
		if (type != ET_VLAN && type != ET_QINQ && type != ET_QINQ9100)
			break;
		if (len < 4)
			return bad_trunc(x, "decoder.vlan.pkt_too_small");
		if (++tags > DECODE_MAX_VLAN_LAYERS)
			return bad_invalid(x, "decoder.vlan.too_many_layers");
		if (tags == 1)
			x->d->c->vlan++;
		/* Record the outermost ones (the flow key uses vlan[0]). */
		if (pkt->vlan_count < SW_MAX_VLAN)
			pkt->vlan[pkt->vlan_count++] = be16(p) & 0x0fff;
		type = be16(p + 2);
		p += 4;
		len -= 4;
	}
	switch (type) {
	case ET_MPLS_UC:
	case ET_MPLS_MC:
		return decode_mpls(x, p, len);
	case ET_PPPOE_S:
		return decode_pppoe(x, p, len);
	default:
		/* ARP, LLDP, PPPoE discovery, 802.3 length + LLC, ... */
		return not_ip(x);
	}
}

static enum sw_decode_result decode_ether(struct dctx *x, const uint8_t *p, uint32_t len)
{
	if (unlikely(len < 14))
		return bad_trunc(x, "decoder.ethernet.pkt_too_small");
	if (likely(be16(p + 12) == ET_IPV4))
		return decode_ipv4_body(x, p + 14, len - 14);
	return decode_ethertype(x, be16(p + 12), p + 14, len - 14);
}

/* Raw IP: the version nibble tells v4 from v6. */
static enum sw_decode_result decode_raw(struct dctx *x, const uint8_t *p, uint32_t len)
{
	if (len < 1)
		return bad_trunc(x, "decoder.ipraw.pkt_too_small");
	switch (p[0] >> 4) {
	case 4: return decode_ipv4(x, p, len);
	case 6: return decode_ipv6(x, p, len);
	default: return bad_invalid(x, "decoder.ipraw.invalid_ip_version");
	}
}

/* BSD NULL/LOOP: a 4-byte address family, in the capturing host's order
 * (NULL) or network order (LOOP); files travel, so accept both. IPv6 has a
 * different AF_INET6 on each BSD (24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS). */
static enum sw_decode_result decode_null(struct dctx *x, const uint8_t *p, uint32_t len)
{
	uint32_t af;

	if (len < 4)
		return bad_trunc(x, "decoder.null.pkt_too_small");
	af = be32(p);
	if (af > 0xffff)
		af = __builtin_bswap32(af);
	switch (af) {
	case 2: return decode_ipv4(x, p + 4, len - 4);
	case 24: case 28: case 30: return decode_ipv6(x, p + 4, len - 4);
	default: return not_ip(x);
	}
}

/* Cisco HDLC: address, control, then an Ethernet type. */
static enum sw_decode_result decode_chdlc(struct dctx *x, const uint8_t *p, uint32_t len)
{
	if (len < 4)
		return bad_trunc(x, "decoder.chdlc.pkt_too_small");
	return decode_ethertype(x, be16(p + 2), p + 4, len - 4);
}

/* ------------------------------------------------------------------ API */

const char *decode_tunnel_name(int type)
{
	switch (type) {
	case SW_TUNNEL_VXLAN: return "vxlan";
	case SW_TUNNEL_GENEVE: return "geneve";
	case SW_TUNNEL_GRE: return "gre";
	case SW_TUNNEL_IPIP: return "ipip";
	case SW_TUNNEL_SIT: return "sit";
	case SW_TUNNEL_IPIP6: return "ipip6";
	case SW_TUNNEL_IP6IP6: return "ip6ip6";
	case SW_TUNNEL_MPLS: return "mpls";
	}
	return "unknown";
}

uint8_t decode_tunnel_outer_proto(int type)
{
	switch (type) {
	case SW_TUNNEL_VXLAN: case SW_TUNNEL_GENEVE: return 17;
	case SW_TUNNEL_GRE: return 47;
	case SW_TUNNEL_IPIP: case SW_TUNNEL_IPIP6: return 4;
	case SW_TUNNEL_SIT: case SW_TUNNEL_IP6IP6: return 41;
	}
	return 0;
}

int decode_linktype_supported(int linktype)
{
	switch (linktype) {
	case LT_NULL: case LT_EN10MB: case LT_PPP: case LT_RAW_LINUX:
	case LT_RAW_OPENBSD: case LT_PPP_SERIAL: case LT_RAW: case LT_C_HDLC:
	case LT_LOOP: case LT_LINUX_SLL: case LT_IPV4: case LT_IPV6:
	case LT_LINUX_SLL2:
		return 1;
	}
	return 0;
}

struct sw_decoder *decode_new(const struct sw_limits *limits,
    struct sw_counters_decode *counters, const struct sw_anomaly_sink *anomalies)
{
	struct sw_decoder *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->limits = limits;
	d->c = counters;
	d->as = anomalies;
	decode_set_udp_tunnel_ports(d, NULL);
	d->frag = frag_new(limits, counters, anomalies);
	if (d->frag == NULL) {
		free(d);
		return NULL;
	}
	return d;
}

void decode_set_udp_tunnel_ports(struct sw_decoder *d, const struct sw_udp_tunnel_ports *ports)
{
	static const struct sw_udp_tunnel_ports defaults = {
		{ SW_VXLAN_PORT_IANA, SW_VXLAN_PORT_LINUX }, { SW_GENEVE_PORT },
		2, 1,
	};
	struct sw_udp_tunnel_ports *tp = &d->ports;

	*tp = defaults;
	if (ports == NULL)
		return;
	if (ports->nvxlan > 0) {
		memcpy(tp->vxlan, ports->vxlan, sizeof(tp->vxlan));
		tp->nvxlan = ports->nvxlan < SW_UDP_TUNNEL_PORTS_MAX ?
		    ports->nvxlan : SW_UDP_TUNNEL_PORTS_MAX;
	}
	if (ports->ngeneve > 0) {
		memcpy(tp->geneve, ports->geneve, sizeof(tp->geneve));
		tp->ngeneve = ports->ngeneve < SW_UDP_TUNNEL_PORTS_MAX ?
		    ports->ngeneve : SW_UDP_TUNNEL_PORTS_MAX;
	}
}

void decode_free(struct sw_decoder *d)
{
	if (d == NULL)
		return;
	frag_free(d->frag);
	free(d);
}

void decode_expire(struct sw_decoder *d, uint64_t now_usec)
{
	frag_expire(d->frag, now_usec);
}

enum sw_decode_result decode_packet(struct sw_decoder *d, int linktype,
    uint64_t ts_usec, const uint8_t *bytes, uint32_t caplen, uint32_t wirelen,
    struct sw_pkt *pkt)
{
	struct dctx x = { d, pkt, 0 };

	if (unlikely(d->frag_done)) {
		/* the previous result's pointers may now be invalidated */
		frag_release(d->frag);
		d->frag_done = 0;
	}
	d->c->pkts++;
	/* Define every field a consumer may read, without a memset of the
	 * whole struct; the IP layer overwrites the addresses. */
	pkt->ts_usec = ts_usec;
	pkt->caplen = caplen;
	pkt->wirelen = wirelen;
	pkt->vlan[0] = pkt->vlan[1] = 0;
	pkt->vlan_count = 0;
	pkt->tunnel_depth = 0;
	pkt->flags = 0;
	pkt->ifindex = 0;
	pkt->ip_version = 0;
	pkt->ipproto = 0;
	pkt->ttl = 0;
	pkt->ip_len = 0;
	pkt->l3 = NULL;
	pkt->l3_len = 0;
	pkt->sport = pkt->dport = 0;
	pkt->tcp_flags = 0;
	pkt->seq = pkt->ack = 0;
	pkt->win = 0;
	pkt->payload = NULL;
	pkt->payload_len = 0;
	pkt->payload_wire_len = 0;
	pkt->tunnel.type = SW_TUNNEL_NONE;
	memset(pkt->src, 0, sizeof(pkt->src));
	memset(pkt->dst, 0, sizeof(pkt->dst));

	if (likely(linktype == LT_EN10MB))
		return decode_ether(&x, bytes, caplen);
	switch (linktype) {
	case LT_LINUX_SLL:
		/* type, ARPHRD, address length, 8 address bytes, protocol */
		if (caplen < 16)
			return bad_trunc(&x, "decoder.sll.pkt_too_small");
		pkt->flags |= SW_PKT_COOKED;
		return decode_ethertype(&x, be16(bytes + 14), bytes + 16, caplen - 16);
	case LT_LINUX_SLL2:
		/* protocol, reserved, ifindex, ARPHRD, type, address length, 8 address bytes */
		if (caplen < 20)
			return bad_trunc(&x, "decoder.sll2.pkt_too_small");
		pkt->flags |= SW_PKT_COOKED;
		pkt->ifindex = be32(bytes + 4);
		return decode_ethertype(&x, be16(bytes), bytes + 20, caplen - 20);
	case LT_IPV4:
		return decode_ipv4(&x, bytes, caplen);
	case LT_IPV6:
		return decode_ipv6(&x, bytes, caplen);
	case LT_RAW: case LT_RAW_OPENBSD:
		return decode_raw(&x, bytes, caplen);
	case LT_RAW_LINUX:
		/* 12 is DLT_LOOP on OpenBSD: its AF header starts with a
		 * zero nibble, which no IP packet does. */
		if (caplen >= 1 && (bytes[0] >> 4) == 0)
			return decode_null(&x, bytes, caplen);
		return decode_raw(&x, bytes, caplen);
	case LT_NULL: case LT_LOOP:
		return decode_null(&x, bytes, caplen);
	case LT_PPP:
		return decode_ppp(&x, bytes, caplen);
	case LT_PPP_SERIAL:
		/* libpcap: PPP_SERIAL may also carry Cisco HDLC frames */
		if (caplen >= 1 && (bytes[0] == 0x0f || bytes[0] == 0x8f))
			return decode_chdlc(&x, bytes, caplen);
		return decode_ppp(&x, bytes, caplen);
	case LT_C_HDLC:
		return decode_chdlc(&x, bytes, caplen);
	default:
		d->c->unsupported_linktype++;
		return SW_DECODE_NOT_IP;
	}
}
