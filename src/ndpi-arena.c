/* ndpi-arena.c: nDPI's start-up allocations, packed (ndpi-arena.h).
 *
 * nDPI 4.2 builds its host automata and IP patricia trees at start-up out of
 * some 100,000 small allocations (56-byte tree nodes, 12-byte prefixes,
 * automaton nodes) that live until exit. Through malloc each pays an 8-byte
 * chunk header and rounding to 16 bytes, at least 32 (a 12-byte prefix takes
 * 32): 1.2 MB of the 5.7 MB nDPI holds, on every run. While the arena is
 * open they are carved from 1 MiB blocks instead, 8 bytes apart.
 *
 * Why that is safe here: nDPI asks for memory through ndpi_malloc, a plain
 * function, so its compiler assumes no more alignment than the types need
 * (8 bytes on x86-64 and arm64: pointers, 64-bit integers; checked below
 * for the types it allocates most). nDPI frees start-up
 * memory only at exit or when it grows an array during start-up; such a
 * free of arena memory is ignored (the bytes stay in the block) and every
 * other pointer goes to free(). Blocks are released when the last module
 * is gone. Bounded: ARENA_BLOCKS blocks; past them, and for requests above
 * ARENA_BIG, memory comes from malloc as before. */
#include <stdint.h>
#include <stdlib.h>

#include <ndpi_api.h>

#include "ndpi-arena.h"

#define ARENA_BLOCK  ((size_t)1 << 20)
#define ARENA_BLOCKS 16
#define ARENA_BIG    4096

static struct {
	uint8_t *base[ARENA_BLOCKS];
	size_t nblocks;
	size_t used;         /* bytes carved from the last block */
	int open;            /* carving: between ndpi_arena_open and _close */
	int users;           /* modules whose start-up memory is in the blocks */
	int hooked;
} arena;

static int in_arena(const void *p)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < arena.nblocks; i++)
		if (b >= arena.base[i] && b < arena.base[i] + ARENA_BLOCK)
			return 1;
	return 0;
}

/* The types nDPI allocates most of at start-up need no more than this. */
#define ARENA_ALIGN 8
_Static_assert(_Alignof(ndpi_patricia_node_t) <= ARENA_ALIGN, "patricia node alignment");
_Static_assert(_Alignof(ndpi_prefix_t) <= ARENA_ALIGN, "prefix alignment");
_Static_assert(_Alignof(ndpi_proto_defaults_t) <= ARENA_ALIGN, "proto defaults alignment");

static void *carve(size_t n)
{
	size_t at = (arena.used + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

	if (n == 0 || n > ARENA_BIG)
		return malloc(n);
	if (arena.nblocks == 0 || at + n > ARENA_BLOCK) {
		uint8_t *b;

		if (arena.nblocks == ARENA_BLOCKS || (b = malloc(ARENA_BLOCK)) == NULL)
			return malloc(n);
		arena.base[arena.nblocks++] = b;
		at = 0;
	}
	arena.used = at + n;
	return arena.base[arena.nblocks - 1] + at;
}

static void *hook_malloc(size_t n)
{
	return arena.open ? carve(n) : malloc(n);
}

static void hook_free(void *p)
{
	if (p != NULL && !in_arena(p))
		free(p);
}

void ndpi_arena_open(void)
{
	if (!arena.hooked) {
		set_ndpi_malloc(hook_malloc);
		set_ndpi_free(hook_free);
		arena.hooked = 1;
	}
	arena.open = 1;
	arena.users++;
}

void ndpi_arena_close(void)
{
	arena.open = 0;
}

void ndpi_arena_release(void)
{
	size_t i;

	if (arena.users == 0 || --arena.users > 0)
		return;
	for (i = 0; i < arena.nblocks; i++)
		free(arena.base[i]);
	arena.nblocks = 0;
	arena.used = 0;
}

size_t ndpi_arena_bytes(void)
{
	return arena.nblocks == 0 ? 0 : (arena.nblocks - 1) * ARENA_BLOCK + arena.used;
}
