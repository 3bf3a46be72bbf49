/* json-arena.h: cJSON's allocations for one message from a bump arena.
 *
 * Parsing a Stratum line with cJSON made a malloc per node and a free per
 * node in cJSON_Delete: a quarter of the dissector's cost on a busy miner
 * session. Between json_arena_begin() and json_arena_end() this thread's
 * cJSON allocations come from a per-thread arena that json_arena_end()
 * empties in one step. Outside that bracket, on other threads (the
 * Kubernetes pod list), and for what does not fit in the arena, cJSON
 * uses malloc and free as before; a free of arena memory is a no-op. */
#ifndef SW_JSON_ARENA_H
#define SW_JSON_ARENA_H

#include <cjson/cJSON.h>

void json_arena_begin(void);
/* Free root (NULL is fine) and everything else allocated since begin. */
void json_arena_end(cJSON *root);

#endif
