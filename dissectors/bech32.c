/* bech32.c: Bech32 (BIP 173) and Bech32m (BIP 350) strings, SegWit addresses.
 *
 * Reference: bitcoin/bips bip-0173.mediawiki ("Bech32", "Segwit address
 * format") and bip-0350.mediawiki (the Bech32m constant 0x2bc830a3, and
 * "witness version 0 uses Bech32, 1..16 use Bech32m"). The checks follow the
 * BIPs' decoding rules: at most 90 characters, HRP characters 33..126, no
 * mixed case, the last '1' separates a non-empty HRP from at least 6 data
 * characters, and the checksum is computed over the lowercased HRP. */
#include <stdint.h>
#include <string.h>

#include "sw_wallet.h"

#define BECH32_MAX_LEN 90
#define BECH32_CHECKSUM_LEN 6
#define BECH32_CONST 1u
#define BECH32M_CONST 0x2bc830a3u

/* Value of each charset character (lowercase), or -1. */
static int8_t bech32_value(unsigned char c)
{
	static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
	if (c >= 'A' && c <= 'Z')
		c = (unsigned char)(c - 'A' + 'a');
	for (int i = 0; i < 32; i++)
		if ((unsigned char)charset[i] == c)
			return (int8_t)i;
	return -1;
}

static uint32_t bech32_polymod_step(uint32_t pre)
{
	uint8_t b = (uint8_t)(pre >> 25);
	return ((pre & 0x1ffffff) << 5) ^
	    (-((b >> 0) & 1) & 0x3b6a57b2u) ^
	    (-((b >> 1) & 1) & 0x26508e6du) ^
	    (-((b >> 2) & 1) & 0x1ea119fau) ^
	    (-((b >> 3) & 1) & 0x3d4233ddu) ^
	    (-((b >> 4) & 1) & 0x2a1462b3u);
}

static unsigned char to_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* bech32_decode: validate the Bech32/Bech32m string s[0..n). On success
 * copies the lowercased HRP, NUL-terminated, to hrp (hrpcap bytes incl.
 * NUL) and the data part's 5-bit values without the checksum to
 * data[0..*datalen) (datacap values; data may be NULL when datacap is 0 and
 * the caller does not want them), and returns 1 for Bech32, 2 for Bech32m.
 * Returns 0 for anything invalid, including an HRP or data part that does
 * not fit the caller's buffers; hrp and data are then unspecified. */
int bech32_decode(const char *s, size_t n, char *hrp, size_t hrpcap,
    uint8_t *data, size_t datacap, size_t *datalen)
{
	size_t sep = 0, i;
	int have_sep = 0, lower = 0, upper = 0;
	uint32_t chk = 1;

	if (n < 8 || n > BECH32_MAX_LEN)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 33 || c > 126)
			return 0;
		if (c >= 'a' && c <= 'z')
			lower = 1;
		if (c >= 'A' && c <= 'Z')
			upper = 1;
		if (c == '1') {
			sep = i;
			have_sep = 1;
		}
	}
	if (lower && upper)
		return 0;
	if (!have_sep || sep == 0 || n - sep - 1 < BECH32_CHECKSUM_LEN)
		return 0;
	if (sep + 1 > hrpcap)
		return 0;
	if (n - sep - 1 - BECH32_CHECKSUM_LEN > datacap)
		return 0;

	/* HRP expansion: high bits of each char, a zero, then low bits. */
	for (i = 0; i < sep; i++)
		chk = bech32_polymod_step(chk) ^ (to_lower((unsigned char)s[i]) >> 5);
	chk = bech32_polymod_step(chk);
	for (i = 0; i < sep; i++) {
		unsigned char c = to_lower((unsigned char)s[i]);
		chk = bech32_polymod_step(chk) ^ (c & 0x1f);
		hrp[i] = (char)c;
	}
	hrp[sep] = '\0';

	for (i = sep + 1; i < n; i++) {
		int8_t v = bech32_value((unsigned char)s[i]);
		if (v < 0)
			return 0;
		chk = bech32_polymod_step(chk) ^ (uint32_t)v;
		if (i < n - BECH32_CHECKSUM_LEN)
			data[i - sep - 1] = (uint8_t)v;
	}
	if (datalen != NULL)
		*datalen = n - sep - 1 - BECH32_CHECKSUM_LEN;
	if (chk == BECH32_CONST)
		return 1;
	if (chk == BECH32M_CONST)
		return 2;
	return 0;
}

/* bech32_verify: bech32_decode without the data part. Returns 1 (Bech32),
 * 2 (Bech32m) or 0; the lowercased HRP is copied to hrp. */
int bech32_verify(const char *s, size_t n, char *hrp, size_t hrpcap)
{
	uint8_t data[BECH32_MAX_LEN];

	return bech32_decode(s, n, hrp, hrpcap, data, sizeof(data), NULL);
}

/* Regroup 5-bit values into bytes (BIP 173 convertbits(5, 8, pad=False)):
 * at most 4 bits of padding, and they must be zero. Returns the byte count
 * or -1. */
static int bits5_to_bytes(const uint8_t *in, size_t n, uint8_t *out, size_t outcap)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		acc = ((acc << 5) | in[i]) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (len >= outcap)
				return -1;
			out[len++] = (uint8_t)(acc >> bits);
		}
	}
	if (bits >= 5 || ((acc << (8 - bits)) & 0xff) != 0)
		return -1;
	return (int)len;
}

/* segwit_decode: decode the SegWit address s[0..n) (BIP 173 / BIP 350).
 * Returns the witness version 0..16 and copies the witness program to
 * prog[0..*proglen) (progcap >= 40 suffices), or -1 when the string is not
 * valid Bech32/Bech32m, its HRP is not expected_hrp (lowercase), the
 * variant is wrong for the version (v0 must be Bech32, v1..16 Bech32m), the
 * version exceeds 16, the padding is bad, or the program length is not
 * 2..40 bytes (v0: exactly 20 or 32). */
int segwit_decode(const char *s, size_t n, const char *expected_hrp,
    uint8_t *prog, size_t progcap, size_t *proglen)
{
	char hrp[BECH32_MAX_LEN];
	uint8_t data[BECH32_MAX_LEN];
	size_t dlen = 0;
	int variant, plen;

	variant = bech32_decode(s, n, hrp, sizeof(hrp), data, sizeof(data), &dlen);
	if (variant == 0 || dlen < 1 || strcmp(hrp, expected_hrp) != 0)
		return -1;
	if (data[0] > 16)
		return -1;
	if ((data[0] == 0) != (variant == 1))
		return -1;
	plen = bits5_to_bytes(data + 1, dlen - 1, prog, progcap);
	if (plen < 2 || plen > 40)
		return -1;
	if (data[0] == 0 && plen != 20 && plen != 32)
		return -1;
	*proglen = (size_t)plen;
	return data[0];
}
