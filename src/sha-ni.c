/* sha-ni.c: see sw_sha_ni.h. Written from Intel's description of the
 * instructions (the SHA extensions white paper, and the intrinsics guide
 * for sha1rnds4, sha1nexte, sha1msg1/2, sha256rnds2 and sha256msg1/2);
 * checked against the software hashes by test_community_id and
 * test_wallet on random inputs of every length up to a few blocks. */
#include <stdlib.h>

#include "sw_sha_ni.h"

static int sha_ni_off;

void sw_sha_ni_disable(int off)
{
	__atomic_store_n(&sha_ni_off, off != 0, __ATOMIC_RELAXED);
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

#define SHA_NI_TARGET __attribute__((target("sha,ssse3,sse4.1")))

/* CPUID leaf 1 ECX: SSSE3 (bit 9), SSE4.1 (bit 19); leaf 7 EBX: SHA (bit
 * 29). Asked once; -1 until then (every thread finds the same answer, so
 * a race only asks twice). (clang 14's __builtin_cpu_supports does not
 * know "sha".) */
static int sha_ni_cpu = -1;

int sw_sha_ni_available(void)
{
	int yes = __atomic_load_n(&sha_ni_cpu, __ATOMIC_RELAXED);

	if (yes < 0) {
		unsigned a, b, c, d;

		yes = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 9)) && (c & (1u << 19)) &&
		    __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
		__atomic_store_n(&sha_ni_cpu, yes, __ATOMIC_RELAXED);
	}
	return yes && !__atomic_load_n(&sha_ni_off, __ATOMIC_RELAXED);
}

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

SHA_NI_TARGET
void sw_sha1_blocks_ni(uint32_t h[5], const uint8_t *p, size_t nblocks)
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

/* SHA-256: the state as ABEF and CDGH (A in the top lane), as sha256rnds2
 * wants it; two rounds per instruction, four per group, each group on
 * W[i] + K[4i..4i+3] with
 *   W[i] = sha256msg2(sha256msg1(W[i-4], W[i-3]) + (W[i-1]:W[i-2] >> 32),
 *                     W[i-1]). */
SHA_NI_TARGET
void sw_sha256_blocks_ni(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
	static const uint32_t k[64] = {
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
			    _mm_loadu_si128((const __m128i *)(const void *)(k + 4 * i)));
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

#else /* no SHA extensions to use */

int sw_sha_ni_available(void)
{
	return 0;
}

void sw_sha1_blocks_ni(uint32_t h[5], const uint8_t *p, size_t nblocks)
{
	(void)h; (void)p; (void)nblocks;
	abort(); /* sw_sha_ni_available() said 0 */
}

void sw_sha256_blocks_ni(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
	(void)h; (void)p; (void)nblocks;
	abort(); /* sw_sha_ni_available() said 0 */
}

#endif
