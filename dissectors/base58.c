/* base58.c: Monero block Base58 and Bitcoin Base58 decoders.
 *
 * Reference: reference/stratum.md s.8.1 (Monero: 8-byte blocks, 11 chars a
 * full block, [0,2,3,5,6,7,9,10,11][n] chars for a last block of n bytes,
 * as in monero-project/monero src/common/base58.cpp) and s.8.2 (Bitcoin:
 * the whole string is one big-endian base-58 number, each leading '1' a
 * leading zero byte, as in bitcoin/bitcoin src/base58.cpp). Both share the
 * alphabet without 0, O, I and l. Neither allocates; both accept any bytes
 * (NUL, 0x80-0xff) and reject what is not in the alphabet. */
#include <stdint.h>
#include <string.h>

#include "sw_wallet.h"

/* Digit value of each byte, or -1. Built for all 256 byte values so that
 * any input byte, signed char or not, indexes inside the table. */
static const int8_t b58_digit[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1,  0,  1,  2,  3,  4,  5,  6,  7,  8, -1, -1, -1, -1, -1, -1,
	-1,  9, 10, 11, 12, 13, 14, 15, 16, -1, 17, 18, 19, 20, 21, -1,
	22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, -1, -1, -1, -1, -1,
	-1, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, -1, 44, 45, 46,
	47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

#define XMR_FULL_BLOCK_BYTES 8
#define XMR_FULL_BLOCK_CHARS 11

/* Bytes in a last Monero block of c characters, or -1 when no byte count
 * encodes to c characters (c = 1, 4 and 8 never occur). */
static int xmr_block_bytes(size_t c)
{
	static const int8_t bytes_for_chars[XMR_FULL_BLOCK_CHARS + 1] = {
		0, -1, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8,
	};
	return c <= XMR_FULL_BLOCK_CHARS ? bytes_for_chars[c] : -1;
}

/* Decode one Monero block of c chars into nbytes big-endian bytes. Returns
 * 0, or -1 on a bad character, a 64-bit overflow (an 11-char block can
 * spell up to 58^11 - 1 > 2^64) or a value too big for nbytes. */
static int xmr_block_decode(const char *s, size_t c, uint8_t *out, int nbytes)
{
	uint64_t v = 0;

	for (size_t i = 0; i < c; i++) {
		int d = b58_digit[(unsigned char)s[i]];
		if (d < 0)
			return -1;
		if (v > (UINT64_MAX - (uint64_t)d) / 58)
			return -1;
		v = v * 58 + (uint64_t)d;
	}
	if (nbytes < XMR_FULL_BLOCK_BYTES && (v >> (8 * nbytes)) != 0)
		return -1;
	for (int i = nbytes - 1; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
	return 0;
}

/* xmr_base58_decode: decode Monero block Base58 s[0..n) into out. Returns
 * the decoded length, or -1 when a character is outside the alphabet, the
 * length is not a valid block layout, a block overflows, or the result
 * would not fit in outcap (checked before anything is written). */
int xmr_base58_decode(const char *s, size_t n, uint8_t *out, size_t outcap)
{
	size_t full = n / XMR_FULL_BLOCK_CHARS;
	size_t restc = n % XMR_FULL_BLOCK_CHARS;
	int restb = xmr_block_bytes(restc);
	size_t total;

	if (restb < 0)
		return -1;
	total = full * XMR_FULL_BLOCK_BYTES + (size_t)restb;
	if (total > outcap || total > INT32_MAX)
		return -1;
	for (size_t i = 0; i < full; i++) {
		if (xmr_block_decode(s + i * XMR_FULL_BLOCK_CHARS, XMR_FULL_BLOCK_CHARS,
		    out + i * XMR_FULL_BLOCK_BYTES, XMR_FULL_BLOCK_BYTES) != 0)
			return -1;
	}
	if (restb > 0 && xmr_block_decode(s + full * XMR_FULL_BLOCK_CHARS, restc,
	    out + full * XMR_FULL_BLOCK_BYTES, restb) != 0)
		return -1;
	return (int)total;
}

/* btc_base58_decode: decode Bitcoin Base58 s[0..n) (no checksum check)
 * into out, big-endian, one zero byte per leading '1'. Returns the decoded
 * length, or -1 on a character outside the alphabet or when the result
 * exceeds outcap. Work is O(n * outcap): callers bound both (wallet.c
 * rejects strings over 128 characters before decoding). out is scratch
 * space on failure. */
int btc_base58_decode(const char *s, size_t n, uint8_t *out, size_t outcap)
{
	size_t zeros = 0, len = 0, i;

	if (outcap > INT32_MAX)
		outcap = INT32_MAX;
	while (zeros < n && s[zeros] == '1')
		zeros++;
	/* Accumulate the number little-endian in out[0..len): each digit
	 * multiplies by 58 and adds, carrying into new bytes as needed. */
	for (i = zeros; i < n; i++) {
		int d = b58_digit[(unsigned char)s[i]];
		uint32_t carry;

		if (d < 0)
			return -1;
		carry = (uint32_t)d;
		for (size_t j = 0; j < len; j++) {
			carry += (uint32_t)out[j] * 58;
			out[j] = (uint8_t)carry;
			carry >>= 8;
		}
		while (carry != 0) {
			if (len >= outcap)
				return -1;
			out[len++] = (uint8_t)carry;
			carry >>= 8;
		}
	}
	if (zeros > outcap - len)
		return -1;
	/* Reverse to big-endian, then make room for the leading zeros. */
	for (i = 0; i < len / 2; i++) {
		uint8_t t = out[i];
		out[i] = out[len - 1 - i];
		out[len - 1 - i] = t;
	}
	if (zeros > 0) {
		memmove(out + zeros, out, len);
		memset(out, 0, zeros);
	}
	return (int)(zeros + len);
}
