/* slab.c: a slab's blocks (sw_slab.h). */
#include "sw_slab.h"

#include <stdint.h>

/* 16 KiB: a few tens of objects of the largest states (320 bytes) and a
 * thousand of the smallest; glibc serves it from the heap, not by mmap. */
#define SLAB_BLOCK 16384
#define SLAB_HEADER 16 /* the chain to the next block, objects 16-aligned */

void *sw_slab_grow(struct sw_slab *s)
{
	char *b;

	if (s->size == 0 || s->size > SLAB_BLOCK - SLAB_HEADER ||
	    (b = malloc(SLAB_BLOCK)) == NULL)
		return NULL;
	memcpy(b, &s->blocks, sizeof(void *));
	s->blocks = b;
	s->block_count++;
	s->fresh = b + SLAB_HEADER + s->size;
	s->end = b + SLAB_BLOCK;
	s->objects++;
	return b + SLAB_HEADER;
}

/* Give every block back: only once none of the slab's objects is live. */
void sw_slab_release(struct sw_slab *s)
{
	void *b = s->blocks;

	while (b != NULL) {
		void *next;

		memcpy(&next, b, sizeof(void *));
		free(b);
		b = next;
	}
	s->blocks = s->free = NULL;
	s->fresh = s->end = NULL;
	s->objects = s->block_count = 0;
}
