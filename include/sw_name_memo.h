/* sw_name_memo.h: the slot of a name in a small direct-mapped memo (the
 * pool-list matches in intel.c, nDPI's host answers in ndpi_glue.c). */
#ifndef SW_NAME_MEMO_H
#define SW_NAME_MEMO_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The slot of name[0..n) among `slots` (a power of two): from its length
 * and its first and last 8 bytes (where names differ: the host label, the
 * domain), so that the hash costs the same for a 200-byte tunnel name as
 * for a pool's. A collision only costs a look-up: callers keep the name
 * and compare it in full. */
static inline size_t sw_name_memo_slot(const char *name, size_t n, size_t slots)
{
	uint64_t a = 0, b = 0, h;

	if (n >= 8) {
		memcpy(&a, name, 8);
		memcpy(&b, name + n - 8, 8);
	} else
		memcpy(&a, name, n);
	h = (a * 0x9e3779b97f4a7c15ULL) ^ (b * 0xc2b2ae3d27d4eb4fULL) ^ (uint64_t)n;
	h *= 0xbf58476d1ce4e5b9ULL;
	return (size_t)(h >> 32) & (slots - 1);
}

#endif
