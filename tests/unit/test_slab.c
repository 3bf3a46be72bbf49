/* test_slab.c: a slab's objects are zeroed, 16-aligned, distinct while
 * live, reused once freed (last freed first), and its blocks are made
 * only when every carved object is live; sw_slab_release gives them all
 * back (ASan and valgrind runs see the blocks go). Under AddressSanitizer
 * the slab is calloc and free, so only what holds for both is checked
 * there. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sw_slab.h"
#include "sw_test.h"

struct odd { char b[40]; };     /* rounded up to 48 */
struct tiny { uint8_t x; };     /* rounded up to 16 */
struct big { char b[16000]; };  /* fits one block, barely */
struct huge { char b[16384]; }; /* fits none */

#define LIVE 2000

static int all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i] != 0)
			return 0;
	return 1;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;

	return x < y ? -1 : x > y;
}

/* LIVE objects at once: none overlaps another, every one zeroed even
 * when its memory held an object before. */
static void test_many_live(void)
{
	static struct sw_slab s = SW_SLAB_INIT(struct odd);
	static void *p[LIVE];
	size_t i, blocks;
	int round;

	EXPECT_EQ_U64(s.size, 48);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < LIVE; i++) {
			p[i] = sw_slab_zalloc(&s);
			FAIL_UNLESS(p[i] != NULL);
			if (p[i] == NULL)
				return;
			FAIL_UNLESS(((uintptr_t)p[i] & 15) == 0);
			FAIL_UNLESS(all_zero(p[i], sizeof(struct odd)));
			memset(p[i], 0xa5, sizeof(struct odd));
		}
		qsort(p, LIVE, sizeof(p[0]), cmp_ptr);
		for (i = 1; i < LIVE; i++)
			FAIL_UNLESS((char *)p[i - 1] + sizeof(struct odd) <= (char *)p[i]);
		for (i = 0; i < LIVE; i++)
			sw_slab_free(&s, p[i]);
	}
#ifndef SW_SLAB_PASSTHROUGH
	/* the second round took only freed objects: no block more */
	blocks = s.block_count;
	EXPECT_EQ_U64(s.objects, LIVE);
	EXPECT_EQ_U64(blocks, (LIVE + 340) / 341); /* (16384 - 16) / 48 a block */
#else
	(void)blocks;
#endif
	sw_slab_release(&s);
	EXPECT_EQ_U64(s.objects, 0);
	EXPECT_EQ_U64(s.block_count, 0);
}

/* The object freed last is the next one handed out: a new flow's state
 * is the one still in the cache. */
static void test_lifo(void)
{
	static struct sw_slab s = SW_SLAB_INIT(struct tiny);
	void *a = sw_slab_zalloc(&s), *b = sw_slab_zalloc(&s), *c;

	EXPECT_EQ_U64(s.size, 16);
	FAIL_UNLESS(a != NULL && b != NULL && a != b);
	sw_slab_free(&s, a);
	sw_slab_free(&s, NULL); /* ignored */
	c = sw_slab_zalloc(&s);
	FAIL_UNLESS(c != NULL && all_zero(c, 16));
#ifndef SW_SLAB_PASSTHROUGH
	FAIL_UNLESS(c == a);
	EXPECT_EQ_U64(s.objects, 2);
#endif
	sw_slab_free(&s, b);
	sw_slab_free(&s, c);
	sw_slab_release(&s);
	sw_slab_release(&s); /* twice: nothing left to give */
}

/* One object a block at the largest size; a type too big for a block is
 * refused (NULL), not carved past the block's end. */
static void test_sizes(void)
{
	static struct sw_slab s = SW_SLAB_INIT(struct big);
	static struct sw_slab h = SW_SLAB_INIT(struct huge);
	void *a = sw_slab_zalloc(&s), *b = sw_slab_zalloc(&s);

	FAIL_UNLESS(a != NULL && b != NULL && a != b);
#ifndef SW_SLAB_PASSTHROUGH
	EXPECT_EQ_U64(s.block_count, 2);
	FAIL_UNLESS(sw_slab_zalloc(&h) == NULL);
	EXPECT_EQ_U64(h.block_count, 0);
#endif
	sw_slab_free(&s, a);
	sw_slab_free(&s, b);
	sw_slab_release(&s);
	sw_slab_release(&h);
}

int main(void)
{
	test_many_live();
	test_lifo();
	test_sizes();
	return sw_test_done("test_slab");
}
