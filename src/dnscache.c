/* dnscache.c: (client, address) -> resolved name, bounded (dnscache.h).
 *
 * Two chained hash tables over one entry pool: by (client, address) and by
 * address alone (the "any client" fallback). Entries sit on one FIFO list by
 * insertion; the head is dropped at the cap or when found expired.
 *
 * Memory: an entry is one allocation holding its names (the final name only
 * when the CNAME chain led elsewhere), and the bucket arrays start small and
 * double as entries outnumber buckets, up to the cap's size: a node that
 * resolves 12,000 names holds 1.3 MB, not the 3 MB of separate name copies
 * and arrays sized for dns_cache_max. */
#include <stdlib.h>
#include <string.h>

#include "dnscache.h"

#define DC_MIN_TTL 60u
#define DC_MAX_TTL 86400u

struct dc_entry {
	struct dc_entry *next_pair, *next_addr;  /* hash chains */
	/* the pointer that points at this entry in each chain: unlinking is
	 * O(1) even when thousands of clients resolved the same pool address
	 * (one by_addr chain), which a walk made quadratic */
	struct dc_entry **pprev_pair, **pprev_addr;
	struct dc_entry *older, *newer;          /* FIFO */
	uint8_t client[16], addr[16];
	uint64_t expires;
	uint32_t rr_off;           /* final name at names + rr_off; 0: the question */
	char names[];              /* the question name, NUL, [the final name, NUL] */
};

#define DC_BUCKETS_MIN 256u

struct sw_dnscache {
	struct dc_entry **by_pair, **by_addr;
	uint32_t mask;
	uint32_t buckets_max;      /* the arrays stop doubling here */
	size_t count, max;
	uint64_t evicted;
	struct dc_entry *oldest, *newest;
};

static uint32_t h16(const uint8_t *a, uint64_t seed)
{
	uint64_t x, y;

	memcpy(&x, a, 8);
	memcpy(&y, a + 8, 8);
	x = (x ^ seed) * 0x9e3779b97f4a7c15ULL;
	x ^= (y + 0x632be59bd9b4e019ULL) * 0xc2b2ae3d27d4eb4fULL;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	return (uint32_t)(x >> 32);
}

static uint32_t pair_hash(const uint8_t *client, const uint8_t *addr)
{
	return h16(addr, h16(client, 1));
}

struct sw_dnscache *dnscache_new(size_t max_entries)
{
	struct sw_dnscache *c = calloc(1, sizeof(*c));
	size_t nb = DC_BUCKETS_MIN;

	if (c == NULL)
		return NULL;
	while (nb < max_entries && nb < ((size_t)1 << 22))
		nb <<= 1;
	c->buckets_max = (uint32_t)nb;
	c->by_pair = calloc(DC_BUCKETS_MIN, sizeof(*c->by_pair));
	c->by_addr = calloc(DC_BUCKETS_MIN, sizeof(*c->by_addr));
	if (c->by_pair == NULL || c->by_addr == NULL) {
		dnscache_free(c);
		return NULL;
	}
	c->mask = DC_BUCKETS_MIN - 1;
	c->max = max_entries;
	return c;
}

static void chain(struct sw_dnscache *c, struct dc_entry *e)
{
	uint32_t hp = pair_hash(e->client, e->addr) & c->mask, ha = h16(e->addr, 2) & c->mask;

	e->next_pair = c->by_pair[hp];
	e->pprev_pair = &c->by_pair[hp];
	if (e->next_pair != NULL)
		e->next_pair->pprev_pair = &e->next_pair;
	c->by_pair[hp] = e;
	e->next_addr = c->by_addr[ha];
	e->pprev_addr = &c->by_addr[ha];
	if (e->next_addr != NULL)
		e->next_addr->pprev_addr = &e->next_addr;
	c->by_addr[ha] = e;
}

/* Twice the buckets, every entry rechained oldest first so that each
 * chain still starts with its newest entry (the "any client" lookup takes
 * the newest answer). Out of memory: keep the arrays we have. */
static void grow(struct sw_dnscache *c)
{
	uint32_t nb = (c->mask + 1) * 2;
	struct dc_entry **bp = calloc(nb, sizeof(*bp)), **ba = calloc(nb, sizeof(*ba));
	struct dc_entry *e;

	if (bp == NULL || ba == NULL) {
		free(bp);
		free(ba);
		return;
	}
	free(c->by_pair);
	free(c->by_addr);
	c->by_pair = bp;
	c->by_addr = ba;
	c->mask = nb - 1;
	for (e = c->oldest; e != NULL; e = e->newer)
		chain(c, e);
}

static void unchain(struct dc_entry *e)
{
	*e->pprev_pair = e->next_pair;
	if (e->next_pair != NULL)
		e->next_pair->pprev_pair = e->pprev_pair;
	*e->pprev_addr = e->next_addr;
	if (e->next_addr != NULL)
		e->next_addr->pprev_addr = e->pprev_addr;
}

static void drop(struct sw_dnscache *c, struct dc_entry *e)
{
	unchain(e);
	if (e->older)
		e->older->newer = e->newer;
	else
		c->oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		c->newest = e->older;
	free(e);
	c->count--;
}

void dnscache_free(struct sw_dnscache *c)
{
	if (c == NULL)
		return;
	while (c->oldest != NULL)
		drop(c, c->oldest);
	free(c->by_pair);
	free(c->by_addr);
	free(c);
}

void dnscache_add(struct sw_dnscache *c, const uint8_t client[16], const uint8_t addr[16],
    const char *qname, const char *rrname, uint32_t ttl, uint64_t now)
{
	uint32_t hp = pair_hash(client, addr) & c->mask;
	size_t qlen, rlen;
	struct dc_entry *e;

	if (c->max == 0)
		return;
	if (ttl < DC_MIN_TTL)
		ttl = DC_MIN_TTL;
	if (ttl > DC_MAX_TTL)
		ttl = DC_MAX_TTL;
	for (e = c->by_pair[hp]; e != NULL; e = e->next_pair)
		if (memcmp(e->client, client, 16) == 0 && memcmp(e->addr, addr, 16) == 0) {
			drop(c, e); /* replaced by the newer answer below */
			break;
		}
	while (c->oldest != NULL && (c->count >= c->max || c->oldest->expires <= now)) {
		if (c->oldest->expires > now)
			c->evicted++;
		drop(c, c->oldest);
	}
	qlen = strlen(qname);
	rlen = rrname != NULL && strcmp(rrname, qname) != 0 ? strlen(rrname) : 0;
	e = malloc(sizeof(*e) + qlen + 1 + (rlen > 0 ? rlen + 1 : 0));
	if (e == NULL)
		return;
	memset(e, 0, sizeof(*e));
	memcpy(e->names, qname, qlen + 1);
	if (rlen > 0) {
		e->rr_off = (uint32_t)(qlen + 1);
		memcpy(e->names + e->rr_off, rrname, rlen + 1);
	}
	memcpy(e->client, client, 16);
	memcpy(e->addr, addr, 16);
	e->expires = now + (uint64_t)ttl * 1000000ULL;
	chain(c, e);
	e->older = c->newest;
	if (c->newest)
		c->newest->newer = e;
	else
		c->oldest = e;
	c->newest = e;
	c->count++;
	if (c->count > c->mask + 1 && c->mask + 1 < c->buckets_max)
		grow(c);
}

const char *dnscache_lookup(struct sw_dnscache *c, const uint8_t client[16],
    const uint8_t addr[16], uint64_t now, const char **rrname)
{
	struct dc_entry *e;

	for (e = c->by_pair[pair_hash(client, addr) & c->mask]; e != NULL; e = e->next_pair)
		if (e->expires > now && memcmp(e->client, client, 16) == 0 &&
		    memcmp(e->addr, addr, 16) == 0)
			goto found;
	for (e = c->by_addr[h16(addr, 2) & c->mask]; e != NULL; e = e->next_addr)
		if (e->expires > now && memcmp(e->addr, addr, 16) == 0)
			goto found;
	return NULL;
found:
	if (rrname != NULL)
		*rrname = e->names + e->rr_off;
	return e->names;
}

size_t dnscache_count(const struct sw_dnscache *c)
{
	return c->count;
}

uint64_t dnscache_evicted(const struct sw_dnscache *c)
{
	return c->evicted;
}
