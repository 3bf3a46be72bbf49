/* community_id.c: Community ID v1 (corelight/community-id-spec) and SHA-1.
 *
 * The hash input is: seed (2 bytes, network order), the lower endpoint's
 * address, the higher endpoint's address, the protocol (1 byte), one zero
 * byte of padding, then the lower and higher ports (2 bytes each) when the
 * protocol has them. "Lower" compares (address, port) so both directions of
 * a flow give the same value. ICMP types are mapped to their reply types so
 * that echo request and reply share one ID; a type without a reply (an
 * error, a redirect) is "one-way" and hashed as seen, (type, code) and
 * addresses unordered, as the spec's reference code, Zeek and tshark do. */
#include <string.h>

#include "community_id.h"
#include "sw_load.h"
#include "sw_sha_ni.h"
#include "flow.h"

#if SW_SHA_NI
#include <immintrin.h>
#endif

#define ROL(v, n) (((v) << (n)) | ((v) >> (32 - (n))))

/* The 80 rounds as four loops of 20 (one round function each, no test per
 * round) over a 16-word ring of the message schedule: the compiler keeps
 * a..e in registers and rotates with one instruction; each loop unrolled
 * so the ring index is a constant. Once per flow, but the branchy 80-round
 * loop over an 80-word array cost 2,550 instructions a block (now 1,530). */
#define SHA1_W(i) (w[(i) & 15] = ROL(w[((i) + 13) & 15] ^ w[((i) + 8) & 15] ^ \
    w[((i) + 2) & 15] ^ w[(i) & 15], 1))
#define SHA1_STEP(f, k, wi) do { \
		uint32_t t = ROL(a, 5) + (f) + e + (k) + (wi); \
		e = d; d = c; c = ROL(b, 30); b = a; a = t; \
	} while (0)

/* v at p, big-endian: a byte swap and one store (a loop of byte
 * stores was 60 instructions for the length, 40 for the digest) */
static inline void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void sha1_block(uint32_t h[5], const uint8_t *p)
{
	uint32_t w[16], a, b, c, d, e;
	int i;

	a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4];
	/* each word loaded as its round takes it: a loop of its own ahead
	 * of the rounds was vectorised into byte shuffles (104 instructions
	 * for what sixteen loads and swaps do) */
#pragma GCC unroll 20
	for (i = 0; i < 16; i++)
		SHA1_STEP(d ^ (b & (c ^ d)), 0x5a827999, w[i] = sw_load_be32(p + 4 * i));
#pragma GCC unroll 20
	for (; i < 20; i++)
		SHA1_STEP(d ^ (b & (c ^ d)), 0x5a827999, SHA1_W(i));
#pragma GCC unroll 20
	for (; i < 40; i++)
		SHA1_STEP(b ^ c ^ d, 0x6ed9eba1, SHA1_W(i));
#pragma GCC unroll 20
	for (; i < 60; i++)
		SHA1_STEP((b & c) | (d & (b | c)), 0x8f1bbcdc, SHA1_W(i));
#pragma GCC unroll 20
	for (; i < 80; i++)
		SHA1_STEP(b ^ c ^ d, 0xca62c1d6, SHA1_W(i));
	h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

#if SW_SHA_NI
/* SHA-1: ABCD in one register (A in the top lane), E in the top lane of
 * another. Each group of four rounds takes the next four schedule words
 * W[i] (w[4i..4i+3]), made from the four before:
 *   W[i] = sha1msg2(sha1msg1(W[i-4], W[i-3]) ^ W[i-2], W[i-1]),
 * and the E input made by sha1nexte from ABCD as it was four rounds
 * earlier. The round function is an immediate, so one loop per kind. */
#define SHA1_SCHED(i) do {                                                    \
		if ((i) >= 4)                                                 \
			w[(i) & 3] = _mm_sha1msg2_epu32(_mm_xor_si128(        \
			    _mm_sha1msg1_epu32(w[(i) & 3], w[((i) + 1) & 3]), \
			    w[((i) + 2) & 3]), w[((i) + 3) & 3]);             \
	} while (0)
#define SHA1_GROUP(i, fn) do {                                                \
		__m128i e_in;                                                 \
		SHA1_SCHED(i);                                                \
		e_in = (i) == 0 ? _mm_add_epi32(e0, w[0]) :                   \
		    _mm_sha1nexte_epu32(prev, w[(i) & 3]);                    \
		prev = abcd;                                                  \
		abcd = _mm_sha1rnds4_epu32(abcd, e_in, fn);                   \
	} while (0)

SW_SHA_NI_TARGET
static void sha1_blocks_ni(uint32_t h[5], const uint8_t *p, size_t nblocks)
{
	/* big-endian words, and the word order reversed: A in lane 3 */
	const __m128i swap = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
	__m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)h), 0x1b);
	__m128i e0 = _mm_set_epi32((int)h[4], 0, 0, 0);

	for (; nblocks > 0; nblocks--, p += 64) {
		__m128i w[4], prev = abcd, abcd_save = abcd, e_save = e0;
		int i;

		for (i = 0; i < 4; i++)
			w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)
			    (p + 16 * i)), swap);
#pragma GCC unroll 5
		for (i = 0; i < 5; i++)
			SHA1_GROUP(i, 0);
#pragma GCC unroll 5
		for (; i < 10; i++)
			SHA1_GROUP(i, 1);
#pragma GCC unroll 5
		for (; i < 15; i++)
			SHA1_GROUP(i, 2);
#pragma GCC unroll 5
		for (; i < 20; i++)
			SHA1_GROUP(i, 3);
		e0 = _mm_sha1nexte_epu32(prev, e_save);
		abcd = _mm_add_epi32(abcd, abcd_save);
	}
	_mm_storeu_si128((__m128i *)(void *)h, _mm_shuffle_epi32(abcd, 0x1b));
	h[4] = (uint32_t)_mm_extract_epi32(e0, 3);
}
#endif

/* n 64-byte blocks of p into h, on the SHA extensions when there are. */
static void sha1_blocks(uint32_t h[5], const uint8_t *p, size_t n)
{
#if SW_SHA_NI
	if (sw_sha_ni_available()) {
		sha1_blocks_ni(h, p, n);
		return;
	}
#endif
	for (; n > 0; n--, p += 64)
		sha1_block(h, p);
}

void sw_sha1(const uint8_t *data, size_t len, uint8_t out[20])
{
	uint32_t h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
	uint8_t tail[128];
	size_t full = len & ~(size_t)63, rem = len - full, tl;
	uint64_t bits = (uint64_t)len * 8;
	size_t i;

	sha1_blocks(h, data, full / 64);
	memset(tail, 0, sizeof(tail));
	if (rem > 0)
		memcpy(tail, data + full, rem);
	tail[rem] = 0x80;
	tl = rem + 1 + 8 <= 64 ? 64 : 128;
	store_be32(tail + tl - 8, (uint32_t)(bits >> 32));
	store_be32(tail + tl - 4, (uint32_t)bits);
	sha1_blocks(h, tail, tl / 64);
	for (i = 0; i < 5; i++)
		store_be32(out + 4 * i, h[i]);
}

/* Base64 two characters at a time: the pair for each 12-bit value, from
 * a table the compiler fills (8 KiB). The text is made again at every
 * event (the flow keeps only the 20-byte digest), and one lookup per
 * character cost 217 instructions an event. */
#define B64C(x) ((char)((x) < 26 ? 'A' + (x) : (x) < 52 ? 'a' + (x) - 26 : \
    (x) < 62 ? '0' + (x) - 52 : (x) == 62 ? '+' : '/'))
#define B64P(i) { B64C((i) >> 6), B64C((i) & 63) }
#define B64P4(i) B64P(i), B64P((i) + 1), B64P((i) + 2), B64P((i) + 3)
#define B64P16(i) B64P4(i), B64P4((i) + 4), B64P4((i) + 8), B64P4((i) + 12)
#define B64P64(i) B64P16(i), B64P16((i) + 16), B64P16((i) + 32), B64P16((i) + 48)
#define B64P256(i) B64P64(i), B64P64((i) + 64), B64P64((i) + 128), B64P64((i) + 192)
#define B64P1024(i) B64P256(i), B64P256((i) + 256), B64P256((i) + 512), B64P256((i) + 768)
static const char b64_pairs[4096][2] = {
	B64P1024(0), B64P1024(1024), B64P1024(2048), B64P1024(3072),
};

/* The 20-byte digest as 28 characters of base64 and a NUL: three loads
 * of eight bytes at 0, 6 and 12, whose top 48 bits are six bytes, eight
 * characters; the last load's low 16 bits are bytes 18 and 19, which
 * make three characters and one '='. */
static void base64_digest(const uint8_t in[20], char out[29])
{
	uint64_t v = 0;
	int i;

#pragma GCC unroll 3
	for (i = 0; i < 3; i++) {
		v = sw_load_be64(in + 6 * i);
		memcpy(out + 8 * i, b64_pairs[v >> 52], 2);
		memcpy(out + 8 * i + 2, b64_pairs[v >> 40 & 0xfff], 2);
		memcpy(out + 8 * i + 4, b64_pairs[v >> 28 & 0xfff], 2);
		memcpy(out + 8 * i + 6, b64_pairs[v >> 16 & 0xfff], 2);
	}
	v = (v & 0xffff) << 8;
	memcpy(out + 24, b64_pairs[v >> 12], 2);
	out[26] = b64_pairs[v & 0xfff][0];
	out[27] = '=';
	out[28] = '\0';
}

/* ICMP/ICMPv6 type -> the type that answers it (spec, "ICMP"). Returns 1
 * and sets *peer for the paired types, 0 for one-way types. */
static int icmp_peer_type(uint8_t proto, uint16_t type, uint16_t *peer)
{
	static const uint8_t v4[][2] = {
		{ 8, 0 }, { 0, 8 }, { 13, 14 }, { 14, 13 }, { 15, 16 },
		{ 16, 15 }, { 10, 9 }, { 9, 10 }, { 17, 18 }, { 18, 17 },
	};
	static const uint8_t v6[][2] = {
		{ 128, 129 }, { 129, 128 }, { 133, 134 }, { 134, 133 },
		{ 135, 136 }, { 136, 135 }, { 130, 131 }, { 131, 130 },
		{ 144, 145 }, { 145, 144 },
	};
	size_t i;

	if (proto == 1) {
		for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++)
			if (v4[i][0] == type) {
				*peer = v4[i][1];
				return 1;
			}
	} else {
		for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++)
			if (v6[i][0] == type) {
				*peer = v6[i][1];
				return 1;
			}
	}
	return 0;
}

/* memcmp(a, b, n)'s sign, for an address: as big-endian words, inline
 * (the libc call was 30 instructions a flow) */
static int addr_cmp(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint64_t x, y;

	if (n == 4) {
		x = sw_load_be32(a);
		y = sw_load_be32(b);
	} else if (n == 16) {
		x = sw_load_be64(a);
		y = sw_load_be64(b);
		if (x == y) {
			x = sw_load_be64(a + 8);
			y = sw_load_be64(b + 8);
		}
	} else
		return memcmp(a, b, n);
	return (x > y) - (x < y);
}

/* The SHA-1 the Community ID is the base64 of. */
static void community_id_digest(uint16_t seed, uint8_t proto, const uint8_t *saddr,
    const uint8_t *daddr, size_t addr_len, uint16_t sport, uint16_t dport,
    int has_ports, uint8_t digest[20])
{
	uint8_t buf[2 + 16 + 16 + 2 + 4];
	const uint8_t *a1 = saddr, *a2 = daddr;
	uint16_t p1 = sport, p2 = dport;
	int one_way = 0, cmp;
	size_t n = 0;

	if (proto == 1 || proto == 58) {
		uint16_t peer;

		/* the spec maps (type, code) to (type, reply type) */
		if (icmp_peer_type(proto, sport, &peer))
			p2 = peer;
		else
			one_way = 1;
	}
	cmp = addr_cmp(saddr, daddr, addr_len);
	if (!one_way && (cmp > 0 || (cmp == 0 && has_ports && p1 > p2))) {
		const uint8_t *ta = a1;
		uint16_t tp = p1;

		a1 = a2; a2 = ta;
		p1 = p2; p2 = tp;
	}
	buf[n++] = (uint8_t)(seed >> 8);
	buf[n++] = (uint8_t)seed;
	/* constant sizes: a few moves, not two libc memcpy calls */
	if (addr_len == 4) {
		memcpy(buf + n, a1, 4);
		memcpy(buf + n + 4, a2, 4);
	} else if (addr_len == 16) {
		memcpy(buf + n, a1, 16);
		memcpy(buf + n + 16, a2, 16);
	} else {
		memcpy(buf + n, a1, addr_len);
		memcpy(buf + n + addr_len, a2, addr_len);
	}
	n += 2 * addr_len;
	buf[n++] = proto;
	buf[n++] = 0;
	if (has_ports) {
		buf[n++] = (uint8_t)(p1 >> 8);
		buf[n++] = (uint8_t)p1;
		buf[n++] = (uint8_t)(p2 >> 8);
		buf[n++] = (uint8_t)p2;
	}
	sw_sha1(buf, n, digest);
}

static void community_id_text(const uint8_t digest[20], char out[SW_COMMUNITY_ID_LEN])
{
	out[0] = '1';
	out[1] = ':';
	base64_digest(digest, out + 2);
}

void community_id_v1(uint16_t seed, uint8_t proto, const uint8_t *saddr,
    const uint8_t *daddr, size_t addr_len, uint16_t sport, uint16_t dport,
    int has_ports, char out[SW_COMMUNITY_ID_LEN])
{
	uint8_t digest[20];

	community_id_digest(seed, proto, saddr, daddr, addr_len, sport, dport, has_ports, digest);
	community_id_text(digest, out);
}

char *flow_community_id_put(struct sw_flow *f, char *p)
{
	_Static_assert(sizeof(f->community_id) == 20, "community_id");
	if (!f->community_id_set) {
		/* ICMP: the type and code stand in for the ports */
		if (flow_icmp_known(f, SW_DIR_TO_SERVER))
			community_id_digest(0, f->key.proto, flow_src_addr(f), flow_dst_addr(f),
			    f->key.ip_version == 6 ? 16 : 4, f->icmp_type[SW_DIR_TO_SERVER],
			    f->icmp_code[SW_DIR_TO_SERVER], 1, f->community_id);
		else
			community_id_digest(0, f->key.proto, flow_src_addr(f), flow_dst_addr(f),
			    f->key.ip_version == 6 ? 16 : 4, flow_src_port(f), flow_dst_port(f),
			    flow_has_ports(f), f->community_id);
		f->community_id_set = 1;
	}
	/* "1:" and 28 bytes of base64: SW_COMMUNITY_ID_LEN less the NUL */
	community_id_text(f->community_id, p);
	return p + SW_COMMUNITY_ID_LEN - 1;
}

const char *flow_community_id(struct sw_flow *f, char out[SW_COMMUNITY_ID_LEN])
{
	flow_community_id_put(f, out);
	return out;
}
