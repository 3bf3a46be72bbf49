/* sw_difficulty.h: share difficulty and hashrate, reference/stratum.md s.7.
 *
 * All functions are pure and validate their input; on malformed input they
 * return 0 (or a negative value where noted) instead of guessing. */
#ifndef SW_DIFFICULTY_H
#define SW_DIFFICULTY_H

#include <stddef.h>
#include <stdint.h>

/* CryptoNote job target, little-endian hex of 4 bytes (8 hex) or 8 bytes
 * (16 hex). 4-byte t: diff = floor((2^32-1)/t) ... exactly as s.7.1 states;
 * 8-byte t: floor((2^64-1)/t). Returns 0 on bad input or t == 0. */
uint64_t diff_from_xmr_target(const char *hex, size_t n);

/* CryptoNote submit "result" (64 hex): share difficulty from its last 8
 * bytes read as little-endian h: floor((2^64-1)/h). 0 on bad input. */
uint64_t diff_from_xmr_result(const char *hex, size_t n);

/* A 256-bit big-endian boundary/target in hex (with or without 0x, leading
 * zeros possibly dropped as ES2 does; left-padded to 64 digits):
 * diff = 2^256 / boundary (Ethereum) as a double; 0 on bad input. */
double diff_from_boundary(const char *hex, size_t n);

/* Bitcoin-style target to difficulty against the diff-1 target
 * 0x00000000ffff0000...: diff = diff1 / target; 0 on bad input. */
double diff_from_btc_target(const char *hex, size_t n);

/* Hashes represented by one share of difficulty d in a dialect:
 * CryptoNote 1, Bitcoin-style (V1, ES1) 2^32, Ethereum boundary 1. */
double hashes_per_share(const char *dialect, double d);

/* Hashrate estimate: sum of accepted share work / elapsed seconds. */
double hashrate_estimate(double work_sum, double elapsed_s);

#endif
