/* difficulty.c: share difficulty from targets, hashes per share, hashrate.
 *
 * Reference: reference/stratum.md section 7 (7.1 CryptoNote targets as
 * XMRig decodes them, 7.2 Bitcoin diff-1, 7.3 EthereumStratum/1.0.0, 7.4
 * 256-bit boundaries) with the worked examples of 7.5 and the vectors of
 * section 11 as unit tests (tests/unit/test_difficulty.c). Pure functions:
 * every input is length-checked and hex-checked, and malformed input gives 0
 * rather than a guess. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "sw_difficulty.h"

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read 2*nbytes hex digits as a little-endian integer (CryptoNote writes
 * its targets and hashes as raw little-endian bytes). Returns 0 and sets
 * *v, or -1 on a non-hex digit. */
static int hex_le(const char *hex, size_t nbytes, uint64_t *v)
{
	uint64_t r = 0;

	for (size_t i = 0; i < nbytes; i++) {
		int hi = hexval((unsigned char)hex[2 * i]);
		int lo = hexval((unsigned char)hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		r |= (uint64_t)(hi << 4 | lo) << (8 * i);
	}
	*v = r;
	return 0;
}

/* diff_from_xmr_target: see sw_difficulty.h. s.7.1, following XMRig
 * (src/base/net/stratum/Job.cpp setTarget/toDiff):
 *   8 hex:  t64 = floor((2^64-1) / floor((2^32-1)/t32)), then
 *           diff = floor((2^64-1)/t64). Because q = floor((2^32-1)/t32) is
 *           below 2^32, q*q < 2^64-1 and floor(M/floor(M/q)) == q, so this
 *           equals floor((2^32-1)/t32) exactly (the unit test checks the
 *           identity on many targets). It is NOT 2^32/t32.
 *   16 hex: diff = floor((2^64-1)/t64).
 * Returns 0 on a length other than 8 or 16, a non-hex digit, or a zero
 * target. */
uint64_t diff_from_xmr_target(const char *hex, size_t n)
{
	uint64_t t;

	if (hex == NULL || (n != 8 && n != 16))
		return 0;
	if (hex_le(hex, n / 2, &t) != 0 || t == 0)
		return 0;
	if (n == 8) {
		uint64_t q = UINT32_MAX / t;    /* >= 1: t <= 2^32-1 */
		uint64_t t64 = UINT64_MAX / q;
		return UINT64_MAX / t64;
	}
	return UINT64_MAX / t;
}

/* diff_from_xmr_result: see sw_difficulty.h. s.7.1 and example 6: the
 * share's hash is the 32-byte "result"; its last 8 bytes, little-endian,
 * are compared with t64, so the share's own difficulty is floor((2^64-1)/h).
 * Returns 0 on a length other than 64, a non-hex digit anywhere, or h == 0
 * (a hash of zero would be infinite difficulty: not a real share). */
uint64_t diff_from_xmr_result(const char *hex, size_t n)
{
	uint64_t h, dummy;

	if (hex == NULL || n != 64)
		return 0;
	/* The first 24 bytes do not enter the result but must still be hex. */
	for (size_t i = 0; i < 48; i += 16)
		if (hex_le(hex + i, 8, &dummy) != 0)
			return 0;
	if (hex_le(hex + 48, 8, &h) != 0 || h == 0)
		return 0;
	return UINT64_MAX / h;
}

/* Hex digit values plus one, 0 for a byte that is not a hex digit: one
 * load per digit where the three range tests of hexval() cost a dozen
 * instructions (a boundary has 64 digits, and comes with every job). */
static const uint8_t hex_plus1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* High bit of each byte of x (all below 0x80) set when lo <= byte <= hi:
 * the sums stay within their bytes, so no carry crosses into the next. */
static uint64_t in_range8(uint64_t x, uint8_t lo, uint8_t hi)
{
	return (x + ONES * (uint8_t)(0x80 - lo)) & ~(x + ONES * (uint8_t)(0x7f - hi)) & HIGHS;
}

/* 1 when the 8 bytes at p are hex digits (a letter is one of a-f once
 * 0x20 is set), tested together. */
static int hex8(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return (w & HIGHS) == 0 &&
	    (in_range8(w, '0', '9') | in_range8(w | ONES * 0x20, 'a', 'f')) == HIGHS;
}

/* Parse a big-endian 256-bit hex number ("0x" optional, 1..64 digits,
 * leading zeros optional as EthereumStratum/2.0.0 drops them) and return
 * its top 64 significant bits in *m and the power of two they are scaled by
 * in *e, so the value is m * 2^e minus less than 2^e (relative truncation
 * error below 2^-63). Returns 0, -1 on bad input, or 1 for a zero value.
 *
 * Only the first 17 significant digits can reach m: the first 16 hold 61
 * to 64 bits (the first digit has 1 to 4), the 17th the 0 to 3 bits
 * missing. The digits after them are only checked to be hex, eight at a
 * time (building all four 64-bit words cost 20 instructions a digit). */
static int u256_parse_top(const char *hex, size_t n, uint64_t *m, int *e)
{
	uint64_t top = 0;  /* the first (up to) 16 significant digits */
	unsigned next = 0; /* the 17th */
	size_t i = 0, sig = 0;
	int c;

	if (hex == NULL)
		return -1;
	if (n >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
		hex += 2;
		n -= 2;
	}
	if (n == 0 || n > 64)
		return -1;
	while (i < n && hex[i] == '0')
		i++;
	for (; i < n && sig < 17; i++, sig++) {
		unsigned v = hex_plus1[(unsigned char)hex[i]];

		if (v == 0)
			return -1;
		if (sig < 16)
			top = top << 4 | (v - 1);
		else
			next = v - 1;
	}
	for (; n - i >= 8; i += 8, sig += 8)
		if (!hex8(hex + i))
			return -1;
	for (; i < n; i++, sig++)
		if (hex_plus1[(unsigned char)hex[i]] == 0)
			return -1;
	if (sig == 0)
		return 1;
	c = __builtin_clzll(top); /* top != 0: its first digit is not 0 */
	if (sig <= 16) {
		/* the whole value is below 2^64 */
		*m = top << c;
		*e = -c;
		return 0;
	}
	/* 16 digits: c is 0..3, and the 17th digit's top c bits follow */
	*m = top << c | (uint64_t)(next >> (4 - c));
	*e = (int)(4 * sig) - c - 64;
	return 0;
}

/* c * 2^256 / B for the value B = m * 2^e read by u256_parse_top, as a
 * double. floor((2^128-1)/m) is a 65-bit integer (m has its top bit set),
 * exact up to the floor, so the result carries about 63 correct bits
 * before the single rounding to double (the truncation of B to 64 bits
 * adds at most 2^-63 relative). That margin is what makes example 4's
 * boundary floor((2^256-1)/4e9) come out as exactly 4000000000.0; plain
 * double division (53 bits) does not, and long double is only 53 bits on
 * some targets, hence integers. c is 1 or 0xFFFF, so c*q stays below 2^81. */
static double scaled_inverse(uint64_t m, int e, uint64_t c)
{
	unsigned __int128 q = ~(unsigned __int128)0 / m;

	return ldexp((double)(q * c), 256 - 128 - e);
}

/* diff_from_boundary: see sw_difficulty.h. s.7.4: hashes per share =
 * 2^256 / B. Returns 0 on bad input (no digits, more than 64 digits after
 * an optional 0x, a non-hex character) or a zero boundary. */
double diff_from_boundary(const char *hex, size_t n)
{
	uint64_t m;
	int e;

	if (u256_parse_top(hex, n, &m, &e) != 0)
		return 0;
	return scaled_inverse(m, e, 1);
}

/* diff_from_btc_target: see sw_difficulty.h. s.7.2: diff-1 target is
 * 0x00000000FFFF0000...0000 = 0xFFFF * 2^208, so diff = 0xFFFF * 2^208 / T
 * = 0xFFFF * 2^256 / T / 2^48. Returns 0 on bad input or T == 0. */
double diff_from_btc_target(const char *hex, size_t n)
{
	uint64_t m;
	int e;

	if (u256_parse_top(hex, n, &m, &e) != 0)
		return 0;
	return ldexp(scaled_inverse(m, e, 0xFFFF), -48);
}

/* hashes_per_share: see sw_difficulty.h. The dialect names are the EVE
 * "dialect" values (INTERFACE.md) plus two aliases:
 *   "cryptonote"                           d        (s.7.1: 2^64/t64 ~ d)
 *   "stratum-v1", "ethereum-stratum" (ES1) d * 2^32 (s.7.2, 7.3: the common
 *                                          convention; the exact diff-1
 *                                          factor 2^48/65535 is 0.0015% more)
 *   "eth-proxy", "ethereum-stratum-2",
 *   "eth-stratum", "boundary"              d        (s.7.4: d = 2^256/B from
 *                                          diff_from_boundary)
 * The 2^32 factor holds for SHA-256d (and Ethash via ES1) only; scrypt and
 * other algorithms have pool-specific factors (s.7.2), which callers must
 * not pass through "stratum-v1". Any other dialect ("stratum-v2",
 * "getwork-http", unknown), a NULL dialect, or d that is negative, NaN or
 * infinite returns 0, meaning "no estimate". */
double hashes_per_share(const char *dialect, double d)
{
	if (dialect == NULL || !isfinite(d) || d < 0)
		return 0;
	if (strcmp(dialect, "cryptonote") == 0)
		return d;
	if (strcmp(dialect, "stratum-v1") == 0 ||
	    strcmp(dialect, "ethereum-stratum") == 0)
		return d * 4294967296.0;
	if (strcmp(dialect, "eth-proxy") == 0 ||
	    strcmp(dialect, "ethereum-stratum-2") == 0 ||
	    strcmp(dialect, "eth-stratum") == 0 ||
	    strcmp(dialect, "boundary") == 0)
		return d;
	return 0;
}

/* hashrate_estimate: see sw_difficulty.h. s.7: work over the window from
 * the first job to the last share. Returns 0 when elapsed_s is not a
 * positive finite number or work_sum is negative or not finite. */
double hashrate_estimate(double work_sum, double elapsed_s)
{
	if (!isfinite(work_sum) || !isfinite(elapsed_s) || work_sum < 0 ||
	    elapsed_s <= 0)
		return 0;
	return work_sum / elapsed_s;
}
