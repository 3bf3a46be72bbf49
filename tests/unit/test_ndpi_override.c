/* test_ndpi_override.c: src/ndpi-override.c's NDPI_BITMASK_COMPARE and
 * ndpi_strnstr are the ones the dynamic linker hands to nDPI, and they
 * answer as nDPI 4.2's own do (reached with RTLD_NEXT) on edge cases and
 * random inputs: bitmasks with no, one and many common bits in every
 * word; haystacks of a small alphabet with NULs, every slen, needles
 * taken from the haystack (so matches happen) and random ones. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ndpi_api.h>

#include "../../src/ndpi-override.h"
#include "sw_test.h"

typedef int (*cmp_fn)(NDPI_PROTOCOL_BITMASK, NDPI_PROTOCOL_BITMASK);
typedef char *(*strnstr_fn)(const char *, const char *, size_t);

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static void test_bound_here(void)
{
	/* a call into libndpi, so that it is linked (--as-needed) as it is
	 * into stratumwatch, which calls it throughout */
	FAIL_IF(ndpi_revision() == NULL);
	FAIL_UNLESS(dlsym(RTLD_DEFAULT, "NDPI_BITMASK_COMPARE") == (void *)NDPI_BITMASK_COMPARE);
	FAIL_UNLESS(dlsym(RTLD_DEFAULT, "ndpi_strnstr") == (void *)ndpi_strnstr);
	/* and the library has its own, which the next tests compare with */
	FAIL_IF(dlsym(RTLD_NEXT, "NDPI_BITMASK_COMPARE") == NULL);
	FAIL_IF(dlsym(RTLD_NEXT, "ndpi_strnstr") == NULL);
	FAIL_UNLESS(dlsym(RTLD_DEFAULT, "ndpi_exclude_protocol") == (void *)ndpi_exclude_protocol);
	FAIL_IF(dlsym(RTLD_NEXT, "ndpi_exclude_protocol") == NULL);
	/* ndpi-ptree-memo.c's two */
	FAIL_UNLESS(dlsym(RTLD_DEFAULT, "ndpi_network_port_ptree_match") ==
	    (void *)ndpi_network_port_ptree_match);
	FAIL_UNLESS(dlsym(RTLD_DEFAULT, "ndpi_network_ptree_match") ==
	    (void *)ndpi_network_ptree_match);
	FAIL_IF(dlsym(RTLD_NEXT, "ndpi_network_port_ptree_match") == NULL);
	FAIL_IF(dlsym(RTLD_NEXT, "ndpi_network_ptree_match") == NULL);
}

/* fn against the library's own on every single common bit (and its
 * absence) and on sparse random sets, most of which do not intersect */
static void check_bitmask(cmp_fn lib, cmp_fn fn)
{
	NDPI_PROTOCOL_BITMASK a, b;
	size_t w, bit, i;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	EXPECT_EQ_U64((uint64_t)fn(a, b), 0);
	for (w = 0; w < 16; w++)
		for (bit = 0; bit < 32; bit++) {
			memset(&a, 0, sizeof(a));
			memset(&b, 0xff, sizeof(b));
			b.fds_bits[w] &= ~(1u << bit);
			a.fds_bits[w] = 1u << bit;
			EXPECT_EQ_U64((uint64_t)fn(a, b), 0);
			EXPECT_EQ_U64((uint64_t)lib(a, b), 0);
			b.fds_bits[w] |= 1u << bit;
			EXPECT_EQ_U64((uint64_t)fn(a, b), 1);
			EXPECT_EQ_U64((uint64_t)lib(a, b), 1);
		}
	for (i = 0; i < 200000; i++) {
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		for (w = next() % 4; w > 0; w--)
			a.fds_bits[next() % 16] |= 1u << (next() % 32);
		for (w = next() % 40; w > 0; w--)
			b.fds_bits[next() % 16] |= 1u << (next() % 32);
		EXPECT_EQ_U64((uint64_t)fn(a, b), (uint64_t)lib(a, b));
	}
}

/* what nDPI calls (the AVX2 version where the CPU has it), and the
 * portable one */
static void test_bitmask(void)
{
	cmp_fn lib = (cmp_fn)dlsym(RTLD_NEXT, "NDPI_BITMASK_COMPARE");

	if (lib == NULL)
		return;
	check_bitmask(lib, NDPI_BITMASK_COMPARE);
	check_bitmask(lib, sw_bitmask_any_base);
#if defined(__x86_64__) && defined(__GNUC__)
	__builtin_cpu_init();
	if (!__builtin_cpu_supports("avx2"))
		fprintf(stderr, "test_ndpi_override: no AVX2 here, its version not run\n");
#endif
}

static void check_strnstr(strnstr_fn lib, const char *s, const char *find, size_t slen)
{
	char *want = lib(s, find, slen), *got = ndpi_strnstr(s, find, slen);

	if (want != got) {
		fprintf(stderr, "ndpi_strnstr(\"%.*s\", \"%s\", %zu): library %td, here %td\n",
		    (int)slen, s, find, slen, want ? want - s : -1, got ? got - s : -1);
		FAIL_UNLESS(want == got);
	}
}

static void test_strnstr(void)
{
	strnstr_fn lib = (strnstr_fn)dlsym(RTLD_NEXT, "ndpi_strnstr");
	static const char alpha[] = "ab\0c";
	char hay[80], needle[12];
	size_t i, n, k, slen, at;

	if (lib == NULL)
		return;
	/* edge cases: empty needle, empty haystack, slen 0, needle longer
	 * than slen, match ending exactly at slen, a NUL before the match */
	check_strnstr(lib, "abc", "", 3);
	check_strnstr(lib, "", "a", 0);
	check_strnstr(lib, "abc", "a", 0);
	check_strnstr(lib, "abc", "abcd", 3);
	check_strnstr(lib, "xxabc", "abc", 5);
	check_strnstr(lib, "xxabc", "abc", 4);
	check_strnstr(lib, "x\0abc", "abc", 5);
	check_strnstr(lib, "HTTP/1.1 200 OK", "HTTP/1.", 15);
	/* random haystacks over a, b, NUL, c: many partial matches */
	for (i = 0; i < 100000; i++) {
		n = 1 + next() % (sizeof(hay) - 1);
		for (k = 0; k < n; k++)
			hay[k] = alpha[next() % 4];
		hay[n] = '\0';
		k = 1 + next() % (sizeof(needle) - 1);
		if (next() % 2) {
			/* a piece of the haystack, NUL-free */
			at = next() % n;
			for (k = 0; k + 1 < sizeof(needle) && at + k < n && hay[at + k] != '\0' &&
			    k < 1 + next() % 8; k++)
				needle[k] = hay[at + k];
		} else {
			size_t j;

			for (j = 0; j < k; j++)
				needle[j] = "abc"[next() % 3];
		}
		needle[k] = '\0';
		slen = next() % (n + 2);
		if (slen > n)
			slen = n; /* the library reads up to slen bytes */
		check_strnstr(lib, hay, needle, slen);
	}
}

typedef u_int16_t (*port_match_fn)(struct ndpi_detection_module_struct *, struct in_addr *,
    u_int16_t);
typedef u_int16_t (*addr_match_fn)(struct ndpi_detection_module_struct *, struct in_addr *);

/* An address: one of nDPI's listed networks (Google, Facebook, Apple,
 * Cloudflare, Amazon, Tor...) or any, with a few ports, so that both
 * listed and unlisted answers, hits and colliding misses happen. */
static uint32_t pick_addr(void)
{
	static const uint32_t listed[] = {
		0x08080808, 0x8efa0000, 0x1f0d4001, 0x11000001, 0x68100001, 0x34000001,
		0xc0a80001, 0xffffffff, 0x0a000001, 0x6a000001, 0xd83ad001, 0x9dF00001,
	};

	if (next() % 3 == 0)
		return htonl(listed[next() % (sizeof(listed) / sizeof(listed[0]))] + next() % 256);
	return htonl(next());
}

/* the memo's answers are the library's, asked directly, whatever came
 * before: each address asked a few times among others, on two modules */
static void test_ptree_memo(void)
{
	port_match_fn lib_port = (port_match_fn)dlsym(RTLD_NEXT, "ndpi_network_port_ptree_match");
	addr_match_fn lib_addr = (addr_match_fn)dlsym(RTLD_NEXT, "ndpi_network_ptree_match");
	struct ndpi_detection_module_struct *mod[2];
	NDPI_PROTOCOL_BITMASK all;
	uint32_t recent[64];
	size_t i, listed_hits = 0;
	int k;

	if (lib_port == NULL || lib_addr == NULL)
		return;
	for (k = 0; k < 2; k++) {
		mod[k] = ndpi_init_detection_module(ndpi_no_prefs);
		FAIL_IF(mod[k] == NULL);
		if (mod[k] == NULL)
			return;
		NDPI_BITMASK_SET_ALL(all);
		ndpi_set_protocol_detection_bitmask2(mod[k], &all);
		ndpi_finalize_initialization(mod[k]);
	}
	for (i = 0; i < sizeof(recent) / sizeof(recent[0]); i++)
		recent[i] = pick_addr();
	for (i = 0; i < 200000; i++) {
		struct in_addr a;
		uint16_t port = (uint16_t)(next() % 4 == 0 ? 0 : htons((uint16_t)(next() % 4 == 0 ?
		    next() : (next() % 2 ? 443 : 80))));
		struct ndpi_detection_module_struct *m = mod[next() % 2];
		u_int16_t want, got;

		if (next() % 2)
			recent[next() % 64] = pick_addr();
		a.s_addr = recent[next() % 64];
		want = lib_port(m, &a, port);
		got = ndpi_network_port_ptree_match(m, &a, port);
		EXPECT_EQ_U64(got, want);
		listed_hits += want != NDPI_PROTOCOL_UNKNOWN;
		want = lib_addr(m, &a);
		got = ndpi_network_ptree_match(m, &a);
		EXPECT_EQ_U64(got, want);
	}
	/* the listed networks were found: the comparison was not all "unknown" */
	FAIL_UNLESS(listed_hits > 1000);
	for (k = 0; k < 2; k++)
		ndpi_exit_detection_module(mod[k]);
}

typedef void (*exclude_fn)(struct ndpi_detection_module_struct *, struct ndpi_flow_struct *,
    u_int16_t, const char *, const char *, int);

/* every protocol id, excluded by the library's function and by ours on
 * two flows that start alike (empty, then with bits already set): the
 * flows must stay byte for byte the same */
static void test_exclude(void)
{
	exclude_fn lib = (exclude_fn)dlsym(RTLD_NEXT, "ndpi_exclude_protocol");
	struct ndpi_detection_module_struct *mod;
	struct ndpi_flow_struct *a, *b;
	uint32_t id;
	int pass;

	if (lib == NULL)
		return;
	mod = ndpi_init_detection_module(ndpi_no_prefs);
	a = calloc(1, sizeof(*a));
	b = calloc(1, sizeof(*b));
	FAIL_IF(mod == NULL || a == NULL || b == NULL);
	if (mod == NULL || a == NULL || b == NULL) {
		free(a);
		free(b);
		return;
	}
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			memset(a, 0x5a, sizeof(*a));
			memset(b, 0x5a, sizeof(*b));
		}
		for (id = 0; id <= 0xffff; id++) {
			lib(mod, a, (u_int16_t)id, __FILE__, __func__, __LINE__);
			ndpi_exclude_protocol(mod, b, (u_int16_t)id, __FILE__, __func__, __LINE__);
			FAIL_UNLESS(memcmp(a, b, sizeof(*a)) == 0);
			if (pass == 0 && id % 64 == 63) {
				/* start again from nothing now and then: a bit already
				 * set would hide a wrong one */
				memset(a, 0, sizeof(*a));
				memset(b, 0, sizeof(*b));
			}
		}
	}
	free(a);
	free(b);
	ndpi_exit_detection_module(mod);
}

int main(void)
{
	test_bound_here();
	test_bitmask();
	test_strnstr();
	test_ptree_memo();
	test_exclude();
	return sw_test_done("test_ndpi_override");
}
