/* json-arena.c: see json-arena.h. */
#include <stdint.h>
#include <stdlib.h>

#include "json-arena.h"

#define ARENA_SIZE (64 * 1024) /* a Stratum line's tree; bigger ones overflow to malloc */
#define ARENA_ALIGN 16

static _Thread_local struct {
	unsigned char *base;
	size_t used;
	int depth;      /* begin/end nesting; the arena is emptied at 0 */
	int overflowed; /* something since begin came from malloc */
} arena;

static int in_arena(const void *p)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)arena.base;

	return arena.base != NULL && a >= b && a < b + ARENA_SIZE;
}

static void *arena_malloc(size_t n)
{
	if (arena.depth > 0 && arena.base != NULL) {
		size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

		if (need >= n && need <= ARENA_SIZE - arena.used) {
			void *p = arena.base + arena.used;

			arena.used += need;
			return p;
		}
		arena.overflowed = 1;
	}
	return malloc(n);
}

static void arena_free(void *p)
{
	if (!in_arena(p))
		free(p);
}

/* Installed before main() and so before any thread or cJSON call: the
 * hooks are process-wide and cJSON_InitHooks is not thread-safe. */
__attribute__((constructor)) static void json_arena_install(void)
{
	cJSON_Hooks h = { arena_malloc, arena_free };

	cJSON_InitHooks(&h);
}

void json_arena_begin(void)
{
	if (arena.base == NULL)
		arena.base = malloc(ARENA_SIZE); /* NULL: plain malloc, still correct */
	if (arena.depth++ == 0) {
		arena.used = 0;
		arena.overflowed = 0;
	}
}

void json_arena_end(cJSON *root)
{
	/* nodes that overflowed to malloc must be freed one by one; the
	 * walk skips arena nodes (arena_free) */
	if (arena.overflowed || arena.depth > 1)
		cJSON_Delete(root);
	if (arena.depth > 0 && --arena.depth == 0)
		arena.used = 0;
}
