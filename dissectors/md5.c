/* md5.c: MD5 message digest, one-shot (RFC 1321, section 3; the per-round
 * shift amounts and the sine-derived constants T[i] of section 3.4). */
#include <stdint.h>
#include <string.h>

#include "md5.h"

/* T[i] = floor(2^32 * |sin(i + 1)|), RFC 1321 section 3.4 */
static const uint32_t md5_t[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a,
	0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
	0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
	0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
	0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
	0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

static inline uint32_t md5_rol(uint32_t x, unsigned c)
{
	return (x << c) | (x >> (32 - c));
}

/* The four auxiliary functions (section 3.4), F and G in their 3-operation
 * forms, and which message word step i of each round reads. */
#define MD5_F(b, c, d) ((d) ^ ((b) & ((c) ^ (d))))
#define MD5_G(b, c, d) ((c) ^ ((d) & ((b) ^ (c))))
#define MD5_H(b, c, d) ((b) ^ (c) ^ (d))
#define MD5_I(b, c, d) ((c) ^ ((b) | ~(d)))
#define MD5_X1(i) (i)
#define MD5_X2(i) ((5 * (i) + 1) % 16)
#define MD5_X3(i) ((3 * (i) + 5) % 16)
#define MD5_X4(i) ((7 * (i)) % 16)

/* Step i: a = b + ((a + FN(b, c, d) + X[k] + T[i]) <<< s). The next step
 * gets the words renamed (a, b, c, d -> d, a, b, c) instead of moved, and
 * four steps bring the names back. */
#define MD5_STEP(FN, a, b, c, d, i, k, s) \
	((a) = (b) + md5_rol((a) + FN(b, c, d) + x[k] + md5_t[i], s))
#define MD5_4(FN, X, i, s0, s1, s2, s3) do {                        \
		MD5_STEP(FN, a, b, c, d, (i) + 0, X((i) + 0), s0);        \
		MD5_STEP(FN, d, a, b, c, (i) + 1, X((i) + 1), s1);        \
		MD5_STEP(FN, c, d, a, b, (i) + 2, X((i) + 2), s2);        \
		MD5_STEP(FN, b, c, d, a, (i) + 3, X((i) + 3), s3);        \
	} while (0)

/* One 64-byte block into the state h[4], unrolled (JA3 and JA3S hash a
 * few blocks for every TLS flow; the loop with a switch per step took
 * 2,100 instructions a block). */
static void md5_block(uint32_t h[4], const uint8_t *p)
{
	uint32_t x[16], a = h[0], b = h[1], c = h[2], d = h[3];
	unsigned i;

	for (i = 0; i < 16; i++)
		x[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
		    (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
	/* the shift amounts s of each round (section 3.4) */
	MD5_4(MD5_F, MD5_X1, 0, 7, 12, 17, 22);
	MD5_4(MD5_F, MD5_X1, 4, 7, 12, 17, 22);
	MD5_4(MD5_F, MD5_X1, 8, 7, 12, 17, 22);
	MD5_4(MD5_F, MD5_X1, 12, 7, 12, 17, 22);
	MD5_4(MD5_G, MD5_X2, 16, 5, 9, 14, 20);
	MD5_4(MD5_G, MD5_X2, 20, 5, 9, 14, 20);
	MD5_4(MD5_G, MD5_X2, 24, 5, 9, 14, 20);
	MD5_4(MD5_G, MD5_X2, 28, 5, 9, 14, 20);
	MD5_4(MD5_H, MD5_X3, 32, 4, 11, 16, 23);
	MD5_4(MD5_H, MD5_X3, 36, 4, 11, 16, 23);
	MD5_4(MD5_H, MD5_X3, 40, 4, 11, 16, 23);
	MD5_4(MD5_H, MD5_X3, 44, 4, 11, 16, 23);
	MD5_4(MD5_I, MD5_X4, 48, 6, 10, 15, 21);
	MD5_4(MD5_I, MD5_X4, 52, 6, 10, 15, 21);
	MD5_4(MD5_I, MD5_X4, 56, 6, 10, 15, 21);
	MD5_4(MD5_I, MD5_X4, 60, 6, 10, 15, 21);
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
}

void md5(const uint8_t *in, size_t n, uint8_t out[16])
{
	uint32_t h[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
	uint8_t tail[128];
	uint64_t bits = (uint64_t)n * 8;
	size_t full = n & ~(size_t)63, rest = n - full, tlen, i;

	for (i = 0; i < full; i += 64)
		md5_block(h, in + i);
	/* padding: 0x80, zeros to 56 mod 64, then the bit length (LE) */
	memset(tail, 0, sizeof(tail));
	if (rest > 0)
		memcpy(tail, in + full, rest);
	tail[rest] = 0x80;
	tlen = rest < 56 ? 64 : 128;
	for (i = 0; i < 8; i++)
		tail[tlen - 8 + i] = (uint8_t)(bits >> (8 * i));
	md5_block(h, tail);
	if (tlen == 128)
		md5_block(h, tail + 64);
	for (i = 0; i < 16; i++)
		out[i] = (uint8_t)(h[i / 4] >> (8 * (i % 4)));
}

void md5_hex(const uint8_t *in, size_t n, char hex[33])
{
	static const char digits[] = "0123456789abcdef";
	uint8_t d[16];
	size_t i;

	md5(in, n, d);
	for (i = 0; i < 16; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[32] = '\0';
}
