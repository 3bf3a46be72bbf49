/* lookup.c: pool-domain lookup speed, hashed suffixes (poollist_match)
 * against a baseline measured in the same run: a linear scan of every list
 * entry with the same label-boundary rule. Both must give the same hits.
 *
 *   cc -O2 -Iinclude bench/lookup.c BUILD/libswengine.a BUILD/libswutil.a
 *   ./a.out data/pool-domains.txt [LOOKUPS]
 *
 * Prints one line per method and the ratio; the absolute numbers move with
 * the machine's load, the ratio much less. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sw_poollist.h"

#define NNAMES 4096
#define MAX_ENTRIES 65536

static char names[NNAMES][96];
static size_t lens[NNAMES];
static char *entries[MAX_ENTRIES];
static size_t entry_lens[MAX_ENTRIES], nentries;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The entries of a list file, lowercase, without tags (the scan baseline). */
static int read_entries(const char *path)
{
	char line[512];
	FILE *fp = fopen(path, "r");

	if (fp == NULL) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL && nentries < MAX_ENTRIES) {
		size_t n = strcspn(line, " \t#\r\n");

		if (n == 0)
			continue;
		line[n] = '\0';
		entries[nentries] = strdup(line);
		entry_lens[nentries++] = n;
	}
	fclose(fp);
	return 0;
}

/* Longest entry equal to name or a suffix of it at a label boundary. */
static int scan_match(const char *name, size_t n)
{
	char low[96];
	size_t i, best = 0;

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n >= sizeof(low))
		return 0;
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	for (i = 0; i < nentries; i++) {
		size_t el = entry_lens[i];

		if (el > n || memcmp(low + n - el, entries[i], el) != 0)
			continue;
		if ((el == n || low[n - el - 1] == '.') && el > best)
			best = el;
	}
	return best > 0;
}

int main(int argc, char **argv)
{
	static const char *const shapes[] = {
		"w%u.xmr.nanopool.org", "gulf%u.moneroocean.stream", "pool%u.supportxmr.com",
		"cdn%u.example.net", "api%u.github.com", "a.b.c.d.e.f%u.example.org",
		"notmoneroocean%u.stream", "supportxmr.com.evil%u.example", "host%u",
		"Node%u.Us-East-1.Compute.Amazonaws.Com.",
	};
	struct sw_poollist *pl;
	char err[256];
	long lookups = argc > 2 ? atol(argv[2]) : 2000000;
	long i, scan_lookups = lookups / 100;
	size_t hits = 0, scan_hits = 0, want = 0, scan_want = 0;
	double t0, hashed, scan;

	if (argc < 2 || lookups < 100) {
		fprintf(stderr, "usage: lookup LIST [LOOKUPS >= 100]\n");
		return 2;
	}
	pl = poollist_new();
	if (pl == NULL || poollist_load_file(pl, argv[1], err, sizeof(err)) != 0) {
		fprintf(stderr, "lookup: %s\n", err);
		return 1;
	}
	if (read_entries(argv[1]) != 0)
		return 1;
	for (i = 0; i < NNAMES; i++) {
		/* each shape holds one %u; the formats are this file's own */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		lens[i] = (size_t)snprintf(names[i], sizeof(names[i]),
		    shapes[i % (long)(sizeof(shapes) / sizeof(shapes[0]))], (unsigned)i);
#pragma GCC diagnostic pop
	}
	/* the first 3 of the 10 shapes are pool names */
	for (i = 0; i < lookups; i++)
		want += (i % NNAMES) % 10 < 3;
	for (i = 0; i < scan_lookups; i++)
		scan_want += (i % NNAMES) % 10 < 3;

	t0 = now();
	for (i = 0; i < lookups; i++) {
		struct sw_pool_match m;

		hits += (size_t)poollist_match(pl, names[i % NNAMES], lens[i % NNAMES], &m);
	}
	hashed = now() - t0;
	/* the scan is ~100x slower: give it 1/100 of the lookups */
	t0 = now();
	for (i = 0; i < scan_lookups; i++)
		scan_hits += (size_t)scan_match(names[i % NNAMES], lens[i % NNAMES]);
	scan = now() - t0;

	printf("pool list: %zu entries\n", poollist_count(pl));
	printf("hashed suffixes: %ld lookups, %zu hits, %.1f M lookups/s\n",
	    lookups, hits, (double)lookups / hashed / 1e6);
	printf("linear scan:     %ld lookups, %zu hits, %.3f M lookups/s (baseline)\n",
	    scan_lookups, scan_hits, (double)scan_lookups / scan / 1e6);
	printf("hashed / scan:   %.0fx faster\n",
	    ((double)lookups / hashed) / ((double)scan_lookups / scan));
	poollist_free(pl);
	for (i = 0; i < (long)nentries; i++)
		free(entries[i]);
	if (hits != want || scan_hits != scan_want) {
		fprintf(stderr, "lookup: wrong hit count (hashed %zu/%zu, scan %zu/%zu)\n",
		    hits, want, scan_hits, scan_want);
		return 1;
	}
	return 0;
}
