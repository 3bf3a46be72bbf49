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

/* rho and pi are combined and written out below, in the order they walk
 * the lanes (starting from lane 1): lane 10 gets rotation 1, then 7 (3),
 * 11 (6), 17 (10), 18 (15), 3 (21), 5 (28), 16 (36), 8 (45), 21 (55),
 * 24 (2), 4 (14), 15 (27), 23 (41), 19 (56), 13 (8), 12 (25), 2 (43),
 * 20 (62), 14 (18), 22 (39), 9 (61), 6 (20), 1 (44). */

static inline uint64_t rotl64(uint64_t x, unsigned n)
{
	return (x << n) | (x >> (64 - n)); /* n is never 0 here */
}

/* Keccak-f[1600] on 25 little-endian lanes, in place. */
static void keccak_f1600(uint64_t st[25])
{
	uint64_t bc[5], t, u;

	/* the column and row steps are written out: with (i + 1) % 5
	 * indexing the compiler kept the divisions, and a Monero address
	 * check cost 28,000 instructions per permutation; rho and pi too:
	 * through the two tables it still cost 12,000 */
	for (int round = 0; round < KECCAK_ROUNDS; round++) {
		uint64_t d0, d1, d2, d3, d4;

		/* theta */
		bc[0] = st[0] ^ st[5] ^ st[10] ^ st[15] ^ st[20];
		bc[1] = st[1] ^ st[6] ^ st[11] ^ st[16] ^ st[21];
		bc[2] = st[2] ^ st[7] ^ st[12] ^ st[17] ^ st[22];
		bc[3] = st[3] ^ st[8] ^ st[13] ^ st[18] ^ st[23];
		bc[4] = st[4] ^ st[9] ^ st[14] ^ st[19] ^ st[24];
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
		/* rho and pi (the order above) */
		t = st[1];
		u = st[10]; st[10] = rotl64(t, 1); t = u;
		u = st[7]; st[7] = rotl64(t, 3); t = u;
		u = st[11]; st[11] = rotl64(t, 6); t = u;
		u = st[17]; st[17] = rotl64(t, 10); t = u;
		u = st[18]; st[18] = rotl64(t, 15); t = u;
		u = st[3]; st[3] = rotl64(t, 21); t = u;
		u = st[5]; st[5] = rotl64(t, 28); t = u;
		u = st[16]; st[16] = rotl64(t, 36); t = u;
		u = st[8]; st[8] = rotl64(t, 45); t = u;
		u = st[21]; st[21] = rotl64(t, 55); t = u;
		u = st[24]; st[24] = rotl64(t, 2); t = u;
		u = st[4]; st[4] = rotl64(t, 14); t = u;
		u = st[15]; st[15] = rotl64(t, 27); t = u;
		u = st[23]; st[23] = rotl64(t, 41); t = u;
		u = st[19]; st[19] = rotl64(t, 56); t = u;
		u = st[13]; st[13] = rotl64(t, 8); t = u;
		u = st[12]; st[12] = rotl64(t, 25); t = u;
		u = st[2]; st[2] = rotl64(t, 43); t = u;
		u = st[20]; st[20] = rotl64(t, 62); t = u;
		u = st[14]; st[14] = rotl64(t, 18); t = u;
		u = st[22]; st[22] = rotl64(t, 39); t = u;
		u = st[9]; st[9] = rotl64(t, 61); t = u;
		u = st[6]; st[6] = rotl64(t, 20); t = u;
		u = st[1]; st[1] = rotl64(t, 44); t = u;
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
