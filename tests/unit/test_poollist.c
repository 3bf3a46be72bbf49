/* test_poollist.c: pool-domain list loader and matcher against the FORMAT
 * and MATCHING rules of reference/pool-domains.txt, with the project's
 * default list (data/pool-domains.txt) and the reference itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intel.h"
#include "sw_err.h"
#include "sw_poollist.h"
#include "sw_test.h"

#define REFERENCE "/work/shared/reference/pool-domains.txt"

static char errbuf[512];

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(99);
	}
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void write_file(const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(99);
	}
}

static const char *default_path(void)
{
	static char path[4096];
	const char *srcdir = getenv("srcdir");

	snprintf(path, sizeof(path), "%s/data/pool-domains.txt", srcdir ? srcdir : ".");
	return path;
}

/* Load text into a fresh list; returns the list (never NULL), *rc the result. */
static struct sw_poollist *load_str(const char *name, const char *text, int *rc)
{
	struct sw_poollist *pl = poollist_new();

	if (pl == NULL)
		exit(99);
	*rc = poollist_load_buf(pl, name, text, strlen(text), errbuf, sizeof(errbuf));
	return pl;
}

/* Expect name to match entry (NULL: no match) with the given coin list. */
static void expect_match(const struct sw_poollist *pl, const char *name, const char *entry,
    const char *coins)
{
	struct sw_pool_match m;
	int hit = poollist_match(pl, name, strlen(name), &m);

	if (entry == NULL) {
		if (hit)
			fprintf(stderr, "unexpected match: %s -> %s\n", name, m.entry);
		FAIL_IF(hit);
		return;
	}
	if (!hit)
		fprintf(stderr, "no match: %s\n", name);
	FAIL_UNLESS(hit);
	if (!hit)
		return;
	EXPECT_STREQ(m.entry, entry);
	if (coins == NULL)
		FAIL_UNLESS(m.coins == NULL && m.coin == NULL);
	else
		EXPECT_STREQ(m.coins, coins);
}

/* ---- loader: accepted syntax ----------------------------------------- */

static void test_syntax_ok(void)
{
	const char *text =
	    "# comment\n"
	    "\n"
	    "   \t  \n"
	    "   # indented comment\n"
	    "\tone.example.com\t#\tcoin=xmr\tkind=devfee\r\n"
	    "two.example.org #\n"
	    "three.example.net # status=legacy\n"
	    "a.b.four.example # coin=btc,multi kind=pool status=defunct\n"
	    "xn--80ak6aa92e.com # coin=zec,rvn,multi   \n"
	    "a-b.c0.example # kind=p2pool-observer\n"
	    "last.example # coin=kas";   /* no final newline */
	struct sw_pool_match m;
	int rc;
	struct sw_poollist *pl = load_str("ok.txt", text, &rc);

	EXPECT_EQ_U64(rc, 0);
	EXPECT_STREQ(errbuf, "");
	EXPECT_EQ_U64(poollist_count(pl), 7);
	EXPECT_EQ_U64(poollist_duplicates(pl), 0);

	FAIL_UNLESS(poollist_match(pl, "x.one.example.com", 17, &m));
	EXPECT_STREQ(m.entry, "one.example.com");
	EXPECT_STREQ(m.coin, "xmr");
	EXPECT_STREQ(m.coins, "xmr");
	EXPECT_STREQ(m.kind, "devfee");
	FAIL_UNLESS(m.status == NULL);
	EXPECT_STREQ(m.source, "ok.txt");

	FAIL_UNLESS(poollist_match(pl, "two.example.org", 15, &m));
	FAIL_UNLESS(m.coin == NULL && m.coins == NULL && m.status == NULL);
	EXPECT_STREQ(m.kind, "pool");

	FAIL_UNLESS(poollist_match(pl, "three.example.net", 17, &m));
	EXPECT_STREQ(m.status, "legacy");
	EXPECT_STREQ(m.kind, "pool");

	FAIL_UNLESS(poollist_match(pl, "a.b.four.example", 16, &m));
	EXPECT_STREQ(m.coin, "btc");
	EXPECT_STREQ(m.coins, "btc,multi");
	EXPECT_STREQ(m.kind, "pool");
	EXPECT_STREQ(m.status, "defunct");
	FAIL_IF(poollist_match(pl, "b.four.example", 14, &m));

	FAIL_UNLESS(poollist_match(pl, "xn--80ak6aa92e.com", 18, &m));
	EXPECT_STREQ(m.coin, "zec");
	EXPECT_STREQ(m.coins, "zec,rvn,multi");

	FAIL_UNLESS(poollist_match(pl, "a-b.c0.example", 14, &m));
	EXPECT_STREQ(m.kind, "p2pool-observer");

	FAIL_UNLESS(poollist_match(pl, "last.example", 12, &m));
	EXPECT_STREQ(m.coin, "kas");

	/* The empty buffer and comment-only text load fine and add nothing. */
	FAIL_UNLESS(poollist_load_buf(pl, "empty", "", 0, errbuf, sizeof(errbuf)) == 0);
	FAIL_UNLESS(poollist_load_buf(pl, "c", "# x\n\n", 5, errbuf, sizeof(errbuf)) == 0);
	EXPECT_EQ_U64(poollist_count(pl), 7);
	poollist_free(pl);
}

/* ---- loader: every rejection, with file:line --------------------------- */

struct bad {
	const char *line;   /* line 3 of the file */
	const char *want;   /* expected message after "bad.txt:3: " */
};

static void test_syntax_errors(void)
{
	static char l64[80], l254[300], want254[200], long4097[4200], want4097[200];
	const struct bad bads[] = {
		{ "A.example.com", "domain must be lowercase: 'A.example.com'" },
		{ "example.COM # coin=xmr", "domain must be lowercase: 'example.COM'" },
		{ "*.example.com", "wildcards are not allowed: '*.example.com'" },
		{ ".example.com", "domain must not start with a dot: '.example.com'" },
		{ "example.com.", "domain must not end with a dot: 'example.com.'" },
		{ "example..com", "empty label in domain: 'example..com'" },
		{ "com", "domain needs at least two labels: 'com'" },
		{ "localhost # coin=xmr", "domain needs at least two labels: 'localhost'" },
		{ l64, NULL },
		{ l254, want254 },
		{ "exa_mple.com", "invalid character in domain: 'exa_mple.com'" },
		{ "exa/mple.com", "invalid character in domain: 'exa/mple.com'" },
		{ "-ex.com", "label must not start or end with '-': '-ex.com'" },
		{ "ex-.com", "label must not start or end with '-': 'ex-.com'" },
		{ "example.com#coin=xmr", "'#' must follow whitespace: 'example.com#coin=xmr'" },
		{ "example.com junk", "unexpected text after the domain (tags go after '#'): 'junk'" },
		{ "example.com other.com # coin=xmr",
		  "unexpected text after the domain (tags go after '#'): 'other.com # coin=xmr'" },
		{ "example.com # coin", "tag is not key=value: 'coin'" },
		{ "example.com # =xmr", "tag is not key=value: '=xmr'" },
		{ "example.com # coin=xmr # note", "tag is not key=value: '#'" },
		{ "example.com # coin=xmr junk", "tag is not key=value: 'junk'" },
		{ "example.com # foo=bar", "unknown tag key (known: coin, kind, status): 'foo=bar'" },
		{ "example.com # Coin=xmr", "unknown tag key (known: coin, kind, status): 'Coin=xmr'" },
		{ "example.com # coin=xmr coin=btc", "tag given twice: 'coin=btc'" },
		{ "example.com # kind=pool kind=pool", "tag given twice: 'kind=pool'" },
		{ "example.com # coin=", "empty tag value: 'coin='" },
		{ "example.com # coin=XMR", "coin must be comma-separated tickers [a-z0-9]+: 'coin=XMR'" },
		{ "example.com # coin=xmr,,btc", "coin must be comma-separated tickers [a-z0-9]+: 'coin=xmr,,btc'" },
		{ "example.com # coin=xmr,", "coin must be comma-separated tickers [a-z0-9]+: 'coin=xmr,'" },
		{ "example.com # coin=,xmr", "coin must be comma-separated tickers [a-z0-9]+: 'coin=,xmr'" },
		{ "example.com # coin=x-y", "coin must be comma-separated tickers [a-z0-9]+: 'coin=x-y'" },
		{ "example.com # kind=miner", "unknown kind (known: pool, marketplace, rental, webminer, devfee, p2pool, p2pool-observer): 'kind=miner'" },
		{ "example.com # kind=Pool", "unknown kind (known: pool, marketplace, rental, webminer, devfee, p2pool, p2pool-observer): 'kind=Pool'" },
		{ "example.com # status=dead", "unknown status (known: defunct, legacy): 'status=dead'" },
		{ "ex\xff" "ample.com", "invalid character in domain: 'ex\\xffample.com'" },
		{ "ex'ample.com", "invalid character in domain: 'ex\\x27ample.com'" },
		{ long4097, want4097 },
	};
	size_t i;

	memset(l64, 'a', 64);
	memcpy(l64 + 64, ".com", 5);
	/* 63+1+63+1+63+1+62 = 254 characters. */
	memset(l254, 'a', 254);
	l254[63] = l254[127] = l254[191] = '.';
	l254[254] = '\0';
	snprintf(want254, sizeof(want254), "domain longer than 253 characters: '%.80s...'", l254);
	memset(long4097, 'x', 4097);
	long4097[4097] = '\0';
	snprintf(want4097, sizeof(want4097), "line longer than 4096 bytes: '%.80s...'", long4097);

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		char text[8192], want[1024];
		struct sw_poollist *pl;
		int rc;

		snprintf(text, sizeof(text), "# header\nok.example.com # coin=xmr\n%s\nlater.example.com\n",
		    bads[i].line);
		if (bads[i].want != NULL)
			snprintf(want, sizeof(want), "bad.txt:3: %s", bads[i].want);
		else
			snprintf(want, sizeof(want), "bad.txt:3: label longer than 63 characters: '%s'",
			    bads[i].line);
		pl = load_str("bad.txt", text, &rc);
		FAIL_UNLESS(rc < 0);
		EXPECT_STREQ(errbuf, want);
		/* Transactional: the good line before it is not kept. */
		EXPECT_EQ_U64(poollist_count(pl), 0);
		FAIL_IF(poollist_match(pl, "ok.example.com", 14, NULL));
		poollist_free(pl);

		/* Every truncation, flush against a guard page: a cut at a line
		 * end before line 3 loads; a failure keeps nothing. */
		{
			size_t k, tl = strlen(text), line3 = strlen("# header\nok.example.com # coin=xmr\n");

			for (k = 0; k <= tl; k++) {
				struct sw_guarded g;
				const char *q = (const char *)sw_guarded_copy(&g, text, k);

				pl = poollist_new();
				rc = poollist_load_buf(pl, "bad.txt", q, k, errbuf, sizeof(errbuf));
				if (k <= line3 && (k == 0 || text[k - 1] == '\n'))
					FAIL_IF(rc != 0);
				if (rc == 0)
					FAIL_IF(poollist_count(pl) > 3);
				else
					EXPECT_EQ_U64(poollist_count(pl), 0);
				poollist_free(pl);
				sw_guarded_free(&g);
			}
		}
	}

	/* Error codes: syntax is INVALID, a long line is LIMIT. */
	{
		int rc;
		struct sw_poollist *pl = load_str("c.txt", "Bad.example\n", &rc);

		EXPECT_EQ_U64(rc, (uint64_t)(int64_t)SW_ERR_INVALID);
		poollist_free(pl);
		pl = load_str("c.txt", long4097, &rc);
		EXPECT_EQ_U64(rc, (uint64_t)(int64_t)SW_ERR_LIMIT);
		EXPECT_STREQ(errbuf, "c.txt:1: line longer than 4096 bytes: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'");
		poollist_free(pl);
	}

	/* A NUL byte inside a domain, via load_buf with an explicit length. */
	{
		struct sw_poollist *pl = poollist_new();
		int rc = poollist_load_buf(pl, "nul.txt", "a.com\nex\0ample.com\n", 19, errbuf,
		    sizeof(errbuf));

		FAIL_UNLESS(rc < 0);
		EXPECT_STREQ(errbuf, "nul.txt:2: invalid character in domain: 'ex\\x00ample.com'");
		EXPECT_EQ_U64(poollist_count(pl), 0);
		poollist_free(pl);
	}

	/* Exactly 4096 bytes is fine, also with CRLF; the limits on labels and
	 * names are inclusive. */
	{
		static char text[4200];
		struct sw_poollist *pl;
		int rc;

		memcpy(text, "ok.example #", 12);
		memset(text + 12, ' ', 4096 - 12);
		memcpy(text + 4096, "\r\n", 3);
		pl = load_str("4096.txt", text, &rc);
		EXPECT_EQ_U64(rc, 0);
		EXPECT_EQ_U64(poollist_count(pl), 1);
		l64[63] = '\0';   /* 63-character label */
		snprintf(text, sizeof(text), "%s.com\n%.253s\n", l64 + 1, l254 + 1);
		FAIL_UNLESS(poollist_load_buf(pl, "lim.txt", text, strlen(text), errbuf,
		    sizeof(errbuf)) == 0);
		EXPECT_EQ_U64(poollist_count(pl), 3);
		poollist_free(pl);
	}
	/* A tiny errbuf is truncated, not overrun; a NULL errbuf is allowed. */
	{
		struct sw_poollist *pl = poollist_new();
		char small[8];

		FAIL_UNLESS(poollist_load_buf(pl, "x", "Bad.example", 11, small, sizeof(small)) < 0);
		EXPECT_STREQ(small, "x:1: do");
		FAIL_UNLESS(poollist_load_buf(pl, "x", "Bad.example", 11, NULL, 0) < 0);
		poollist_free(pl);
	}
}

/* ---- transactional loading, duplicates, stable pointers ---------------- */

static void test_transaction_and_duplicates(void)
{
	struct sw_poollist *pl = poollist_new();
	struct sw_pool_match m, kept;
	const char *bad = "newpool.example # coin=xmr\nnanopool.org # coin=btc\nbad..example\n";
	int rc, i;

	rc = poollist_load_buf(pl, "base.txt",
	    "nanopool.org # coin=multi\nsupportxmr.com # coin=xmr\n", 52, errbuf, sizeof(errbuf));
	EXPECT_EQ_U64(rc, 0);
	EXPECT_EQ_U64(poollist_count(pl), 2);

	rc = poollist_load_buf(pl, "bad.txt", bad, strlen(bad), errbuf, sizeof(errbuf));
	FAIL_UNLESS(rc < 0);
	EXPECT_STREQ(errbuf, "bad.txt:3: empty label in domain: 'bad..example'");
	EXPECT_EQ_U64(poollist_count(pl), 2);
	EXPECT_EQ_U64(poollist_duplicates(pl), 0);
	expect_match(pl, "eth.nanopool.org", "nanopool.org", "multi");
	expect_match(pl, "newpool.example", NULL, NULL);

	/* A later file's entry replaces an earlier one's tags and source. */
	FAIL_UNLESS(poollist_match(pl, "nanopool.org", 12, &kept));
	rc = poollist_load_buf(pl, "later.txt", "nanopool.org # coin=etc kind=rental\n", 36,
	    errbuf, sizeof(errbuf));
	EXPECT_EQ_U64(rc, 0);
	EXPECT_EQ_U64(poollist_count(pl), 2);
	EXPECT_EQ_U64(poollist_duplicates(pl), 1);
	FAIL_UNLESS(poollist_match(pl, "nanopool.org", 12, &m));
	EXPECT_STREQ(m.coins, "etc");
	EXPECT_STREQ(m.kind, "rental");
	EXPECT_STREQ(m.source, "later.txt");

	/* Within one file too; the entry with no tags wins over the tagged. */
	rc = poollist_load_buf(pl, "dup.txt",
	    "x.example # coin=a\nx.example # coin=b status=legacy\ny.example # coin=c\ny.example\n",
	    81, errbuf, sizeof(errbuf));
	EXPECT_EQ_U64(rc, 0);
	EXPECT_EQ_U64(poollist_count(pl), 4);
	EXPECT_EQ_U64(poollist_duplicates(pl), 3);
	FAIL_UNLESS(poollist_match(pl, "x.example", 9, &m));
	EXPECT_STREQ(m.coins, "b");
	EXPECT_STREQ(m.status, "legacy");
	FAIL_UNLESS(poollist_match(pl, "y.example", 9, &m));
	FAIL_UNLESS(m.coins == NULL);

	/* Match results stay valid while more files are loaded (the tables
	 * are reallocated many times over; ASan checks the reads). */
	for (i = 0; i < 200; i++) {
		char text[64];

		snprintf(text, sizeof(text), "p%d.example # coin=c%d\n", i, i);
		FAIL_UNLESS(poollist_load_buf(pl, "more.txt", text, strlen(text), errbuf,
		    sizeof(errbuf)) == 0);
	}
	EXPECT_STREQ(kept.entry, "nanopool.org");
	EXPECT_STREQ(kept.coins, "multi");
	EXPECT_STREQ(kept.source, "base.txt");
	EXPECT_EQ_U64(poollist_count(pl), 204);
	expect_match(pl, "a.p199.example", "p199.example", "c199");
	poollist_free(pl);

	/* API misuse is refused, not crashed on. */
	FAIL_UNLESS(poollist_load_buf(NULL, "x", "a.com", 5, errbuf, sizeof(errbuf)) < 0);
	FAIL_IF(poollist_match(NULL, "a.com", 5, &m));
	EXPECT_EQ_U64(poollist_count(NULL), 0);
	poollist_free(NULL);
}

/* ---- matching rules ---------------------------------------------------- */

static void test_longest_wins(void)
{
	const char *orders[2] = {
		"nanopool.org # coin=multi\nxmr.nanopool.org # coin=xmr\n",
		"xmr.nanopool.org # coin=xmr\nnanopool.org # coin=multi\n",
	};
	int k, rc;

	for (k = 0; k < 2; k++) {
		struct sw_poollist *pl = load_str("o.txt", orders[k], &rc);

		EXPECT_EQ_U64(rc, 0);
		expect_match(pl, "xmr.nanopool.org", "xmr.nanopool.org", "xmr");
		expect_match(pl, "eu1.xmr.nanopool.org", "xmr.nanopool.org", "xmr");
		expect_match(pl, "etc.nanopool.org", "nanopool.org", "multi");
		expect_match(pl, "nanopool.org", "nanopool.org", "multi");
		expect_match(pl, "xmrnanopool.org", NULL, NULL);
		expect_match(pl, "xmr.nanopool.org.evil", NULL, NULL);
		poollist_free(pl);
	}
	/* Three levels, and an entry that is a suffix in the middle. */
	{
		struct sw_poollist *pl = load_str("o.txt",
		    "c.d # coin=one\na.b.c.d # coin=three\n", &rc);

		expect_match(pl, "x.a.b.c.d", "a.b.c.d", "three");
		expect_match(pl, "b.c.d", "c.d", "one");
		expect_match(pl, "a.b.c.d.e", NULL, NULL);
		poollist_free(pl);
	}
}

static void test_match_edges(void)
{
	char name[300];
	int rc;
	struct sw_poollist *pl = load_str("e.txt", "example.com # coin=xmr\n", &rc);

	expect_match(pl, "example.com", "example.com", "xmr");
	expect_match(pl, "example.com.", "example.com", "xmr");
	expect_match(pl, "EXAMPLE.COM.", "example.com", "xmr");
	expect_match(pl, "Www.Example.Com", "example.com", "xmr");
	expect_match(pl, "example.com..", NULL, NULL);     /* only one dot is stripped */
	expect_match(pl, ".example.com", NULL, NULL);
	expect_match(pl, "a..example.com", NULL, NULL);
	expect_match(pl, "..example.com", NULL, NULL);
	expect_match(pl, "", NULL, NULL);
	expect_match(pl, ".", NULL, NULL);
	expect_match(pl, "..", NULL, NULL);
	expect_match(pl, "com", NULL, NULL);
	expect_match(pl, "com.", NULL, NULL);
	expect_match(pl, "xample.com", NULL, NULL);
	expect_match(pl, "eexample.com", NULL, NULL);
	expect_match(pl, "example.co", NULL, NULL);
	expect_match(pl, "example.com.x", NULL, NULL);
	expect_match(pl, "a-example.com", NULL, NULL);
	/* A NUL byte is a character like any other. */
	FAIL_IF(poollist_match(pl, "a\0.example.com", 14, NULL) == 0);
	FAIL_IF(poollist_match(pl, "example.com\0", 12, NULL) != 0);
	FAIL_IF(poollist_match(pl, NULL, 0, NULL) != 0);
	/* Length limits: 253 characters match, 254 do not (254 with a final
	 * dot do). */
	memset(name, 'a', sizeof(name));
	name[61] = name[123] = name[185] = '.';
	memcpy(name + 241, ".example.com", 12);          /* 253 characters */
	FAIL_UNLESS(poollist_match(pl, name, 253, NULL) == 1);
	name[253] = '.';
	FAIL_UNLESS(poollist_match(pl, name, 254, NULL) == 1);
	FAIL_UNLESS(poollist_match(pl, name + 1, 253, NULL) == 1);
	memmove(name + 1, name, 254);                    /* 254 characters */
	FAIL_IF(poollist_match(pl, name, 254, NULL) != 0);
	FAIL_IF(poollist_match(pl, name, 255, NULL) != 0);
	/* 122 labels, all probed: "a.a. ... a.example.com". */
	for (rc = 0; rc < 240; rc += 2) {
		name[rc] = 'a';
		name[rc + 1] = '.';
	}
	memcpy(name + 240, "example.com", 12);
	FAIL_UNLESS(poollist_match(pl, name, 251, NULL) == 1);
	name[240] = 'x';
	FAIL_IF(poollist_match(pl, name, 251, NULL) != 0);
	/* 127 one-character labels, the most 253 characters can hold. */
	for (rc = 0; rc < 253; rc += 2) {
		name[rc] = 'a';
		name[rc + 1] = '.';
	}
	FAIL_IF(poollist_match(pl, name, 253, NULL) != 0);
	poollist_free(pl);

	/* An empty list matches nothing. */
	pl = poollist_new();
	FAIL_IF(poollist_match(pl, "example.com", 11, NULL) != 0);
	poollist_free(pl);
}

/* MATCHING as written, one suffix at a time: the entry of entries[] the
 * longest label-aligned suffix of two labels or more equals, or NULL. */
static const char *ref_match(const char *const *entries, size_t nent, const char *name,
    size_t n)
{
	char low[300];
	size_t i, k;

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0 || n > 253 || name[0] == '.' || name[n - 1] == '.')
		return NULL;
	for (i = 0; i < n; i++) {
		low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
		if (i > 0 && name[i] == '.' && name[i - 1] == '.')
			return NULL;
	}
	for (i = 0; i < n; i++) {
		if (i > 0 && low[i - 1] != '.')
			continue;
		if (memchr(low + i, '.', n - i) == NULL)
			return NULL;
		for (k = 0; k < nent; k++)
			if (strlen(entries[k]) == n - i && memcmp(entries[k], low + i, n - i) == 0)
				return entries[k];
	}
	return NULL;
}

/* Random names against ref_match: entries behind random labels (the
 * longest entry of the list bounds what the matcher hashes, so names run
 * well past it, to 260 bytes), in random case, with stray dots, empty
 * labels near and far from the end, NUL and high bytes; then again after
 * a second file adds a longer entry. */
static void test_match_random(void)
{
	static const char *const ents[] = {
		"ab.cd", "x.ab.cd", "pool.example.com", "b.c", "a.b.c", "xmr.pool.example.com",
		"very-long-name-of-a-pool.example.net",
	};
	static const char alpha[] = "abcdxABCD-.\0\377";
	const size_t nfirst = 6, nall = sizeof(ents) / sizeof(ents[0]);
	unsigned seed = 4242;
	int rc, k, round;
	size_t hits = 0;
	char list[512] = "";
	struct sw_poollist *pl;

	for (k = 0; k < (int)nfirst; k++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s\n", ents[k]);
	pl = load_str("r.txt", list, &rc);
	EXPECT_EQ_U64(rc, 0);
	for (round = 0; round < 2; round++) {
		size_t nent = round == 0 ? nfirst : nall;

		if (round == 1) {
			rc = poollist_load_buf(pl, "r2.txt", "very-long-name-of-a-pool.example.net\n",
			    37, errbuf, sizeof(errbuf));
			EXPECT_EQ_U64(rc, 0);
		}
		for (k = 0; k < 200000; k++) {
			char name[300];
			size_t n = 0, want_len, i;
			const char *want;
			struct sw_pool_match m;
			int hit;

			seed = seed * 1103515245 + 12345;
			want_len = 1 + (seed >> 8) % 260;
			while (n < want_len) {
				seed = seed * 1103515245 + 12345;
				name[n++] = alpha[(seed >> 16) % (sizeof(alpha) - 1)];
			}
			/* most names end in an entry, a label boundary before it */
			seed = seed * 1103515245 + 12345;
			if ((seed >> 16) % 4 != 0) {
				const char *e = ents[(seed >> 20) % nall];
				size_t el = strlen(e);

				if (n + el + 1 < sizeof(name) - 1) {
					name[n++] = (seed >> 24) % 8 ? '.' : 'q';
					for (i = 0; i < el; i++)
						name[n++] = (seed >> (i % 24)) & 1 && e[i] >= 'a' ?
						    (char)(e[i] - 32) : e[i];
				}
			}
			seed = seed * 1103515245 + 12345;
			if ((seed >> 16) % 8 == 0 && n < sizeof(name))
				name[n++] = '.';
			/* keep the dots sparse in the random part, mostly */
			seed = seed * 1103515245 + 12345;
			if ((seed >> 16) % 2)
				for (i = 0; i + 1 < n && i < want_len; i++)
					if (name[i] == '.' && name[i + 1] == '.')
						name[i + 1] = 'z';
			want = ref_match(ents, nent, name, n);
			hit = poollist_match(pl, name, n, &m);
			EXPECT_EQ_U64(hit, want != NULL);
			if (hit && want != NULL)
				EXPECT_STREQ(m.entry, want);
			hits += want != NULL;
		}
	}
	/* the names are not all misses */
	FAIL_UNLESS(hits > 40000);
	poollist_free(pl);
}

/* intel_match_name keeps names' answers: asked again, with the
 * same text in another buffer or the same buffer rewritten, with names of
 * the same length, after a miss and after a hit, it must answer as the
 * list does every time. */
static void test_intel_memo(void)
{
	static const char *const seq[] = {
		"xmr.nanopool.org", "xmr.nanopool.org", "XMR.nanopool.org", "xmr.nanopool.com",
		"xmr.nanopool.com", "eu1.nanopool.org", "eu1.nanopool.org.", "", "nanopool.org",
		"nanopool.org", "nanopool.orh", "a.moneroocean.stream", "a.moneroocean.stream",
		"example.com", "xmr.nanopool.org",
	};
	struct sw_intel_opts io;
	struct sw_intel *in;
	struct sw_poollist *pl;
	char buf[300];
	size_t i;
	int rc;

	memset(&io, 0, sizeof(io));
	in = intel_new(&io, errbuf, sizeof(errbuf));
	FAIL_UNLESS(in != NULL);
	if (in == NULL)
		return;
	pl = load_str("d.txt", "", &rc);
	{
		size_t len;
		char *text = slurp(default_path(), &len);

		FAIL_UNLESS(text != NULL);
		if (text == NULL)
			return;
		EXPECT_EQ_U64(poollist_load_buf(pl, "d.txt", text, len, errbuf, sizeof(errbuf)), 0);
		free(text);
	}
	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		struct sw_pool_match a, b;
		int ha, hb;

		/* one buffer, rewritten each time */
		snprintf(buf, sizeof(buf), "%s", seq[i]);
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		ha = intel_match_name(in, buf, &a);
		hb = poollist_match(pl, seq[i], strlen(seq[i]), &b);
		EXPECT_EQ_U64(ha, hb);
		if (ha && hb) {
			EXPECT_STREQ(a.entry, b.entry);
			EXPECT_STREQ(a.coins != NULL ? a.coins : "-", b.coins != NULL ? b.coins : "-");
		}
		/* and again, from the literal */
		EXPECT_EQ_U64(intel_match_name(in, seq[i], NULL), hb);
	}
	FAIL_IF(intel_match_name(in, NULL, NULL));
	/* a name longer than the memo holds, twice */
	memset(buf, 'a', 299);
	buf[299] = '\0';
	memcpy(buf + 280, ".nanopool.org", 14);
	FAIL_IF(intel_match_name(in, buf, NULL));
	FAIL_IF(intel_match_name(in, buf, NULL));
	FAIL_UNLESS(intel_match_name(in, buf + 100, NULL));
	FAIL_UNLESS(intel_match_name(in, buf + 100, NULL));
	/* The memo keeps several names, a slot each by a hash of the length
	 * and the first and last 8 bytes: these two share all of that (one
	 * matches nanopool.org, the other has no such suffix), in turn. */
	for (i = 0; i < 4; i++) {
		FAIL_UNLESS(intel_match_name(in, "abcdefgh.xx.y.nanopool.org", NULL));
		FAIL_IF(intel_match_name(in, "abcdefgh.xxx.ynanopool.org", NULL));
	}
	/* A name kept, then its prefix: 400 pairs, so that some share a slot */
	for (i = 0; i < 400; i++) {
		snprintf(buf, sizeof(buf), "h%zu.nanopool.orgq", i);
		FAIL_IF(intel_match_name(in, buf, NULL));
		buf[strlen(buf) - 1] = '\0';
		FAIL_UNLESS(intel_match_name(in, buf, NULL));
	}
	/* Many more names than slots, asked in random order and case, each
	 * answered as the list answers, field by field: hits of several
	 * entries, misses, names shorter than 8 bytes, names that differ in
	 * one byte only, names over the memo's length. */
	{
		static const char *const base[] = {
			"xmr.nanopool.org", "pool.supportxmr.com", "gulf.moneroocean.stream",
			"rvn.2miners.com", "eu1-zcash.flypool.org", "www.example.com",
			"deb.debian.org", "a.b", "b.c", "nanopool.org", "x.nicehash.com",
		};
		unsigned seed = 99;
		int k;

		for (k = 0; k < 20000; k++) {
			struct sw_pool_match a, b;
			const char *e;
			size_t n, j;
			int ha, hb;

			seed = seed * 1103515245 + 12345;
			e = base[(seed >> 16) % (sizeof(base) / sizeof(base[0]))];
			/* a prefix label from 300 (so names collide and evict) */
			seed = seed * 1103515245 + 12345;
			if ((seed >> 16) % 3 == 0)
				snprintf(buf, sizeof(buf), "%s", e);
			else
				snprintf(buf, sizeof(buf), "h%u.%s", (seed >> 8) % 300, e);
			n = strlen(buf);
			seed = seed * 1103515245 + 12345;
			if ((seed >> 16) % 8 == 0)
				buf[(seed >> 20) % n] ^= 0x20; /* one byte: its case, or a control byte */
			if ((seed >> 16) % 8 == 1)
				buf[(seed >> 20) % n] = 'q'; /* one byte changed */
			if ((seed >> 16) % 64 == 2) {
				/* a long name: over the memo's length, or just under */
				memmove(buf + 250 - n + ((seed >> 24) % 12), buf, n + 1);
				for (j = 0; j < 250 - n + ((seed >> 24) % 12); j++)
					buf[j] = j % 20 == 19 ? '.' : 'w';
			}
			n = strlen(buf);
			memset(&a, 0, sizeof(a));
			memset(&b, 0, sizeof(b));
			ha = intel_match_name(in, buf, (seed >> 28) % 4 ? &a : NULL);
			hb = poollist_match(pl, buf, n, &b);
			EXPECT_EQ_U64(ha, hb);
			if (ha && hb && (seed >> 28) % 4) {
				EXPECT_STREQ(a.entry, b.entry);
				EXPECT_STREQ(a.coin != NULL ? a.coin : "-", b.coin != NULL ? b.coin : "-");
				EXPECT_STREQ(a.kind, b.kind);
				EXPECT_STREQ(a.status != NULL ? a.status : "-",
				    b.status != NULL ? b.status : "-");
			}
		}
	}
	poollist_free(pl);
	intel_free(in);
}

/* ---- the default list and the reference -------------------------------- */

static void test_default_list(void)
{
	struct sw_poollist *pl = poollist_new(), *ref;
	struct sw_pool_match m;
	const char *path = default_path();
	int rc = poollist_load_file(pl, path, errbuf, sizeof(errbuf));

	if (rc != 0)
		fprintf(stderr, "%s\n", errbuf);
	EXPECT_EQ_U64(rc, 0);
	EXPECT_EQ_U64(poollist_count(pl), 210);
	EXPECT_EQ_U64(poollist_duplicates(pl), 0);

	/* Look-alikes must not match. */
	expect_match(pl, "notmoneroocean.stream", NULL, NULL);
	expect_match(pl, "supportxmr.com.evil.example", NULL, NULL);
	expect_match(pl, "nanopool.org.example.com", NULL, NULL);
	expect_match(pl, "supportxmr.co", NULL, NULL);
	expect_match(pl, "xsupportxmr.com", NULL, NULL);
	expect_match(pl, "moneroocean.stream.attacker.net", NULL, NULL);
	expect_match(pl, "www.google.com", NULL, NULL);
	expect_match(pl, "stream", NULL, NULL);
	expect_match(pl, "org", NULL, NULL);

	/* Real names match the right entry with its tags. */
	expect_match(pl, "xmr.nanopool.org", "xmr.nanopool.org", "xmr");
	expect_match(pl, "gulf.moneroocean.stream", "moneroocean.stream", "xmr");
	expect_match(pl, "MoneroOcean.Stream.", "moneroocean.stream", "xmr");
	expect_match(pl, "pool.supportxmr.com", "supportxmr.com", "xmr");
	expect_match(pl, "xmr-eu1.nanopool.org", "xmr-eu1.nanopool.org", "xmr");
	expect_match(pl, "eth-eu1.nanopool.org", "nanopool.org", "multi");
	expect_match(pl, "randomxmonero.auto.nicehash.com", "randomxmonero.auto.nicehash.com", "xmr");
	expect_match(pl, "daggerhashimoto.auto.nicehash.com", "nicehash.com", "multi");
	expect_match(pl, "donate.v2.xmrig.com", "donate.v2.xmrig.com", "xmr");
	expect_match(pl, "xmrig.com", NULL, NULL);
	expect_match(pl, "de.minexmr.com", "minexmr.com", "xmr");

	FAIL_UNLESS(poollist_match(pl, "randomxmonero.auto.nicehash.com", 31, &m));
	EXPECT_STREQ(m.kind, "marketplace");
	EXPECT_STREQ(m.source, path);
	FAIL_UNLESS(poollist_match(pl, "pool.supportxmr.com", 19, &m));
	EXPECT_STREQ(m.kind, "pool");
	FAIL_UNLESS(m.status == NULL);
	FAIL_UNLESS(poollist_match(pl, "ws.coinhive.com", 15, &m));
	EXPECT_STREQ(m.kind, "webminer");
	EXPECT_STREQ(m.status, "defunct");
	FAIL_UNLESS(poollist_match(pl, "mini.p2pool.observer", 20, &m));
	EXPECT_STREQ(m.kind, "p2pool-observer");
	FAIL_UNLESS(poollist_match(pl, "stratum.viabtc.com", 18, &m));
	EXPECT_STREQ(m.coin, "btc");
	EXPECT_STREQ(m.coins, "btc,multi");
	FAIL_UNLESS(poollist_match(pl, "us1.ethermine.org", 17, &m));
	EXPECT_STREQ(m.coin, "etc");
	EXPECT_STREQ(m.coins, "etc,eth");

	/* Every entry of the file matches itself and its subdomains. */
	{
		size_t len, nent = 0;
		char *text = slurp(path, &len);
		const char *p;

		FAIL_IF(text == NULL);
		for (p = text; text != NULL && *p != '\0';) {
			const char *eol = strchr(p, '\n'), *q = p;
			char dom[300], sub[310];
			size_t n = 0;

			if (eol == NULL)
				eol = p + strlen(p);
			if (*q != '#' && q < eol) {
				while (q + n < eol && q[n] != ' ' && n < 299)
					n++;
				memcpy(dom, q, n);
				dom[n] = '\0';
				snprintf(sub, sizeof(sub), "x.%s", dom);
				FAIL_UNLESS(poollist_match(pl, dom, n, &m) == 1 && strcmp(m.entry, dom) == 0);
				FAIL_UNLESS(poollist_match(pl, sub, n + 2, &m) == 1 && strcmp(m.entry, dom) == 0);
				nent++;
			}
			p = *eol ? eol + 1 : eol;
		}
		EXPECT_EQ_U64(nent, 210);
		free(text);
	}

	/* The reference must load under the same strict rules, to the same
	 * entries. */
	ref = poollist_new();
	rc = poollist_load_file(ref, REFERENCE, errbuf, sizeof(errbuf));
	if (rc == SW_ERR_IO) {
		printf("note: %s not found, reference check skipped\n", REFERENCE);
	} else {
		if (rc != 0)
			fprintf(stderr, "%s\n", errbuf);
		EXPECT_EQ_U64(rc, 0);
		EXPECT_EQ_U64(poollist_count(ref), 210);
		FAIL_UNLESS(poollist_match(ref, "xmr-eu1.nanopool.org", 20, &m));
		EXPECT_STREQ(m.source, REFERENCE);
		/* Loading it on top of the default list adds nothing new. */
		rc = poollist_load_file(pl, REFERENCE, errbuf, sizeof(errbuf));
		EXPECT_EQ_U64(rc, 0);
		EXPECT_EQ_U64(poollist_count(pl), 210);
		EXPECT_EQ_U64(poollist_duplicates(pl), 210);
	}
	poollist_free(ref);
	poollist_free(pl);
}

/* ---- poollist_load_file: the streaming reader -------------------------- */

static void test_load_file(void)
{
	char path[64], want[256];
	static char text[20000];
	struct sw_poollist *pl = poollist_new();
	size_t n;
	int rc;

	snprintf(path, sizeof(path), "/tmp/test_poollist.%d.txt", (int)getpid());

	/* CRLF, a 4096-byte line, no final newline. */
	n = (size_t)snprintf(text, sizeof(text), "# x\r\na.example # coin=xmr\r\n");
	memcpy(text + n, "b.example #", 11);
	memset(text + n + 11, ' ', 4096 - 11);
	n += 4096;
	n += (size_t)snprintf(text + n, sizeof(text) - n, "\r\n\r\nc.example");
	write_file(path, text, n);
	rc = poollist_load_file(pl, path, errbuf, sizeof(errbuf));
	if (rc != 0)
		fprintf(stderr, "%s\n", errbuf);
	EXPECT_EQ_U64(rc, 0);
	EXPECT_EQ_U64(poollist_count(pl), 3);
	expect_match(pl, "c.example", "c.example", NULL);
	expect_match(pl, "a.example", "a.example", "xmr");

	/* A long line in the middle of a file, named by its line number; the
	 * rest of the file, and the entries before it, are not kept. */
	n = (size_t)snprintf(text, sizeof(text), "d.example\n\n");
	memset(text + n, 'y', 10000);
	n += 10000;
	n += (size_t)snprintf(text + n, sizeof(text) - n, "\ne.example\n");
	write_file(path, text, n);
	rc = poollist_load_file(pl, path, errbuf, sizeof(errbuf));
	EXPECT_EQ_U64(rc, (uint64_t)(int64_t)SW_ERR_LIMIT);
	snprintf(want, sizeof(want), "%s:3: line longer than 4096 bytes: '%.80s...'", path, text + 11);
	EXPECT_STREQ(errbuf, want);
	EXPECT_EQ_U64(poollist_count(pl), 3);
	expect_match(pl, "d.example", NULL, NULL);

	/* 4097 bytes then "\r\n": too long. 4096 + "\r" with no "\n": fine. */
	memset(text, 'z', 4097);
	memcpy(text + 4097, "\r\n", 2);
	write_file(path, text, 4099);
	rc = poollist_load_file(pl, path, errbuf, sizeof(errbuf));
	FAIL_UNLESS(rc < 0);
	snprintf(want, sizeof(want), "%s:1: line longer than 4096 bytes", path);
	FAIL_UNLESS(strncmp(errbuf, want, strlen(want)) == 0);
	memcpy(text, "f.example #", 11);
	memset(text + 11, ' ', 4096 - 11);
	text[4096] = '\r';
	write_file(path, text, 4097);
	EXPECT_EQ_U64(poollist_load_file(pl, path, errbuf, sizeof(errbuf)), 0);
	EXPECT_EQ_U64(poollist_count(pl), 4);

	/* A syntax error on line 2 of a file. */
	write_file(path, "g.example\nG.example\n", 20);
	rc = poollist_load_file(pl, path, errbuf, sizeof(errbuf));
	snprintf(want, sizeof(want), "%s:2: domain must be lowercase: 'G.example'", path);
	EXPECT_STREQ(errbuf, want);
	EXPECT_EQ_U64(poollist_count(pl), 4);

	unlink(path);
	rc = poollist_load_file(pl, path, errbuf, sizeof(errbuf));
	EXPECT_EQ_U64(rc, (uint64_t)(int64_t)SW_ERR_IO);
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", path);
	EXPECT_STREQ(errbuf, want);
	EXPECT_EQ_U64(poollist_count(pl), 4);
	poollist_free(pl);
}

/* ---- caps ---------------------------------------------------------------- */

static void test_caps(void)
{
	const size_t lines = 1000001;
	char *buf = malloc(lines * 12 + 1), want[256];
	struct sw_poollist *pl = poollist_new();
	size_t i, n = 0, len1m;
	int rc;

	if (buf == NULL)
		exit(99);
	for (i = 0; i < lines; i++)
		n += (size_t)sprintf(buf + n, "h%07zu.io\n", i);
	/* 1,000,001 distinct entries: refused at the last line, nothing kept. */
	rc = poollist_load_buf(pl, "big.txt", buf, n, errbuf, sizeof(errbuf));
	EXPECT_EQ_U64(rc, (uint64_t)(int64_t)SW_ERR_LIMIT);
	EXPECT_STREQ(errbuf, "big.txt:1000001: too many entries (more than 1000000 in this list set): 'h1000000.io'");
	EXPECT_EQ_U64(poollist_count(pl), 0);
	/* 1,000,000 fit. */
	len1m = n - 12;
	rc = poollist_load_buf(pl, "big.txt", buf, len1m, errbuf, sizeof(errbuf));
	if (rc != 0)
		fprintf(stderr, "%s\n", errbuf);
	EXPECT_EQ_U64(rc, 0);
	EXPECT_EQ_U64(poollist_count(pl), 1000000);
	expect_match(pl, "x.h0999999.io", "h0999999.io", NULL);
	/* The cap is per list set: one more fresh entry in another file is
	 * refused; entries already held are not fresh, so reloading is fine. */
	rc = poollist_load_buf(pl, "more.txt", "h0000001.io\nnew.example\n", 24, errbuf, sizeof(errbuf));
	EXPECT_EQ_U64(rc, (uint64_t)(int64_t)SW_ERR_LIMIT);
	EXPECT_STREQ(errbuf, "more.txt:2: too many entries (more than 1000000 in this list set): 'new.example'");
	rc = poollist_load_buf(pl, "again.txt", buf, 120, errbuf, sizeof(errbuf));
	EXPECT_EQ_U64(rc, 0);
	EXPECT_EQ_U64(poollist_count(pl), 1000000);
	EXPECT_EQ_U64(poollist_duplicates(pl), 10);
	poollist_free(pl);
	free(buf);

	/* Long names reach the 64 MiB cap first. */
	{
		const size_t nl = 300000;
		char *big = malloc(nl * 254 + 1);
		char *p;

		pl = poollist_new();
		if (big == NULL || pl == NULL)
			exit(99);
		p = big;
		for (i = 0; i < nl; i++) {
			memset(p, 'a', 253);
			p[63] = p[127] = p[191] = '.';
			sprintf(p + 239, "%06zu.example", i);   /* 253 characters */
			p[253] = '\n';
			p += 254;
		}
		rc = poollist_load_buf(pl, "long.txt", big, nl * 254, errbuf, sizeof(errbuf));
		EXPECT_EQ_U64(rc, (uint64_t)(int64_t)SW_ERR_LIMIT);
		snprintf(want, sizeof(want), "long.txt:");
		FAIL_UNLESS(strncmp(errbuf, want, strlen(want)) == 0);
		FAIL_UNLESS(strstr(errbuf, ": list set would exceed 64 MiB: '") != NULL);
		EXPECT_EQ_U64(poollist_count(pl), 0);
		printf("byte cap: %s\n", errbuf);
		/* Half of it fits; the other half, as a second file, does not. */
		rc = poollist_load_buf(pl, "half.txt", big, nl / 2 * 254, errbuf, sizeof(errbuf));
		EXPECT_EQ_U64(rc, 0);
		rc = poollist_load_buf(pl, "rest.txt", big + nl / 2 * 254, nl / 2 * 254, errbuf,
		    sizeof(errbuf));
		EXPECT_EQ_U64(rc, (uint64_t)(int64_t)SW_ERR_LIMIT);
		FAIL_UNLESS(strstr(errbuf, "list set would exceed 64 MiB") != NULL);
		printf("byte cap, second file: %s\n", errbuf);
		EXPECT_EQ_U64(poollist_count(pl), nl / 2);
		poollist_free(pl);
		free(big);
	}
}

/* ---- every truncation and split, input flush against a guard page ------- */

static void test_truncations(void)
{
	size_t len, k, i, nlines = 0, full;
	const char *extra =
	    "\tone.example.com\t#\tcoin=xmr\tkind=devfee\r\n"
	    "a.b.four.example # coin=btc,multi kind=pool status=defunct\n"
	    "dup.example # coin=a\ndup.example # coin=b\n"
	    "bad..example # coin=x\n"
	    "last.example # coin=kas";
	char *base = slurp(default_path(), &len);
	char *text;
	size_t *ent_end;
	struct sw_poollist *pl;
	size_t tlen, checked_ok = 0, bad_start;

	FAIL_IF(base == NULL);
	if (base == NULL)
		return;
	/* The default list, then lines with tabs, CRLF, duplicates and, last, an
	 * error so that every cut before it loads and every cut after fails. */
	tlen = len + strlen(extra);
	text = malloc(tlen + 1);
	memcpy(text, base, len);
	memcpy(text + len, extra, strlen(extra) + 1);
	free(base);
	bad_start = (size_t)(strstr(text, "bad..example") - text);

	/* Distinct entries on the complete lines before each line end. */
	ent_end = calloc(tlen + 1, sizeof(*ent_end));
	pl = poollist_new();
	for (k = 0, i = 0; k < tlen; k++) {
		if (text[k] != '\n')
			continue;
		if (poollist_load_buf(pl, "t", text + i, k + 1 - i, errbuf, sizeof(errbuf)) != 0)
			break;
		ent_end[nlines++] = poollist_count(pl);
		i = k + 1;
	}
	full = poollist_count(pl);
	EXPECT_EQ_U64(full, 210 + 3);
	poollist_free(pl);

	for (k = 0, i = 0; k <= tlen; k++) {
		struct sw_guarded g;
		const char *p = (const char *)sw_guarded_copy(&g, text, k);
		/* Entries on the complete lines before k. */
		size_t before = i ? ent_end[i - 1] : 0;
		int rc;

		pl = poollist_new();
		rc = poollist_load_buf(pl, "t", p, k, errbuf, sizeof(errbuf));
		if (k == 0 || text[k - 1] == '\n') {
			/* Cut at a line end: exactly the lines before it. */
			if (i < nlines || k == 0) {
				FAIL_IF(rc != 0);
				EXPECT_EQ_U64(poollist_count(pl), before);
				checked_ok++;
			}
		} else if (rc == 0) {
			/* Mid-line: the partial line may still be a valid entry. */
			FAIL_IF(poollist_count(pl) > before + 1);
		} else {
			EXPECT_EQ_U64(poollist_count(pl), 0);
		}
		poollist_free(pl);
		sw_guarded_free(&g);

		/* The rest of the text, from k on, alone: it fails while it
		 * holds the whole bad line; a cut inside that line may leave a
		 * comment (" # coin=x") and the last line may become one. */
		p = (const char *)sw_guarded_copy(&g, text + k, tlen - k);
		pl = poollist_new();
		rc = poollist_load_buf(pl, "t", p, tlen - k, errbuf, sizeof(errbuf));
		if (k <= bad_start)
			FAIL_IF(rc == 0);
		if (rc == 0)
			FAIL_IF(poollist_count(pl) > 1);
		else
			EXPECT_EQ_U64(poollist_count(pl), 0);
		poollist_free(pl);
		sw_guarded_free(&g);

		if (k < tlen && text[k] == '\n')
			i++;
	}
	FAIL_UNLESS(checked_ok > 250);
	free(ent_end);
	free(text);
}

int main(void)
{
	test_syntax_ok();
	test_syntax_errors();
	test_transaction_and_duplicates();
	test_longest_wins();
	test_match_edges();
	test_match_random();
	test_intel_memo();
	test_default_list();
	test_load_file();
	test_caps();
	test_truncations();
	return sw_test_done("test_poollist");
}
