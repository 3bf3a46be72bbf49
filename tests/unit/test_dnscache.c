/* test_dnscache.c: the (client, address) -> name cache (src/dnscache.c).
 *
 * Lookups by pair and by address alone, expiry on packet time, TTL clamps,
 * replacement of a pair, CNAME final names, and the cap, checked against a
 * plain array model through 20,000 seeded operations where many clients
 * share a few addresses (a cluster's pods resolving the same pool: one long
 * by-address chain, which entries leave from the middle and the end), and
 * again with a cap large enough that the bucket arrays double on the way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnscache.h"
#include "sw_test.h"

#define SEC 1000000ULL

static void addr4(uint8_t a[16], unsigned v)
{
	memset(a, 0, 16);
	a[0] = 10;
	a[1] = (uint8_t)(v >> 16);
	a[2] = (uint8_t)(v >> 8);
	a[3] = (uint8_t)v;
}

static void test_basic(void)
{
	struct sw_dnscache *c = dnscache_new(4);
	uint8_t cl[16], cl2[16], ad[16];
	const char *rr = NULL, *q;

	FAIL_IF(c == NULL);
	addr4(cl, 1);
	addr4(cl2, 2);
	addr4(ad, 100);
	dnscache_add(c, cl, ad, "pool.example", "edge.cdn.example", 0, 0);
	q = dnscache_lookup(c, cl, ad, 59 * SEC, &rr);
	EXPECT_STREQ(q ? q : "(null)", "pool.example");
	EXPECT_STREQ(rr ? rr : "(null)", "edge.cdn.example");
	/* TTL 0 is clamped to 60 s */
	FAIL_UNLESS(dnscache_lookup(c, cl, ad, 60 * SEC, NULL) == NULL);
	/* another client: the "any client" fallback */
	dnscache_add(c, cl, ad, "pool.example", NULL, 3600, 100 * SEC);
	q = dnscache_lookup(c, cl2, ad, 101 * SEC, &rr);
	EXPECT_STREQ(q ? q : "(null)", "pool.example");
	EXPECT_STREQ(rr ? rr : "(null)", "pool.example");
	/* the same pair answered again: replaced, not duplicated */
	dnscache_add(c, cl, ad, "other.example", NULL, 3600, 102 * SEC);
	EXPECT_EQ_U64(dnscache_count(c), 1);
	q = dnscache_lookup(c, cl, ad, 103 * SEC, NULL);
	EXPECT_STREQ(q ? q : "(null)", "other.example");
	dnscache_free(c);
}

/* The model: every live entry, oldest first. */
struct ent {
	unsigned client, addr;
	uint64_t expires;
	char name[16], rrname[16];
};

/* max: the cache's cap; clients: how many; addrs: how many answer addresses
 * they share
 * (few: long by-address chains); step: the most packet time between two
 * operations (small: the cache fills to the cap, its buckets double from
 * 256 up to the cap's size, and entries must keep their chain order). */
static void test_model(size_t max, unsigned clients, unsigned addrs, uint64_t step)
{
	enum { OPS = 20000 };
	struct ent *m = calloc(max + 1, sizeof(*m));
	struct sw_dnscache *c = dnscache_new(max);
	size_t n = 0, i, n_max = 0;
	uint64_t now = 0, evicted = 0;
	unsigned seed = 12345;
	int op;

	FAIL_IF(c == NULL || m == NULL);
	for (op = 0; op < OPS; op++) {
		unsigned cli, ad, ttl;
		uint8_t ca[16], aa[16];

		seed = seed * 1103515245u + 12345u;
		cli = (seed >> 8) % clients;
		ad = (seed >> 20) % addrs;
		ttl = 60 + (seed >> 4) % 600;
		now += (seed >> 12) % step;
		addr4(ca, cli);
		addr4(aa, 1000 + ad);
		if ((seed >> 3) & 1) {
			char name[16], rrname[16];

			snprintf(name, sizeof(name), "n%d", op);
			/* every third answer came through a CNAME chain */
			snprintf(rrname, sizeof(rrname), op % 3 == 0 ? "c%d" : "n%d", op);
			dnscache_add(c, ca, aa, name, op % 3 == 0 ? rrname : NULL, ttl, now);
			/* the model: drop the same pair, then expired and
			 * over-cap entries from the oldest, then append */
			for (i = 0; i < n; i++)
				if (m[i].client == cli && m[i].addr == ad) {
					memmove(&m[i], &m[i + 1], (n - i - 1) * sizeof(m[0]));
					n--;
					break;
				}
			while (n > 0 && (n >= max || m[0].expires <= now)) {
				if (m[0].expires > now)
					evicted++;
				memmove(&m[0], &m[1], (n - 1) * sizeof(m[0]));
				n--;
			}
			m[n].client = cli;
			m[n].addr = ad;
			m[n].expires = now + (uint64_t)ttl * SEC;
			snprintf(m[n].name, sizeof(m[n].name), "%s", name);
			snprintf(m[n].rrname, sizeof(m[n].rrname), "%s", rrname);
			n++;
			if (n > n_max)
				n_max = n;
		} else {
			const char *rr = NULL, *q = dnscache_lookup(c, ca, aa, now, &rr);
			const struct ent *want = NULL;

			for (i = n; i-- > 0 && want == NULL;)
				if (m[i].client == cli && m[i].addr == ad && m[i].expires > now)
					want = &m[i];
			for (i = n; i-- > 0 && want == NULL;)
				if (m[i].addr == ad && m[i].expires > now)
					want = &m[i];
			EXPECT_STREQ(q ? q : "(null)", want ? want->name : "(null)");
			if (q != NULL && want != NULL)
				EXPECT_STREQ(rr ? rr : "(null)", want->rrname);
		}
		EXPECT_EQ_U64(dnscache_count(c), n);
	}
	EXPECT_EQ_U64(dnscache_evicted(c), evicted);
	/* the run must have reached what it was meant to test */
	FAIL_UNLESS(n_max == max);
	dnscache_free(c);
	free(m);
}

int main(void)
{
	test_basic();
	test_model(64, 200, 3, 5 * SEC);
	test_model(3000, 5000, 3, SEC / 50);
	test_model(3000, 5000, 500, SEC / 50);
	return sw_test_done("test_dnscache");
}
