/* wallet-cache.h: remembered wallet_classify results.
 *
 * The same wallet logs in from many sessions (a botnet, a rig farm), and
 * checking a Monero address costs a base58 decode and a Keccak-256 (about
 * 10,000 instructions). wallet_classify_cached() answers a string seen
 * before from a small per-thread table, and calls wallet_classify() on a
 * miss. The result is the same either way: an entry is used only when its
 * whole key equals s[0..n). */
#ifndef SW_WALLET_CACHE_H
#define SW_WALLET_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "sw_wallet.h"

/* Entries per thread, in sets of two: a string replaces the one of its
 * set used less recently. (Direct-mapped, two of a botnet's twenty-odd
 * logins shared a slot and evicted each other at every session, a
 * Keccak each time: the birthday odds of 20 keys in 256 slots are
 * one in two.) 256 entries of ~170 bytes: about 44 KiB. */
#define WALLET_CACHE_SLOTS 256
#define WALLET_CACHE_WAYS 2
/* Longer strings are not cached (wallet_classify rejects anything past
 * its 128-character limit before decoding, so they are cheap anyway). */
#define WALLET_CACHE_KEY_MAX 128

/* As wallet_classify(s, n, w). */
int wallet_classify_cached(const char *s, size_t n, struct sw_wallet *w);

/* This thread's calls of wallet_classify() through the cache so far:
 * misses and strings too long to cache (for tests and profiles). */
uint64_t wallet_cache_misses(void);

#endif
