/* test_dnscache.c: the (client, address) -> name cache (src/dnscache.c).
 *
 * Lookups by pair and by address alone, expiry on packet time, TTL clamps,
 * replacement of a pair, and the cap, checked against a plain array model
 * through 20,000 seeded operations where many clients share a few addresses
 * (a cluster's pods resolving the same pool: one long by-address chain,
 * which entries leave from the middle and the end). */
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
	char name[16];
};

static void test_model(void)
{
	enum { MAX = 64, OPS = 20000 };
	static struct ent m[MAX + 1];
	struct sw_dnscache *c = dnscache_new(MAX);
	size_t n = 0, i;
	uint64_t now = 0, evicted = 0;
	unsigned seed = 12345;
	int op;

	FAIL_IF(c == NULL);
	for (op = 0; op < OPS; op++) {
		unsigned cli, ad, ttl;
		uint8_t ca[16], aa[16];

		seed = seed * 1103515245u + 12345u;
		cli = (seed >> 8) % 200;
		ad = (seed >> 20) % 3; /* three addresses: long chains */
		ttl = 60 + (seed >> 4) % 600;
		now += (seed >> 12) % (5 * SEC);
		addr4(ca, cli);
		addr4(aa, 1000 + ad);
		if ((seed >> 3) & 1) {
			char name[16];

			snprintf(name, sizeof(name), "n%d", op);
			dnscache_add(c, ca, aa, name, NULL, ttl, now);
			/* the model: drop the same pair, then expired and
			 * over-cap entries from the oldest, then append */
			for (i = 0; i < n; i++)
				if (m[i].client == cli && m[i].addr == ad) {
					memmove(&m[i], &m[i + 1], (n - i - 1) * sizeof(m[0]));
					n--;
					break;
				}
			while (n > 0 && (n >= MAX || m[0].expires <= now)) {
				if (m[0].expires > now)
					evicted++;
				memmove(&m[0], &m[1], (n - 1) * sizeof(m[0]));
				n--;
			}
			m[n].client = cli;
			m[n].addr = ad;
			m[n].expires = now + (uint64_t)ttl * SEC;
			snprintf(m[n].name, sizeof(m[n].name), "%s", name);
			n++;
		} else {
			const char *q = dnscache_lookup(c, ca, aa, now, NULL), *want = NULL;

			for (i = n; i-- > 0;)
				if (m[i].client == cli && m[i].addr == ad && m[i].expires > now) {
					want = m[i].name;
					break;
				}
			if (want == NULL)
				for (i = n; i-- > 0;)
					if (m[i].addr == ad && m[i].expires > now) {
						want = m[i].name;
						break;
					}
			EXPECT_STREQ(q ? q : "(null)", want ? want : "(null)");
		}
		EXPECT_EQ_U64(dnscache_count(c), n);
	}
	EXPECT_EQ_U64(dnscache_evicted(c), evicted);
	dnscache_free(c);
}

int main(void)
{
	test_basic();
	test_model();
	return sw_test_done("test_dnscache");
}
