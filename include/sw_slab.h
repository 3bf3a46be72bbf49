/* sw_slab.h: fixed-size objects carved from 16 KiB blocks, for the
 * per-flow states the dissectors make at a flow's start and free at its
 * end (src/slab.c).
 *
 * Why: calloc took 200 to 250 instructions an object on the Stratum-heavy
 * benchmark (glibc serves 16- to 320-byte chunks from the top of the heap
 * or its sorted bins, not a cache, once tens of thousands are live) and
 * free 60 more. Here an object is the head of a free list or the next
 * bytes of the newest block, and a free pushes it back: a few
 * instructions each, no malloc header (a 16-byte DNS state took a
 * 32-byte chunk). Used for states a packet reads alone (DNS, TLS,
 * proxy): objects of one type sit together, apart from what else their
 * flow holds, and for the Stratum state and session, read with their
 * text on every packet of tens of thousands of sessions, that was 10%
 * slower on the whole file than malloc's side-by-side placement, though
 * fewer instructions.
 *
 * Policy: blocks are kept, not given back, until sw_slab_release: a slab
 * holds the most objects it ever had live at once, each a flow's state,
 * so the flow table's cap (flow_max, counted by its evictions) bounds it.
 * One slab per object type and thread (_Thread_local at its user): no
 * lock.
 *
 * Under AddressSanitizer every object is a calloc and a free of its own,
 * so ASan's redzones and quarantine see each one. */
#ifndef SW_SLAB_H
#define SW_SLAB_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define SW_SLAB_PASSTHROUGH 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SW_SLAB_PASSTHROUGH 1
#endif
#endif

struct sw_slab {
	size_t size;       /* bytes an object takes: its type's, rounded to 16 */
	void *free;        /* freed objects, chained through their first word */
	char *fresh;       /* the newest block's part never handed out */
	char *end;         /* the newest block's end */
	void *blocks;      /* every block, chained through its first word */
	size_t objects;    /* carved so far (live and free) */
	size_t block_count;
};

/* A slab of objects of `type`, ready to use (static storage). */
#define SW_SLAB_INIT(type) { .size = (sizeof(type) + 15) & ~(size_t)15 }

void *sw_slab_grow(struct sw_slab *s); /* slab.c: a new block's first object */
void sw_slab_release(struct sw_slab *s);

/* A zeroed object; NULL when out of memory. */
static inline void *sw_slab_zalloc(struct sw_slab *s)
{
#ifdef SW_SLAB_PASSTHROUGH
	return calloc(1, s->size);
#else
	void *p = s->free;

	if (p != NULL)
		memcpy(&s->free, p, sizeof(void *));
	else if ((size_t)(s->end - s->fresh) >= s->size) {
		p = s->fresh;
		s->fresh += s->size;
		s->objects++;
	} else if ((p = sw_slab_grow(s)) == NULL)
		return NULL;
	return memset(p, 0, s->size);
#endif
}

/* Give back p (from sw_slab_zalloc on s; NULL is ignored). */
static inline void sw_slab_free(struct sw_slab *s, void *p)
{
#ifdef SW_SLAB_PASSTHROUGH
	(void)s;
	free(p);
#else
	if (p == NULL)
		return;
	memcpy(p, &s->free, sizeof(void *));
	s->free = p;
#endif
}

#endif
