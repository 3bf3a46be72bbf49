/* sha256.c: SHA-256 for Base58Check address checksums and JA4.
 *
 * Reference: FIPS 180-4, section 6.2. Only the one-shot form is needed: the
 * inputs are decoded addresses of a few dozen bytes (reference/stratum.md
 * s.8.2: checksum = first 4 bytes of SHA-256(SHA-256(payload))) and JA4's
 * cipher and extension lists (tls-ja.c). */
#include <stdint.h>
#include <string.h>

#include "sw_sha_ni.h"
#include "sw_wallet.h"

#if SW_SHA_NI
#include <immintrin.h>
#endif

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror32(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

/* One round (FIPS 180-4, 6.2.2 step 3) on the eight working words as
 * named for it: instead of shifting all eight along after each round, the
 * next round is given them renamed (a..h -> h,a..g), so eight rounds bring
 * the names back and the compiler keeps them in registers. Sigma1(e) =
 * ror 6 ^ ror 11 ^ ror 25 is written as ror(e ^ ror(e ^ ror(e, 14), 5), 6),
 * Sigma0 likewise, Ch and Maj in their 3- and 4-operation forms. */
#define SHA256_ROUND(a, b, c, d, e, f, g, h, i) do {                           \
		uint32_t t1 = (h) + ror32((e) ^ ror32((e) ^ ror32(e, 14), 5), 6) +  \
		    ((g) ^ ((e) & ((f) ^ (g)))) + sha256_k[i] + w[i];            \
		uint32_t t2 = ror32((a) ^ ror32((a) ^ ror32(a, 9), 11), 2) +        \
		    (((a) & (b)) | ((c) & ((a) | (b))));                         \
		(d) += t1;                                                         \
		(h) = t1 + t2;                                                     \
	} while (0)

#define SHA256_8(i) do {                                       \
		SHA256_ROUND(a, b, c, d, e, f, g, hh, (i) + 0); \
		SHA256_ROUND(hh, a, b, c, d, e, f, g, (i) + 1); \
		SHA256_ROUND(g, hh, a, b, c, d, e, f, (i) + 2); \
		SHA256_ROUND(f, g, hh, a, b, c, d, e, (i) + 3); \
		SHA256_ROUND(e, f, g, hh, a, b, c, d, (i) + 4); \
		SHA256_ROUND(d, e, f, g, hh, a, b, c, (i) + 5); \
		SHA256_ROUND(c, d, e, f, g, hh, a, b, (i) + 6); \
		SHA256_ROUND(b, c, d, e, f, g, hh, a, (i) + 7); \
	} while (0)

/* One 64-byte block into the eight working words h[]: the schedule in a
 * loop, the rounds unrolled (JA4 hashes two lists of a few blocks for
 * every TLS flow; a loop shifting the eight words along each round took
 * 4,030 instructions a block, this 2,900). */
static void sha256_block(uint32_t h[8], const uint8_t blk[64])
{
	uint32_t w[64], a, b, c, d, e, f, g, hh;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)blk[4 * i] << 24 | (uint32_t)blk[4 * i + 1] << 16 |
		    (uint32_t)blk[4 * i + 2] << 8 | (uint32_t)blk[4 * i + 3];
	/* sigma0 = ror 7 ^ ror 18 ^ shr 3, sigma1 = ror 17 ^ ror 19 ^ shr 10 */
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + (ror32(w[i - 15] ^ ror32(w[i - 15], 11), 7) ^ (w[i - 15] >> 3)) +
		    w[i - 7] + (ror32(w[i - 2] ^ ror32(w[i - 2], 2), 17) ^ (w[i - 2] >> 10));
	a = h[0]; b = h[1]; c = h[2]; d = h[3];
	e = h[4]; f = h[5]; g = h[6]; hh = h[7];
	SHA256_8(0);
	SHA256_8(8);
	SHA256_8(16);
	SHA256_8(24);
	SHA256_8(32);
	SHA256_8(40);
	SHA256_8(48);
	SHA256_8(56);
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

#if SW_SHA_NI
/* SHA-256: the state as ABEF and CDGH (A in the top lane), as sha256rnds2
 * wants it; two rounds per instruction, four per group, each group on
 * W[i] + K[4i..4i+3] with
 *   W[i] = sha256msg2(sha256msg1(W[i-4], W[i-3]) + (W[i-1]:W[i-2] >> 32),
 *                     W[i-1]). */
SW_SHA_NI_TARGET
static void sha256_blocks_ni(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
	/* big-endian words, in order */
	const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)h), 0xb1);
	__m128i st1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)(h + 4)),
	    0x1b);
	__m128i st0 = _mm_alignr_epi8(t, st1, 8);  /* ABEF */

	st1 = _mm_blend_epi16(st1, t, 0xf0);       /* CDGH */
	for (; nblocks > 0; nblocks--, p += 64) {
		__m128i w[4], abef_save = st0, cdgh_save = st1;
		int i;

#pragma GCC unroll 16
		for (i = 0; i < 16; i++) {
			__m128i m;

			if (i < 4)
				w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)
				    (p + 16 * i)), swap);
			else
				w[i & 3] = _mm_sha256msg2_epu32(_mm_add_epi32(
				    _mm_sha256msg1_epu32(w[i & 3], w[(i + 1) & 3]),
				    _mm_alignr_epi8(w[(i + 3) & 3], w[(i + 2) & 3], 4)),
				    w[(i + 3) & 3]);
			m = _mm_add_epi32(w[i & 3],
			    _mm_loadu_si128((const __m128i *)(const void *)(sha256_k + 4 * i)));
			st1 = _mm_sha256rnds2_epu32(st1, st0, m);
			st0 = _mm_sha256rnds2_epu32(st0, st1, _mm_shuffle_epi32(m, 0x0e));
		}
		st0 = _mm_add_epi32(st0, abef_save);
		st1 = _mm_add_epi32(st1, cdgh_save);
	}
	t = _mm_shuffle_epi32(st0, 0x1b);          /* FEBA */
	st1 = _mm_shuffle_epi32(st1, 0xb1);        /* DCHG */
	_mm_storeu_si128((__m128i *)(void *)h, _mm_blend_epi16(t, st1, 0xf0));
	_mm_storeu_si128((__m128i *)(void *)(h + 4), _mm_alignr_epi8(st1, t, 8));
}
#endif

/* n 64-byte blocks of p into h, on the SHA extensions when there are. */
static void sha256_blocks(uint32_t h[8], const uint8_t *p, size_t n)
{
#if SW_SHA_NI
	if (sw_sha_ni_available()) {
		sha256_blocks_ni(h, p, n);
		return;
	}
#endif
	for (; n > 0; n--, p += 64)
		sha256_block(h, p);
}

/* sha256: digest of in[0..n) into out. in may be NULL when n is 0. No
 * allocation; work is linear in n. */
void sha256(const uint8_t *in, size_t n, uint8_t out[32])
{
	uint32_t h[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	uint8_t tail[128];
	uint64_t bits = (uint64_t)n * 8;
	size_t rem, tlen;

	sha256_blocks(h, in, n / 64);
	in += n & ~(size_t)63;
	n &= 63;
	/* Padding: 0x80, zeros, then the 64-bit big-endian bit length; one
	 * extra block when fewer than 9 bytes are left in this one. */
	rem = n;
	memset(tail, 0, sizeof(tail));
	if (rem > 0)
		memcpy(tail, in, rem);
	tail[rem] = 0x80;
	tlen = rem + 9 <= 64 ? 64 : 128;
	for (int i = 0; i < 8; i++)
		tail[tlen - 1 - i] = (uint8_t)(bits >> (8 * i));
	sha256_blocks(h, tail, tlen / 64);

	for (int i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(h[i] >> 8);
		out[4 * i + 3] = (uint8_t)h[i];
	}
}
