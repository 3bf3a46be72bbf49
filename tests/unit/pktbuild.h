/* pktbuild.h: hand-built frames for the decoder and fragment tests (header
 * layouts from RFC 791, 8200, 9293, 768, IEEE 802.3/802.1Q, RFC 3032, 2516,
 * 1662, 2784 and libpcap's SLL/SLL2/NULL link headers). Each mk_* writes a
 * header followed by the given payload into o and returns the length. */
#ifndef PKTBUILD_H
#define PKTBUILD_H

#include <stdint.h>
#include <string.h>

#include "sw_decode.h"

static const uint8_t pb_v4_src[4] = { 10, 0, 0, 1 };
static const uint8_t pb_v4_dst[4] = { 10, 0, 0, 2 };
static const uint8_t pb_v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t pb_v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };

static inline void pb_put16(uint8_t *o, uint32_t v)
{
	o[0] = (uint8_t)(v >> 8);
	o[1] = (uint8_t)v;
}

static inline void pb_put32(uint8_t *o, uint32_t v)
{
	o[0] = (uint8_t)(v >> 24);
	o[1] = (uint8_t)(v >> 16);
	o[2] = (uint8_t)(v >> 8);
	o[3] = (uint8_t)v;
}

/* Prefix: move the payload up by hlen, leave room for the header. */
static inline uint8_t *pb_room(uint8_t *o, const uint8_t *pl, uint32_t plen, uint32_t hlen)
{
	memmove(o + hlen, pl, plen);
	return o;
}

/* TCP with optlen (multiple of 4) bytes of NOP options. */
static inline uint32_t mk_tcp(uint8_t *o, uint16_t sp, uint16_t dp, uint32_t seq,
    uint32_t ack, uint8_t flags, const uint8_t *pl, uint32_t plen, uint32_t optlen)
{
	uint32_t hlen = 20 + optlen;

	pb_room(o, pl, plen, hlen);
	pb_put16(o, sp);
	pb_put16(o + 2, dp);
	pb_put32(o + 4, seq);
	pb_put32(o + 8, ack);
	o[12] = (uint8_t)((hlen / 4) << 4);
	o[13] = flags;
	pb_put16(o + 14, 0xfaf0);
	pb_put16(o + 16, 0);
	pb_put16(o + 18, 0);
	memset(o + 20, 1, optlen);
	return hlen + plen;
}

static inline uint32_t mk_udp(uint8_t *o, uint16_t sp, uint16_t dp,
    const uint8_t *pl, uint32_t plen)
{
	pb_room(o, pl, plen, 8);
	pb_put16(o, sp);
	pb_put16(o + 2, dp);
	pb_put16(o + 4, 8 + plen);
	pb_put16(o + 6, 0);
	return 8 + plen;
}

/* IPv4 with optlen bytes of options (NOPs), id and the raw flags/offset
 * field (host order: 0x2000 MF, low 13 bits offset in 8-byte units). */
static inline uint32_t mk_ipv4_full(uint8_t *o, uint8_t proto, const uint8_t *pl,
    uint32_t plen, uint32_t optlen, uint16_t id, uint16_t fragfield,
    const uint8_t *src, const uint8_t *dst)
{
	uint32_t hlen = 20 + optlen, i, sum = 0;

	pb_room(o, pl, plen, hlen);
	o[0] = (uint8_t)(0x40 | (hlen / 4));
	o[1] = 0;
	pb_put16(o + 2, hlen + plen);
	pb_put16(o + 4, id);
	pb_put16(o + 6, fragfield);
	o[8] = 64;
	o[9] = proto;
	o[10] = o[11] = 0;
	memcpy(o + 12, src, 4);
	memcpy(o + 16, dst, 4);
	memset(o + 20, 1, optlen);
	for (i = 0; i < hlen; i += 2)
		sum += (uint32_t)o[i] << 8 | o[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	pb_put16(o + 10, ~sum & 0xffff);
	return hlen + plen;
}

static inline uint32_t mk_ipv4(uint8_t *o, uint8_t proto, const uint8_t *pl, uint32_t plen)
{
	return mk_ipv4_full(o, proto, pl, plen, 0, 0x1234, 0x4000, pb_v4_src, pb_v4_dst);
}

static inline uint32_t mk_ipv6_addr(uint8_t *o, uint8_t nh, const uint8_t *pl, uint32_t plen,
    const uint8_t *src, const uint8_t *dst)
{
	pb_room(o, pl, plen, 40);
	o[0] = 0x60;
	o[1] = o[2] = o[3] = 0;
	pb_put16(o + 4, plen);
	o[6] = nh;
	o[7] = 63;
	memcpy(o + 8, src, 16);
	memcpy(o + 24, dst, 16);
	return 40 + plen;
}

static inline uint32_t mk_ipv6(uint8_t *o, uint8_t nh, const uint8_t *pl, uint32_t plen)
{
	return mk_ipv6_addr(o, nh, pl, plen, pb_v6_src, pb_v6_dst);
}

/* A generic IPv6 extension header (hop-by-hop, routing, destination
 * options) of 8 * (1 + units) bytes. */
static inline uint32_t mk_ext(uint8_t *o, uint8_t nh, uint8_t units,
    const uint8_t *pl, uint32_t plen)
{
	uint32_t hlen = 8u * (1u + units);

	pb_room(o, pl, plen, hlen);
	memset(o, 0, hlen);
	o[0] = nh;
	o[1] = units;
	o[2] = 1;   /* PadN */
	o[3] = (uint8_t)(hlen - 4);
	return hlen + plen;
}

/* AH: (len + 2) * 4 bytes. */
static inline uint32_t mk_ah(uint8_t *o, uint8_t nh, const uint8_t *pl, uint32_t plen)
{
	pb_room(o, pl, plen, 16);
	memset(o, 0, 16);
	o[0] = nh;
	o[1] = 2;
	return 16 + plen;
}

static inline uint32_t mk_fraghdr(uint8_t *o, uint8_t nh, uint32_t offset, int more,
    uint32_t id, const uint8_t *pl, uint32_t plen)
{
	pb_room(o, pl, plen, 8);
	o[0] = nh;
	o[1] = 0;
	pb_put16(o + 2, (offset & 0xfff8) | (more ? 1 : 0));
	pb_put32(o + 4, id);
	return 8 + plen;
}

static inline uint32_t mk_eth(uint8_t *o, uint16_t type, const uint8_t *pl, uint32_t plen)
{
	static const uint8_t macs[12] = { 0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10 };

	pb_room(o, pl, plen, 14);
	memcpy(o, macs, 12);
	pb_put16(o + 12, type);
	return 14 + plen;
}

static inline uint32_t mk_vlan(uint8_t *o, uint16_t tci, uint16_t type,
    const uint8_t *pl, uint32_t plen)
{
	pb_room(o, pl, plen, 4);
	pb_put16(o, tci);
	pb_put16(o + 2, type);
	return 4 + plen;
}

static inline uint32_t mk_mpls(uint8_t *o, uint32_t label, int bottom,
    const uint8_t *pl, uint32_t plen)
{
	pb_room(o, pl, plen, 4);
	pb_put32(o, label << 12 | (bottom ? 0x100u : 0) | 64);
	return 4 + plen;
}

static inline uint32_t mk_pppoe(uint8_t *o, uint16_t pppproto, const uint8_t *pl, uint32_t plen)
{
	pb_room(o, pl, plen, 8);
	o[0] = 0x11;
	o[1] = 0;
	pb_put16(o + 2, 0x0042);
	pb_put16(o + 4, plen + 2);
	pb_put16(o + 6, pppproto);
	return 8 + plen;
}

static inline uint32_t mk_sll(uint8_t *o, uint16_t proto, const uint8_t *pl, uint32_t plen)
{
	pb_room(o, pl, plen, 16);
	memset(o, 0, 16);
	pb_put16(o + 2, 1);   /* ARPHRD_ETHER */
	pb_put16(o + 4, 6);
	memset(o + 6, 0xaa, 6);
	pb_put16(o + 14, proto);
	return 16 + plen;
}

static inline uint32_t mk_sll2(uint8_t *o, uint16_t proto, const uint8_t *pl, uint32_t plen)
{
	pb_room(o, pl, plen, 20);
	memset(o, 0, 20);
	pb_put16(o, proto);
	pb_put32(o + 4, 2);   /* ifindex */
	pb_put16(o + 8, 1);
	o[11] = 6;
	memset(o + 12, 0xbb, 6);
	return 20 + plen;
}

/* BSD NULL/LOOP: af in big-endian (be) or little-endian order. */
static inline uint32_t mk_null(uint8_t *o, uint32_t af, int be, const uint8_t *pl, uint32_t plen)
{
	pb_room(o, pl, plen, 4);
	if (be)
		pb_put32(o, af);
	else {
		o[0] = (uint8_t)af;
		o[1] = (uint8_t)(af >> 8);
		o[2] = (uint8_t)(af >> 16);
		o[3] = (uint8_t)(af >> 24);
	}
	return 4 + plen;
}

/* GRE version 0 with optional checksum, key and sequence, or version 1. */
static inline uint32_t mk_gre(uint8_t *o, uint16_t flags, uint16_t proto,
    const uint8_t *pl, uint32_t plen)
{
	uint32_t hlen = 4;

	if ((flags & 7) == 1)
		hlen = 8 + ((flags & 0x1000) ? 4 : 0) + ((flags & 0x0080) ? 4 : 0);
	else
		hlen += ((flags & 0x8000) ? 4 : 0) + ((flags & 0x2000) ? 4 : 0) +
		    ((flags & 0x1000) ? 4 : 0);
	pb_room(o, pl, plen, hlen);
	memset(o, 0x5a, hlen);
	pb_put16(o, flags);
	pb_put16(o + 2, proto);
	if ((flags & 7) == 1)
		pb_put16(o + 4, plen);
	return hlen + plen;
}

static inline uint32_t mk_raw(uint8_t *o, const uint8_t *h, uint32_t hlen,
    const uint8_t *pl, uint32_t plen)
{
	pb_room(o, pl, plen, hlen);
	memcpy(o, h, hlen);
	return hlen + plen;
}

#endif
