/* keccak.c: original Keccak-256 (Keccak-f[1600], rate 1088, padding 0x01).
 *
 * Reference: the Keccak team's submission ("The Keccak reference", v3.0,
 * sections 1.2 and 5.1) as used by Monero address checksums and Ethereum's
 * EIP-55; reference/stratum.md s.8.1. This is NOT NIST SHA3-256, which pads
 * with 0x06: Keccak256("") = c5d24601..., SHA3-256("") = a7ffc6f8... */
#include <stdint.h>
#include <string.h>

#include "sw_wallet.h"

#define KECCAK_ROUNDS 24
#define KECCAK256_RATE 136 /* bytes: (1600 - 2*256) / 8 */

static const uint64_t keccak_rc[KECCAK_ROUNDS] = {
	0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
	0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
	0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
	0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
	0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
	0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
	0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
	0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* Rotation offsets and the pi permutation, in the order the combined
 * rho+pi step walks the lanes (starting from lane 1). */
static const unsigned keccak_rotc[24] = {
	1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14,
	27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44,
};
static const unsigned keccak_piln[24] = {
	10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4,
	15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1,
};

static inline uint64_t rotl64(uint64_t x, unsigned n)
{
	return (x << n) | (x >> (64 - n)); /* n is never 0 here */
}

/* Keccak-f[1600] on 25 little-endian lanes, in place. */
static void keccak_f1600(uint64_t st[25])
{
	uint64_t bc[5], t;

	/* the column and row steps are written out: with (i + 1) % 5
	 * indexing the compiler kept the divisions, and a Monero address
	 * check cost 28,000 instructions per permutation */
	for (int round = 0; round < KECCAK_ROUNDS; round++) {
		uint64_t d0, d1, d2, d3, d4;

		/* theta */
		for (int i = 0; i < 5; i++)
			bc[i] = st[i] ^ st[i + 5] ^ st[i + 10] ^ st[i + 15] ^ st[i + 20];
		d0 = bc[4] ^ rotl64(bc[1], 1);
		d1 = bc[0] ^ rotl64(bc[2], 1);
		d2 = bc[1] ^ rotl64(bc[3], 1);
		d3 = bc[2] ^ rotl64(bc[4], 1);
		d4 = bc[3] ^ rotl64(bc[0], 1);
		for (int j = 0; j < 25; j += 5) {
			st[j] ^= d0;
			st[j + 1] ^= d1;
			st[j + 2] ^= d2;
			st[j + 3] ^= d3;
			st[j + 4] ^= d4;
		}
		/* rho and pi */
		t = st[1];
		for (int i = 0; i < 24; i++) {
			unsigned j = keccak_piln[i];
			uint64_t tmp = st[j];
			st[j] = rotl64(t, keccak_rotc[i]);
			t = tmp;
		}
		/* chi */
		for (int j = 0; j < 25; j += 5) {
			uint64_t a0 = st[j], a1 = st[j + 1], a2 = st[j + 2];
			uint64_t a3 = st[j + 3], a4 = st[j + 4];

			st[j] = a0 ^ (~a1 & a2);
			st[j + 1] = a1 ^ (~a2 & a3);
			st[j + 2] = a2 ^ (~a3 & a4);
			st[j + 3] = a3 ^ (~a4 & a0);
			st[j + 4] = a4 ^ (~a0 & a1);
		}
		/* iota */
		st[0] ^= keccak_rc[round];
	}
}

/* XOR len (<= rate) bytes into the state, lane by lane, little-endian, so
 * the result does not depend on the host's byte order. */
static void keccak_absorb(uint64_t st[25], const uint8_t *in, size_t len)
{
	size_t i = 0;

	for (; i + 8 <= len; i += 8)
		st[i / 8] ^= (uint64_t)in[i] | (uint64_t)in[i + 1] << 8 |
		    (uint64_t)in[i + 2] << 16 | (uint64_t)in[i + 3] << 24 |
		    (uint64_t)in[i + 4] << 32 | (uint64_t)in[i + 5] << 40 |
		    (uint64_t)in[i + 6] << 48 | (uint64_t)in[i + 7] << 56;
	for (; i < len; i++)
		st[i / 8] ^= (uint64_t)in[i] << (8 * (i % 8));
}

/* keccak256: hash in[0..n) with the original Keccak padding (pad10*1 with
 * domain byte 0x01) and write the 32-byte digest to out. in may be NULL
 * when n is 0. No allocation; work is linear in n. */
void keccak256(const uint8_t *in, size_t n, uint8_t out[32])
{
	uint64_t st[25];
	uint8_t last[KECCAK256_RATE];

	memset(st, 0, sizeof(st));
	while (n >= KECCAK256_RATE) {
		keccak_absorb(st, in, KECCAK256_RATE);
		keccak_f1600(st);
		in += KECCAK256_RATE;
		n -= KECCAK256_RATE;
	}
	/* Final block: the remainder, then 0x01 ... 0x80 (the two may share
	 * a byte, giving 0x81, when the remainder is rate-1 bytes long). */
	memset(last, 0, sizeof(last));
	if (n > 0)
		memcpy(last, in, n);
	last[n] ^= 0x01;
	last[KECCAK256_RATE - 1] ^= 0x80;
	keccak_absorb(st, last, KECCAK256_RATE);
	keccak_f1600(st);

	for (size_t i = 0; i < 32; i++)
		out[i] = (uint8_t)(st[i / 8] >> (8 * (i % 8)));
}
