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

#define WALLET_CACHE_SETS (WALLET_CACHE_SLOTS / WALLET_CACHE_WAYS)
_Static_assert(WALLET_CACHE_SETS * WALLET_CACHE_WAYS == WALLET_CACHE_SLOTS &&
    WALLET_CACHE_WAYS == 2, "the replacement below is for two ways");

struct wallet_cache {
	struct wallet_cache_entry e[WALLET_CACHE_SLOTS]; /* set i: 2i, 2i+1 */
	uint8_t lru[WALLET_CACHE_SETS]; /* the way to replace next */
	uint64_t misses;
};

/* Per thread, so no lock: each worker has its own, allocated at its
 * first lookup (other threads pay nothing) and kept. */
static _Thread_local struct wallet_cache *wallet_cache;
static _Thread_local uint64_t wallet_cache_uncached;

/* Set for s[0..n), 0 < n <= WALLET_CACHE_KEY_MAX. The length and the first
 * and last eight bytes: addresses of one kind share their first bytes and
 * length, and their last bytes carry the checksum, which varies. */
static unsigned wallet_cache_set(const char *s, size_t n)
{
	uint64_t a = 0, b = 0, h;

	memcpy(&a, s, n < 8 ? n : 8);
	memcpy(&b, s + (n < 8 ? 0 : n - 8), n < 8 ? n : 8);
	h = (a * 0x9e3779b97f4a7c15ULL) ^ (b + n) * 0xc2b2ae3d27d4eb4fULL;
	return (unsigned)(h >> 56) % WALLET_CACHE_SETS;
}

static int entry_is(const struct wallet_cache_entry *e, const char *s, size_t n)
{
	return e->used && e->len == n && memcmp(e->key, s, n) == 0;
}

int wallet_classify_cached(const char *s, size_t n, struct sw_wallet *w)
{
	struct wallet_cache_entry *e;
	unsigned set, way;

	if (s == NULL || n == 0 || n > WALLET_CACHE_KEY_MAX) {
		wallet_cache_uncached++;
		return wallet_classify(s, n, w);
	}
	if (wallet_cache == NULL &&
	    (wallet_cache = calloc(1, sizeof(*wallet_cache))) == NULL) {
		wallet_cache_uncached++;
		return wallet_classify(s, n, w); /* out of memory: uncached */
	}
	set = wallet_cache_set(s, n);
	for (way = 0; way < WALLET_CACHE_WAYS; way++) {
		e = &wallet_cache->e[set * WALLET_CACHE_WAYS + way];
		if (entry_is(e, s, n)) {
			wallet_cache->lru[set] = (uint8_t)(way ^ 1);
			*w = e->w;
			return e->result;
		}
	}
	way = wallet_cache->lru[set];
	wallet_cache->lru[set] = (uint8_t)(way ^ 1);
	wallet_cache->misses++;
	e = &wallet_cache->e[set * WALLET_CACHE_WAYS + way];
	e->result = wallet_classify(s, n, w);
	e->w = *w;
	e->len = (uint8_t)n;
	memcpy(e->key, s, n);
	e->used = 1;
	return e->result;
}

uint64_t wallet_cache_misses(void)
{
	return (wallet_cache != NULL ? wallet_cache->misses : 0) + wallet_cache_uncached;
}
