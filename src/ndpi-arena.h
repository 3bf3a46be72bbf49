/* ndpi-arena.h: nDPI's start-up allocations carved from a few large blocks
 * instead of ~100,000 mallocs (ndpi-arena.c says why and when it is safe).
 *
 * Used by ndpi_glue.c only: open before ndpi_init_detection_module, close
 * once the module is finalised (nDPI's per-flow memory then comes from
 * malloc), release after ndpi_exit_detection_module. The hooks are nDPI's
 * process-wide set_ndpi_malloc/set_ndpi_free; modules are made and freed
 * on one thread. */
#ifndef SW_NDPI_ARENA_H
#define SW_NDPI_ARENA_H

#include <stddef.h>

void ndpi_arena_open(void);
void ndpi_arena_close(void);
void ndpi_arena_release(void);

/* Bytes carved so far (tests). */
size_t ndpi_arena_bytes(void);

#endif
