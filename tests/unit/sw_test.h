/* sw_test.h: tiny assertion helpers for the unit tests.
 *
 * Each unit test is one program run by automake's parallel harness: exit 0
 * passes, 77 skips, anything else fails. FAIL_IF prints the file, line and
 * expression and counts a failure; sw_test_done() returns the exit status.
 * sw_guarded_copy() places input flush against a PROT_NONE page, so any
 * over-read crashes even without ASan (as picohttpparser's test.c does). */
#ifndef SW_TEST_H
#define SW_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int sw_test_failures;
static int sw_test_checks;

#define FAIL_IF(cond) do {                                              \
	sw_test_checks++;                                               \
	if (cond) {                                                     \
		fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond); \
		sw_test_failures++;                                     \
	}                                                               \
} while (0)

#define FAIL_UNLESS(cond) FAIL_IF(!(cond))

#define EXPECT_EQ_U64(a, b) do {                                        \
	unsigned long long sw_a_ = (unsigned long long)(a);             \
	unsigned long long sw_b_ = (unsigned long long)(b);             \
	sw_test_checks++;                                               \
	if (sw_a_ != sw_b_) {                                           \
		fprintf(stderr, "%s:%d: FAIL: %s == %llu, expected %llu\n", \
		    __FILE__, __LINE__, #a, sw_a_, sw_b_);              \
		sw_test_failures++;                                     \
	}                                                               \
} while (0)

#define EXPECT_STREQ(a, b) do {                                         \
	const char *sw_a_ = (a), *sw_b_ = (b);                          \
	sw_test_checks++;                                               \
	if (sw_a_ == NULL || sw_b_ == NULL || strcmp(sw_a_, sw_b_) != 0) { \
		fprintf(stderr, "%s:%d: FAIL: %s == \"%s\", expected \"%s\"\n", \
		    __FILE__, __LINE__, #a, sw_a_ ? sw_a_ : "(null)",   \
		    sw_b_ ? sw_b_ : "(null)");                          \
		sw_test_failures++;                                     \
	}                                                               \
} while (0)

static inline int sw_test_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, sw_test_checks, sw_test_failures);
	return sw_test_failures == 0 ? 0 : 1;
}

/* Guarded buffers: data copied so that its last byte sits right before an
 * inaccessible page. Free with sw_guarded_free(). */
struct sw_guarded {
	uint8_t *map;
	size_t maplen;
	uint8_t *data;
};

static inline uint8_t *sw_guarded_copy(struct sw_guarded *g, const void *src, size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t pages = (n + page - 1) / page + 1;

	g->maplen = pages * page;
	g->map = mmap(NULL, g->maplen, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->map == MAP_FAILED) {
		perror("mmap");
		exit(99);
	}
	if (mprotect(g->map + (pages - 1) * page, page, PROT_NONE) != 0) {
		perror("mprotect");
		exit(99);
	}
	g->data = g->map + (pages - 1) * page - n;
	if (n > 0)
		memcpy(g->data, src, n);
	return g->data;
}

static inline void sw_guarded_free(struct sw_guarded *g)
{
	munmap(g->map, g->maplen);
}

#endif
