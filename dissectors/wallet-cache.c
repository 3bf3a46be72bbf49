/* wallet-cache.c: see wallet-cache.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wallet-cache.h"

struct wallet_cache_entry {
	uint8_t used;
	uint8_t len;
	int result;
	struct sw_wallet w;
	char key[WALLET_CACHE_KEY_MAX];
};

/* Per thread, so no lock: each worker has its own, allocated at its
 * first lookup (other threads pay nothing) and kept. */
static _Thread_local struct wallet_cache_entry *wallet_cache;

/* Slot for s[0..n), 0 < n <= WALLET_CACHE_KEY_MAX. The length and the first
 * and last eight bytes: addresses of one kind share their first bytes and
 * length, and their last bytes carry the checksum, which varies. */
static unsigned wallet_cache_slot(const char *s, size_t n)
{
	uint64_t a = 0, b = 0, h;

	memcpy(&a, s, n < 8 ? n : 8);
	memcpy(&b, s + (n < 8 ? 0 : n - 8), n < 8 ? n : 8);
	h = (a * 0x9e3779b97f4a7c15ULL) ^ (b + n) * 0xc2b2ae3d27d4eb4fULL;
	return (unsigned)(h >> 56) % WALLET_CACHE_SLOTS;
}

int wallet_classify_cached(const char *s, size_t n, struct sw_wallet *w)
{
	struct wallet_cache_entry *e;

	if (s == NULL || n == 0 || n > WALLET_CACHE_KEY_MAX)
		return wallet_classify(s, n, w);
	if (wallet_cache == NULL &&
	    (wallet_cache = calloc(WALLET_CACHE_SLOTS, sizeof(*wallet_cache))) == NULL)
		return wallet_classify(s, n, w); /* out of memory: uncached */
	e = &wallet_cache[wallet_cache_slot(s, n)];
	if (e->used && e->len == n && memcmp(e->key, s, n) == 0) {
		*w = e->w;
		return e->result;
	}
	e->result = wallet_classify(s, n, w);
	e->w = *w;
	e->len = (uint8_t)n;
	memcpy(e->key, s, n);
	e->used = 1;
	return e->result;
}
